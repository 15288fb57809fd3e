"""Written input before a meeting: the author's own, all of them for the coordinator, the shared ones for a parent."""
from .. import access
from ..db import get_db, read_one

_COLUMNS = "i.id, i.person_involved_id, i.going_well, i.worries, i.next_steps, i.written_at, i.shared_at"


def own(meeting_id, person_involved_id):
    """This involvement's input to the meeting, or None."""
    return read_one(get_db(), f"SELECT {_COLUMNS} FROM meeting_inputs i"
                              " WHERE i.meeting_id = ? AND i.person_involved_id = ?", [meeting_id, person_involved_id])


def by_person(meeting_id):
    """Every input to the meeting by involvement id. For staff only."""
    return {row["person_involved_id"]: row for row in get_db().query(
        f"SELECT {_COLUMNS} FROM meeting_inputs i WHERE i.meeting_id = ?", [meeting_id])}


def shared_for_parent(meeting_id, parent_id):
    """The inputs the coordinator shared, with their author's name; never one whose author is hidden from the parent."""
    return list(get_db().query(
        f"SELECT {_COLUMNS}, pro.name, inv.role, inv.organisation FROM meeting_inputs i"
        " JOIN people_involved inv ON inv.id = i.person_involved_id"
        " JOIN professionals pro ON pro.id = inv.professional_id"
        " WHERE i.meeting_id = :meeting AND i.shared_at IS NOT NULL"
        f" AND NOT {access.person_hidden_sql('inv.id')} ORDER BY pro.name, i.id",
        {"meeting": meeting_id, "parent": parent_id}))
