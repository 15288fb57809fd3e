"""A parent on a 360 px phone in Chromium: sign in, read, add a goal, sign out.

Runs with JavaScript on and off; axe-core checks every parent page; no
request may leave the local server.
"""
import re

import pytest

from portal import demo as demo_data
from portal.data import links
from portal.data.db import get_db

from browser import PHONE, Tab, confirm_mitid

def new_link(app, email=demo_data.PARENT_EMAIL):
    with app.app_context():
        parent = next(get_db()["parents"].rows_where("email = ?", [email]))
        return links.issue("parent", parent["id"])


class Phone(Tab):
    """A browser tab at phone size that records every request it makes."""

    def __init__(self, browser, app, javascript):
        super().__init__(browser, app.config["BASE_URL"], viewport=PHONE, javascript=javascript)


def open_from_menu(page, name, menu="Menu"):
    page.get_by_role("navigation", name=menu).get_by_role("link", name=name, exact=True).click()
    assert page.get_by_role("navigation", name=menu).get_by_role("link", name=name, exact=True) \
        .get_attribute("aria-current") == "page"


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_parent_signs_in_adds_a_goal_and_signs_out_on_a_phone(live_server, browser, javascript, tmp_path):
    phone = Phone(browser, live_server, javascript)
    page = phone.page

    page.goto(new_link(live_server))
    assert page.locator("h1").inner_text() == "Log ind som S*** H***"
    phone.check_accessibility()
    page.get_by_role("button", name="Fortsæt").click()

    # The home page is the overview: contact person, the next meeting, what is new.
    page.wait_for_url(live_server.config["BASE_URL"] + "/")
    confirm_mitid(page, live_server)
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == "Hej Sara"
    assert page.get_by_role("heading", name="Din kontaktperson").is_visible()
    assert page.get_by_role("link", name="Ring til Mette").get_attribute("href") == "tel:+4570101011"
    assert page.get_by_role("heading", name="Dit næste møde").is_visible()
    assert "Opfølgningsmøde" in page.locator("section", has=page.get_by_role("heading", name="Dit næste møde")).inner_text()
    assert page.get_by_role("heading", name=re.compile("^(Nyt siden sidst|Det nyeste)$")).is_visible()
    phone.check_accessibility()
    # Nothing is wider than the phone, and the overview fits in two screens.
    phone.check_fits_width()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE["height"], f"the home page is {height} px tall"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # Every other page is one tap from the menu.
    for name, heading in [("Møder", "Dine møder"), ("Plan", "Jeres plan"), ("Hvem er med", "Hvem er med"),
                          ("Samtykker", "Det har du sagt ja til")]:
        open_from_menu(page, name)
        assert page.locator("h1").inner_text() == heading
        phone.check_fits_width()
        phone.check_accessibility()

    open_from_menu(page, "Mål")
    assert page.url == live_server.config["BASE_URL"] + "/goals"
    assert page.locator("h1").inner_text() == "Vores mål"
    phone.check_accessibility()

    # A blank goal: a clear message, nothing saved.
    goals_before = page.locator(".goal-text").count()
    page.get_by_role("button", name="Gem mål").click()
    assert "Skriv dit mål med dine egne ord." in phone.main_text()
    assert page.locator(".goal-text").count() == goals_before
    phone.check_accessibility()

    goal = f"Vi går en tur sammen hver søndag 🌳\nOgså når det regner ({'js' if javascript else 'no-js'})"
    page.get_by_label("Dit mål – med dine egne ord").fill(goal)
    page.get_by_label("Hvem er målet for?").select_option(label="Emil")
    page.get_by_role("button", name="Gem mål").click()
    page.wait_for_load_state()  # the stylesheet too: inner_text shows the line break only under white-space: pre-line
    assert "Tak. Dit mål er gemt." in phone.main_text()
    assert page.locator(".goal-text").first.inner_text() == goal
    phone.check_accessibility()

    # Something to talk about at the next network meeting, in the parent's own words, on the meeting's page.
    open_from_menu(page, "Møder")
    page.get_by_role("link", name=re.compile("Netværksmøde")).first.click()
    assert re.fullmatch(re.escape(live_server.config["BASE_URL"]) + r"/meetings/\d+", page.url)
    assert page.locator("h1").inner_text().startswith("Netværksmøde")
    phone.check_accessibility()
    point = f"Kan vi tale om lektier? 📚 ({'js' if javascript else 'no-js'})"
    page.get_by_label("Hvad vil du gerne tale om?").fill(point)
    page.get_by_role("button", name="Sæt punktet på mødet").click()
    assert "Tak. Dit punkt er sat på mødet." in phone.main_text()
    assert point in page.locator(".agenda").inner_text()
    phone.check_fits_width()
    phone.check_accessibility()

    page.get_by_role("button", name="Log ud").click()
    assert page.locator("h1").inner_text() == "Du er logget ud"
    phone.check_accessibility()

    # Back on the home page: signed out for real.
    page.goto(live_server.config["BASE_URL"] + "/")
    assert "Din kontaktperson" not in phone.main_text()
    phone.check_accessibility()

    assert phone.foreign_requests() == []
    phone.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_parent_with_a_used_link_can_ask_for_a_new_one_on_a_phone(live_server, browser, javascript):
    phone = Phone(browser, live_server, javascript)
    page = phone.page
    link = new_link(live_server, "thomas.holm@example.dk")
    page.goto(link)
    page.get_by_role("button", name="Fortsæt").click()
    page.get_by_role("button", name="Log ud").click()

    page.goto(link)
    assert "Linket er allerede brugt" in page.inner_text("main")
    phone.check_accessibility()
    page.get_by_label("Din e-mail eller dit mobilnummer").fill("60 70 80 90")
    page.get_by_role("button", name="Send mig et nyt link").click()
    assert page.locator("h1").inner_text() == "Se din telefon"
    phone.check_accessibility()

    for path in ("/", "/login", "/does-not-exist", "/login/tampered.token.value"):
        page.goto(live_server.config["BASE_URL"] + path)
        assert page.locator("h1").count() == 1
        phone.check_accessibility()
    assert phone.foreign_requests() == []
    phone.close()


