"""A coordinator's day in Chromium, each story ending on the parent's phone.

The coordinator works at a 1280 px screen with JavaScript off: every form
must work without it. Every coordinator page the stories pass is kept as it
was shown and checked again in a JavaScript-on tab at 1280 px and at 360 px:
axe finds no WCAG 2.x A/AA violation and nothing is wider than the screen. The
parent reads on a 360 px phone, where axe checks each page too. No request
leaves the local server.

The stories share one server with the demo data; each story that changes data
works on a family of its own, except the handover, which is the only one to
touch Familien Holm.
"""
import re
from datetime import time, timedelta

import pytest

from portal import demo as demo_data
from portal.data.changes import SYSTEM, Actor
from portal.data.changes import families, goals, meetings, people, plan
from portal.data.clock import days_from_today, from_local, to_db_time, today
from portal.data.db import get_db
from portal.data import links
from portal.web.formatting import date_only, meeting_time

from browser import DESKTOP, PHONE, Tab, confirm_mitid

ANNE_EMAIL = demo_data.ADMIN_EMAIL
METTE_EMAIL = demo_data.COORDINATOR_EMAIL
JONAS_EMAIL = "jonas.berg@demo-kommune.dk"


class PageChecker:
    """Checks a page exactly as a JavaScript-off tab received it, at 1280 px and at 360 px.

    axe needs JavaScript, so the markup is served again from the same origin
    (its stylesheet comes from the live server) in a JavaScript-on tab. A URL
    is checked once, and again in each state (an error, a conflict, a
    warning, a table…) not yet checked there.
    """

    STATES = {"error-summary", "conflict", "preview", "error", "warning", "link-box", "table-wrap"}

    def __init__(self, browser, origin):
        self.origin = origin
        self.tab = Tab(browser, origin, viewport=DESKTOP, javascript=True)
        self.done = set()
        self.pages = 0

    def check(self, url, html):
        classes = {name for names in re.findall(r'class="([^"]*)"', html) for name in names.split()}
        shape = (re.sub(r"/\d+", "/<id>", url.split("?")[0].split("#")[0]), frozenset(classes & self.STATES))
        if shape in self.done:
            return
        self.done.add(shape)
        self.pages += 1
        copy = f"{self.origin}/__shown__/{self.pages}"
        tab = self.tab
        tab.resize(DESKTOP)
        tab.page.route(copy, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                         body=html))
        tab.page.goto(copy)
        tab.page.unroute(copy)
        for viewport in (DESKTOP, PHONE):
            tab.resize(viewport)
            try:
                tab.check_fits_width()
                tab.check_accessibility()
            except AssertionError as problem:
                raise AssertionError(f"{url}: {problem}") from None

    def close(self):
        assert self.tab.foreign_requests() == []
        self.tab.close()


@pytest.fixture(scope="module")
def checker(browser, live_server):
    pages = PageChecker(browser, live_server.config["BASE_URL"])
    yield pages
    pages.close()


def sign_in_link(app, kind, email):
    with app.app_context():
        person = next(get_db()["parents" if kind == "parent" else "staff"].rows_where("email = ?", [email]))
        return links.issue(kind, person["id"])


class Desk(Tab):
    """A coordinator at a 1280 px screen with JavaScript off."""

    def __init__(self, browser, app, checker, email):
        super().__init__(browser, app.config["BASE_URL"], viewport=DESKTOP, javascript=False)
        self.checker = checker
        self.goto(sign_in_link(app, "staff", email))
        self.page.get_by_role("button", name="Fortsæt").click()
        self.page.wait_for_url(self.origin + "/staff/")
        self.check()

    def check(self):
        """Keep the page as shown for axe at both widths."""
        self.page.wait_for_load_state()
        html = self.page.content()
        assert "<title>" in html, f"{self.page.url} was not loaded: {html[:200]}"
        self.checker.check(self.page.url, html)

    def open_family(self, name):
        self.goto("/staff/")
        self.page.get_by_role("link", name=name, exact=True).click()
        assert self.page.locator("h1").inner_text().startswith(name)
        self.check()

    def section(self, name):
        """Open one of the family's pages from its section menu."""
        self.page.get_by_role("navigation", name="Familiens sider").get_by_role("link", name=name, exact=True).click()
        self.check()

    def click(self, name, role="link"):
        self.page.get_by_role(role, name=name, exact=True).click()
        self.check()

    def press(self, name):
        self.click(name, role="button")

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label, option):
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def tick(self, label):
        self.page.get_by_label(label, exact=True).check()

    def notice(self):
        return self.page.locator("p.notice").inner_text()

    def errors(self):
        return self.page.locator(".error-summary").inner_text()

    def done(self):
        assert self.foreign_requests() == []
        self.close()


