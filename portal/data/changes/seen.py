"""What a staff member has seen of a family: parents' additions after that are "Nyt fra familien"."""
from ..clock import now_text
from .. import behind
from ..db import get_db

# Written behind the page view (see behind.py), maybe after a later view's
# mark from another process: neither the event nor the time ever goes back.
_MARK = (
    "INSERT INTO staff_family_seen (staff_id, family_id, seen_event_id, seen_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (staff_id, family_id) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at),"
    " seen_event_id = max(seen_event_id, excluded.seen_event_id)"
)


def mark_seen(staff_id, family_id, event_id):
    """The staff member has now been shown what the family added up to event `event_id`."""
    behind.views.add(get_db(), (_MARK, [staff_id, family_id, event_id, now_text()]))