def test_english_is_one_tap_away(live_server, browser):
    phone = Phone(browser, live_server, javascript=True)
    page = phone.page
    page.goto(live_server.config["BASE_URL"] + "/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Welcome to Familieportalen"
    phone.check_accessibility()
    page.goto(new_link(live_server))
    page.get_by_role("button", name="Continue").click()
    confirm_mitid(page, live_server)
    assert page.locator("h1").inner_text() == "Hello Sara"
    assert page.get_by_role("heading", name="Your contact person").is_visible()
    assert "Follow-up meeting" in page.inner_text("main")
    phone.check_accessibility()
    page.get_by_role("button", name="Dansk").click()
    assert page.get_by_role("heading", name="Din kontaktperson").is_visible()
    page.get_by_role("button", name="Log ud").click()
    assert phone.foreign_requests() == []
    phone.close()


def test_a_parent_reads_every_page_in_arabic_right_to_left_on_a_phone(live_server, browser):
    phone = Phone(browser, live_server, javascript=True)
    page = phone.page
    page.goto(live_server.config["BASE_URL"] + "/")
    page.get_by_role("button", name="العربية").click()
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "أهلًا بك في Familieportalen"
    phone.check_accessibility()
    page.goto(new_link(live_server))
    page.get_by_role("button", name="تابع").click()
    confirm_mitid(page, live_server)

    # The home page: the contact person (her number reads left to right) and the next meeting, in Arabic.
    assert page.locator("h1").inner_text() == "مرحبًا Sara"
    assert page.get_by_role("heading", name="مسؤول التواصل معك").is_visible()
    assert page.get_by_role("link", name="اتصل بـ Mette").get_attribute("href") == "tel:+4570101011"
    assert page.get_by_role("heading", name="اجتماعك القادم").is_visible()
    assert "اجتماع متابعة" in page.locator("section", has=page.get_by_role("heading", name="اجتماعك القادم")).inner_text()
    # The layout is mirrored: the menu's first item sits at the right edge.
    first = page.locator("nav.menu li").first.bounding_box()
    assert first["x"] > PHONE["width"] / 2
    phone.check_fits_width()
    phone.check_accessibility()

    # Every parent page, axe-clean and no wider than the phone, in Arabic.
    for name in ("الاجتماعات", "الخطة", "الأهداف", "مَن معنا", "الموافقات", "الرسائل"):
        open_from_menu(page, name, menu="القائمة")
        assert page.locator("html").get_attribute("dir") == "rtl"
        phone.check_fits_width()
        phone.check_accessibility()
    open_from_menu(page, "الاجتماعات", menu="القائمة")
    page.locator("main a[href^='/meetings/']").first.click()
    phone.check_fits_width()
    phone.check_accessibility()

    page.get_by_role("button", name="Dansk").click()
    assert page.locator("html").get_attribute("dir") is None
    assert phone.foreign_requests() == []
    phone.close()
