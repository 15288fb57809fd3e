"""A teacher keeps her part of the plan current in Chromium, at 1280 and 360 px, with axe finding nothing and
with JavaScript off: she changes a status with a note, is told before saving that Familiehuset already gives
family therapy (and whom to call), saves anyway, and marks an item done."""

import pytest

from browser import DESKTOP, PHONE, Tab
from staff_sso_helpers import portal_with_oidc_staff_login

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]

ITEM = "Støtte til Emil i klassen og i frikvarteret"


@pytest.fixture
def sites(tmp_path):
    """A fresh portal for each run: the runs change the same item."""
    with portal_with_oidc_staff_login(tmp_path) as served:
        yield served


def checked(tab):
    tab.check_accessibility()
    tab.check_fits_width()


@pytest.mark.parametrize("viewport, javascript", [(DESKTOP, True), (PHONE, True), (PHONE, False)],
                         ids=["1280px", "360px", "360px-no-javascript"])
def test_a_teacher_changes_her_plan_items_and_is_told_of_an_overlap_before_saving(browser, sites, viewport,
                                                                                   javascript):
    app, base = sites
    tab = Tab(browser, base, viewport=viewport, javascript=javascript)
    page = tab.page
    tab.goto("/staff/login")
    page.get_by_role("link", name="Log ind med din kommunes login").click()
    page.get_by_role("button", name="Hanne Bech (lærer, fagperson i to familier)").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/fagperson/"
    signed_in = len(tab.requests)  # the municipality's login (the test provider) is another host

    # Mine familier links her item to its form; Mine opgaver lists it too.
    page.get_by_role("link", name="Mine opgaver", exact=True).first.click()
    page.wait_for_load_state()
    assert "Mine opgaver" in tab.main_text() and ITEM in tab.main_text()
    checked(tab)

    # A status and a note.
    page.get_by_role("link", name=ITEM).first.click()
    page.wait_for_load_state()
    checked(tab)
    page.get_by_label("Status").select_option("planned")
    page.get_by_label("Kort note").fill("Emil har haft en god uge. Vi øver læsning hver dag.")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_load_state()
    assert page.url == f"{base}/fagperson/plan" and "Gemt." in page.content()

    # Another kind: Familiehuset already gives it; told whom to call, before anything is saved.
    page.get_by_role("link", name=ITEM).first.click()
    page.wait_for_load_state()
    assert "Emil har haft en god uge." in tab.main_text()  # her note, under Noter
    page.get_by_label("Slags indsats").select_option("family_support")
    page.get_by_label("Kort note").fill("Jeg hjælper med morgenerne i skolen.")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_load_state()
    text = tab.main_text()
    assert "Familiehuset giver allerede familiebehandling og støtte i hjemmet – tal med Karen Dahl, +45 70 10 10 70." \
        in text
    assert page.get_by_label("Kort note").input_value() == "Jeg hjælper med morgenerne i skolen."  # kept
    checked(tab)
    page.get_by_role("button", name="Gem alligevel").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/fagperson/plan"
    with app.app_context():
        from portal.data.db import get_db
        row = get_db().execute("SELECT kind, status FROM plan_items WHERE what = ?", [ITEM]).fetchone()
        assert tuple(row) == ("family_support", "planned")

    # Done: it leaves her open items.
    page.get_by_role("link", name=ITEM).first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Marker som afsluttet").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/fagperson/plan" and ITEM not in tab.main_text()
    checked(tab)
    assert [url for url in tab.requests[signed_in:] if not url.startswith(base + "/")] == []
    tab.close()