class ParentPhone(Tab):
    """A parent on a 360 px phone, signed in through a link; axe checks every page they see."""

    def __init__(self, browser, app, email=None, link=None):
        super().__init__(browser, app.config["BASE_URL"], viewport=PHONE, javascript=True)
        self.goto(link or sign_in_link(app, "parent", email))
        self.page.get_by_role("button", name="Fortsæt").click()
        self.page.wait_for_url(self.origin + "/")
        confirm_mitid(self.page, app)
        self.check()

    def check(self):
        self.check_fits_width()
        self.check_accessibility()

    def visit(self, path):
        response = self.goto(path)
        self.check()
        return response

    def menu(self, name):
        self.page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
        self.check()

    def section_text(self, heading):
        return self.page.locator("section", has=self.page.get_by_role("heading", name=heading, exact=True)).inner_text()

    def done(self):
        assert self.foreign_requests() == []
        self.close()


# Given: families made through the same write functions the pages call.


def staff_id(email):
    return next(get_db()["staff"].rows_where("email = ?", [email]))["id"]


def given_family(app, name, parent_name, parent_email, **more):
    """A family of Mette's with one parent who may sign in; returns their ids."""
    with app.app_context():
        mette = Actor("staff", staff_id(METTE_EMAIL))
        family_id = families.create_family(SYSTEM, name=name, coordinator_id=mette.id)
        parent_id = families.add_parent(mette, family_id, name=parent_name, relation="mor", email=parent_email,
                                        phone=None, can_sign_in=True, custody=True)
        ids = {"family": family_id, "parent": parent_id, "mette": mette}
        for key, build in more.items():
            ids[key] = build(mette, family_id, parent_id)
        return ids


def at(days, hour, minute=0):
    return from_local(days_from_today(days), time(hour, minute))


def shown_time(moment):
    """A meeting time as the family reads it, e.g. 'torsdag 3. december kl. 10.00'."""
    return meeting_time(to_db_time(moment))


def meeting(kind, starts, place, purpose):
    """A published meeting of an hour with the parent."""
    def build(actor, family_id, parent_id):
        return meetings.create_meeting(actor, family_id, kind=kind, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                       place=place, purpose=purpose, participants=[f"parent:{parent_id}"], publish=True)
    return build


# 1. Start a family.


def test_a_coordinator_starts_a_family_and_shows_the_parent_a_sign_in_link(live_server, browser, checker):
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Ny familie").click()
    assert page.locator("h1").inner_text() == "Ny familie"
    desk.check()

    desk.press("Gem")
    assert 'Skriv familiens navn, fx "Familien Holm".' in desk.errors()
    desk.check()
    desk.fill("Familiens navn", "Familien Bak")
    desk.press("Gem")
    assert page.locator("h1").inner_text() == "Familien Bak"
    assert desk.notice() == "Gemt."

    desk.click("Tilføj forælder")
    desk.fill("Navn", "Camilla Bak")
    desk.fill("Relation til barnet", "mor")
    desk.fill("E-mail", "camilla.bak@")
    desk.press("Gem")
    # A clear Danish message next to the field, and nothing typed is lost.
    assert "Det ligner ikke en e-mail. Skriv den sådan: navn@eksempel.dk" in page.locator(".field.has-error").inner_text()
    assert page.get_by_label("Navn", exact=True).input_value() == "Camilla Bak"
    desk.check()
    desk.fill("E-mail", "camilla.bak@example.dk")
    desk.fill("Mobilnummer", "22 44 66 88")
    desk.choose("Har forældremyndighed", "Ja")
    desk.press("Gem")
    parents = page.locator("section", has=page.get_by_role("heading", name="Forældre", exact=True)).inner_text()
    assert "Camilla Bak" in parents and "camilla.bak@example.dk" in parents

    desk.click("Tilføj barn")
    desk.fill("Fornavn", "Ida")
    desk.fill("Fødselsår", "2019")
    desk.press("Gem")
    assert "Ida (født 2019)" in page.locator("section", has=page.get_by_role("heading", name="Børn")).inner_text()
    desk.check()

    # At the meeting: the link on screen, as a QR code the parent scans.
    desk.choose("Send login-link til Camilla Bak", "Vis link her")
    desk.press("Send link")
    link = page.locator(".link-box").inner_text()
    assert link.startswith(live_server.config["BASE_URL"] + "/login/")
    assert page.get_by_role("img", name="QR-kode med login-link").is_visible()
    desk.check()

    desk.goto("/staff/")
    assert page.get_by_role("link", name="Familien Bak", exact=True).is_visible()
    desk.done()

    phone = ParentPhone(browser, live_server, link=link)
    assert phone.page.locator("h1").inner_text() == "Hej Camilla"
    contact = phone.section_text("Din kontaktperson")
    assert "Mette Lund" in contact
    assert phone.page.get_by_role("link", name="Ring til Mette").get_attribute("href") == "tel:+4570101011"
    phone.menu("Hvem er med")
    assert "Ida (født 2019)" in phone.section_text("Familien")
    phone.done()


