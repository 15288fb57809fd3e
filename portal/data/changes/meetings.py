"""Meetings: plan, publish, move and cancel them; parents put points on the agenda."""
from datetime import timedelta

from ._core import (
    Invalid, Rules, change, changed_fields, iso, limit_parent_writes, record, row_in_family, set_hidden_from,
    update_row,
)
from ..reads.consents import network_consent_missing
from ..reads.meetings import participant_keys, participant_options
from .meeting_calls import forget_calls, tell_called_of_change
from .replies import forget_replies
from ..clock import local, now_text, to_db_time
from ..db import get_db
from ..own_words import problem as own_words_problem
from ..vocabulary import MEETING_KINDS
from ...i18n import N_
from ...i18n import gettext as _

AGENDA_POINT_TEXT = dict(
    max_length=1000,
    blank_message=N_("Skriv, hvad du gerne vil tale om."),
    too_long_message=N_(
        "Dit punkt er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør det lidt kortere."
    ),
)
LONGEST_MEETING = timedelta(hours=12)




_COLUMN = {"parent": "parent_id", "person": "person_involved_id", "staff": "staff_id"}


def _check(family_id, values, meeting_id=None):
    rules = Rules()
    db = get_db()
    kind = rules.choice("kind", values.get("kind"), MEETING_KINDS, message=N_("Vælg, hvilken slags møde det er."))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    rules.check(starts_at is not None, "starts_at", N_("Skriv dato og klokkeslæt for mødet."))
    if starts_at and ends_at:
        rules.check(starts_at < ends_at <= starts_at + LONGEST_MEETING, "ends_at",
                    N_("Mødet skal slutte efter det begynder, og samme dag."))
    options = participant_options(family_id, meeting_id)
    participants = list(dict.fromkeys(values.get("participants") or []))
    rules.check(set(participants) <= set(options), "participants", N_("Vælg deltagere fra listen."))
    if kind == "professionals":
        rules.check(not any(key.startswith("parent:") for key in participants), "participants",
                    N_("Et samarbejdsmøde er uden familien. Vælg et andet slags møde, hvis forældrene skal med."))
    follow_up = values.get("follow_up") or None
    rules.check(follow_up is None or follow_up in participants, "follow_up",
                N_("Den ansvarlige for opfølgning skal være med i mødet."))
    parents = {row["id"]: row for row in db.query("SELECT id, protected FROM parents WHERE family_id = ?", [family_id])}
    home_of = values.get("protected_home_parent_id") or None
    rules.check(home_of is None or (home_of in parents and parents[home_of]["protected"]),
                "protected_home_parent_id", N_("Vælg en forælder med beskyttet adresse."))
    children = {row[0] for row in db.execute("SELECT id FROM children WHERE family_id = ? AND active = 1", [family_id])}
    about = values.get("about_child_id") or None
    rules.check(about is None or about in children, "about_child_id", N_("Vælg et barn fra listen."))
    hidden = rules.hidden_from(family_id, values.get("hidden_from"))
    # The last day for written input (None: 2 working days before, changes/meeting_inputs.due_on).
    due_on = rules.date("input_due_on", values.get("input_due_on"), not_after=(
        local(to_db_time(starts_at)).date() if starts_at else None,
        N_("Fristen for skriftlige bidrag skal være senest på mødedagen.")))
    rules.check(not any(f"parent:{p}" in participants for p in hidden), "hidden_from",
                N_("En forælder, der deltager i mødet, kan ikke have det skjult."))
    checked = {
        "kind": kind,
        "starts_at": to_db_time(starts_at) if starts_at else None,
        "ends_at": to_db_time(ends_at) if ends_at else None,
        "place": rules.text("place", values.get("place"), required=False, max_length=200),
        "purpose": rules.text("purpose", values.get("purpose"), required=False, max_length=1000, multiline=True),
        "protected_home_parent_id": home_of,
        "about_child_id": about,  # the child's own page shows the next meeting about them
        "input_due_on": iso(due_on),
    }
    rules.done()
    return checked, participants, follow_up, hidden


def _publish_problems(family_id, checked, participants, follow_up):
    """Why this meeting cannot be shown to the family yet (empty when it can)."""
    if checked["kind"] != "network":
        return {}
    errors = {}
    missing = network_consent_missing(family_id, local(checked["starts_at"]).date())
    if missing:
        names = ", ".join(row["name"] for row in missing)
        errors["consent"] = _(
            "Et netværksmøde kan først vises for familien, når der er et skriftligt samtykke til at dele"
            " oplysninger på netværksmøder, som gælder på mødedagen. Det mangler fra: %(names)s.", names=names)
    if not follow_up:
        errors["follow_up"] = _("Vælg, hvem der er ansvarlig for opfølgning efter netværksmødet.")
    return errors


