"""The one place that decides who may see which family, and which of its items.

- A coordinator sees their own families, and those of a colleague they cover
  for while that colleague is away; an admin sees all families.
- A parent sees only their own family: of its meetings and plan updates only
  the published ones, and nothing a coordinator marked as not shown to them.
- A person involved who is not shown to a parent is never named to them: not
  among a meeting's participants, and no plan item or action point they are
  responsible for is shown to that parent (its organisation would name them).
- A parent never sees another parent's contact details or protected address,
  nor the place of a meeting held in a protected home (unless it is theirs).

Anything a viewer may not see is answered with 404, whether it exists or not.
"""
from flask import abort, g, request

from . import audit
from .clock import today_text
from .db import get_db, read_one
from .vocabulary import HIDEABLE

# SQL conditions. They take the row's id as an expression and are built from
# constants in this module only, never from input.


def parent_may_sign_in_sql(parent_id_expr):
    """True for a parent who may sign in: allowed, active, in an active family whose case is not closed."""
    return (
        "EXISTS (SELECT 1 FROM parents p JOIN families f ON f.id = p.family_id"
        f" WHERE p.id = {parent_id_expr} AND p.can_sign_in = 1 AND p.active = 1 AND f.active = 1"
        " AND f.closed_at IS NULL)"
    )


def staff_may_sign_in_sql(staff_id_expr):
    return f"EXISTS (SELECT 1 FROM staff s WHERE s.id = {staff_id_expr} AND s.active = 1)"


def staff_families_sql(alias="f"):
    """Families (row `alias`) that staff member :staff may see; :today is today's date.

    One IN over the coordinators whose families they see (themselves, whoever
    they cover for while away, everyone for an admin), so SQLite can use the
    index on families.coordinator_id instead of scanning the municipality.
    """
    return (
        f"{alias}.coordinator_id IN (SELECT :staff"
        f" UNION ALL SELECT away.id FROM staff away WHERE away.covered_by_id = :staff AND away.away_until >= :today"
        f" UNION ALL SELECT everyone.id FROM staff everyone"
        f"   WHERE EXISTS (SELECT 1 FROM staff me WHERE me.id = :staff AND me.role = 'admin'))"
    )


def person_hidden_sql(person_expr, parent=":parent"):
    """The person involved `person_expr` (an id expression, may be NULL) is not shown to parent `parent`."""
    return (f"EXISTS (SELECT 1 FROM hidden_from_parents hp WHERE hp.item_kind = 'person'"
            f" AND hp.item_id = {person_expr} AND hp.parent_id = {parent})")


def parent_sees_sql(item_kind, alias, parent=":parent"):
    """Row `alias` of a meeting, plan item or plan update is visible to parent :parent (or the expression `parent`)."""
    assert item_kind in HIDEABLE
    condition = (
        f"NOT EXISTS (SELECT 1 FROM hidden_from_parents h WHERE h.item_kind = '{item_kind}'"
        f" AND h.item_id = {alias}.id AND h.parent_id = {parent})"
    )
    if item_kind in ("meeting", "plan_update"):
        condition += f" AND {alias}.published_at IS NOT NULL"
    if item_kind == "plan_item":
        condition += f" AND NOT {person_hidden_sql(f'{alias}.responsible_person_id', parent)}"
    return condition


def parent_sees_event_sql(alias, parent=":parent"):
    """A line of family_events (row `alias`) that parent :parent (or the expression `parent`) may see.

    Not about an item hidden from them, nor about a plan item whose responsible person is.
    """
    return (
        f"{alias}.for_family = 1 AND NOT EXISTS (SELECT 1 FROM hidden_from_parents h"
        f" WHERE h.item_kind = {alias}.item_kind AND h.item_id = {alias}.item_id AND h.parent_id = {parent})"
        f" AND NOT ({alias}.item_kind = 'plan_item' AND EXISTS (SELECT 1 FROM plan_items ei"
        f" WHERE ei.id = {alias}.item_id AND {person_hidden_sql('ei.responsible_person_id', parent)}))"
    )


# The signed-in parent.


def current_parent():
    """The signed-in parent's row, read once a request (after parent_required)."""
    if "parent" not in g:
        g.parent = read_one(
            get_db(),
            "SELECT * FROM parents WHERE id = ?",
            [g.user_id],
        )
    return g.parent


def current_family_id():
    """A parent's own family: the only one they can ever see."""
    return current_parent()["family_id"]


def meeting_for_parent(meeting_id):
    """A meeting the signed-in parent may see; 404 for any other id, existing or not."""
    parent = current_parent()
    row = read_one(
        get_db(),
        f"SELECT m.* FROM meetings m WHERE m.id = :id AND m.family_id = :family AND {parent_sees_sql('meeting', 'm')}",
        {"id": meeting_id, "family": parent["family_id"], "parent": parent["id"]},
    )
    if row is None:
        abort(404)
    return shown_to_parent(row, parent["id"])


def shown_to_parent(meeting, parent_id):
    """The meeting as a parent sees it: a protected home's address only for the parent who lives there."""
    home_of = meeting.get("protected_home_parent_id")
    meeting["place_withheld"] = bool(home_of) and home_of != parent_id
    if meeting["place_withheld"]:
        meeting["place"] = None
    return meeting


def people_hidden_from(parent):
    """Keys ("person:ID") of the people involved that a parent may not see."""
    return {f"person:{row[0]}" for row in get_db().execute(
        "SELECT item_id FROM hidden_from_parents WHERE family_id = ? AND item_kind = 'person' AND parent_id = ?",
        [parent["family_id"], parent["id"]])}


# Staff.


def current_staff():
    """The signed-in staff member's row, read once a request."""
    if "staff" not in g:
        g.staff = read_one(get_db(), "SELECT * FROM staff WHERE id = ?", [g.user_id])
    return g.staff


def is_admin_role(role):
    """Whether a staff role is the admin's: who sees every family and manages staff accounts."""
    return role == "admin"


def is_admin():
    return is_admin_role(current_staff()["role"])


def require_admin():
    """Only admins go on; anyone else gets 404, as if the page did not exist."""
    if not is_admin():
        abort(404)


# The rule of staff_families_sql() for one family f, shaped for a lookup by its id.
_STAFF_MAY_SEE_FAMILY = (
    "f.id = :family AND (f.coordinator_id = :staff"
    " OR EXISTS (SELECT 1 FROM staff away WHERE away.id = f.coordinator_id"
    "   AND away.covered_by_id = :staff AND away.away_until >= :today)"
    " OR EXISTS (SELECT 1 FROM staff me WHERE me.id = :staff AND me.role = 'admin'))"
)


def staff_may_see(staff_id, family_id):
    return get_db().execute(f"SELECT 1 FROM families f WHERE {_STAFF_MAY_SEE_FAMILY}",
                            {"family": family_id, "staff": staff_id, "today": today_text()}).fetchone() is not None


def family_for_staff(family_id):
    """The family the signed-in staff member asks for, else 404; a page view is logged.

    Changes (POSTs) are logged by the change itself, not as a view.
    """
    family = read_one(get_db(), f"SELECT f.* FROM families f WHERE {_STAFF_MAY_SEE_FAMILY}",
                      {"family": family_id, "staff": g.user_id, "today": today_text()})
    if family is None:
        abort(404)
    if request.method in ("GET", "HEAD"):
        audit.record_view("family.viewed", actor_kind="staff", actor_id=g.user_id, family_id=family_id,
                          page=request.endpoint)
    return family
