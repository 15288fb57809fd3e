"""Staff single sign-on in Chromium: a coordinator signs in through the test OpenID provider to their caseload.

The portal is served at http://localhost:PORT and the OpenID mock at
http://127.0.0.1:PORT, as ./run.sh serves them. axe checks every page of ours
on the way (the mock's page is a library's, not ours).
"""

import pytest

from browser import DESKTOP, PHONE, Tab
from staff_sso_helpers import portal_with_oidc_staff_login

pytestmark = [pytest.mark.timeout(240), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    with portal_with_oidc_staff_login(tmp_path_factory.mktemp("staff_sso")) as served:
        yield served


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_coordinator_signs_in_through_single_sign_on_to_their_caseload(browser, sites, viewport):
    app, base = sites
    tab = Tab(browser, base, viewport=viewport)
    tab.goto("/staff/login")
    assert "Log ind som medarbejder" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    assert tab.page.url.startswith(app.config["STAFF_OIDC_ISSUER"])
    tab.page.get_by_role("button", name="Mette Lund (koordinator)").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == f"{base}/staff/"
    assert "Familien Holm" in tab.main_text() and "Familien Yilmaz Andersen" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.close()


def test_someone_the_portal_does_not_know_gets_a_clear_page(browser, sites):
    app, base = sites
    tab = Tab(browser, base)
    tab.goto("/staff/login")
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    tab.page.get_by_role("button", name="Kim Ukendt (ikke oprettet i portalen)").click()
    tab.page.wait_for_load_state()
    assert "Du er ikke oprettet i Familieportalen" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.goto("/staff/")
    assert "/staff/" not in tab.page.url  # no session: sent to sign in
    tab.close()


def test_cancelling_at_the_login_gets_a_friendly_page(browser, sites):
    app, base = sites
    tab = Tab(browser, base)
    tab.goto("/staff/login")
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    tab.page.get_by_role("button", name="Afbryd").click()
    tab.page.wait_for_load_state()
    assert "Kommunens login blev afbrudt" in tab.main_text()
    tab.check_accessibility()
    tab.close()