# 2. People involved and a network meeting, which waits for a written consent.


def test_a_network_meeting_is_shown_to_the_family_only_after_their_written_consent(live_server, browser, checker):
    ids = given_family(live_server, "Familien Dam", "Line Dam", "line.dam@example.dk")
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Dam")

    desk.section("Hvem er med")
    for name, role, organisation, phone_number, email, family_sees in [
        ("Kirsten Bach", "Klasselærer", "Demoby Skole", "70 10 20 40", "kirsten.bach@demoby-skole.dk", True),
        ("Ole Vest", "Sagsbehandler", "Børn og Familie", "70 10 10 99", "ole.vest@demo-kommune.dk", False),
    ]:
        desk.click("Tilføj person")
        desk.fill("Navn", name)
        desk.fill("Rolle", role)
        desk.fill("Organisation eller afdeling", organisation)
        desk.fill("Telefon", phone_number)
        desk.fill("E-mail", email)
        if family_sees:
            desk.tick("Familien må se telefon og e-mail")
        desk.press("Gem")
    row = page.get_by_role("row", name=re.compile("Kirsten Bach"))
    assert "Ja" in row.inner_text()
    assert "Nej" in page.get_by_role("row", name=re.compile("Ole Vest")).inner_text()
    desk.check()

    day = days_from_today(12)
    desk.section("Møder")
    desk.click("Nyt møde")
    desk.choose("Slags møde", "Netværksmøde")
    desk.fill("Dato", day.isoformat())
    desk.fill("Fra kl.", "13:00")
    desk.fill("Til kl.", "14:30")
    desk.fill("Sted", "Rådhuset, mødelokale 4")
    desk.fill("Hvad skal I tale om", "Hvordan går det i skolen?\nHvad skal der ske nu?")
    desk.tick("Line Dam (mor)")
    desk.tick("Kirsten Bach (Klasselærer, Demoby Skole)")
    desk.tick("Ole Vest (Sagsbehandler, Børn og Familie)")
    desk.choose("Ansvarlig for opfølgning", "Ole Vest (Sagsbehandler, Børn og Familie)")
    desk.press("Gem og vis for familien")
    # Nothing is published: the form says what is missing and links to recording it.
    assert "Det mangler fra: Line Dam." in desk.errors()
    assert page.get_by_role("link", name="Skriv et samtykke ind").get_attribute("href") \
        == f"/staff/families/{ids['family']}/consents/new"
    assert page.get_by_label("Sted", exact=True).input_value() == "Rådhuset, mødelokale 4"
    desk.check()
    with live_server.app_context():
        assert get_db()["meetings"].count_where("family_id = ?", [ids["family"]]) == 0

    desk.press("Gem som kladde")
    assert "Kladde – familien kan ikke se den" in desk.main_text()
    assert "Der mangler et skriftligt samtykke til netværksmøder fra: Line Dam." in desk.main_text()
    meeting_url = page.url

    parent = ParentPhone(browser, live_server, "line.dam@example.dk")
    assert "Du har ingen møder lige nu." in parent.section_text("Dit næste møde")

    desk.click("Skriv et samtykke ind")
    assert page.get_by_label("Line Dam", exact=True).is_checked()  # she has custody
    desk.fill("Hvilke oplysninger må deles", "Oplysninger om Idas skolegang og familiens hverdag")
    desk.fill("Mellem hvem", "Alle, der deltager i netværksmøderne")
    desk.fill("Hvorfor", "Så alle kender planen.")
    desk.tick("Gælder deling af oplysninger på netværksmøder")
    assert page.get_by_label("Samtykket er skriftligt", exact=True).is_checked()
    desk.press("Gem")
    assert "Samtykke til netværksmøder er i orden i dag." in desk.main_text()
    desk.check()

    desk.goto(meeting_url)
    desk.click("Ret eller flyt mødet")
    desk.press("Gem og vis for familien")
    assert "Vist for familien" in desk.main_text()
    desk.check()
    desk.done()

    when = shown_time(from_local(day, time(13, 0)))
    parent.visit("/")
    assert when in parent.section_text("Dit næste møde")
    parent.page.get_by_role("link", name="Se hvem der kommer, og tilføj et punkt").click()
    parent.check()
    assert parent.page.locator("h1").inner_text() == f"Netværksmøde\n{when}"
    facts = parent.section_text("Om mødet")
    assert "Rådhuset, mødelokale 4" in facts
    assert "Hvordan går det i skolen?\nHvad skal der ske nu?" in facts
    assert "Kirsten Bach, Klasselærer (Demoby Skole)" in facts
    assert "Ole Vest, Sagsbehandler (Børn og Familie) – ansvarlig for opfølgning" in facts
    assert "Ansvarlig for opfølgning\nOle Vest, Sagsbehandler" in facts
    # The family sees a professional's phone and e-mail only where the coordinator allowed it.
    parent.menu("Hvem er med")
    professionals = parent.section_text("Fagfolk omkring jer")
    assert "70 10 20 40" in professionals and "kirsten.bach@demoby-skole.dk" in professionals
    assert "Ole Vest" in professionals and "70 10 10 99" not in professionals
    assert "ole.vest@demo-kommune.dk" not in professionals
    parent.done()


