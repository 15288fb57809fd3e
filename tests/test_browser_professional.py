"""A teacher in two families signs in through the municipality's login (the test OpenID provider) and sees
Mine familier, a family and a meeting, at 1280 and 360 px, with axe finding nothing (our pages; the mock's is a
library's)."""

import pytest

from browser import DESKTOP, PHONE, Tab
from staff_sso_helpers import portal_with_oidc_staff_login

pytestmark = [pytest.mark.timeout(240), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    with portal_with_oidc_staff_login(tmp_path_factory.mktemp("professional")) as served:
        yield served


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_teacher_signs_in_with_the_municipalitys_login_and_sees_mine_familier(browser, sites, viewport):
    app, base = sites
    tab = Tab(browser, base, viewport=viewport)
    tab.goto("/staff/login")
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    tab.page.get_by_role("button", name="Hanne Bech (lærer, fagperson i to familier)").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == f"{base}/fagperson/"
    text = tab.main_text()
    assert "Mine familier" in text and "Familien Holm" in text and "Familien Yilmaz Andersen" in text
    assert "Støtte til Emil i klassen" in text and "Karen Dahl" in text
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("link", name="Familien Holm").click()
    tab.page.wait_for_load_state()
    assert "Hvem er ellers med" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.locator("section[aria-labelledby=moeder] a").first.click()
    tab.page.wait_for_load_state()
    assert "Hvem kommer" in tab.main_text() and "Dagsorden" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.close()
