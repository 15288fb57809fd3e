"""The family's timeline (family_events as lines, coordinators' marks) and the meeting-load flag."""
from datetime import timedelta

import pytest

from conftest import HOLM, MARTIN, METTE, NADIA, SPLIT, csrf_from, main_part
from portal.data.changes import Actor
from portal.data.changes import meetings as meeting_changes
from portal.data.changes import timeline as timeline_changes
from portal.data.clock import from_local, today
from portal.data.db import get_db
from portal.demo import COORDINATOR_EMAIL

STAFF = Actor("staff", METTE)


def event_id(db, family_id, kind, for_family=1):
    return db.execute("SELECT id FROM family_events WHERE family_id = ? AND kind = ? AND for_family = ?"
                      " ORDER BY id LIMIT 1", [family_id, kind, for_family]).fetchone()[0]


def mark(app, family_id, event, **values):
    with app.app_context():
        timeline_changes.mark_event(STAFF, family_id, event, None, **{"significant": True, **values})


def test_staff_timeline_shows_the_familys_events_with_their_source(auth, client):
    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/timeline")
    assert page.status_code == 200
    body = main_part(page.text)
    assert "Tidslinje" in body and "Nyt møde" in body
    assert "Børn og Familie" in body  # the staff member's department, or the municipality's


def test_smoke_parent(auth, client):
    auth.sign_in()
    page = client.get("/timeline")
    assert page.status_code == 200, page.text
    assert "Jeres forløb" in page.text
