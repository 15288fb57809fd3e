"""The coordinator's workspace, one module per area.

Every page here is for signed-in staff. Pages of one family live under
/staff/families/<id>/…, where one before_request asks access.py for the
family (404 if the staff member may not see it) before any view runs.
"""
from flask import Blueprint, current_app, g, request

from ..data import access
from ..sign_in.sessions import refuse_unless

bp = Blueprint("staff", __name__, url_prefix="/staff")
family_bp = Blueprint("family", __name__, url_prefix="/families/<id:family_id>")


@bp.before_request
def staff_only():
    refused = refuse_unless("staff")
    if refused is None:
        g.staff_is_admin = access.is_admin()
    return refused


@family_bp.before_request
def load_family():
    g.family = access.family_for_staff(request.view_args["family_id"])
    # The section of the family's pages this view belongs to: its module's name.
    g.section = current_app.view_functions[request.endpoint].__module__.rsplit(".", 1)[-1]
    if g.family["closed_at"] and request.method == "POST" and request.endpoint != "staff.family.reopen_family":
        # The changes refuse a closed case too (changes/_core.py); this answers with a page instead of a form.
        from .closing import closed_page
        return closed_page()


from . import (  # noqa: E402,F401  (routes register on the blueprints)
    accounts, audit, caseload, closing, consents, goals, handover, insight, meetings, members, people, plan, summary,
    timeline,
    updates,
)

bp.register_blueprint(family_bp)
