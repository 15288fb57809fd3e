"""Staff single sign-on in Chromium: a coordinator signs in through the test OpenID provider to their caseload.

The portal is served at http://localhost:PORT and the OpenID mock at
http://127.0.0.1:PORT, as ./run.sh serves them. axe checks every page of ours
on the way (the mock's page is a library's, not ours).
"""
import threading

import pytest
from werkzeug.serving import make_server

from browser import DESKTOP, PHONE, Tab
from portal import create_app
from portal import demo as demo_data
from portal.data.db import get_db, migrate
from portal.dev_idp import oidc_mock

pytestmark = [pytest.mark.timeout(240), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff_sso")
    portal_server = make_server("localhost", 0, None, threaded=True)
    base = f"http://localhost:{portal_server.server_port}"
    mock = oidc_mock.start(0)
    app = create_app({"DATABASE": str(folder / "portal.db"), "OUTBOX_DIR": str(folder / "outbox"), "BASE_URL": base,
                      "STAFF_SSO": "oidc", "STAFF_OIDC_ISSUER": mock.issuer,
                      "STAFF_OIDC_CLIENT_ID": oidc_mock.STAFF_CLIENT_ID,
                      "STAFF_OIDC_CLIENT_SECRET": oidc_mock.CLIENT_SECRET, "STAFF_LINKS": False})
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    portal_server.app = app
    threading.Thread(target=portal_server.serve_forever, daemon=True).start()
    yield app, base
    portal_server.shutdown()
    mock.stop()


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