# 3. Move one meeting, cancel another.


def test_a_coordinator_moves_a_meeting_and_cancels_another_and_the_parent_sees_why(live_server, browser, checker):
    first, second = at(6, 10), at(9, 14)
    given_family(live_server, "Familien Kock", "Nanna Kock", "nanna.kock@example.dk",
                 talk=meeting("conversation", first, "Rådhuset", "En snak om hverdagen."),
                 visit=meeting("home_visit", second, "Hjemme hos jer", "Sundhedsplejersken kommer."))
    moved_to = days_from_today(8)
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Kock")
    desk.section("Møder")

    page.get_by_role("link", name=re.compile(re.escape(shown_time(first)))).click()
    desk.check()
    desk.click("Ret eller flyt mødet")
    assert "viser vi dem både det nye og det gamle tidspunkt" in desk.main_text()
    desk.fill("Dato", moved_to.isoformat())
    desk.fill("Fra kl.", "09:30")
    desk.fill("Til kl.", "10:30")
    desk.press("Gem ændringer")
    assert f"Flyttet fra {shown_time(first)}" in desk.main_text()
    desk.check()

    desk.section("Møder")
    page.get_by_role("link", name=re.compile(re.escape(shown_time(second)))).click()
    desk.click("Aflys mødet")
    desk.press("Aflys mødet")
    assert "Skriv, hvorfor mødet er aflyst. Familien kan se det." in desk.errors()
    desk.check()
    reason = "Sundhedsplejersken er syg.\nI får en ny tid i næste uge."
    desk.fill("Hvorfor er mødet aflyst?", reason)
    desk.press("Aflys mødet")
    told = desk.notice()  # checked at the end, after what the family sees
    assert "Aflyst" in page.locator(".tag.cancelled").first.inner_text()
    desk.check()
    desk.done()

    new_time = shown_time(from_local(moved_to, time(9, 30)))
    parent = ParentPhone(browser, live_server, "nanna.kock@example.dk")
    news = parent.section_text("Det nyeste")
    assert f"Et møde er flyttet til {new_time}" in news
    assert f"Et møde er aflyst: Hjemmebesøg {shown_time(second)}" in news
    assert new_time in parent.section_text("Dit næste møde")

    parent.menu("Møder")
    upcoming = parent.section_text("Dine næste møder")
    assert new_time in upcoming and f"Flyttet Før: {shown_time(first)}" in upcoming
    cancelled = parent.section_text("Aflyste møder")
    assert shown_time(second) in cancelled and "Sundhedsplejersken er syg." in cancelled

    parent.page.get_by_role("link", name=re.compile(re.escape(new_time))).click()
    parent.check()
    assert f"Mødet er flyttet. Før var det {shown_time(first)}." in parent.main_text()
    parent.menu("Møder")
    parent.page.get_by_role("link", name=re.compile(re.escape(shown_time(second)))).click()
    parent.check()
    assert parent.page.locator("p.error").inner_text() == f"Mødet er aflyst. {reason}"
    parent.done()

    # The coordinator was told what happened.
    assert told == "Mødet er aflyst."


# 4. The summary of a meeting, in three parts, with an action point.


