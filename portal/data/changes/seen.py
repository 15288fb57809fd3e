"""What a staff member has seen of a family: parents' additions after that are "Nyt fra familien"."""
from ..db import get_db


def mark_seen(staff_id, family_id, at):
    """The staff member has now seen what the family added up to `at`."""
    get_db().execute(
        "INSERT INTO staff_family_seen (staff_id, family_id, seen_at) VALUES (?, ?, ?)"
        " ON CONFLICT (staff_id, family_id) DO UPDATE SET seen_at = excluded.seen_at WHERE excluded.seen_at > seen_at",
        [staff_id, family_id, at],
    )
