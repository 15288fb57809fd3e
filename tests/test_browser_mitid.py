"""MitID in Chromium at 360 px, with the demo's rows: a parent's first visit from a link through the test MitID.

The portal is served at http://localhost:PORT and the fake NemLog-in at
http://127.0.0.1:PORT: two sites, so the browser keeps the portal's cookie
home when NemLog-in posts its answer, as it does in production. axe checks
every page on the way, the fake NemLog-in's own included.
"""
import threading

import pytest
from werkzeug.serving import make_server

from browser import Tab
from portal import create_app
from portal import demo as demo_data
from portal.data.db import get_db, migrate
from portal.data import links
from portal.data.changes import identities
from portal.dev_idp import DEV_IDP_ENTITY_ID
from portal.dev_idp.persons import person as idp_person
from portal.dev_idp import development_folder, nemlogin

pytestmark = pytest.mark.timeout(240)


def _serve(app, host):
    server = make_server(host, 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mitid")
    # The portal's port first (its addresses are in its SAML metadata), then the IdP on its own.
    portal_server = make_server("localhost", 0, None, threaded=True)
    base = f"http://localhost:{portal_server.server_port}"
    idp_holder = make_server("127.0.0.1", 0, None, threaded=True)
    idp_url = f"http://127.0.0.1:{idp_holder.server_port}"
    app = create_app({"DATABASE": str(folder / "portal.db"), "OUTBOX_DIR": str(folder / "outbox"), "BASE_URL": base,
                      "MITID_ENTITY_ID": f"{base}/mitid/metadata", "MITID_TEST_IDP_URL": idp_url,
                      "MITID_GATE": True})
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    portal_server.app = app
    threading.Thread(target=portal_server.serve_forever, daemon=True).start()
    idp = nemlogin.create_idp_app(nemlogin.settings_for(development_folder(app.config), idp_url,
                                                        f"{base}/mitid/metadata"))
    idp_holder.app = idp
    threading.Thread(target=idp_holder.serve_forever, daemon=True).start()
    yield app, base
    portal_server.shutdown()
    idp_holder.shutdown()


def link_for(app, email, kind="parent"):
    with app.app_context():
        table = "parents" if kind == "parent" else "staff"
        person = next(get_db()[table].rows_where("email = ?", [email]))
        return links.issue(kind, person["id"])


def through_mitid(tab, person, loa="Substantial"):
    """On the test MitID's page: pick the person and level, log in, and go back to the portal."""
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.check(f"#person-{person}")
    tab.page.check(f"#loa-{loa}")
    tab.page.get_by_role("button", name="Log ind").click()
    tab.check_accessibility()
    tab.page.get_by_role("button", name="Fortsæt til Familieportalen").click()
    tab.page.wait_for_load_state()


def test_a_parents_first_visit_from_a_link_through_mitid_to_the_home_page(browser, sites):
    app, base = sites
    tab = Tab(browser, base)
    tab.goto(link_for(app, demo_data.PARENT_EMAIL))
    tab.check_accessibility()
    tab.page.get_by_role("button", name="Fortsæt").click()
    # A link alone: only that there is news, how to see it, and the municipality's phone number.
    assert "Log ind med MitID for at se det" in tab.main_text() and "Mette" not in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("link", name="Log ind med MitID for at se det").click()
    assert tab.page.url.startswith(app.config["MITID_TEST_IDP_URL"])
    through_mitid(tab, "sara-holm")
    assert tab.page.url == f"{base}/"
    assert "Din kontaktperson" in tab.main_text() and "Mette Lund" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    # The case pages open now; the insight page says when her MitID was bound.
    tab.goto("/plan")
    tab.check_accessibility()
    tab.goto("/insight")
    assert "Knyttet til dig" in tab.main_text()
    tab.check_accessibility()
    tab.close()


def test_the_start_page_signs_a_bound_parent_in_with_mitid_and_refuses_others_with_a_clear_page(browser, sites):
    app, base = sites
    tab = Tab(browser, base)
    tab.goto("/")
    tab.check_accessibility()
    tab.page.get_by_role("link", name="Log ind med MitID").first.click()
    through_mitid(tab, "ny-person")
    assert "Vi kender ikke dit MitID endnu" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    # Martin's link, then MitID at level Low: the page says what to do.
    tab.goto(link_for(app, demo_data.SPLIT_FAMILY_PARENT_EMAIL))
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.goto("/plan")
    assert "Log ind med MitID for at se det" in tab.main_text()
    tab.check_accessibility()
    tab.page.get_by_role("link", name="Log ind med MitID").click()
    through_mitid(tab, "martin-andersen", loa="Low")
    assert "ikke sikkert nok" in tab.main_text()
    tab.check_accessibility()
    tab.close()


def test_a_coordinator_sees_and_removes_a_parents_mitid(browser, sites):
    app, base = sites
    with app.app_context():  # Sara's MitID, bound as her first visit binds it (whether or not that test ran)
        sara = next(get_db()["parents"].rows_where("email = ?", [demo_data.PARENT_EMAIL]))
        identities.bind(sara, DEV_IDP_ENTITY_ID, idp_person("sara-holm").pseudonym)
    tab = Tab(browser, base, viewport={"width": 1280, "height": 900})
    tab.goto(link_for(app, demo_data.COORDINATOR_EMAIL, kind="staff"))
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.goto("/staff/families/1/members")
    section = tab.page.locator("#mitid")
    assert "Sara Holm" in section.inner_text()
    tab.check_accessibility()
    section.get_by_role("button", name="Fjern MitID").click()
    tab.page.wait_for_load_state()
    assert "MitID er fjernet" in tab.main_text()
    assert "Fjernet" in tab.page.locator("#mitid").inner_text()
    tab.check_accessibility()
    tab.close()
