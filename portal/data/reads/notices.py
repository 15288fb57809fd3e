"""Notices to parents as people see them: what a parent was told, and each parent's choice for the coordinator."""
from ..changes.notices import channel_of, channels_for
from ..vocabulary import main_topics
from ..db import get_db, read_rows

_RECENT = """
    SELECT n.id, n.parent_id, n.kind, n.topics, n.first_at, n.due_at, n.done_at, n.skipped,
           o.channel, o.created_at AS queued_at, o.sent_at, o.failed_at, o.attempts
    FROM notices n LEFT JOIN outbox o ON o.id = n.outbox_id
"""


def state(notice):
    """waiting | sent | failed | not_sent: where a notice stands."""
    if notice["skipped"]:
        return "not_sent"
    if notice["sent_at"]:
        return "sent"
    if notice["failed_at"]:
        return "failed"
    return "waiting"


def _shaped(rows):
    for row in rows:
        row["state"] = state(row)
        named = main_topics((row["topics"] or "").split())
        # What it was about: reminder, one topic (meeting, plan, ...), or general.
        row["what"] = "reminder" if row["kind"] == "reminder" else named[0] if len(named) == 1 else "general"
    return rows


def for_parent(parent, limit=5):
    """The latest notices to this parent, newest first, with where each stands."""
    return _shaped(read_rows(get_db(), _RECENT + " WHERE n.parent_id = ? ORDER BY n.id DESC LIMIT ?",
                             [parent["id"], limit]))


def choice(parent):
    """What the Beskeder page offers: the channels the parent has, their choice, and where notices go now."""
    return {"channels": channels_for(parent), "chosen": parent.get("notices_by"), "now": channel_of(parent)}


def for_family(family_id, per_parent=3):
    """For the coordinator: each active parent's choice and their latest notices."""
    parents = read_rows(get_db(), "SELECT * FROM parents WHERE family_id = ? AND active = 1 ORDER BY id",
                        [family_id])
    recent = _shaped(read_rows(get_db(), _RECENT + " WHERE n.family_id = ? ORDER BY n.id DESC LIMIT 200",
                               [family_id]))
    return [{"id": parent["id"], "name": parent["name"], "can_sign_in": parent["can_sign_in"], **choice(parent),
             "notices": [n for n in recent if n["parent_id"] == parent["id"]][:per_parent]} for parent in parents]
