"""Written input before a meeting (Signs of Safety), shared with the parents by the coordinator; reminders.

Only the called professional writes and changes their input, until the meeting's deadline (meetings.input_due_on,
else 2 working days before the meeting). Nobody else edits it: no route does, save_input refuses every actor but
its author, and a trigger (m028) keeps it with its author and refuses to change words that are shared.
A change by the author un-shares it: the parents only ever see what the coordinator shared.
"""
from datetime import date, timedelta

from ._core import Invalid, change, record, row_in_family
from .meeting_calls import NotCalled, called_emails, called_involvement
from .. import access, outbox
from ..clock import from_db_time, local, now_text, to_db_time, today, utcnow
from ..db import get_db, read_one
from ..own_words import problem as own_words_problem
from ...i18n import N_
from ...i18n import gettext as _

FIELDS = ("going_well", "worries", "next_steps")
INPUT_TEXT = dict(
    max_length=2000,
    blank_message=N_("Skriv mindst ét af de tre felter."),
    too_long_message=N_("Teksten er for lang. Der er plads til %(max)s tegn, og du har skrevet %(count)s."
                        " Gør den lidt kortere."),
)
WORKING_DAYS_BEFORE = 2
REMIND_EVERY = timedelta(hours=24)
LOCKED = N_("Fristen for skriftlige bidrag er overskredet. Nu kan du ikke længere skrive eller ændre dit bidrag.")
CLOSED = N_("Mødet er aflyst eller holdt, så du kan ikke længere skrive et bidrag.")


def working_days_before(day, count):
    """The date `count` working days (Monday to Friday) before `day`."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_on(meeting):
    """The last day (a date) for written input to the meeting: the one set on it, else 2 working days before."""
    if meeting.get("input_due_on"):
        return date.fromisoformat(meeting["input_due_on"])
    return working_days_before(local(meeting["starts_at"]).date(), WORKING_DAYS_BEFORE)


def why_locked(meeting):
    """A friendly reason the professional can no longer write input to the meeting, or None."""
    if meeting["status"] != "planned" or meeting["starts_at"] <= now_text():
        return _(CLOSED)
    if today() > due_on(meeting):
        return _(LOCKED)
    return None


@change
def save_input(actor, meeting_id, **words):
    """The called professional writes or changes their input until the deadline; returns True when it changed.

    NotCalled for anyone else (the page answers 404): not a professional, not called, or may not see the meeting.
    """
    meeting = access.professional_may_see_meeting(actor.id, meeting_id) if actor.kind == "professional" else None
    person = called_involvement(actor.id, meeting_id) if meeting else None
    if person is None:
        raise NotCalled()
    if problem := why_locked(meeting):
        raise Invalid({"input": problem})
    values = {field: words.get(field) or "" for field in FIELDS}
    written = [field for field in FIELDS if values[field].strip()]
    errors = {}
    for field in written or FIELDS[:1]:
        if error := own_words_problem(values[field], **INPUT_TEXT):
            errors[field] = error
    if errors:
        raise Invalid(errors)
    values = {field: values[field] if field in written else "" for field in FIELDS}
    db = get_db()
    before = read_one(db, "SELECT id, going_well, worries, next_steps FROM meeting_inputs"
                          " WHERE meeting_id = ? AND person_involved_id = ?", [meeting_id, person])
    if before and all(before[field] == values[field] for field in FIELDS):
        return False
    now = now_text()
    if before:
        # Changed words are no longer what the coordinator shared.
        db.execute("UPDATE meeting_inputs SET going_well = ?, worries = ?, next_steps = ?, written_at = ?,"
                   " shared_at = NULL, shared_by_staff_id = NULL WHERE id = ?",
                   [*values.values(), now, before["id"]])
    else:
        db["meeting_inputs"].insert({"family_id": meeting["family_id"], "meeting_id": meeting_id,
                                     "person_involved_id": person, **values, "written_at": now})
    # The audit line never holds the words.
    record(actor, "meeting.input_written", meeting["family_id"], item_kind="meeting", item_id=meeting_id,
           event=False)
    return True


@change
def share_input(actor, family_id, meeting_id, input_id, shared):
    """The coordinator shares an input with the parents ("Del med forældrene"), or stops sharing it."""
    assert actor.kind == "staff"
    row_in_family("meetings", meeting_id, family_id)
    row = read_one(get_db(), "SELECT * FROM meeting_inputs WHERE id = ? AND meeting_id = ? AND family_id = ?",
                   [input_id, meeting_id, family_id])
    if row is None:
        raise Invalid({"input": _("Bidraget findes ikke længere.")})
    if bool(row["shared_at"]) == bool(shared):
        return False
    get_db().execute("UPDATE meeting_inputs SET shared_at = ?, shared_by_staff_id = ? WHERE id = ?",
                     [now_text(), actor.id, input_id] if shared else [None, None, input_id])
    record(actor, "meeting.input_shared" if shared else "meeting.input_unshared", family_id, item_kind="meeting",
           item_id=meeting_id, event=False, input_id=input_id)
    return True


def next_reminder_at(meeting):
    """When the coordinator may remind again (stored UTC text), or None: now."""
    if not meeting.get("call_reminder_at"):
        return None
    moment = from_db_time(meeting["call_reminder_at"]) + REMIND_EVERY
    return to_db_time(moment) if moment > utcnow() else None


@change
def remind_not_answered(actor, family_id, meeting_id):
    """"Påmind dem, der ikke har svaret": an e-mail without case details to each; once per 24 hours per meeting.

    Returns how many were reminded.
    """
    meeting = row_in_family("meetings", meeting_id, family_id)
    if meeting["status"] != "planned" or not meeting["published_at"] or meeting["starts_at"] <= now_text():
        raise Invalid({"remind": _("Du kan kun påminde om et kommende møde, som familien kan se.")})
    if next_reminder_at(meeting) is not None:
        raise Invalid({"remind": _("Du kan kun påminde én gang i døgnet. Siden viser, hvornår du kan igen.")})
    recipients = called_emails(meeting_id, unanswered_only=True)
    if not recipients:
        raise Invalid({"remind": _("Der er ingen at påminde: alle har svaret, eller de har ingen e-mail.")})
    for email in recipients:
        outbox.queue_call_reminder(email, meeting_id)
    get_db().execute("UPDATE meetings SET call_reminder_at = ? WHERE id = ?", [now_text(), meeting_id])
    record(actor, "meeting.call_reminder_sent", family_id, item_kind="meeting", item_id=meeting_id, event=False,
           count=len(recipients))
    return len(recipients)
