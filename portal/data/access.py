"""The one place that decides who may see which family."""
from flask import abort, g

from . import audit
from .db import get_db, read_one


def current_parent():
    """The signed-in parent's row, read once a request (after parent_required)."""
    if "parent" not in g:
        g.parent = read_one(
            get_db(),
            "SELECT parents.*, families.data_version FROM parents"
            " JOIN families ON families.id = parents.family_id WHERE parents.id = ?",
            [g.user_id],
        )
    return g.parent


def current_family_id():
    """A parent's own family: the only one they can ever see."""
    return current_parent()["family_id"]


def staff_may_see(staff_id, family_id):
    db = get_db()
    staff = db["staff"].get(staff_id)
    if staff["role"] == "admin":
        return db.execute("SELECT 1 FROM families WHERE id = ?", [family_id]).fetchone() is not None
    return (
        db.execute(
            "SELECT 1 FROM families WHERE id = ? AND coordinator_id = ?", [family_id, staff_id]
        ).fetchone()
        is not None
    )


def family_for_staff(family_id):
    """Return a family the signed-in staff member may see, and log the view; else 404."""
    if not staff_may_see(g.user_id, family_id):
        abort(404)
    audit.record("family.viewed", actor_kind="staff", actor_id=g.user_id, family_id=family_id)
    return get_db()["families"].get(family_id)


def meeting_for_parent(meeting_id):
    """A meeting in the parent's own family; 404 for any other id, existing or not."""
    row = next(
        get_db().query(
            "SELECT * FROM meetings WHERE id = ? AND family_id = ?", [meeting_id, current_family_id()]
        ),
        None,
    )
    if row is None:
        abort(404)
    return row
