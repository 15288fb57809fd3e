"""A professional answers a call to a meeting: I come, I cannot (why), I send a colleague (who), I send written input.

One answer per involvement and meeting, changeable until the meeting starts. A moved meeting clears the
answers (forget_calls, from changes/meetings.update_meeting, in the same transaction).
"""
from ._core import Invalid, change, record
from .. import access, outbox
from ..clock import now_text, today_text
from ..contact import is_email
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
    blank_message=N_("Vælg den kollega, der kommer i stedet for dig, eller skriv navn og e-mail."),
    too_long_message=N_("Navnet er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s."),
    multiline=False,
)
NOT_A_COLLEAGUE = N_("Vælg en kollega fra din egen organisation.")
EMAIL_NEEDED = N_("Skriv kollegaens e-mail, fx navn@skole.dk.")
ACCESS_ENDED = N_("Koordinatoren har fjernet kollegaens adgang til familien. Kontakt koordinatoren.")
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
def answer_call(actor, meeting_id, answer, reason=None, colleague=None, colleague_id=None, colleague_email=None):
    """Save a professional's answer to a meeting they are called to and may see; they can change it until it starts.

    "Jeg sender en anden" names a colleague of the same organisation: one chosen (colleague_id, an active
    professional), or a new one by name and e-mail. The colleague is then called to the meeting (an
    involvement with scope 'meeting' unless they have one, and a participant row) and sees it.
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
    errors = {}
    if reason is not None and (error := own_words_problem(reason, **REASON_TEXT)):
        errors["reason"] = error
    if errors:
        raise Invalid(errors)
    colleague_person = None
    if answer == "sends_colleague":
        colleague_person, colleague = _call_colleague(actor, meeting, person, colleague_id, colleague, colleague_email)
    else:
        colleague = None
    db = get_db()
    before = read_one(db, "SELECT answer, reason, colleague, colleague_involvement_id FROM meeting_calls"
                          " WHERE meeting_id = ? AND person_involved_id = ?", [meeting_id, person])
    if before == {"answer": answer, "reason": reason, "colleague": colleague,
                  "colleague_involvement_id": colleague_person}:
        return False
    db.execute(
        "INSERT INTO meeting_calls (family_id, meeting_id, person_involved_id, answer, reason, colleague,"
        " colleague_involvement_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, person_involved_id) DO UPDATE SET"
        " answer = excluded.answer, reason = excluded.reason, colleague = excluded.colleague,"
        " colleague_involvement_id = excluded.colleague_involvement_id, answered_at = excluded.answered_at",
        [meeting["family_id"], meeting_id, person, answer, reason, colleague, colleague_person, now_text()],
    )
    # The audit line holds the answer, never the reason nor the colleague's name.
    record(actor, "meeting.call_answered", meeting["family_id"], item_kind="meeting", item_id=meeting_id,
           event=False, answer=answer)
    return True


def _call_colleague(actor, meeting, person, colleague_id, name, email):
    """(involvement id, name) of the colleague sent instead, called to the meeting now; Invalid when not allowed."""
    db = get_db()
    sender = read_one(db, "SELECT family_id, role, organisation FROM people_involved WHERE id = ?", [person])
    same_organisation = "trim(coalesce(organisation, '')) = trim(coalesce(?, '')) COLLATE NOCASE"
    if colleague_id:
        colleague = read_one(db, f"SELECT * FROM professionals WHERE id = ? AND active = 1 AND id != ?"
                                 f" AND {same_organisation}", [colleague_id, actor.id, sender["organisation"]])
        if colleague is None:
            raise Invalid({"colleague": _(NOT_A_COLLEAGUE)})
    else:
        name = " ".join((name or "").split())
        email = (email or "").strip()
        errors = {}
        if error := own_words_problem(name, **COLLEAGUE_TEXT):
            errors["colleague"] = error
        if not is_email(email):
            errors["colleague_email"] = _(EMAIL_NEEDED)
        if errors:
            raise Invalid(errors)
        colleague = read_one(db, "SELECT * FROM professionals WHERE lower(email) = lower(?)", [email])
        if colleague is None:
            colleague_id = db["professionals"].insert(
                {"name": name, "email": email, "organisation": sender["organisation"], "active": 1,
                 "created_at": now_text(), "version": 0}).last_pk
            colleague = db["professionals"].get(colleague_id)
        elif (colleague["id"] == actor.id or not colleague["active"] or
              (colleague["organisation"] or "").strip().casefold() != (sender["organisation"] or "").strip().casefold()):
            raise Invalid({"colleague_email": _(NOT_A_COLLEAGUE)})
    involvement = read_one(db, "SELECT id, scope FROM people_involved WHERE professional_id = ? AND family_id = ?"
                               " AND removed_at IS NULL ORDER BY id LIMIT 1", [colleague["id"], sender["family_id"]])
    if involvement and involvement["scope"] == "none":
        raise Invalid({"colleague": _(ACCESS_ENDED)})
    if involvement is None:
        involvement_id = db["people_involved"].insert(
            {"family_id": sender["family_id"], "professional_id": colleague["id"], "role": sender["role"],
             "organisation": sender["organisation"], "started_on": today_text(), "scope": "meeting"}).last_pk
    else:
        involvement_id = involvement["id"]
    if not db.execute("SELECT 1 FROM meeting_participants WHERE meeting_id = ? AND person_involved_id = ?",
                      [meeting["id"], involvement_id]).fetchone():
        db["meeting_participants"].insert({"meeting_id": meeting["id"], "person_involved_id": involvement_id})
        record(actor, "meeting.colleague_called", sender["family_id"], item_kind="meeting", item_id=meeting["id"],
               event=False, person=involvement_id)
    return involvement_id, colleague["name"]


class NotCalled(Exception):
    """The professional is not called to this meeting, or may not see it."""


def forget_calls(meeting_id, *, moved=False):
    """Drop answers that no longer hold: those of people no longer called, or all (the meeting moved)."""
    sql = "DELETE FROM meeting_calls WHERE meeting_id = ?"
    if not moved:
        sql += (" AND person_involved_id NOT IN (SELECT person_involved_id FROM meeting_participants"
                " WHERE meeting_id = ? AND person_involved_id IS NOT NULL)")
    return get_db().execute(sql, [meeting_id] if moved else [meeting_id, meeting_id]).rowcount


def called_emails(meeting_id, *, unanswered_only=False):
    """The own e-mail of each active called professional who may see the meeting (never a shared address);
    with unanswered_only, only of those who have not answered the call."""
    sql = ("SELECT DISTINCT pro.id, pro.email FROM meeting_participants mp"
           " JOIN people_involved inv ON inv.id = mp.person_involved_id"
           " JOIN professionals pro ON pro.id = inv.professional_id"
           " WHERE mp.meeting_id = ? AND inv.removed_at IS NULL AND inv.scope != 'none' AND pro.active = 1"
           " AND pro.email IS NOT NULL AND pro.email != ''")
    if unanswered_only:
        sql += (" AND NOT EXISTS (SELECT 1 FROM meeting_calls c WHERE c.meeting_id = mp.meeting_id"
                " AND c.person_involved_id = inv.id)")
    return [email for professional_id, email in get_db().execute(sql, [meeting_id]).fetchall()
            if access.professional_may_see_meeting(professional_id, meeting_id)]


def tell_called_of_change(meeting_id):
    """E-mail each called professional who may see the meeting that it moved or was cancelled (no case details).

    Called in the transaction that moves or cancels a published meeting.
    """
    told = called_emails(meeting_id)
    for email in told:
        outbox.queue_meeting_changed(email, meeting_id)
    return len(told)
