"""The family's timeline in Chromium: a parent reads "Jeres forløb" on a 360 px phone, a coordinator marks a line.

axe finds no WCAG 2.x A/AA violation and nothing is wider than the screen;
no request leaves the local server.
"""
import re

import pytest

from portal import demo as demo_data
from portal.data.db import get_db
from portal.data import links

from browser import DESKTOP, PHONE, Tab, confirm_mitid


def signed_in(browser, app, kind, email, viewport, javascript=True):
    with app.app_context():
        person = next(get_db()["parents" if kind == "parent" else "staff"].rows_where("email = ?", [email]))
        url = links.issue(kind, person["id"])
    tab = Tab(browser, app.config["BASE_URL"], viewport=viewport, javascript=javascript)
    tab.goto(url)
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_url(tab.origin + ("/" if kind == "parent" else "/staff/"))
    if kind == "parent":
        confirm_mitid(tab.page, app)
    return tab


def check(tab):
    tab.check_fits_width()
    tab.check_accessibility()


def test_a_parent_reads_their_familys_timeline_on_a_phone_and_filters_it(live_server, browser):
    phone = signed_in(browser, live_server, "parent", demo_data.PARENT_EMAIL, PHONE)
    page = phone.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Jeres forløb", exact=True).click()
    assert page.locator("h1").inner_text() == "Jeres forløb"
    assert page.locator("li.timeline-line").count() > 5
    check(phone)
    page.get_by_label("Fra måned", exact=True).fill("2026-05")
    page.get_by_label("Til og med måned", exact=True).fill("2026-01")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state()
    assert "Til-måneden ligger før fra-måneden" in phone.main_text()
    check(phone)
    page.goto(phone.origin + "/timeline")
    page.get_by_label("Hvem", exact=True).select_option(label="Familien selv")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("li.timeline-line").count() >= 1
    assert all("Familien selv" in text for text in page.locator("li.timeline-line .source").all_inner_texts())
    check(phone)
    assert phone.foreign_requests() == []
    phone.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_a_coordinator_marks_a_line_significant_with_a_note_for_the_family(live_server, browser, viewport):
    desk = signed_in(browser, live_server, "staff", demo_data.COORDINATOR_EMAIL, viewport)
    page = desk.page
    desk.goto("/staff/families/1/timeline")
    assert page.get_by_role("heading", name="Tidslinje", exact=True).is_visible()
    assert page.get_by_role("heading", name="Møder med familien").is_visible()
    check(desk)
    page.locator("li.timeline-line").last.get_by_role("link", name=re.compile("^(Markér|Ret markering)")).click()
    page.wait_for_load_state()
    check(desk)
    page.get_by_label("Hvad betød det for barnet?", exact=True).fill("Første gang alle var samlet om Emma.")
    page.get_by_label("Familien må se noten og markeringen", exact=True).check()
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_load_state()
    assert "Første gang alle var samlet om Emma." in desk.main_text()
    check(desk)
    assert desk.foreign_requests() == []
    desk.close()
