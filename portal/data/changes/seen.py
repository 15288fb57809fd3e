"""What a staff member has seen of a family: parents' additions after that are "Nyt fra familien"."""
from ..clock import now_text
from ..db import get_db


def mark_seen(staff_id, family_id, event_id):
    """The staff member has now been shown what the family added up to event `event_id`."""
    get_db().execute(
        "INSERT INTO staff_family_seen (staff_id, family_id, seen_event_id, seen_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (staff_id, family_id) DO UPDATE SET seen_at = excluded.seen_at,"
        " seen_event_id = max(seen_event_id, excluded.seen_event_id)",
        [staff_id, family_id, event_id, now_text()],
    )
