"""Passkeys in Chromium at 360 px, with Chromium's virtual authenticator (the CDP WebAuthn domain).

The coordinator records why Sara cannot use MitID and shows her a link (the QR
code's link); on her phone she opens it and makes a passkey; later a link that
came by e-mail plus the passkey opens her home page. The portal is on
http://localhost: WebAuthn needs a secure context, and localhost is one. axe
checks every page on the way.
"""
import threading

import pytest
from werkzeug.serving import make_server

from browser import DESKTOP, Tab
from portal import create_app
from portal import demo as demo_data
from portal.data import links
from portal.data.changes import Actor
from portal.data.changes import passkeys as passkey_changes
from portal.data.db import get_db, migrate

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("passkey")
    server = make_server("localhost", 0, None, threaded=True)
    base = f"http://localhost:{server.server_port}"
    app = create_app({"DATABASE": str(folder / "portal.db"), "OUTBOX_DIR": str(folder / "outbox"), "BASE_URL": base,
                      "MITID_GATE": True})
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    server.app = app
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, base
    server.shutdown()


def link_for(app, email, kind="parent", channel="shown"):
    with app.app_context():
        table = "parents" if kind == "parent" else "staff"
        person = next(get_db()[table].rows_where("email = ?", [email]))
        return links.issue(kind, person["id"], channel=channel)


def phone_with_a_passkey_reader(browser, base):
    """A phone-sized tab whose browser has a platform authenticator that verifies its user."""
    tab = Tab(browser, base)
    cdp = tab.context.new_cdp_session(tab.page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return tab, cdp, added["authenticatorId"]


def shown_link(browser, app, base):
    """The coordinator records why Sara cannot use MitID, then shows her a link: its address, as the QR code holds it."""
    desk = Tab(browser, base, viewport=DESKTOP)
    desk.goto(link_for(app, demo_data.COORDINATOR_EMAIL, kind="staff"))
    desk.page.get_by_role("button", name="Fortsæt").click()
    desk.goto("/staff/families/1/members")
    section = desk.page.locator("#adgangsnoegle")
    section.locator("summary", has_text="Sara Holm kan ikke bruge MitID").click()  # opens its <details>
    form = section.locator("form", has_text="Sara Holm kan ikke bruge MitID")
    form.get_by_label("Hvorfor").select_option("no_cpr")
    form.get_by_role("button", name="Gem grunden").click()
    desk.page.wait_for_load_state()
    assert "Grunden er gemt" in desk.main_text() and "Ingen CPR-nummer endnu" in section.inner_text()
    desk.check_accessibility()
    desk.page.get_by_label("Send login-link til Sara Holm").select_option("shown")
    desk.page.locator("form", has=desk.page.get_by_label("Send login-link til Sara Holm")).get_by_role(
        "button", name="Send link").click()
    desk.page.wait_for_load_state()
    url = desk.page.locator(".link-box").inner_text().strip()
    desk.check_accessibility()
    desk.close()
    return url


def test_a_parent_makes_a_passkey_from_the_shown_link_and_later_signs_in_with_it(browser, site):
    app, base = site
    url = shown_link(browser, app, base)
    tab, cdp, authenticator = phone_with_a_passkey_reader(browser, base)
    tab.goto(url)
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_load_state()
    assert "Opret adgangsnøgle" in tab.main_text() and "Mette" not in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("link", name="Opret adgangsnøgle").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == f"{base}/passkey/new"
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("button", name="Opret adgangsnøgle").click()
    tab.page.wait_for_url(f"{base}/")
    assert "Din kontaktperson" in tab.main_text() and "Mette Lund" in tab.main_text()
    tab.check_accessibility()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    tab.page.get_by_role("button", name="Log ud").click()
    tab.page.wait_for_load_state()

    # Later: a notice's link by e-mail, then the passkey.
    tab.goto(link_for(app, demo_data.PARENT_EMAIL, channel="email"))
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_load_state()
    assert "Brug din adgangsnøgle" in tab.main_text() and "Opret adgangsnøgle" not in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("link", name="Brug din adgangsnøgle").click()
    tab.page.wait_for_load_state()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.page.get_by_role("button", name="Brug din adgangsnøgle").click()
    tab.page.wait_for_url(f"{base}/")
    assert "Din kontaktperson" in tab.main_text() and "Mette Lund" in tab.main_text()
    tab.check_accessibility()
    tab.check_fits_width()
    tab.goto("/insight")
    assert "Adgangsnøgle oprettet" in tab.main_text() and "Ingen CPR-nummer endnu" in tab.main_text()
    tab.check_accessibility()
    assert tab.foreign_requests() == []
    tab.close()


def test_without_javascript_the_passkey_page_says_what_to_do(browser, site):
    """Thomas cannot use MitID either; his phone's browser has JavaScript turned off."""
    app, base = site
    with app.test_request_context():
        thomas = next(get_db()["parents"].rows_where("email = ?", ["thomas.holm@example.dk"]))
        passkey_changes.record_exemption(Actor("staff", thomas_coordinator(thomas)), thomas["family_id"],
                                         thomas["id"], "guardianship")
        url = links.issue("parent", thomas["id"], channel="shown", issued_by_staff_id=thomas_coordinator(thomas))
    tab = Tab(browser, base, javascript=False)
    tab.goto(url)
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_load_state()
    tab.page.get_by_role("link", name="Opret adgangsnøgle").click()
    tab.page.wait_for_load_state()
    text = tab.main_text()
    assert "skal tillade JavaScript" in text and "MitID" in text and "ring til din kontaktperson" in text
    tab.check_fits_width()
    # Pressing the button anyway posts no passkey: the page says the same, and nothing is made.
    tab.page.get_by_role("button", name="Opret adgangsnøgle").click()
    tab.page.wait_for_load_state()
    assert "skal tillade JavaScript" in tab.main_text()
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM passkeys WHERE parent_id = ?", [thomas["id"]]).fetchone()[0] == 0
    tab.close()


def thomas_coordinator(parent):
    return get_db().execute("SELECT coordinator_id FROM families WHERE id = ?", [parent["family_id"]]).fetchone()[0]
