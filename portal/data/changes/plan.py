"""The family's one plan: plan items (indsatser), and plan updates written in Markdown."""
from ._core import (
    Rules, change, changed_fields, hidden_from, iso, record, row_in_family, set_hidden_from, update_row,
)
from ..clock import now_text
from ..db import get_db
from ..vocabulary import PLAN_KINDS, PLAN_RUNNING, PLAN_STATUSES
from ...i18n import N_


def next_sort_order(family_id):
    return get_db().execute("SELECT coalesce(max(sort_order), -1) + 1 FROM plan_items WHERE family_id = ?",
                            [family_id]).fetchone()[0]


def responsible_person(rules, family_id, responsible, current=None):
    """"family" -> None; a person involved in this family -> their id; else an error.

    `current` (the person already responsible) stays valid after being taken off the list.
    """
    if responsible == "family":
        return None
    person = isinstance(responsible, int) and get_db().execute(
        "SELECT 1 FROM people_involved WHERE id = ? AND family_id = ? AND (removed_at IS NULL OR id = ?)",
        [responsible, family_id, current or 0]).fetchone() is not None
    rules.check(person, "responsible", N_("Vælg, hvem der har ansvaret."))
    return responsible if person else None


def _check_item(family_id, values, current_person=None):
    rules = Rules()
    goal_id = values.get("goal_id") or None
    rules.check(goal_id is None or get_db().execute(
        "SELECT 1 FROM goals WHERE id = ? AND family_id = ?", [goal_id, family_id]).fetchone() is not None,
        "goal_id", N_("Vælg et af familiens mål."))
    responsible = values.get("responsible")
    checked = {
        "what": rules.text("what", values.get("what"), max_length=300, blank=N_("Skriv, hvad indsatsen er.")),
        "kind": rules.choice("kind", values.get("kind") or "other", PLAN_KINDS),
        "responsible_person_id": responsible_person(rules, family_id, responsible, current_person),
        "responsible_family": int(responsible == "family"),
        "when_text": rules.text("when_text", values.get("when_text"), required=False, max_length=200),
        "due_on": iso(rules.date("due_on", values.get("due_on"))),
        "status": rules.choice("status", values.get("status") or "planned", PLAN_STATUSES),
        "goal_id": goal_id,
    }
    hidden = rules.hidden_from(family_id, values.get("hidden_from"))
    rules.done()
    return checked, hidden_with_responsible(hidden, checked["responsible_person_id"])


def hidden_with_responsible(parent_ids, person_id):
    """An item is hidden from every parent its responsible person is hidden from: its organisation would name them."""
    return sorted(set(parent_ids) | set(hidden_from("person", person_id) if person_id else ()))


@change
def add_plan_item(actor, family_id, **values):
    checked, hidden = _check_item(family_id, values)
    now = now_text()
    item_id = get_db()["plan_items"].insert(
        {**checked, "family_id": family_id, "sort_order": next_sort_order(family_id), "created_at": now,
         "updated_at": now}
    ).last_pk
    set_hidden_from(family_id, "plan_item", item_id, hidden)
    record(actor, "plan_item.added", family_id, item_kind="plan_item", item_id=item_id, for_family=True)
    return item_id


@change
def update_plan_item(actor, family_id, item_id, version, **values):
    """Change a plan item; status afsluttet or stoppet ends it (it stays in the plan, last)."""
    before = row_in_family("plan_items", item_id, family_id)
    checked, hidden = _check_item(family_id, values, before["responsible_person_id"])
    update_row("plan_items", item_id, version, {**checked, "updated_at": now_text()})
    if checked["responsible_person_id"] != before["responsible_person_id"] or checked["status"] not in PLAN_RUNNING:
        # A hand-over still waiting for this item is over: it has another owner now, or it ended. Its successor no
        # longer sees it (access.offered_to_professional_sql) and cannot take it.
        get_db().execute("UPDATE plan_handovers SET answered_at = ?, answer = 'replaced'"
                         " WHERE plan_item_id = ? AND answered_at IS NULL", [now_text(), item_id])
    hidden_changed = set_hidden_from(family_id, "plan_item", item_id, hidden)
    fields = changed_fields(before, checked) + (["hidden_from"] if hidden_changed else [])
    ended = before["status"] not in ("done", "stopped") and checked["status"] in ("done", "stopped")
    record(actor, "plan_item.ended" if ended else "plan_item.changed", family_id, item_kind="plan_item",
           item_id=item_id, for_family=True, fields=fields, status=checked["status"])


UPDATE_BODY_LIMIT = 5000


def _check_update(family_id, values):
    rules = Rules()
    body = rules.text("body", values.get("body"), max_length=UPDATE_BODY_LIMIT, multiline=True,
                      blank=N_("Skriv opdateringen."))
    hidden = rules.hidden_from(family_id, values.get("hidden_from"))
    rules.done()
    return body, hidden


@change
def add_plan_update(actor, family_id, *, body, hidden_from=(), publish=False):
    """A short update on the plan, in Markdown; a draft until published."""
    body, hidden = _check_update(family_id, {"body": body, "hidden_from": hidden_from})
    now = now_text()
    update_id = get_db()["plan_updates"].insert(
        {"family_id": family_id, "body": body, "written_by_staff_id": actor.id if actor.kind == "staff" else None,
         "created_at": now, "updated_at": now, "published_at": now if publish else None}
    ).last_pk
    set_hidden_from(family_id, "plan_update", update_id, hidden)
    record(actor, "plan_update.published" if publish else "plan_update.drafted", family_id,
           item_kind="plan_update", item_id=update_id, for_family=publish, event=publish)
    return update_id


@change
def update_plan_update(actor, family_id, update_id, version, *, body, hidden_from=(), publish=False):
    before = row_in_family("plan_updates", update_id, family_id)
    body, hidden = _check_update(family_id, {"body": body, "hidden_from": hidden_from})
    now = now_text()
    newly_published = publish and not before["published_at"]
    update_row("plan_updates", update_id, version, {
        "body": body, "updated_at": now, "published_at": before["published_at"] or (now if publish else None)})
    set_hidden_from(family_id, "plan_update", update_id, hidden)
    if newly_published:
        record(actor, "plan_update.published", family_id, item_kind="plan_update", item_id=update_id, for_family=True)
    else:
        record(actor, "plan_update.changed", family_id, item_kind="plan_update", item_id=update_id, event=False)
