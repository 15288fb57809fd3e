"""A child on a 360 px phone in Chromium: their own page in Danish, English and Arabic, with JavaScript on and off.

axe-core finds nothing at 360 px; no line holds more than 7 words; every
button and choice is at least 48 px tall; nothing needs JavaScript.
"""
import sqlite3

import pytest

from portal.data import links
from portal.data.clock import now_text

from browser import PHONE, Tab

EMIL, METTE = 1, 2

WORDS_PER_LINE = """() => {
  const crowded = [];
  for (const el of document.querySelectorAll('main p, main li, main label, main legend, main h1, main h2, main h3')) {
    const lines = new Map();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const word = /\\S+/g;
      let m;
      while ((m = word.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        const top = Math.round(rect.top);
        lines.set(top, (lines.get(top) || 0) + 1);
      }
    }
    for (const count of lines.values()) if (count > 7) crowded.push([el.innerText.slice(0, 80), count]);
  }
  return crowded;
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll('main button, main .button, main .choice label')]
  .filter(el => el.getBoundingClientRect().height < 48).map(el => el.outerHTML.slice(0, 80))"""


def child_link(app):
    with app.app_context():
        return links.issue("child", EMIL, origin="sent", channel="shown", issued_by_staff_id=METTE)


def confirm_passkey(app):
    """Raise the child's live session as their passkey does (tests/test_passkeys.py takes the real way)."""
    conn = sqlite3.connect(app.config["DATABASE"], timeout=30)
    with conn:
        conn.execute("UPDATE sessions SET level = 2, method = 'passkey', assured_at = ? WHERE user_kind = 'child'"
                     " AND ended_at IS NULL", [now_text()])
    conn.close()


def check_child_page(phone):
    page = phone.page
    phone.check_accessibility()
    phone.check_fits_width()
    assert page.evaluate(WORDS_PER_LINE) == []
    assert page.evaluate(SMALL_TARGETS) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_child_reads_their_page_and_adds_their_own_words_on_a_phone(live_server, browser, javascript, tmp_path):
    live_server.config["MITID_GATE"] = True
    phone = Tab(browser, live_server.config["BASE_URL"], viewport=PHONE, javascript=javascript)
    page = phone.page
    page.goto(child_link(live_server))
    check_child_page(phone)
    page.get_by_role("button", name="Fortsæt").click()
    page.wait_for_url(live_server.config["BASE_URL"] + "/barn")
    assert page.locator("h1").inner_text() == "Hej Emil"
    assert "Dine mål" not in phone.main_text()  # a link alone shows only how to go on
    check_child_page(phone)
    page.get_by_role("link", name="Lav din nøgle").click()  # the phone's part needs a real authenticator
    assert page.locator("h1").inner_text() == "Lav din nøgle"
    check_child_page(phone)
    page.go_back()

    confirm_passkey(live_server)
    page.reload()
    assert page.get_by_role("heading", name="Dine mål").is_visible()
    assert "Emil skal have det godt i skolen" in phone.main_text()
    assert "Skrevet sammen med Karen" in phone.main_text()
    assert page.locator("nav").count() == 0 or "Plan" not in page.inner_text("nav")
    check_child_page(phone)
    page.screenshot(path=str(tmp_path / "child.png"), full_page=True)

    # A blank text: a clear message. Then his own words, saved as written.
    words_form = page.locator("form", has=page.locator("textarea"))
    words_form.get_by_role("button", name="Gem").click()
    assert "Skriv med dine egne ord." in phone.main_text()
    check_child_page(phone)
    words_form = page.locator("form", has=page.locator("textarea"))
    words_form.get_by_text("Det er svært for mig").click()
    words = f"Jeg kan ikke lide at vente ({'js' if javascript else 'no js'})"
    words_form.locator("textarea").fill(words)
    words_form.get_by_role("button", name="Gem").click()
    assert "Tak. Vi har gemt det." in phone.main_text() and words in phone.main_text()

    bisidder_form = page.locator("form", has=page.locator("input[name=who]"))
    bisidder_form.get_by_text("Ja", exact=True).click()
    bisidder_form.locator("input[name=who]").fill("Mormor")
    bisidder_form.get_by_role("button", name="Gem").click()
    assert "Du har sagt ja." in phone.main_text()
    check_child_page(phone)

    for language, hello in (("English", "Hello Emil"), ("العربية", "مرحبًا Emil")):
        page.get_by_role("button", name=language).click()
        assert page.locator("h1").inner_text() == hello
        check_child_page(phone)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("button", name="Dansk").click()
    assert phone.foreign_requests() == []
    phone.close()
