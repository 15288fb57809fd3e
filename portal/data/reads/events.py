"""What changed in a family: "Nyt siden sidst" for a parent, "Nyt fra familien" for staff."""
import json

from .. import access
from ..db import get_db, read_rows
from ..vocabulary import event_kinds

# Kinds of event a parent hears of on their home page.
FOR_PARENTS = event_kinds(news=True)
# What parents write: nothing of it may go unseen by the coordinator.
FROM_PARENTS = event_kinds(from_parents=True)

# The details of a line: the item it is about and who made the change.
_DETAILS = """
    SELECT e.id, e.at, e.kind, e.item_kind, e.item_id, e.actor_kind, e.actor_id, e.detail,
           m.kind AS meeting_kind, m.starts_at AS meeting_starts_at, m.status AS meeting_status,
           i.what AS plan_what, g.text AS goal_text, pepro.name AS person_name,
           coalesce(ap.name, st.name) AS actor_name
    FROM {events} e
    LEFT JOIN meetings m ON e.item_kind = 'meeting' AND m.id = e.item_id
    LEFT JOIN plan_items i ON e.item_kind = 'plan_item' AND i.id = e.item_id
    LEFT JOIN goals g ON e.item_kind = 'goal' AND g.id = e.item_id
    LEFT JOIN people_involved pe ON e.item_kind = 'person' AND pe.id = e.item_id
    LEFT JOIN professionals pepro ON pepro.id = pe.professional_id
    LEFT JOIN parents ap ON e.actor_kind = 'parent' AND ap.id = e.actor_id
    LEFT JOIN staff st ON e.actor_kind = 'staff' AND st.id = e.actor_id
"""


def _kinds(kinds):
    return ", ".join(f"'{kind}'" for kind in kinds)


# A parent's news: the latest :scan changes they may see (not their own), as
# ids; the newest of each item says enough. Only those few lines are then read
# in detail: the joins cost more per line than finding the lines does.
_FOR_PARENT = f"""
    SELECT e.id, e.item_kind, e.item_id FROM family_events e
    WHERE e.family_id = :family AND e.at >= :since AND e.kind IN ({_kinds(FOR_PARENTS)})
      AND NOT (e.actor_kind = 'parent' AND e.actor_id = :parent) AND {access.parent_sees_event_sql("e")}
    ORDER BY e.at DESC, e.id DESC LIMIT :scan
"""

_FROM_FAMILY = _DETAILS.format(events="family_events") + f"""
    WHERE e.family_id = :family AND e.id > :after AND e.kind IN ({_kinds(FROM_PARENTS)}) AND e.actor_kind = 'parent'
    ORDER BY e.id LIMIT :limit
"""


def news_for_parent(parent, since, limit=6):
    """What changed since the parent's last visit (that second included: better twice than never), newest first.

    Their own additions are left out; so is anything they may not see.
    """
    db = get_db()
    seen, ids = set(), []
    for event_id, item_kind, item_id in db.execute(_FOR_PARENT, {
            "family": parent["family_id"], "since": since or "", "parent": parent["id"], "scan": limit * 4}):
        key = (item_kind, item_id) if item_id else ("event", event_id)
        if key not in seen:  # the newest change of each item says enough
            seen.add(key)
            ids.append(event_id)
    ids = ids[:limit]
    if not ids:
        return []
    rows = read_rows(db, _DETAILS.format(events="family_events")
                     + f" WHERE e.id IN ({', '.join('?' for _ in ids)}) ORDER BY e.at DESC, e.id DESC", ids)
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return rows


def has_news_for_parent(parent, since):
    """Whether anything changed since the parent's last visit that news_for_parent would show (not what)."""
    return get_db().execute(_FOR_PARENT, {"family": parent["family_id"], "since": since or "", "parent": parent["id"],
                                          "scan": 1}).fetchone() is not None


def news_from_family(family_id, after_event_id, limit=50):
    """What parents added after the event a staff member was last shown, with their words.

    The oldest `limit` of them, shown newest first; what is left stays new.
    """
    rows = read_rows(get_db(), _FROM_FAMILY, {"family": family_id, "after": after_event_id or 0, "limit": limit})[::-1]
    point_ids = []
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        if row["kind"] == "agenda_point.added":
            point_ids.append(row["detail"].get("agenda_point_id"))
    texts = {}
    if point_ids:
        marks = ", ".join("?" for _ in point_ids)
        texts = dict(get_db().execute(f"SELECT id, text FROM agenda_points WHERE id IN ({marks})", point_ids).fetchall())
    for row in rows:
        row["text"] = row["goal_text"] if row["kind"] == "goal.added" else texts.get(row["detail"].get("agenda_point_id"))
    return rows


def seen(staff_id, family_id):
    """(last event id shown, when) for a staff member and a family; (0, None) if never opened."""
    row = get_db().execute("SELECT seen_event_id, seen_at FROM staff_family_seen WHERE staff_id = ? AND family_id = ?",
                           [staff_id, family_id]).fetchone()
    return tuple(row) if row else (0, None)

