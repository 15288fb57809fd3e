"""An external professional in Chromium at 360 px, with Chromium's virtual authenticator (the CDP WebAuthn domain).

The coordinator invites Hanne Bech from "Hvem er med"; on her phone she opens
the e-mailed invitation, makes a passkey and sees her families; later she asks
for a new link on the sign-in page and signs in with the passkey. axe checks
every page of ours on the way.
"""
import json
import re
from pathlib import Path

import pytest

from browser import DESKTOP, Tab
from conftest import HOLM, deliver
from portal import demo as demo_data
from test_browser_passkey import link_for, phone_with_a_passkey_reader, site  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(240)


def mailed_link(app, seen):
    """The professional sign-in link in the newest outbox file not read before."""
    deliver(app)
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json")):
        if path.name not in seen:
            seen.add(path.name)
            found = re.findall(r"(http://localhost:\d+/fagperson/login/\S+)", json.loads(path.read_text())["text"])
            if found:
                return found[0]
    raise AssertionError("no link was sent")


def fits(tab):
    """axe finds nothing, and the page fits the phone's width."""
    tab.check_accessibility()
    tab.check_fits_width()


def click_and_check(tab, role, name, url=None):
    tab.page.get_by_role(role, name=name).click()
    if url:
        tab.page.wait_for_url(url)
    tab.page.wait_for_load_state()
    fits(tab)


def test_an_invited_professional_makes_a_passkey_and_later_signs_in_with_it(browser, site):
    app, base = site
    seen = {p.name for p in Path(app.config["OUTBOX_DIR"]).glob("*.json")}
    desk = Tab(browser, base, viewport=DESKTOP)
    desk.goto(link_for(app, demo_data.COORDINATOR_EMAIL, kind="staff"))
    desk.page.get_by_role("button", name="Fortsæt").click()
    desk.goto(f"/staff/families/{HOLM}/people")
    desk.page.get_by_role("button", name="Inviter til Familieportalen Hanne Bech").click()
    desk.page.wait_for_load_state()
    assert "Invitationen er sendt" in desk.main_text()
    desk.check_accessibility()
    invitation = mailed_link(app, seen)

    tab, cdp, authenticator = phone_with_a_passkey_reader(browser, base)
    tab.goto(invitation)
    click_and_check(tab, "button", "Fortsæt", f"{base}/fagperson/")
    assert "Lav en adgangsnøgle" in tab.main_text() and "Familien Holm" not in tab.main_text()
    click_and_check(tab, "link", "Lav en adgangsnøgle", f"{base}/passkey/new")
    click_and_check(tab, "button", "Lav en adgangsnøgle", f"{base}/fagperson/")
    assert "Familien Holm" in tab.main_text() and "Abonnér i din kalender" in tab.main_text()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    desk.page.reload()
    assert "Har lavet en adgangsnøgle." in desk.main_text()
    desk.close()
    tab.page.get_by_role("button", name="Log ud").click()
    tab.page.wait_for_load_state()

    # Later: she asks for a new link on the sign-in page, then uses her passkey.
    tab.goto("/login")
    fits(tab)
    tab.page.get_by_label(re.compile("e-mail", re.IGNORECASE)).first.fill(demo_data.TEACHER_EMAIL)
    tab.page.locator("main form button[type=submit]").first.click()
    tab.page.wait_for_load_state()
    assert "Se din e-mail" in tab.main_text()
    tab.goto(mailed_link(app, seen))
    click_and_check(tab, "button", "Fortsæt", f"{base}/fagperson/")
    assert "Log ind med din adgangsnøgle" in tab.main_text() and "Lav en adgangsnøgle" not in tab.main_text()
    click_and_check(tab, "link", "Log ind med din adgangsnøgle")
    click_and_check(tab, "button", "Brug din adgangsnøgle", f"{base}/fagperson/")
    assert "Familien Holm" in tab.main_text() and "Familien Yilmaz Andersen" in tab.main_text()
    assert tab.foreign_requests() == []
    tab.close()
