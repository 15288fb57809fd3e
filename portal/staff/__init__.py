"""The coordinator's workspace, one module per area.

Every page here is for signed-in staff. Pages of one family live under
/staff/families/<id>/…, where one before_request asks access.py for the
family (404 if the staff member may not see it) before any view runs.
"""
from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from ..data import access
from ..data import audit as audit_log
from ..sign_in import who
from ..sign_in.sessions import refuse_unless

bp = Blueprint("staff", __name__, url_prefix="/staff")
family_bp = Blueprint("family", __name__, url_prefix="/families/<id:family_id>")


@bp.before_request
def staff_only():
    refused = refuse_unless("staff")
    if refused is not None:
        return refused
    role = who.current_staff()["role"]
    g.staff_is_admin = access.is_admin_role(role)
    g.staff_is_leader = access.is_leader_role(role)
    if g.staff_is_leader and request.endpoint == "staff.caseload":
        return redirect(url_for("staff.results"))  # where signing in lands staff
    if not access.staff_page_allowed(role, request.endpoint):
        abort(404)
    return None


@family_bp.before_request
def load_family():
    family_id = request.view_args["family_id"]
    g.family = access.family_staff_may_see(g.user_id, family_id)
    if g.family is None:
        abort(404)
    if request.method in ("GET", "HEAD"):
        # Changes (POSTs) are logged by the change itself, not as a view.
        audit_log.record_view("family.viewed", actor_kind="staff", actor_id=g.user_id, family_id=family_id,
                          page=request.endpoint)
    # The section of the family's pages this view belongs to: its module's name.
    g.section = current_app.view_functions[request.endpoint].__module__.rsplit(".", 1)[-1]
    if g.family["closed_at"] and request.method == "POST" and request.endpoint != "staff.family.reopen_family":
        # The changes refuse a closed case too (changes/_core.py); this answers with a page instead of a form.
        from .closing import closed_page
        return closed_page()


from . import (  # noqa: E402,F401  (routes register on the blueprints)
    accounts, audit, caseload, closing, consents, goals, handover, insight, meetings, members, people, plan, results,
    plan_handover,
    summary,
    timeline,
    updates, verdicts,
)

bp.register_blueprint(family_bp)
