"""On a 360 px phone in Chromium: a parent says how a held meeting went, one tap per answer; the coordinator sees
only results of 5 or more. JavaScript on and off; axe-core checks every page; no request leaves the local server."""
import re
import secrets

import pytest

from portal import demo as demo_data
from portal.data.db import get_db
from portal.data.reads.verdicts import ended_quarters

from browser import DESKTOP, PHONE, Tab, confirm_mitid, new_link, sign_in

HELD_NETWORK = 1




@pytest.fixture(scope="module", autouse=True)
def no_earlier_answers(live_server):
    """Start from no answers: the demo brings last quarter's answers from families before it (demo.EARLIER_VERDICTS)."""
    with live_server.app_context():
        get_db().execute("DELETE FROM meeting_verdicts")
        get_db().conn.commit()


def last_quarters_answers(app, count, comment):
    """Answers from the last ended quarter, as if parents had given them then (the page shows ended quarters only)."""
    month = ended_quarters(1)[0]["from"]
    with app.app_context():
        db = get_db()
        for number in range(count):
            db.execute("INSERT INTO meeting_verdicts (id, meeting_kind, month, unit, heard, trust, comment)"
                       " VALUES (?, 'network', ?, 'Børn og Familie', 4, 5, ?)",
                       [secrets.token_hex(16), month, f"{comment} {number}"])
        db.conn.commit()


@pytest.mark.parametrize("language, button, heading, send, error", [
    ("en", "English", "How was the meeting?", "Send your answers",
     "Choose an answer for at least one of the statements."),
    ("ar", "العربية", "كيف كان الاجتماع؟", "أرسل إجاباتك", "اختر إجابة لعبارة واحدة على الأقل."),
])
def test_the_form_reads_in_english_and_arabic_on_a_phone(live_server, browser, language, button, heading, send,
                                                         error):
    """Before anyone answers (the next test does): the form and its message in each language, in Arabic right to left."""
    base = live_server.config["BASE_URL"]
    phone = Tab(browser, base, viewport=PHONE, javascript=True)
    page = phone.page
    phone.goto("/")
    page.get_by_role("button", name=button).click()
    assert page.locator("html").get_attribute("lang") == language
    page.goto(new_link(live_server))
    page.locator("main form button[type=submit]").first.click()
    confirm_mitid(page, live_server)
    phone.goto(f"/meetings/{HELD_NETWORK}")
    verdict = page.locator("section", has=page.get_by_role("heading", name=heading))
    assert verdict.get_by_role("radio").count() == 25
    phone.check_fits_width()
    phone.check_accessibility()
    verdict.get_by_role("button", name=send).click()
    page.wait_for_load_state()
    assert error in phone.main_text()
    phone.check_fits_width()
    phone.check_accessibility()
    assert phone.foreign_requests() == []
    phone.close()


# Each run is another parent of the meeting: the server (and what the first run saved) is shared.
@pytest.mark.parametrize("javascript, email", [(True, demo_data.PARENT_EMAIL), (False, "thomas.holm@example.dk")],
                         ids=["js-on", "js-off"])
def test_a_parent_says_how_a_meeting_went_on_a_phone(live_server, browser, javascript, email):
    base = live_server.config["BASE_URL"]
    phone = Tab(browser, base, viewport=PHONE, javascript=javascript)
    page = phone.page
    sign_in(phone, live_server, email=email)

    phone.goto(f"/meetings/{HELD_NETWORK}")
    verdict = page.locator("section", has=page.get_by_role("heading", name="Hvordan var mødet?"))
    assert verdict.get_by_role("radio").count() == 25
    phone.check_fits_width()
    phone.check_accessibility()
    # Nothing chosen: a clear message, and what was written is kept.
    verdict.get_by_label("Vil du sige mere? Skriv det med dine egne ord. Det er frivilligt.").fill("x" * 1001)
    verdict.get_by_label("Min kommentar må læses af min kontaktperson").check()
    verdict.get_by_role("button", name="Send dine svar").click()
    page.wait_for_load_state()
    assert "Vælg et svar ved mindst én af sætningerne." in phone.main_text()
    phone.check_accessibility()
    comment = page.get_by_label("Vil du sige mere? Skriv det med dine egne ord. Det er frivilligt.")
    assert comment.input_value() == "x" * 1001
    # One tap per answer: the point's label is the target.
    for statement, point in (("Jeg blev hørt", "Helt enig"), ("Jeg ved, hvem der gør hvad", "Enig"),
                             ("Jeg har tillid til, at det bliver gjort", "Både og")):
        group = page.get_by_role("group", name=statement)
        target = group.locator("label").filter(has_text=re.compile(f"^{point}$"))
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (statement, box)
        target.click()
        assert group.get_by_label(point, exact=True).is_checked()
    page.get_by_role("button", name="Send dine svar").click()
    page.wait_for_load_state()
    assert "Der er plads til 1.000 tegn" in phone.main_text()
    assert page.get_by_role("group", name="Jeg blev hørt").get_by_label("Helt enig", exact=True).is_checked()  # kept
    comment = page.get_by_label("Vil du sige mere? Skriv det med dine egne ord. Det er frivilligt.")
    comment.fill("Godt møde. Tak.")
    page.get_by_role("button", name="Send dine svar").click()
    page.wait_for_load_state()
    text = phone.main_text()
    assert "Tak for dine svar" in text and "Du har svaret på, hvordan mødet var." in text
    assert page.get_by_role("radio").count() == 0
    phone.check_fits_width()
    phone.check_accessibility()
    assert phone.foreign_requests() == []
    phone.close()

    last_quarters_answers(live_server, 3, "For få")
    desk = Tab(browser, base, viewport=DESKTOP, javascript=True)
    sign_in(desk, live_server, email=demo_data.COORDINATOR_EMAIL, kind="staff")
    desk.goto("/staff/")
    desk.page.get_by_role("link", name="Hvordan var møderne?").click()
    desk.page.wait_for_load_state()
    text = desk.main_text()
    assert "Færre end 5 svar: vises ikke, så ingen kan genkendes" in text
    # Today's answers are in the quarter under way: not shown; the 3 (then 6) of the last quarter only from 5 on.
    assert "Godt møde. Tak." not in text
    if javascript:  # first run: 3 answers
        assert "For få 0" not in text
    else:  # second run: 6 answers
        assert "For få 0" in text and "4,0" in text and "100 %" in text
    desk.check_accessibility()
    desk.close()
