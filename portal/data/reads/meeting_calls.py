"""Professionals' answers to meeting calls: their own, the coordinator's overview, and who comes for the parents."""
from .. import access
from ..db import get_db, read_one


def answer(meeting_id, person_involved_id):
    """This involvement's answer to the meeting, or None."""
    return read_one(get_db(), "SELECT answer, reason, colleague, answered_at,"
                              " (SELECT professional_id FROM people_involved WHERE id = colleague_involvement_id)"
                              " AS colleague_professional_id FROM meeting_calls"
                              " WHERE meeting_id = ? AND person_involved_id = ?", [meeting_id, person_involved_id])


def called(meeting_id):
    """Every professional called to the meeting, with their answer (None: not answered). For staff only."""
    return list(get_db().query(
        "SELECT inv.id AS person_id, pro.name, inv.role, inv.organisation,"
        " c.answer, c.reason, c.colleague, c.answered_at"
        " FROM meeting_participants mp JOIN people_involved inv ON inv.id = mp.person_involved_id"
        " JOIN professionals pro ON pro.id = inv.professional_id"
        " LEFT JOIN meeting_calls c ON c.meeting_id = mp.meeting_id AND c.person_involved_id = inv.id"
        " WHERE mp.meeting_id = ? ORDER BY pro.name, inv.id", [meeting_id]))


def coming_for_parent(meeting_id, parent_id):
    """The called professionals who said "Jeg kommer", never one hidden from this parent."""
    return list(get_db().query(
        "SELECT pro.name, inv.role, inv.organisation"
        " FROM meeting_calls c JOIN people_involved inv ON inv.id = c.person_involved_id"
        " JOIN professionals pro ON pro.id = inv.professional_id"
        " JOIN meeting_participants mp ON mp.meeting_id = c.meeting_id AND mp.person_involved_id = inv.id"
        " WHERE c.meeting_id = :meeting AND c.answer = 'coming' AND inv.removed_at IS NULL"
        f" AND NOT {access.person_hidden_sql('inv.id')} ORDER BY pro.name, inv.id",
        {"meeting": meeting_id, "parent": parent_id}))


def colleagues(professional_id, meeting_id):
    """Active professionals of the organisation the professional is called to the meeting for, but themselves."""
    return list(get_db().query(
        "SELECT pro.id, pro.name FROM professionals pro WHERE pro.active = 1 AND pro.id != :professional"
        " AND trim(coalesce(pro.organisation, '')) = (SELECT trim(coalesce(inv.organisation, ''))"
        " FROM meeting_participants mp JOIN people_involved inv ON inv.id = mp.person_involved_id"
        " WHERE mp.meeting_id = :meeting AND inv.professional_id = :professional AND inv.removed_at IS NULL"
        " ORDER BY inv.id LIMIT 1) COLLATE NOCASE ORDER BY pro.name, pro.id",
        {"professional": professional_id, "meeting": meeting_id}))
