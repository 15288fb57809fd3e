"""Who is signed in: the request's parent, child or staff member, read once a request (with the session, see sessions.py).

The rules of what they may see are portal.data.access; answering 404 for what
they may not is the pages' (parent/, staff/), through these helpers.
"""
from flask import abort, g

from ..data import access
from ..data.db import get_db, read_one


def current_parent():
    """The signed-in parent's row (after refuse_unless("parent"))."""
    if "parent" not in g:
        g.parent = read_one(get_db(), "SELECT * FROM parents WHERE id = ?", [g.user_id])
    return g.parent


def current_family_id():
    """A parent's own family: the only one they can ever see."""
    return current_parent()["family_id"]


def meeting_for_parent(meeting_id):
    """A meeting the signed-in parent may see; 404 for any other id, existing or not."""
    meeting = access.parent_meeting(current_parent(), meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def current_child():
    """The signed-in child's row (after refuse_unless("child"))."""
    if "child" not in g:
        g.child = read_one(get_db(), "SELECT * FROM children WHERE id = ?", [g.user_id])
    return g.child


def current_staff():
    """The signed-in staff member's row (after refuse_unless("staff"))."""
    if "staff" not in g:
        g.staff = read_one(get_db(), "SELECT * FROM staff WHERE id = ?", [g.user_id])
    return g.staff


def current_professional():
    """The signed-in professional's row (after refuse_unless("professional"))."""
    if "professional" not in g:
        g.professional = read_one(get_db(), "SELECT * FROM professionals WHERE id = ?", [g.user_id])
    return g.professional


def family_for_professional(family_id):
    """A family the signed-in professional may see (access.py); 404 for any other id, existing or not."""
    family = access.professional_may_see_family(g.user_id, family_id)
    if family is None:
        abort(404)
    return family


def meeting_for_professional(meeting_id):
    """A meeting the signed-in professional is called to and may see; 404 for any other id, existing or not."""
    meeting = access.professional_may_see_meeting(g.user_id, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def is_admin():
    return access.is_admin_role(current_staff()["role"])


def require_admin():
    """Only admins go on; anyone else gets 404, as if the page did not exist."""
    if not is_admin():
        abort(404)
