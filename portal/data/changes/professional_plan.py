"""A professional keeps their own part of the plan current: status, a short note in their own words, done.

Only items they are responsible for (access.professional_own_item), in a
family they may see; anything else is NotFound (the page answers 404). The
item is changed through the coordinator's own change functions (plan.py), so
the rules, versions and the family's story are the same; what a professional
cannot set there (who is responsible, the goal, whom it is hidden from) stays
as it was. A note is the professional's own words: stored exactly as written,
never edited (a trigger refuses it), by nobody else.
"""
from ._core import NotFound, Rules, change, record
from . import plan
from .. import access
from ..clock import now_text
from ..db import get_db

NOTE_LIMIT = 1000


def own_item(actor, item_id):
    """The item if the acting professional may change it, else NotFound."""
    item = access.professional_own_item(actor.id, item_id) if actor.kind == "professional" else None
    if item is None:
        raise NotFound("plan_items")
    return item


def _check_note(note):
    rules = Rules()
    body = rules.text("note", note, required=False, max_length=NOTE_LIMIT, multiline=True)
    rules.done()
    return body


@change
def add_own_item(actor, family_id, *, note=None, **values):
    """A professional adds an item in a family they may see, owned by themself; returns its id."""
    involvement = access.professional_involvement(actor.id, family_id) if actor.kind == "professional" else None
    if involvement is None:
        raise NotFound("families")
    body = _check_note(note)
    item_id = plan.add_plan_item(actor, family_id, **values, responsible=involvement["id"], goal_id=None,
                                 hidden_from=())
    _add_note(actor, family_id, item_id, involvement["id"], body)
    return item_id


@change
def update_own_item(actor, item_id, version, *, note=None, **values):
    """A professional changes their own item (what, kind, when, status) and may add a note; Conflict if stale."""
    item = own_item(actor, item_id)
    body = _check_note(note)
    plan.update_plan_item(actor, item["family_id"], item_id, version, **values,
                          responsible=item["responsible_person_id"], goal_id=item["goal_id"],
                          hidden_from=plan.hidden_from("plan_item", item_id))
    _add_note(actor, item["family_id"], item_id, item["responsible_person_id"], body)


def _add_note(actor, family_id, item_id, person_id, body):
    if body is None:
        return None
    note_id = get_db()["plan_item_notes"].insert({
        "family_id": family_id, "plan_item_id": item_id, "professional_id": actor.id,
        "person_involved_id": person_id, "body": body, "created_at": now_text()}).last_pk
    record(actor, "plan_item.noted", family_id, item_kind="plan_item", item_id=item_id, event=False, note=note_id)
    return note_id