def test_a_coordinator_publishes_a_meeting_summary_and_the_action_point_joins_the_plan(live_server, browser, checker):
    held = at(-2, 10)
    given_family(
        live_server, "Familien Lund", "Maja Lund", "maja.lund@example.dk",
        therapist=lambda actor, family_id, parent_id: people.add_person(
            actor, family_id, name="Jens Holt", role="Familiebehandler", organisation="Familiehuset"),
        held=meeting("conversation", held, "Familiehuset", "Hvordan går morgenerne?"),
    )
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Lund")
    desk.section("Møder")
    page.locator("section", has=page.get_by_role("heading", name="Tidligere møder")) \
        .get_by_role("link", name="Skriv referat").click()
    assert page.locator("h2").first.inner_text() == f"Referat fra mødet {shown_time(held)}"
    desk.check()

    going_well = "Maja og børnene spiser morgenmad sammen. 🥣\nDet er blevet roligere."
    worries = "Der er stadig råb om morgenen, når Oskar ikke vil i tøjet."
    next_steps = "Jens kommer hjem til jer to morgener om ugen."
    desk.fill("Det går godt", going_well)
    desk.fill("Det er vi bekymrede for", worries)
    desk.fill("Det skal der ske", next_steps)
    desk.press("Gem som kladde")
    assert desk.notice() == "Gemt."

    desk.click("Ret referatet")
    assert page.get_by_label("Det går godt").input_value() == going_well
    desk.press("Tilføj punkt")
    assert "Skriv, hvad der skal ske." in desk.errors()
    desk.check()
    due = days_from_today(14)
    desk.fill("Hvad skal der ske", "Morgenrutiner med Jens")
    desk.choose("Hvem gør det", "Jens Holt (Familiehuset)")
    desk.fill("Senest", due.isoformat())
    desk.press("Gem")
    told = desk.notice()  # checked at the end, after what the family sees
    assert "Morgenrutiner med Jens – Jens Holt" in page.locator("#handlinger-sektion").inner_text()
    desk.check()
    desk.press("Gem og vis for familien")
    assert "Vist for familien" in page.locator("section", has=page.get_by_role("heading", name="Referat")).inner_text()
    desk.check()
    desk.section("Plan")
    assert "Morgenrutiner med Jens" in desk.main_text()
    desk.done()

    parent = ParentPhone(browser, live_server, "maja.lund@example.dk")
    parent.page.get_by_role("link", name=f"Referat fra mødet {shown_time(held)}").click()
    parent.check()
    summary = parent.section_text("Referat fra mødet")
    for part, text in [("Det går godt", going_well), ("Det er vi bekymrede for", worries),
                       ("Det skal der ske", next_steps)]:
        assert re.search(rf"{part}\s+{re.escape(text)}", summary), (part, summary)
    assert f"Morgenrutiner med Jens – Jens Holt (Familiehuset), senest {date_only(due.isoformat())}" in summary
    parent.page.get_by_role("link", name="Se jeres plan").click()
    parent.check()
    plan_text = parent.section_text("Hvem gør hvad, og hvornår")
    assert re.search(r"Familiehuset\s+Morgenrutiner med Jens", plan_text)
    assert "Jens Holt, Familiebehandler" in plan_text
    parent.done()

    # The coordinator was told what happened.
    assert told == "Punktet er gemt."


# 5. The plan and the goals.


