"""How sure the portal must be of who asks: every page declares it (portal/data/access.py), and a link alone opens nothing of the case."""
import re

import pytest

from conftest import csrf_from
from portal import demo as demo_data
from portal.data import access
from test_access import HOLM_IDS, METTE, PUBLIC, family_snapshot, methods

IDS = {**HOLM_IDS, "staff_id": METTE, "token": "x", "path": "", "filename": "portal.css"}



@pytest.fixture(autouse=True)
def mitid_gate(app):
    """Parents' case pages need MitID (FAMILIEPORTAL_MITID_GATE); auth.sign_in confirms as MitID would."""
    app.config["MITID_GATE"] = True

def url(rule):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(IDS[m.group(1)]), rule.rule)


def test_every_parent_page_declares_the_level_it_needs(app):
    parent_pages = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("parent.")}
    assert parent_pages - set(access.PARENT_PAGES) == set(), "declare it in access.PARENT_PAGES"
    assert set(access.PARENT_PAGES) - parent_pages == set(), "a page that is gone"
    # Only the home page opens with a link alone; it shows nothing of the case then.
    assert [page for page, level in access.PARENT_PAGES.items() if level < access.SUBSTANTIAL] == ["parent.home"]


def test_every_professional_page_declares_the_level_it_needs(app):
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("professional.")}
    assert pages - set(access.PROFESSIONAL_PAGES) == set(), "declare it in access.PROFESSIONAL_PAGES"
    assert set(access.PROFESSIONAL_PAGES) - pages == set(), "a page that is gone"
    # Only Mine familier opens with a link alone; it names no family then (tests/test_professionals.py).
    assert [page for page, level in access.PROFESSIONAL_PAGES.items() if level < access.SUBSTANTIAL] == [
        "professional.home"]


def test_a_page_that_declares_nothing_is_closed_to_everyone():
    assert access.level_needed("parent.some_new_page") > access.HIGH
    assert access.level_needed("professional.some_new_page") > access.HIGH


def test_a_link_only_session_gets_the_step_up_page_or_404_on_every_route_but_the_public_ones(app, auth, client, db):
    auth.sign_in(mitid=False)
    token = csrf_from(client.get("/login").text)
    before = family_snapshot(db)
    checked = 0
    for rule in app.url_map.iter_rules():
        # The ways up from a link alone: MitID, and a passkey (tests/test_passkeys.py says who may use them).
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(("ops.", "mitid.", "passkey.")):
            continue
        for method in methods(rule):
            response = client.open(url(rule), method=method, data={"csrf_token": token, "version": "0",
                                                                   "text": "x", "channel": "email"})
            assert response.status_code in (401, 404), (method, rule.rule, response.status_code)
            if response.status_code == 401:
                assert "Log ind med MitID" in response.text and "Holm" not in response.text, rule.rule
            checked += 1
    assert checked > 80
    assert family_snapshot(db) == before
    home = client.get("/")
    assert home.status_code == 200 and "Holm" not in home.text and "Mette" not in home.text


def test_a_confirmed_parent_session_opens_the_case(auth, client):
    auth.sign_in()
    for path in ("/", "/plan", "/meetings", "/goals", "/timeline", "/insight"):
        assert client.get(path).status_code == 200, path


def test_a_staff_link_session_opens_nothing_once_staff_links_are_turned_off(app, auth, client):
    auth.staff()
    assert client.get("/staff/").status_code == 200
    app.config["STAFF_LINKS"] = False
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "GET" in rule.methods:
            assert client.get(url(rule)).status_code == 404, rule.rule


def test_a_parent_session_opens_no_staff_route_and_a_staff_session_no_parent_route(app, auth, client):
    auth.sign_in()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "GET" in rule.methods:
            assert client.get(url(rule)).status_code == 404, rule.rule
    auth.sign_out()
    auth.staff(demo_data.COORDINATOR_EMAIL)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("parent.") and rule.endpoint != "parent.home" and "GET" in rule.methods:
            assert client.get(url(rule)).status_code == 404, rule.rule


def test_the_gate_is_on_by_default_and_production_refuses_it_off(tmp_path, monkeypatch):
    from portal import create_app
    from portal.config import ConfigError

    for name in ("FAMILIEPORTAL_MITID_GATE", "FAMILIEPORTAL_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAMILIEPORTAL_DATABASE", str(tmp_path / "dev.db"))
    assert create_app().config["MITID_GATE"] is True
    monkeypatch.setenv("FAMILIEPORTAL_PRODUCTION", "1")
    monkeypatch.setenv("FAMILIEPORTAL_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("FAMILIEPORTAL_BASE_URL", "https://familie.example.dk")
    assert create_app().config["MITID_GATE"] is True
    monkeypatch.setenv("FAMILIEPORTAL_MITID_GATE", "0")
    with pytest.raises(ConfigError, match="MITID_GATE"):
        create_app()
