"""Goals in the family's own words, their 0–10 follow-up, status and staff comments.

A parent's words are never edited by staff: staff comment or change the
status, and that is recorded as a note under the goal.
"""
from ._core import Invalid, Rules, change, iso, limit_parent_writes, not_in_future, record, row_in_family, update_row
from ..clock import now_text, today
from ..db import get_db
from ..reads.goals import for_whom_options
from ..own_words import problem as own_words_problem
from ..vocabulary import GOAL_STATUSES
from ...i18n import N_
from ...i18n import gettext as _

GOAL_TEXT = dict(
    max_length=2000,
    blank_message=N_("Skriv dit mål med dine egne ord."),
    too_long_message=N_(
        "Dit mål er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør det lidt kortere."
    ),
)
STAFF_GOAL_TEXT = {**GOAL_TEXT, "blank_message": N_("Skriv målet med familiens egne ord.")}




def _for_whom(family_id, for_whom, current=None):
    """The goal's for_child_id / for_parent_id, or Invalid."""
    options = for_whom_options(family_id)
    if current:
        options[current] = None
    if (for_whom or "family") not in options:
        raise Invalid({"for_whom": _("Vælg, hvem målet er for.")})
    kind, _sep, member_id = (for_whom or "family").partition(":")
    return {"for_child_id": int(member_id) if kind == "child" else None,
            "for_parent_id": int(member_id) if kind == "parent" else None}


def _text(text, writer_kind):
    problem = own_words_problem(text, **(GOAL_TEXT if writer_kind == "parent" else STAFF_GOAL_TEXT))
    if problem:
        raise Invalid({"text": problem})
    return text


@change
def add_goal(actor, family_id, *, text, for_whom="family"):
    """A parent writes a goal, or staff record one together with the family (marked so)."""
    text = _text(text, actor.kind)
    for_whom_ids = _for_whom(family_id, for_whom)
    limit_parent_writes(actor, "text")
    column = "written_by_parent_id" if actor.kind == "parent" else "written_by_staff_id"
    now = now_text()
    goal_id = get_db()["goals"].insert({
        "family_id": family_id, "text": text, column: actor.id, **for_whom_ids,
        "status": "active", "created_at": now, "updated_at": now,
    }).last_pk
    record(actor, "goal.added", family_id, item_kind="goal", item_id=goal_id, for_family=True)
    return goal_id


def _key(goal):
    if goal["for_child_id"]:
        return f"child:{goal['for_child_id']}"
    if goal["for_parent_id"]:
        return f"parent:{goal['for_parent_id']}"
    return "family"


@change
def update_goal(actor, family_id, goal_id, version, *, text, for_whom="family"):
    """Correct a goal staff recorded with the family. A goal a parent wrote is never edited."""
    goal = row_in_family("goals", goal_id, family_id)
    if goal["written_by_parent_id"] is not None:
        raise Invalid({"text": _("Målet er skrevet af en forælder med egne ord. Du kan skrive en kommentar eller ændre status, men ikke rette teksten.")})
    values = {"text": _text(text, actor.kind), **_for_whom(family_id, for_whom, _key(goal)), "updated_at": now_text()}
    update_row("goals", goal_id, version, values)
    record(actor, "goal.changed", family_id, item_kind="goal", item_id=goal_id, for_family=True)


@change
def score_goal(actor, family_id, goal_id, *, score, note=None, noted_on=None):
    """Follow up: "on a scale from 0 to 10, where are we now?" Past scores are kept."""
    row_in_family("goals", goal_id, family_id)
    rules = Rules()
    rules.check(isinstance(score, int) and 0 <= score <= 10, "score", N_("Vælg et tal fra 0 til 10."))
    note = rules.text("note", note, required=False, max_length=500, multiline=True)
    noted_on = rules.date("noted_on", noted_on or today(), not_after=not_in_future())
    rules.done()
    get_db()["goal_scores"].insert({
        "goal_id": goal_id, "score": score, "note": note, "noted_on": iso(noted_on),
        "noted_by_staff_id": actor.id if actor.kind == "staff" else None, "created_at": now_text(),
    })
    record(actor, "goal.scored", family_id, item_kind="goal", item_id=goal_id, for_family=True, score=score)


@change
def set_goal_status(actor, family_id, goal_id, version, *, status, note=None):
    """Change a goal's status (aktiv, nået, sat på pause, opgivet); the change is noted under the goal."""
    goal = row_in_family("goals", goal_id, family_id)
    rules = Rules()
    rules.choice("status", status, GOAL_STATUSES)
    rules.check(status != goal["status"], "status", N_("Målet har allerede den status."))
    note = rules.text("note", note, required=False, max_length=1000, multiline=True)
    rules.done()
    update_row("goals", goal_id, version, {"status": status, "updated_at": now_text()})
    get_db()["goal_notes"].insert({
        "goal_id": goal_id, "text": note, "status_from": goal["status"], "status_to": status,
        "written_by_staff_id": actor.id if actor.kind == "staff" else None, "created_at": now_text(),
    })
    record(actor, "goal.status_changed", family_id, item_kind="goal", item_id=goal_id, for_family=True, status=status)


@change
def comment_on_goal(actor, family_id, goal_id, *, text):
    """A short comment under a goal, which the family sees."""
    row_in_family("goals", goal_id, family_id)
    rules = Rules()
    text = rules.text("comment", text, max_length=1000, multiline=True, blank=N_("Skriv din kommentar."))
    rules.done()
    get_db()["goal_notes"].insert({"goal_id": goal_id, "text": text, "created_at": now_text(),
                                   "written_by_staff_id": actor.id if actor.kind == "staff" else None})
    record(actor, "goal.commented", family_id, item_kind="goal", item_id=goal_id, for_family=True)
