"""Parents' answers to meetings: "Jeg kommer" or "Jeg kan ikke komme"."""
from ..db import get_db, read_one


def reply(meeting_id, parent_id):
    """This parent's own answer to the meeting, or None."""
    return read_one(get_db(), "SELECT answer, reason, answered_at FROM meeting_replies"
                              " WHERE meeting_id = ? AND parent_id = ?", [meeting_id, parent_id])


def replies_by_parent(meeting_id):
    """Every answer to the meeting, by parent id: for staff only (it holds the reasons)."""
    return {row["parent_id"]: row for row in get_db().query(
        "SELECT parent_id, answer, reason, answered_at FROM meeting_replies WHERE meeting_id = ?", [meeting_id])}


def answers_by_meeting(meeting_ids, parent_id):
    """This parent's answers to these meetings: meeting id -> answer."""
    if not meeting_ids:
        return {}
    placeholders = ", ".join("?" for _ in meeting_ids)
    return dict(get_db().execute(
        f"SELECT meeting_id, answer FROM meeting_replies WHERE parent_id = ? AND meeting_id IN ({placeholders})",
        [parent_id, *meeting_ids]).fetchall())