def test_a_coordinator_keeps_the_plan_and_follows_up_a_goal_with_the_family(live_server, browser, checker):
    def homework(actor, family_id, parent_id):
        return plan.add_plan_item(actor, family_id, what="Lektiehjælp i klubben", kind="school", responsible="family",
                                  when_text="Tirsdag og torsdag", status="active")

    def parents_goal(actor, family_id, parent_id):
        return goals.add_goal(Actor("parent", parent_id), family_id, text="Jeg vil have mere tid med Oliver.")

    ids = given_family(
        live_server, "Familien Mørk", "Sanne Mørk", "sanne.moerk@example.dk",
        person=lambda actor, family_id, parent_id: people.add_person(
            actor, family_id, name="Tina Dahl", role="Pædagog", organisation="Fritidsklubben"),
        homework=homework, parents_goal=parents_goal,
    )
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Mørk")

    desk.section("Plan")
    desk.click("Ny indsats")
    desk.press("Gem")
    assert "Skriv, hvad indsatsen er." in desk.errors()
    desk.check()
    desk.fill("Indsats", "Fodbold om onsdagen")
    desk.choose("Slags indsats", "Fritid og netværk")
    desk.choose("Hvem har ansvaret", "Tina Dahl (Fritidsklubben)")
    desk.fill("Hvornår eller hvor tit", "Hver onsdag kl. 16")
    desk.choose("Status", "I gang")
    desk.press("Gem")
    assert "Fodbold om onsdagen" in page.locator("section", has=page.get_by_role("heading", name="Fritidsklubben")).inner_text()
    page.get_by_role("link", name="Ret Lektiehjælp i klubben").click()
    desk.check()
    desk.choose("Status", "Afsluttet")
    desk.press("Gem")
    assert "Lektiehjælp i klubben Afsluttet" in desk.main_text()
    desk.check()

    desk.section("Mål")
    # A goal a parent wrote in their own words: staff can follow it up, never edit it.
    parents_goal_item = page.locator(f"#goal-{ids['parents_goal']}")
    assert "Skrevet af Sanne Mørk" in parents_goal_item.inner_text()
    parents_goal_item.get_by_role("link", name=re.compile("Følg op på målet")).click()
    desk.check()
    assert "Teksten kan ikke rettes af medarbejdere." in desk.main_text()
    assert page.get_by_role("link", name="Ret målet").count() == 0
    refused = desk.goto(f"/staff/families/{ids['family']}/goals/{ids['parents_goal']}/edit")
    assert refused.status == 403
    desk.check()
    assert page.get_by_role("textbox", name="Målet med familiens egne ord").count() == 0

    desk.goto(f"/staff/families/{ids['family']}/goals")
    desk.click("Nyt mål sammen med familien")
    goal = "Oliver går til fodbold og får en ven. ⚽"
    desk.fill("Målet med familiens egne ord", goal)
    desk.choose("Hvem er målet for?", "Hele familien")
    desk.press("Gem")
    assert "Skrevet sammen med Mette Lund" in desk.main_text()
    goal_id = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("link", name="Ret målet").is_visible()
    for score, note in [("3", "Oliver er med til træning."), ("6", "Oliver har fået en ven på holdet.")]:
        desk.fill("Hvor er I nu, fra 0 til 10?", score)
        desk.fill("Kort note", note)
        desk.press("Gem tallet")
    desk.check()
    desk.fill("Hvor er I nu, fra 0 til 10?", "11")
    desk.press("Gem tallet")
    assert "Vælg et tal fra 0 til 10." in page.locator(".error-summary").inner_text()
    desk.check()
    desk.choose("Ny status", "Nået")
    desk.fill("Hvorfor (kort)", "Oliver har en ven.")
    desk.press("Skift status")
    assert "Status ændret til Nået." in desk.main_text()
    desk.check()
    desk.done()

    parent = ParentPhone(browser, live_server, "sanne.moerk@example.dk")
    parent.menu("Plan")
    plan_text = parent.section_text("Hvem gør hvad, og hvornår")
    assert "Fodbold om onsdagen I gang" in plan_text and "Hver onsdag kl. 16" in plan_text
    assert "Lektiehjælp i klubben Afsluttet" in plan_text
    parent.menu("Mål")
    goal_item = parent.page.locator(f"#goal-{goal_id}")
    assert goal_item.locator(".goal-text").inner_text() == goal
    shown = " ".join(goal_item.inner_text().split())
    assert "Hvor er vi nu: 6 ud af 10 (sidst 3)" in shown
    assert " ".join(goal_item.locator(".history").inner_text().split()) == "Tidligere tal: 3 → 6"
    assert goal_item.locator(".tag").inner_text() == "Nået"
    assert "Status ændret til Nået. Oliver har en ven." in shown
    parent.done()


# 6. A plan update in Markdown, previewed without JavaScript.


def test_a_coordinator_previews_and_publishes_a_plan_update_in_markdown(live_server, browser, checker):
    given_family(live_server, "Familien Friis", "Eva Friis", "eva.friis@example.dk")
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Friis")
    desk.section("Opdateringer")
    desk.click("Skriv en opdatering")
    body = "**Nyt om jeres plan**\n\nVi har aftalt:\n\n- Skolen ringer hver fredag\n- Vi ses igen i januar"
    desk.fill("Opdatering", body)
    desk.press("Forhåndsvis")
    preview = page.locator("section.preview")
    assert preview.locator("strong").inner_text() == "Nyt om jeres plan"
    assert preview.locator("li").all_inner_texts() == ["Skolen ringer hver fredag", "Vi ses igen i januar"]
    assert page.get_by_label("Opdatering").input_value() == body
    desk.check()

    parent = ParentPhone(browser, live_server, "eva.friis@example.dk")
    parent.menu("Plan")
    assert parent.page.get_by_role("heading", name="Nyt om planen").count() == 0  # a preview saves nothing

    desk.press("Vis for familien")
    assert desk.notice() == "Gemt."
    assert "Vist for familien" in desk.main_text()
    desk.check()
    desk.done()

    parent.visit("/")
    parent.page.get_by_role("link", name="Ny besked om planen fra Mette Lund").click()
    parent.check()
    update = parent.section_text("Nyt om planen")
    assert "Mette Lund" in update
    news = parent.page.locator(".markdown")
    assert news.locator("strong").inner_text() == "Nyt om jeres plan"
    assert news.locator("li").all_inner_texts() == ["Skolen ringer hver fredag", "Vi ses igen i januar"]
    assert "**" not in update
    parent.done()


# 7. Handover.


