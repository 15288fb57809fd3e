"""A parent on a 360 px phone in Chromium: sign in, read, add a goal, sign out.

Runs with JavaScript on and off; axe-core checks every parent page; no
request may leave the local server.
"""
import threading

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal import demo as demo_data
from portal.sign_in import links
from portal.data.db import get_db, migrate

from browser import PHONE, axe_violations, launch

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app({"DATABASE": str(folder / "live.db"), "OUTBOX_DIR": str(folder / "outbox"),
                      "BASE_URL": "http://127.0.0.1:0"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def new_link(app, email=demo_data.PARENT_EMAIL):
    with app.app_context():
        parent = next(get_db()["parents"].rows_where("email = ?", [email]))
        return links.issue("parent", parent["id"])


class Phone:
    """A browser tab at phone size that records every request it makes."""

    def __init__(self, browser, app, javascript):
        self.context_has_js = javascript
        self.context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale="da-DK")
        self.page = self.context.new_page()
        self.origin = app.config["BASE_URL"]
        self.requests = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.checked = []

    def check_accessibility(self):
        # axe needs JavaScript; the JavaScript-off pass checks the same pages.
        violations = axe_violations(self.page) if self.context_has_js else []
        summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert summary == [], f"axe on {self.page.url}: {summary}"
        self.checked.append(self.page.url)

    def foreign_requests(self):
        return [url for url in self.requests if not url.startswith(self.origin) and not url.startswith("data:")]


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_parent_signs_in_adds_a_goal_and_signs_out_on_a_phone(live_server, browser, javascript, tmp_path):
    phone = Phone(browser, live_server, javascript)
    page = phone.page

    page.goto(new_link(live_server))
    assert page.locator("h1").inner_text() == "Log ind som S*** H***"
    phone.check_accessibility()
    page.get_by_role("button", name="Fortsæt").click()

    page.wait_for_url(live_server.config["BASE_URL"] + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("heading", name="Din kontaktperson").is_visible()
    assert page.get_by_role("link", name="Ring til Mette").get_attribute("href") == "tel:+4570101011"
    assert page.get_by_role("heading", name="Dine næste møder").is_visible()
    assert "Netværksmøde" in page.inner_text("main")
    assert page.get_by_role("heading", name="Vores mål").is_visible()
    phone.check_accessibility()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # A blank goal: a clear message, nothing saved.
    page.get_by_role("button", name="Gem mål").click()
    assert "Skriv dit mål med dine egne ord." in page.inner_text("main")
    phone.check_accessibility()

    goal = f"Vi går en tur sammen hver søndag 🌳\nOgså når det regner ({'js' if javascript else 'no-js'})"
    page.get_by_label("Dit mål – med dine egne ord").fill(goal)
    page.get_by_label("Hvem er målet for?").select_option(label="Emil")
    page.get_by_role("button", name="Gem mål").click()
    assert "Tak. Dit mål er gemt." in page.inner_text("main")
    first_goal = page.locator(".goal-text").first
    assert first_goal.inner_text() == goal
    phone.check_accessibility()

    # Something to talk about at the next meeting, in the parent's own words.
    page.locator("summary", has_text="Tilføj et punkt til mødet").first.click()
    point = "Kan vi tale om lektier? 📚"
    page.get_by_label("Hvad vil du gerne tale om?").first.fill(point)
    page.get_by_role("button", name="Sæt punktet på mødet").first.click()
    assert "Tak. Dit punkt er sat på mødet." in page.inner_text("main")
    assert point in page.inner_text("main")
    phone.check_accessibility()

    page.get_by_role("button", name="Log ud").click()
    assert page.locator("h1").inner_text() == "Du er logget ud"
    phone.check_accessibility()

    # Back on the home page: signed out for real.
    page.goto(live_server.config["BASE_URL"] + "/")
    assert "Din kontaktperson" not in page.inner_text("main")
    phone.check_accessibility()

    assert phone.foreign_requests() == []
    phone.context.close()


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
    phone.context.close()


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
    assert page.get_by_role("heading", name="Your contact person").is_visible()
    assert "Network meeting" in page.inner_text("main")
    phone.check_accessibility()
    page.get_by_role("button", name="Dansk").click()
    assert page.get_by_role("heading", name="Din kontaktperson").is_visible()
    page.get_by_role("button", name="Log ud").click()
    assert phone.foreign_requests() == []
    phone.context.close()


def test_a_coordinator_can_show_a_parent_a_sign_in_link(live_server, browser):
    phone = Phone(browser, live_server, javascript=True)
    page = phone.page
    with live_server.app_context():
        page.goto(links.issue("staff", 2))  # Mette Lund
    page.get_by_role("button", name="Fortsæt").click()
    assert page.locator("h1").inner_text() == "Dine familier"
    phone.check_accessibility()
    page.get_by_role("link", name="Familien Holm").click()
    phone.check_accessibility()
    page.get_by_label("Send login-link til Sara Holm").select_option("shown")
    page.get_by_role("button", name="Send link").first.click()
    shown = page.locator(".link-box").inner_text()
    assert shown.startswith(live_server.config["BASE_URL"] + "/login/")
    assert page.get_by_role("img", name="QR-kode med login-link").is_visible()
    phone.check_accessibility()
    phone.context.close()
