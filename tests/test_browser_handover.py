"""Hand-over in Chromium at 1280 and 360 px (axe finds nothing), and with JavaScript off: a teacher hands her plan
item to a colleague, the coordinator sees "venter på at blive overtaget", the colleague accepts ("Overtag"), and the
parent sees the new name only then. Everyone but the parent signs in through the test OpenID provider."""
import pytest

from browser import DESKTOP, PHONE, Tab, sign_in
from portal.data.db import get_db
from portal.dev_idp import oidc_mock
from staff_sso_helpers import portal_with_oidc_staff_login

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]

SUPPORT = "Støtte til Emil i klassen og i frikvarteret"  # Hanne Bech's item in Familien Holm
RASMUS_EMAIL = "rasmus.kjaer@demo-kommune.dk"
RASMUS = oidc_mock._staff("Rasmus Kjær", RASMUS_EMAIL, "psykolog i PPR")


@pytest.fixture
def sites(tmp_path):
    with portal_with_oidc_staff_login(tmp_path, more_people=[RASMUS]) as (app, base):
        with app.app_context():  # the demo's psychologist gets the address the test login knows him by
            db = get_db()
            db.execute("UPDATE professionals SET email = ? WHERE name = 'Rasmus Kjær'", [RASMUS_EMAIL])
            db.conn.commit()
        yield app, base


def sign_in_with_the_municipalitys_login(browser, base, viewport, javascript, label):
    tab = Tab(browser, base, viewport=viewport, javascript=javascript)
    tab.goto("/staff/login")
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    tab.page.get_by_role("button", name=label).click()
    tab.page.wait_for_load_state()
    return tab


def check(tab):
    tab.check_accessibility()
    tab.check_fits_width()


def who_the_parent_sees(tab):
    tab.goto("/plan")
    item = tab.page.locator("li", has=tab.page.get_by_text(SUPPORT, exact=True))
    return item.locator("dd").first.inner_text()


@pytest.mark.parametrize("viewport, javascript", [(DESKTOP, True), (PHONE, True), (PHONE, False)],
                         ids=["desktop", "phone", "phone-without-javascript"])
def test_a_teacher_hands_an_item_to_a_colleague_who_accepts_and_the_parent_sees_the_new_name(
        browser, sites, viewport, javascript):
    app, base = sites
    parent = Tab(browser, base, viewport=viewport, javascript=javascript)
    sign_in(parent, app)
    assert "Hanne Bech" in who_the_parent_sees(parent)

    teacher = sign_in_with_the_municipalitys_login(browser, base, viewport, javascript,
                                                   "Hanne Bech (lærer, fagperson i to familier)")
    assert teacher.page.url == f"{base}/fagperson/"
    holm = teacher.page.locator("section", has=teacher.page.get_by_role("heading", name="Familien Holm"))
    holm.get_by_role("link", name="Overdrag mine opgaver").click()
    teacher.page.wait_for_load_state()
    assert "Overdrag mine opgaver" in teacher.main_text() and SUPPORT in teacher.main_text()
    check(teacher)
    teacher.page.get_by_label(SUPPORT).select_option(label="Rasmus Kjær (PPR – Pædagogisk Psykologisk Rådgivning)")
    teacher.page.get_by_role("button", name="Overdrag").click()
    teacher.page.wait_for_load_state()
    assert "Venter på, at Rasmus Kjær overtager den." in teacher.main_text()
    check(teacher)
    assert "Hanne Bech" in who_the_parent_sees(parent)  # still hers until he accepts

    coordinator = sign_in_with_the_municipalitys_login(browser, base, viewport, javascript, "Mette Lund (koordinator)")
    coordinator.goto("/staff/families/1/plan")
    assert "Venter på at blive overtaget af Rasmus Kjær" in coordinator.main_text()
    check(coordinator)

    colleague = sign_in_with_the_municipalitys_login(browser, base, viewport, javascript, RASMUS.label)
    assert colleague.page.url == f"{base}/fagperson/"
    assert "Til overtagelse" in colleague.main_text() and SUPPORT in colleague.main_text()
    check(colleague)
    colleague.page.get_by_role("button", name=f"Overtag {SUPPORT}").click()
    colleague.page.wait_for_load_state()
    assert "Opgaven er nu din" in colleague.main_text()
    check(colleague)

    assert "Rasmus Kjær" in who_the_parent_sees(parent)
    check(parent)
    coordinator.goto("/staff/families/1/plan")
    assert "Venter på at blive overtaget" not in coordinator.main_text()
    for tab in (parent, teacher, coordinator, colleague):
        tab.close()
