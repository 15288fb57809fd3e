"""A teacher in two families signs in through the municipality's login (the test OpenID provider) and sees
Mine familier, a family and a meeting, at 1280 and 360 px, with axe finding nothing (our pages; the mock's is a
library's)."""
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
    folder = tmp_path_factory.mktemp("professional")
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
