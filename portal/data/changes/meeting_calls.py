"""A professional answers a call to a meeting: I come, I cannot (why), I send a colleague (who), I send written input.

One answer per involvement and meeting, changeable until the meeting starts. A moved meeting clears the
answers (forget_calls, from changes/meetings.update_meeting, in the same transaction).
"""
from ._core import Invalid, change, record
from .. import access
from ..clock import now_text
from ..db import get_db, read_one
from ..own_words import problem as own_words_problem
from ...i18n import N_
from ...i18n import gettext as _

ANSWERS = ("coming", "not_coming", "sends_colleague", "sends_written")
REASON_TEXT = dict(
    max_length=500,
    blank_message=N_("Skriv, hvorfor du ikke kan komme."),
    too_long_message=N_(
        "Din begrundelse er for lang. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør den lidt kortere."
    ),
)
COLLEAGUE_TEXT = dict(
    max_length=200,
    blank_message=N_("Skriv navnet på den kollega, der kommer i stedet for dig."),
    too_long_message=N_("Navnet er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s."),
    multiline=False,
)
CHOOSE = N_("Vælg et af svarene.")
CANCELLED = N_("Mødet er aflyst, så du kan ikke svare på det.")
STARTED = N_("Mødet er begyndt eller holdt, så du kan ikke længere svare på det.")


def called_involvement(professional_id, meeting_id):
    """The professional's involvement (not removed) that is called to the meeting, or None."""
    row = read_one(
        get_db(),
        "SELECT inv.id FROM meeting_participants mp JOIN people_involved inv ON inv.id = mp.person_involved_id"
        " WHERE mp.meeting_id = ? AND inv.professional_id = ? AND inv.removed_at IS NULL ORDER BY inv.id LIMIT 1",
        [meeting_id, professional_id],
    )
    return row["id"] if row else None


def why_not_answerable(meeting):
    """A friendly reason the meeting (as it is now) cannot be answered, or None."""
    if meeting["status"] == "cancelled":
        return _(CANCELLED)
    if meeting["status"] != "planned" or meeting["starts_at"] <= now_text():
        return _(STARTED)
    return None


@change
def answer_call(actor, meeting_id, answer, reason=None, colleague=None):
    """Save a professional's answer to a meeting they are called to and may see; they can change it until it starts.

    Raises NotCalled when the meeting is not theirs to answer (the page answers 404).
    """
    assert actor.kind == "professional"
    # Read again inside the transaction: the meeting may have moved, been cancelled or hidden since.
    meeting = access.professional_may_see_meeting(actor.id, meeting_id)
    person = called_involvement(actor.id, meeting_id) if meeting else None
    if person is None:
        raise NotCalled()
    problem = why_not_answerable(meeting)
    if problem:
        raise Invalid({"answer": problem})
    if answer not in ANSWERS:
        raise Invalid({"answer": _(CHOOSE)})
    reason = (reason or "").strip() if answer == "not_coming" else None
    colleague = " ".join((colleague or "").split()) if answer == "sends_colleague" else None
    errors = {}
    if reason is not None and (error := own_words_problem(reason, **REASON_TEXT)):
        errors["reason"] = error
    if colleague is not None and (error := own_words_problem(colleague, **COLLEAGUE_TEXT)):
        errors["colleague"] = error
    if errors:
        raise Invalid(errors)
    db = get_db()
    before = read_one(db, "SELECT answer, reason, colleague FROM meeting_calls"
                          " WHERE meeting_id = ? AND person_involved_id = ?", [meeting_id, person])
    if before == {"answer": answer, "reason": reason, "colleague": colleague}:
        return False
    db.execute(
        "INSERT INTO meeting_calls (family_id, meeting_id, person_involved_id, answer, reason, colleague, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, person_involved_id) DO UPDATE SET"
        " answer = excluded.answer, reason = excluded.reason, colleague = excluded.colleague,"
        " answered_at = excluded.answered_at",
        [meeting["family_id"], meeting_id, person, answer, reason, colleague, now_text()],
    )
    # The audit line holds the answer, never the reason nor the colleague's name.
    record(actor, "meeting.call_answered", meeting["family_id"], item_kind="meeting", item_id=meeting_id,
           event=False, answer=answer)
    return True


class NotCalled(Exception):
    """The professional is not called to this meeting, or may not see it."""


def forget_calls(meeting_id, *, moved=False):
    """Drop answers that no longer hold: those of people no longer called, or all (the meeting moved)."""
    sql = "DELETE FROM meeting_calls WHERE meeting_id = ?"
    if not moved:
        sql += (" AND person_involved_id NOT IN (SELECT person_involved_id FROM meeting_participants"
                " WHERE meeting_id = ? AND person_involved_id IS NOT NULL)")
    return get_db().execute(sql, [meeting_id] if moved else [meeting_id, meeting_id]).rowcount
