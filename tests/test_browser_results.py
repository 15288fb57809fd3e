"""The leaders' results page in Chromium at 1280 px, in Danish, English and Arabic: axe finds nothing, the page fits,
every figure has its chart beside its table, and no request leaves the local server."""
import os

import pytest

from portal.data import links
from portal.data.db import get_db
from portal.data.changes import verdicts
from portal.data.reads import results

from browser import DESKTOP, Tab
from conftest import insert_person

LEADER_EMAIL = "lise.leder@demo-kommune.dk"
UNIT = "Testenheden"


def leader_link(app):
    with app.app_context():
        return links.issue("staff", next(get_db()["staff"].rows_where("email = ?", [LEADER_EMAIL]))["id"])


@pytest.fixture(scope="module")
def shown(live_server):
    """A leader, and a unit of 6 families with something in every figure in the last ended quarter."""
    with live_server.app_context():
        db = get_db()
        first = results.quarters()[0]["from"] + "-01"
        db.execute("INSERT INTO staff (name, email, role, department, created_at) VALUES"
                   " ('Lise Leder', ?, 'leader', 'Ledelsen', '2025-01-01T08:00:00Z')", [LEADER_EMAIL])
        contact = db.execute("INSERT INTO staff (name, email, role, department, created_at) VALUES"
                             " ('Kaj Kontakt', 'kaj@demo-kommune.dk', 'coordinator', ?, '2025-01-01T08:00:00Z')",
                             [UNIT]).lastrowid

        def day(n):
            return db.execute("SELECT strftime('%Y-%m-%dT10:00:00Z', ?, ? || ' days')", [first, n]).fetchone()[0]
        for n in range(6):
            family = db.execute("INSERT INTO families (name, coordinator_id, created_at) VALUES (?, ?, ?)",
                                [f"Familien Hemmelig {n}", contact, day(-60)]).lastrowid
            for kind, status, at in (("network", "held", 10 + n), ("follow_up", "held", 40), ("network", "cancelled", 50)):
                db.execute("INSERT INTO meetings (family_id, kind, starts_at, status, created_at, updated_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)", [family, kind, day(at), status, day(-30), day(at - n % 3)])
            insert_person(db, family, "X", "Y", f"Org {n % 2}")
            goal = db.execute("INSERT INTO goals (family_id, text, created_at) VALUES (?, 'Mål', ?)",
                              [family, day(-50)]).lastrowid
            for at, score in ((-20, 3), (20, 3 + n % 3)):
                db.execute("INSERT INTO goal_scores (goal_id, score, noted_on, created_at) VALUES (?, ?, ?, ?)",
                           [goal, score, day(at)[:10], day(at)])
            db.execute("INSERT INTO plan_items (family_id, what, status, created_at, due_on) VALUES (?, 'P', ?, ?, ?)",
                       [family, "done" if n % 2 else "active", day(-10), day(30)[:10]])
        for heard in (5, 4, 4, 3, 2):  # the one way answers are stored (it counts them for the results too)
            verdicts.store("network", first[:7], UNIT, {"heard": heard, "who_does_what": heard, "what_matters": 5,
                                                         "trust": 4, "understood": 3})
        db.conn.commit()
    return UNIT


@pytest.mark.parametrize("language, button, heading, too_few", [
    ("da", None, "Resultater", "for få til at vise"),
    ("en", "English", "Results", "too few to show"),
    ("ar", "العربية", "النتائج", None),
])
def test_a_leader_reads_the_results_at_1280_px(live_server, browser, shown, language, button, heading, too_few):
    base = live_server.config["BASE_URL"]
    tab = Tab(browser, base, viewport=DESKTOP, javascript=True)
    page = tab.page
    tab.goto("/")
    if button:
        page.get_by_role("button", name=button).click()
    page.goto(leader_link(live_server))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", name=heading, level=1).is_visible()
    tab.check_fits_width()
    tab.check_accessibility()
    assert page.locator("section.result").count() == len(results.FIGURES)
    # The plain GET form, with JavaScript or without: choose the unit.
    page.locator("#enhed").select_option(shown)
    page.locator("form.results-filter button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("section.result svg").count() == len(results.FIGURES)
    assert page.locator("section.result table").count() == len(results.FIGURES)
    assert "Hemmelig" not in tab.main_text()
    tab.check_fits_width()
    tab.check_accessibility()
    if os.environ.get("RESULTS_SCREENSHOTS"):  # to look at: RESULTS_SCREENSHOTS=/tmp pytest ...
        page.screenshot(path=f"{os.environ['RESULTS_SCREENSHOTS']}/results-{language}.png", full_page=True)
    if too_few:
        page.locator("#enhed").select_option("Ledelsen")  # a unit without families
        page.locator("form.results-filter button[type=submit]").click()
        page.wait_for_load_state()
        assert too_few in tab.main_text()
        tab.check_accessibility()
    assert tab.foreign_requests() == []
    tab.close()
