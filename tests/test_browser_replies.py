"""On a 360 px phone in Chromium: a parent answers a meeting and subscribes to their calendar; the coordinator
sees the answer. JavaScript on and off; axe-core checks every page; no request leaves the local server."""
import pytest

from portal import demo as demo_data

from browser import DESKTOP, PHONE, Tab, sign_in

NEXT_NETWORK = 2




# Each run is another parent of the meeting: the server (and what the first run saved) is shared.
@pytest.mark.parametrize("javascript, email, cannot_come", [(True, demo_data.PARENT_EMAIL, 1),
                                                           (False, "thomas.holm@example.dk", 2)],
                         ids=["js-on", "js-off"])
def test_a_parent_answers_a_meeting_and_subscribes_to_their_calendar_on_a_phone(live_server, browser, javascript,
                                                                               email, cannot_come):
    base = live_server.config["BASE_URL"]
    phone = Tab(browser, base, viewport=PHONE, javascript=javascript)
    page = phone.page
    sign_in(phone, live_server, email=email)

    phone.goto("/meetings")
    feed = page.locator("section", has=page.get_by_role("heading", name="Abonnér i din kalender"))
    feed.get_by_role("button", name="Lav et link til din kalender").click()
    page.wait_for_load_state()
    assert "Dit link er klar" in phone.main_text()
    address = page.get_by_label("Eller kopiér linket ind i din kalender:").input_value()
    assert address.startswith(base + "/calendar/") and address.endswith(".ics")
    assert page.get_by_role("link", name="Åbn i din kalender").get_attribute("href") == \
        "webcal://" + address.split("://", 1)[1]
    phone.check_fits_width()
    phone.check_accessibility()
    page.get_by_role("button", name="Lav et nyt link").click()
    page.wait_for_load_state()
    assert page.get_by_label("Eller kopiér linket ind i din kalender:").input_value() != address

    phone.goto(f"/meetings/{NEXT_NETWORK}")
    answer = page.locator("section", has=page.get_by_role("heading", name="Kommer du?"))
    answer.get_by_label("Kan du ikke komme? Skriv gerne hvorfor. Det er frivilligt.").fill("x" * 501)
    answer.get_by_role("button", name="Jeg kan ikke komme").click()
    page.wait_for_load_state()
    assert "Der er plads til 500 tegn" in phone.main_text()
    phone.check_accessibility()
    reason = page.get_by_label("Kan du ikke komme? Skriv gerne hvorfor. Det er frivilligt.")
    assert reason.input_value() == "x" * 501  # nothing typed is lost
    reason.fill("Jeg er på arbejde.")
    page.get_by_role("button", name="Jeg kan ikke komme").click()
    page.wait_for_load_state()
    assert "Tak for dit svar" in phone.main_text()
    assert "Du har svaret: Jeg kan ikke komme – Jeg er på arbejde." in phone.main_text()
    phone.check_fits_width()
    phone.check_accessibility()
    assert phone.foreign_requests() == []
    phone.close()

    desk = Tab(browser, base, viewport=DESKTOP, javascript=True)
    sign_in(desk, live_server, email=demo_data.COORDINATOR_EMAIL, kind="staff")
    desk.goto(f"/staff/families/1/meetings/{NEXT_NETWORK}")
    assert desk.main_text().count("Kan ikke komme Jeg er på arbejde.") == cannot_come
    desk.check_accessibility()
    desk.goto("/staff/")
    assert f"{cannot_come} kan ikke komme" in desk.main_text()
    desk.check_accessibility()
    desk.close()