def _save_participants(meeting_id, participants, follow_up):
    db = get_db()
    db.execute("DELETE FROM meeting_participants WHERE meeting_id = ?", [meeting_id])
    for key in participants:
        side, _sep, ref = key.partition(":")
        db["meeting_participants"].insert(
            {"meeting_id": meeting_id, _COLUMN[side]: int(ref), "follow_up": int(key == follow_up)}
        )


@change
def create_meeting(actor, family_id, *, publish=False, **values):
    """A new meeting, as a draft or shown to the family at once."""
    checked, participants, follow_up, hidden = _check(family_id, values)
    if publish and (errors := _publish_problems(family_id, checked, participants, follow_up)):
        raise Invalid(errors)
    now = now_text()
    meeting_id = get_db()["meetings"].insert(
        {**checked, "family_id": family_id, "status": "planned", "created_at": now, "updated_at": now,
         "published_at": now if publish else None}
    ).last_pk
    _save_participants(meeting_id, participants, follow_up)
    set_hidden_from(family_id, "meeting", meeting_id, hidden)
    record(actor, "meeting.published" if publish else "meeting.drafted", family_id,
           item_kind="meeting", item_id=meeting_id, for_family=publish, event=publish)
    return meeting_id


@change
def update_meeting(actor, family_id, meeting_id, version, *, publish=False, **values):
    """Save changes to a meeting; a published one that moves remembers its old time."""
    before = row_in_family("meetings", meeting_id, family_id)
    if before["status"] == "cancelled":
        raise Invalid({"meeting": _("Mødet er aflyst og kan ikke ændres.")})
    checked, participants, follow_up, hidden = _check(family_id, values, meeting_id)
    published = bool(before["published_at"])
    if (publish or published) and (errors := _publish_problems(family_id, checked, participants, follow_up)):
        raise Invalid(errors)
    now = now_text()
    moved = published and before["starts_at"] != checked["starts_at"]
    update_row("meetings", meeting_id, version, {
        **checked, "updated_at": now,
        "published_at": before["published_at"] or (now if publish else None),
        "previous_starts_at": before["starts_at"] if moved else before["previous_starts_at"],
    })
    old_participants = sorted(participant_keys(meeting_id))
    _save_participants(meeting_id, participants, follow_up)
    # An answer was given to the meeting as it was: at another time, it must be given again.
    forget_replies(meeting_id, all_parents=before["starts_at"] != checked["starts_at"])
    forget_calls(meeting_id, moved=before["starts_at"] != checked["starts_at"])  # the professionals' answers too
    if moved:
        tell_called_of_change(meeting_id)  # after the participants are saved: those called to it now
    hidden_changed = set_hidden_from(family_id, "meeting", meeting_id, hidden)
    fields = changed_fields(before, checked)
    if old_participants != sorted(participants):
        fields.append("participants")
    if hidden_changed:
        fields.append("hidden_from")
    if not published:
        action = "meeting.published" if publish else "meeting.draft_changed"
    else:
        action = "meeting.moved" if moved else "meeting.changed"
    record(actor, action, family_id, item_kind="meeting", item_id=meeting_id,
           for_family=publish or published, event=publish or published, fields=fields)




@change
def cancel_meeting(actor, family_id, meeting_id, version, *, reason):
    """Cancel a meeting with a reason the family sees."""
    meeting = row_in_family("meetings", meeting_id, family_id)
    if meeting["status"] != "planned":
        raise Invalid({"reason": _("Mødet er allerede aflyst eller holdt.")})
    rules = Rules()
    reason = rules.text("reason", reason, max_length=500, multiline=True,
                        blank=N_("Skriv, hvorfor mødet er aflyst. Familien kan se det."))
    rules.done()
    published = bool(meeting["published_at"])
    if published:
        tell_called_of_change(meeting_id)  # while the meeting is still one they may see
    update_row("meetings", meeting_id, version,
               {"status": "cancelled", "cancelled_reason": reason, "updated_at": now_text()})
    record(actor, "meeting.cancelled", family_id, item_kind="meeting", item_id=meeting_id,
           for_family=published, event=published)


@change
def add_agenda_point(actor, meeting, text):
    """A parent puts something they want to talk about on a coming meeting, in their own words."""
    if meeting["status"] != "planned" or meeting["starts_at"] < now_text():
        raise Invalid({"text": _("Du kan kun skrive punkter til et møde, der ikke har været endnu.")})
    error = own_words_problem(text, **AGENDA_POINT_TEXT)
    if error:
        raise Invalid({"text": error})
    limit_parent_writes(actor, "text")
    column = "written_by_parent_id" if actor.kind == "parent" else "written_by_staff_id"
    point_id = get_db()["agenda_points"].insert(
        {"meeting_id": meeting["id"], "text": text, column: actor.id, "created_at": now_text()}
    ).last_pk
    record(actor, "agenda_point.added", meeting["family_id"], item_kind="meeting", item_id=meeting["id"],
           for_family=True, agenda_point_id=point_id)
    return point_id