def test_the_admin_hands_a_family_over_and_the_parent_is_told_who_takes_over(live_server, browser, checker):
    desk = Desk(browser, live_server, checker, ANNE_EMAIL)
    desk.open_family("Familien Holm")
    desk.section("Overdrag")
    assert "Nu er det Mette Lund." in desk.main_text()
    desk.press("Overdrag familien")
    assert "Vælg en anden aktiv medarbejder." in desk.errors()
    desk.check()
    desk.choose("Ny kontaktperson", "Jonas Berg, Børn og Familie")
    desk.press("Overdrag familien")
    told = desk.notice()  # checked at the end, after what the family sees
    assert "Kontaktperson: Jonas Berg" in desk.main_text()
    desk.done()

    jonas = Desk(browser, live_server, checker, JONAS_EMAIL)
    assert jonas.page.get_by_role("link", name="Familien Holm", exact=True).is_visible()
    jonas.done()

    phone = ParentPhone(browser, live_server, demo_data.PARENT_EMAIL)
    assert phone.page.locator("p.notice").inner_text() \
        == f"Fra {date_only(today().isoformat())} er Jonas Berg din kontaktperson."
    assert "Jonas Berg" in phone.section_text("Din kontaktperson")
    assert phone.page.get_by_role("link", name="Ring til Jonas").get_attribute("href") == "tel:+4570101012"
    # The notice too fits in the two screens of the home page.
    assert phone.page.evaluate("document.documentElement.scrollHeight") <= 2 * PHONE["height"]
    phone.done()

    # The coordinator was told what happened.
    assert told == "Familien har fået en ny kontaktperson."


# 8. A family that lives apart.


def test_a_parent_never_sees_what_is_hidden_from_him_nor_the_other_parents_protected_home(
        live_server, browser, checker):
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    page = desk.page
    desk.open_family("Familien Yilmaz Andersen")
    desk.section("Møder")

    desk.click("Nyt møde")
    desk.choose("Slags møde", "Hjemmebesøg")
    desk.fill("Dato", days_from_today(3).isoformat())
    desk.fill("Fra kl.", "15:00")
    desk.fill("Sted", "Skovbrynet 12, 2. th., 9999 Demoby")
    desk.choose("Mødet er hjemme hos en forælder med beskyttet adresse", "Nadia Yilmaz")
    desk.fill("Hvad skal I tale om", "Livas nye værelse.")
    desk.tick("Nadia Yilmaz (mor)")
    desk.press("Gem og vis for familien")
    assert "Stedet er en beskyttet adresse. Andre forældre ser det ikke." in desk.main_text()
    home_visit = page.url.rsplit("/", 1)[1]

    desk.section("Møder")
    desk.click("Nyt møde")
    desk.choose("Slags møde", "Samtale")
    desk.fill("Dato", days_from_today(4).isoformat())
    desk.fill("Fra kl.", "11:00")
    desk.fill("Sted", "Krisecentret Demoby")
    desk.tick("Nadia Yilmaz (mor)")
    desk.tick("Martin Andersen")
    desk.press("Gem og vis for familien")
    assert "Vises ikke for: Martin Andersen" in desk.main_text()
    desk.check()
    hidden = page.url.rsplit("/", 1)[1]
    desk.done()

    martin = ParentPhone(browser, live_server, demo_data.SPLIT_FAMILY_PARENT_EMAIL)
    martin.menu("Møder")
    meetings_text = martin.main_text()
    assert "Samtale" not in meetings_text and "Krisecentret" not in meetings_text
    assert "Skovbrynet" not in meetings_text
    assert "Hjemmebesøg · Stedet får du at vide af din kontaktperson" in meetings_text
    for meeting_id in (home_visit, "7"):  # the new visit, and the demo's visit at Nadia's home
        martin.visit(f"/meetings/{meeting_id}")
        assert "Stedet får du at vide af din kontaktperson" in martin.section_text("Om mødet")
        assert "Skovbrynet" not in martin.main_text()
    for meeting_id in (hidden, "8"):  # the new conversation, and the demo's meeting hidden from Martin
        response = martin.visit(f"/meetings/{meeting_id}")
        assert response.status == 404
        assert "Krisecentret" not in martin.main_text()
    martin.menu("Plan")
    assert "Samtaler om tryghed for Nadia" not in martin.main_text()
    martin.menu("Hvem er med")
    assert "Skovbrynet" not in martin.main_text() and "31 32 33 34" not in martin.main_text()
    martin.done()

    nadia = ParentPhone(browser, live_server, "nadia.yilmaz@example.dk")
    nadia.visit(f"/meetings/{hidden}")
    assert "Krisecentret Demoby" in nadia.section_text("Om mødet")
    nadia.visit(f"/meetings/{home_visit}")
    assert "Skovbrynet 12, 2. th., 9999 Demoby" in nadia.section_text("Om mødet")
    nadia.done()


# 9. Two coordinators save the same meeting.


