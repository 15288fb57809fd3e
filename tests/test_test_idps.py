"""`familieportal serve --test-idps` (./run.sh): the test MitID and the staff test login, offline, for development only.

The portal runs on a real loopback server, as ./run.sh runs it, and a
requests session plays the browser through both identity providers' pages.
"""
import re
import threading
from html import unescape

import pytest
import requests
from click import ClickException
from werkzeug.serving import make_server

from portal import create_app
from portal import demo as demo_data
from portal.cli import start_test_idps
from portal.data import links
from portal.data.db import get_db, migrate
from portal.dev_idp import oidc_mock

pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")


@pytest.fixture
def running(tmp_path):
    """The portal with the demo on localhost, and the test identity providers started as ./run.sh starts them."""
    server = make_server("localhost", 0, None, threaded=True)
    base = f"http://localhost:{server.server_port}"
    app = create_app({"DATABASE": str(tmp_path / "run.db"), "OUTBOX_DIR": str(tmp_path / "outbox"), "BASE_URL": base,
                      "MITID_ENTITY_ID": f"{base}/mitid/metadata"})
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    server.app = app
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lines = start_test_idps(app, mitid_port=0, oidc_port=0)
    yield app, base, lines
    for idp in app.extensions["test_idps"]:
        idp.shutdown()
    server.shutdown()


def form_fields(html, *names):
    return {name: unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1)) for name in names}


def test_the_test_identity_providers_are_started_and_the_portal_pointed_at_them(running):
    app, base, lines = running
    assert app.config["STAFF_SSO"] == "oidc" and app.config["STAFF_OIDC_ISSUER"].startswith("http://127.0.0.1:")
    assert app.config["MITID_GATE"] is True
    printed = "\n".join(lines)
    assert app.config["MITID_TEST_IDP_URL"] in printed and app.config["STAFF_OIDC_ISSUER"] in printed
    assert f"{base}/staff/login" in printed


def test_a_parent_goes_through_the_whole_mitid_step_offline(running):
    app, base, _lines = running
    with app.app_context():
        parent = next(get_db()["parents"].rows_where("email = ?", [demo_data.PARENT_EMAIL]))
        link = links.issue("parent", parent["id"])
    browser = requests.Session()
    confirm = browser.get(link)
    browser.post(link, data=form_fields(confirm.text, "csrf_token"))
    assert "Log ind med MitID for at se det" in browser.get(f"{base}/").text  # the gate is on: a link alone
    test_mitid = browser.get(f"{base}/mitid/login?next=/plan")
    assert test_mitid.url.startswith(app.config["MITID_TEST_IDP_URL"] + "/sso?")
    assert "Test-MitID" in test_mitid.text and "Sara Holm" in test_mitid.text
    fields = form_fields(test_mitid.text, "SAMLRequest", "RelayState", "SigAlg", "Signature")
    answer = browser.post(f"{app.config['MITID_TEST_IDP_URL']}/sso", data={**fields, "person": "sara-holm",
                                                                            "loa": "Substantial"})
    back = browser.post(f"{base}/mitid/acs", data=form_fields(answer.text, "SAMLResponse", "RelayState"))
    assert back.status_code == 200 and back.url == f"{base}/plan"


def test_a_coordinator_signs_in_through_the_staff_test_login_offline(running):
    app, base, _lines = running
    browser = requests.Session()
    assert "Log ind med din kommunes login" in browser.get(f"{base}/staff/login").text
    leave = browser.get(f"{base}/staff/sso/login", allow_redirects=False)
    page = browser.get(leave.headers["Location"])
    assert "Mette Lund (koordinator)" in page.text
    back = oidc_mock.answer(leave.headers["Location"], oidc_mock.person("Mette Lund").subject)
    caseload = browser.get(back)
    assert caseload.url == f"{base}/staff/" and "Familien Holm" in caseload.text


def test_the_test_identity_providers_are_refused_in_production(tmp_path):
    app = create_app({"PRODUCTION": True, "SECRET_KEY": "x" * 40, "BASE_URL": "https://familie.example-kommune.dk",
                      "DATABASE": str(tmp_path / "p.db")})
    with pytest.raises(ClickException, match="development only"):
        start_test_idps(app, mitid_port=0, oidc_port=0)
    assert app.extensions.get("test_idps") is None
    result = app.test_cli_runner().invoke(args=["serve", "--test-idps"])
    assert result.exit_code != 0 and "gunicorn" in result.output


def test_run_sh_starts_them(tmp_path):
    from pathlib import Path

    run_sh = (Path(__file__).resolve().parent.parent / "run.sh").read_text()
    assert "familieportal serve --print-links --test-idps" in run_sh and "ensure_xmlsec1" in run_sh
