"""A parent answers a coming meeting: "Jeg kommer" or "Jeg kan ikke komme", with a reason in their own words."""

from ._core import Invalid, change, limit_parent_writes, record, row_in_family
from ..clock import now_text
from ..db import get_db, read_one
from ..own_words import is_visible
from ..own_words import problem as own_words_problem
from ..outbox import queue_cannot_come
from ...i18n import N_
from ...i18n import gettext as _

ANSWERS = ("coming", "not_coming")
REASON_TEXT = dict(
    max_length=500,
    blank_message=N_("Skriv, hvorfor du ikke kan komme."),
    too_long_message=N_(
        "Din begrundelse er for lang. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør den lidt kortere."
    ),
)
NOT_A_PARTICIPANT = N_("Du står ikke på listen over deltagere til mødet. Ring til din kontaktperson,"
                       " hvis du gerne vil med.")
CANCELLED = N_("Mødet er aflyst, så du kan ikke svare på det.")
STARTED = N_("Mødet er begyndt eller holdt, så du kan ikke længere svare på det.")
CHOOSE = N_("Vælg \"Jeg kommer\" eller \"Jeg kan ikke komme\".")


def why_not_answerable(meeting, parent_id):
    """A friendly reason the parent cannot answer this meeting (as it is now), or None."""
    if meeting["status"] == "cancelled":
        return _(CANCELLED)
    if meeting["status"] != "planned" or meeting["starts_at"] <= now_text():
        return _(STARTED)
    if not is_participant(meeting["id"], parent_id):
        return _(NOT_A_PARTICIPANT)
    return None


def is_participant(meeting_id, parent_id):
    return get_db().execute("SELECT 1 FROM meeting_participants WHERE meeting_id = ? AND parent_id = ?",
                            [meeting_id, parent_id]).fetchone() is not None


@change
def answer_meeting(actor, meeting, answer, reason=None):
    """Save a parent's answer to a meeting they take part in, until it starts; they can change it.

    A new "kan ikke komme" tells the family's coordinator by e-mail, in the same
    transaction; the e-mail names nothing about the case.
    """
    assert actor.kind == "parent"
    # Read again inside the transaction: the meeting may have been cancelled since the page was shown.
    meeting = row_in_family("meetings", meeting["id"], meeting["family_id"])
    problem = why_not_answerable(meeting, actor.id)
    if problem:
        raise Invalid({"answer": problem})
    if answer not in ANSWERS:
        raise Invalid({"answer": _(CHOOSE)})
    if answer == "not_coming" and any(is_visible(character) for character in reason or ""):
        error = own_words_problem(reason, **REASON_TEXT)
        if error:
            raise Invalid({"reason": error})
    else:
        reason = None
    db = get_db()
    before = read_one(db, "SELECT answer, reason FROM meeting_replies WHERE meeting_id = ? AND parent_id = ?",
                      [meeting["id"], actor.id])
    if before == {"answer": answer, "reason": reason}:
        return False
    limit_parent_writes(actor, "reason" if answer == "not_coming" else "answer")
    db.execute(
        "INSERT INTO meeting_replies (family_id, meeting_id, parent_id, answer, reason, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, parent_id)"
        " DO UPDATE SET answer = excluded.answer, reason = excluded.reason, answered_at = excluded.answered_at",
        [meeting["family_id"], meeting["id"], actor.id, answer, reason, now_text()],
    )
    # The event holds the answer, never the reason (the parent's own words).
    record(actor, "meeting.answered", meeting["family_id"], item_kind="meeting", item_id=meeting["id"],
           answer=answer)
    if answer == "not_coming" and (before is None or before["answer"] != "not_coming"):
        _tell_coordinator(meeting)
    return True


def _tell_coordinator(meeting):
    coordinator = read_one(
        get_db(),
        "SELECT s.id, s.email FROM families f JOIN staff s ON s.id = f.coordinator_id WHERE f.id = ? AND s.active = 1",
        [meeting["family_id"]],
    )
    if coordinator is None or not coordinator["email"]:
        return
    queue_cannot_come(coordinator, meeting)


def forget_replies(meeting_id, *, all_parents=False):
    """Drop answers that no longer hold: those of parents no longer in the meeting, or all (it moved)."""
    sql = "DELETE FROM meeting_replies WHERE meeting_id = ?"
    if not all_parents:
        sql += (" AND parent_id NOT IN (SELECT parent_id FROM meeting_participants"
                " WHERE meeting_id = ? AND parent_id IS NOT NULL)")
    return get_db().execute(sql, [meeting_id] if all_parents else [meeting_id, meeting_id]).rowcount