def test_two_coordinators_edit_one_meeting_and_the_second_chooses_between_both_versions(live_server, browser, checker):
    starts = at(11, 9)
    ids = given_family(live_server, "Familien Winther", "Rikke Winther", "rikke.winther@example.dk",
                       talk=meeting("conversation", starts, "Rådhuset", "Hvordan går det med Alfred?"))
    edit = f"/staff/families/{ids['family']}/meetings/{ids['talk']}/edit"
    mette = Desk(browser, live_server, checker, METTE_EMAIL)
    anne = Desk(browser, live_server, checker, ANNE_EMAIL)
    mette.goto(edit)
    anne.goto(edit)
    anne.check()

    anne.fill("Sted", "Rådhuset, lokale 2")
    anne.press("Gem ændringer")
    assert anne.notice() == "Gemt."
    anne.done()

    mette.fill("Sted", "Biblioteket")
    mette.fill("Hvad skal I tale om", "Alfreds nye skole.")
    mette.press("Gem ændringer")
    page = mette.page
    assert page.get_by_role("heading", name="En anden har gemt, mens du skrev").is_visible()
    rows = page.locator(".conflict tbody tr").all_inner_texts()
    assert "Sted\tRådhuset, lokale 2\tBiblioteket" in rows
    assert "Hvad skal I tale om\tHvordan går det med Alfred?\tAlfreds nye skole." in rows
    assert page.get_by_label("Sted", exact=True).input_value() == "Biblioteket"  # nothing typed is lost
    mette.check()

    # Nothing was overwritten: the family still sees Anne's version.
    parent = ParentPhone(browser, live_server, "rikke.winther@example.dk")
    parent.visit(f"/meetings/{ids['talk']}")
    assert "Rådhuset, lokale 2" in parent.section_text("Om mødet")

    # Mette chooses her own version and saves once more.
    mette.press("Gem ændringer")
    assert mette.notice() == "Gemt."
    assert "Biblioteket" in mette.main_text()
    mette.done()

    parent.visit(f"/meetings/{ids['talk']}")
    facts = parent.section_text("Om mødet")
    assert "Biblioteket" in facts and "Alfreds nye skole." in facts
    parent.done()


# 10. A case closed by mistake, and opened again.


def test_a_case_closes_only_with_the_familys_name_typed_and_a_mistake_is_undone(live_server, browser, checker):
    given_family(live_server, "Familien Bruun", "Lise Bruun", "lise.bruun@example.dk")
    desk = Desk(browser, live_server, checker, METTE_EMAIL)
    desk.open_family("Familien Bruun")
    desk.section("Familien")
    desk.click("Luk sagen")
    desk.tick("Planen og forløbet er lagt over i kommunens sagssystem")
    desk.press("Luk sagen")  # a tick and a press are not enough
    assert "Skriv familiens navn, som det står her: Familien Bruun" in desk.errors()
    desk.tick("Planen og forløbet er lagt over i kommunens sagssystem")
    desk.fill("Familiens navn", "familien bruun")
    desk.press("Luk sagen")
    assert "Sagen er lukket. Forældrene har fået besked." in desk.main_text()
    assert not desk.page.get_by_role("link", name="Familien Bruun", exact=True).is_visible()
    desk.goto("/staff/closed/")
    desk.check()
    assert "Familien Bruun" in desk.main_text()
    desk.page.get_by_role("link", name="Genåbn Familien Bruun").click()
    desk.check()
    assert "Forældrene kan logge ind igen, hvis de kunne før." in desk.main_text()
    desk.press("Genåbn sagen")
    assert "Sagen er åbnet igen. Forældrene får besked." in desk.main_text()
    assert "Sagen blev lukket" not in desk.main_text()
    desk.goto("/staff/")
    assert desk.page.get_by_role("link", name="Familien Bruun", exact=True).is_visible()
    desk.done()

    phone = ParentPhone(browser, live_server, "lise.bruun@example.dk")  # she signs in as before
    phone.done()


def test_every_coordinator_page_of_the_demo_passes_axe_at_1280_and_360_px(live_server, browser, checker):
    """The pages the stories do not pass through: lists, forms and the admin's pages."""
    desk = Desk(browser, live_server, checker, ANNE_EMAIL)
    holm, split = "/staff/families/1", "/staff/families/2"
    paths = ["/staff/?sort=next", "/staff/?inactive=1", "/staff/accounts/", "/staff/accounts/new",
             "/staff/accounts/2/edit"]
    paths += [holm + page for page in (
        "", "/members", "/edit", "/parents/1/edit", "/children/1/edit", "/people", "/people/1/edit", "/meetings",
        "/meetings/1", "/meetings/1/summary", "/meetings/5", "/plan", "/plan/1/edit", "/goals", "/goals/1",
        "/goals/3/edit", "/consents", "/consents/1/withdraw", "/updates", "/updates/1/edit", "/handover", "/audit")]
    paths += [split + page for page in ("", "/members", "/meetings/7", "/meetings/8/edit", "/plan", "/updates/new")]
    for path in paths:
        response = desk.goto(path)
        assert response.status == 200, path
        desk.check()
    desk.done()
