"""After a meeting: the summary in three parts (Signs of Safety) and action points into the plan."""
from ._core import Conflict, Invalid, NotFound, Rules, change, hidden_from, iso, record, row_in_family, set_hidden_from, update_row
from .plan import hidden_with_responsible, next_sort_order, responsible_person
from ..clock import now_text
from ..db import get_db
from ...i18n import N_
from ...i18n import gettext as _

PARTS = ("going_well", "worries", "next_steps")


@change
def save_summary(actor, family_id, meeting_id, version, *, going_well=None, worries=None, next_steps=None,
                 publish=False):
    """Save the summary; publishing shows it under the meeting and puts its action points in the plan.

    version is the summary's version as the form saw it (None: there was none yet).
    """
    meeting = row_in_family("meetings", meeting_id, family_id)
    if meeting["status"] == "cancelled":
        raise Invalid({"summary": _("Mødet er aflyst. Der skal ikke skrives referat.")})
    rules = Rules()
    values = {part: rules.text(part, text, required=False, max_length=4000, multiline=True)
              for part, text in (("going_well", going_well), ("worries", worries), ("next_steps", next_steps))}
    if publish:
        rules.check(any(values.values()), "going_well", N_("Skriv mindst én af de tre dele, før du viser referatet."))
    rules.done()
    db = get_db()
    existing = next(db.query("SELECT * FROM meeting_summaries WHERE meeting_id = ?", [meeting_id]), None)
    now = now_text()
    if existing is None:
        if version is not None:
            raise Conflict(None)
        summary_id = db["meeting_summaries"].insert(
            {**values, "meeting_id": meeting_id, "written_by_staff_id": actor.id if actor.kind == "staff" else None,
             "created_at": now, "updated_at": now, "published_at": now if publish else None}
        ).last_pk
        was_published = False
    else:
        if version is None:
            raise Conflict(existing)
        summary_id = existing["id"]
        was_published = bool(existing["published_at"])
        update_row("meeting_summaries", summary_id, version, {
            **values, "updated_at": now, "published_at": existing["published_at"] or (now if publish else None)})
    if publish and not was_published:
        db.execute("UPDATE meetings SET status = 'held', updated_at = ? WHERE id = ? AND status = 'planned'",
                   [now, meeting_id])
        for point in db.query("SELECT * FROM action_points WHERE meeting_id = ? AND plan_item_id IS NULL ORDER BY id",
                              [meeting_id]):
            _into_plan(actor, family_id, meeting_id, point)
        record(actor, "meeting.summary_published", family_id, item_kind="meeting", item_id=meeting_id,
               for_family=bool(meeting["published_at"]))
    else:
        record(actor, "meeting.summary_saved", family_id, item_kind="meeting", item_id=meeting_id, event=False)
    return summary_id


def _published(meeting_id):
    row = get_db().execute("SELECT published_at FROM meeting_summaries WHERE meeting_id = ?", [meeting_id]).fetchone()
    return bool(row and row[0])


@change
def add_action_point(actor, family_id, meeting_id, *, what, responsible, due_on=None):
    """Who does what by when. It joins the plan when the summary is shown (at once if it already is).

    responsible is "family" or a person involved's id.
    """
    row_in_family("meetings", meeting_id, family_id)
    rules = Rules()
    what = rules.text("what", what, max_length=300, blank=N_("Skriv, hvad der skal ske."))
    person_id = responsible_person(rules, family_id, responsible)
    rules.date("due_on", due_on)
    rules.done()
    point = {"meeting_id": meeting_id, "what": what, "responsible_person_id": person_id,
             "responsible_family": int(responsible == "family"), "due_on": iso(due_on), "created_at": now_text()}
    point["id"] = get_db()["action_points"].insert(point).last_pk
    record(actor, "action_point.added", family_id, item_kind="meeting", item_id=meeting_id, event=False,
           action_point_id=point["id"])
    if _published(meeting_id):
        _into_plan(actor, family_id, meeting_id, point)
    return point["id"]


@change
def remove_action_point(actor, family_id, meeting_id, point_id):
    """Take back an action point that is not in the plan yet."""
    row_in_family("meetings", meeting_id, family_id)
    db = get_db()
    point = next(db.query("SELECT * FROM action_points WHERE id = ? AND meeting_id = ?", [point_id, meeting_id]), None)
    if point is None:
        raise NotFound("action_points")
    if point["plan_item_id"]:
        raise Invalid({"action_point": _("Punktet står allerede i planen. Ret eller afslut det dér.")})
    db.execute("DELETE FROM action_points WHERE id = ?", [point_id])
    record(actor, "action_point.removed", family_id, item_kind="meeting", item_id=meeting_id, event=False,
           action_point_id=point_id)


def _into_plan(actor, family_id, meeting_id, point):
    """An action point becomes an item of the family's one plan, hidden from whoever the meeting or its responsible person is hidden from."""
    db = get_db()
    now = now_text()
    item_id = db["plan_items"].insert({
        "family_id": family_id, "what": point["what"], "kind": "other",
        "responsible_person_id": point["responsible_person_id"], "responsible_family": point["responsible_family"],
        "due_on": point["due_on"], "status": "planned", "meeting_id": meeting_id,
        "sort_order": next_sort_order(family_id), "created_at": now, "updated_at": now,
    }).last_pk
    set_hidden_from(family_id, "plan_item", item_id,
                    hidden_with_responsible(hidden_from("meeting", meeting_id), point["responsible_person_id"]))
    db.execute("UPDATE action_points SET plan_item_id = ? WHERE id = ?", [item_id, point["id"]])
    record(actor, "plan_item.added", family_id, item_kind="plan_item", item_id=item_id, for_family=True,
           from_meeting=meeting_id)
