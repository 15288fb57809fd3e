"""A network meeting's call in Chromium, at 1280 and 360 px, with axe finding nothing on our pages.

The teacher Hanne Bech signs in through the municipality's login, answers "Jeg sender et skriftligt bidrag"
and sends her input; the coordinator sees the answer and the input and shares it; the parent Sara sees who
comes and the shared input. Every step is done with JavaScript off (nothing needs it); axe then reads the
same page in a JavaScript-on tab with the same cookies.
"""

import pytest

from browser import DESKTOP, PHONE, Tab, sign_in
from staff_sso_helpers import portal_with_oidc_staff_login

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]

WORDS = {"Det går godt": "Emil læser højt for klassen hver fredag.",
         "Det er vi bekymrede for": "Han kommer ofte for sent om mandagen.",
         "Det skal der ske": "Vi aftaler en fast morgenrutine med familien."}


@pytest.fixture
def sites(tmp_path):
    with portal_with_oidc_staff_login(tmp_path) as served:
        yield served


def network_meeting(app):
    """Familien Holm's next network meeting that Hanne is called to; Rasmus Kjær (PPR) has said he comes."""
    from portal.data.changes import Actor
    from portal.data.changes import meeting_calls
    from portal.data.db import get_db

    with app.test_request_context():
        db = get_db()
        meeting_id = db.execute(
            "SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
            " JOIN people_involved inv ON inv.id = mp.person_involved_id JOIN professionals pro"
            " ON pro.id = inv.professional_id WHERE pro.name = 'Hanne Bech' AND m.family_id = 1"
            " AND m.kind = 'network' AND m.status = 'planned' AND m.published_at IS NOT NULL"
            " AND m.starts_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ORDER BY m.starts_at").fetchone()[0]
        # The deadline a week ahead, whatever day the test runs.
        db.execute("UPDATE meetings SET input_due_on = date('now', '+7 days') WHERE id = ?", [meeting_id])
        db.conn.commit()
        rasmus = db.execute("SELECT id FROM professionals WHERE name = 'Rasmus Kjær'").fetchone()[0]
        meeting_calls.answer_call(Actor("professional", rasmus), meeting_id, "coming")
    return meeting_id


def checked(browser, tab):
    """axe and the width on the page `tab` shows, read in a JavaScript-on tab with the same cookies."""
    seen = Tab(browser, tab.origin, viewport=tab.viewport)
    seen.context.add_cookies(tab.context.cookies())
    seen.goto(tab.page.url)
    seen.check_accessibility()
    seen.check_fits_width()
    seen.close()


def staff_sign_in(tab, who):
    tab.goto("/staff/login")
    tab.page.get_by_role("link", name="Log ind med din kommunes login").click()
    tab.page.get_by_role("button", name=who).click()
    tab.page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_teacher_sends_written_input_the_coordinator_shares_it_and_the_parent_sees_it(browser, sites, viewport):
    app, base = sites
    meeting = network_meeting(app)

    # The teacher answers the call and writes her input.
    teacher = Tab(browser, base, viewport=viewport, javascript=False)
    staff_sign_in(teacher, "Hanne Bech (lærer, fagperson i to familier)")
    assert teacher.page.url == f"{base}/fagperson/"
    teacher.goto(f"/fagperson/moeder/{meeting}")
    checked(browser, teacher)
    teacher.page.get_by_label("Jeg sender et skriftligt bidrag").check()
    teacher.page.get_by_role("button", name="Send svar").click()
    teacher.page.wait_for_load_state()
    assert teacher.page.url.endswith("#bidrag")
    assert "Dit skriftlige bidrag" in teacher.main_text() and "Frist:" in teacher.main_text()
    for label, text in WORDS.items():
        teacher.page.get_by_label(label, exact=True).fill(text)
    teacher.page.get_by_role("button", name="Gem bidrag").click()
    teacher.page.wait_for_load_state()
    assert "Tak. Dit bidrag er gemt." in teacher.main_text()
    checked(browser, teacher)
    teacher.close()

    # The coordinator sees the answers and the input, and shares it with the parents.
    coordinator = Tab(browser, base, viewport=viewport, javascript=False)
    staff_sign_in(coordinator, "Mette Lund (koordinator)")
    coordinator.goto(f"/staff/families/1/meetings/{meeting}")
    answers = coordinator.page.inner_text("section[aria-labelledby=fagfolk-svar]")
    assert "Sender et skriftligt bidrag" in answers and "Bidrag sendt" in answers and "Kommer" in answers
    assert "Har ikke svaret" in answers and "Påmind dem, der ikke har svaret" in answers
    assert all(text in answers for text in WORDS.values())
    checked(browser, coordinator)
    coordinator.page.get_by_role("button", name="Del med forældrene – Hanne Bech").click()
    coordinator.page.wait_for_load_state()
    assert "Bidraget er delt med forældrene." in coordinator.main_text()
    assert "Del ikke længere" in coordinator.main_text()
    checked(browser, coordinator)
    coordinator.close()

    # The parent sees who comes, and the shared input as the teacher wrote it.
    parent = Tab(browser, base, viewport=viewport, javascript=False)
    sign_in(parent, app)
    parent.goto(f"/meetings/{meeting}")
    coming = parent.page.inner_text("section[aria-labelledby=fagfolk]")
    assert "Rasmus Kjær" in coming and "Hanne Bech" not in coming
    shared = parent.page.inner_text("section[aria-labelledby=bidrag]")
    assert "Hanne Bech" in shared and all(text in shared for text in WORDS.values())
    checked(browser, parent)
    parent.close()
