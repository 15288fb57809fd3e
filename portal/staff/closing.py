"""Closing a family's case (with a confirm step), and the admins' list of closed cases."""
from flask import g, render_template, request, url_for
from wtforms import BooleanField

from . import bp, family_bp
from .common import actor, form_page
from ..data import access
from ..data.changes import Invalid
from ..data.changes import families as family_changes
from ..data.reads import closed
from ..settings import retention_days
from ..web.forms import VersionedForm
from ..web.i18n import N_
from ..web.i18n import gettext as _


class CloseForm(VersionedForm):
    handed_over = BooleanField(N_("Planen og forløbet er lagt over i kommunens sagssystem"))


@family_bp.route("/close", methods=["GET", "POST"])
def close_family(family_id):
    """Ask first, then close: parents lose access, get a last notice, and the family leaves the caseload."""
    if g.family["closed_at"]:
        return closed_page()

    def save(form):
        if not form.handed_over.data:
            raise Invalid({"handed_over": _("Læg planen og forløbet over i sagssystemet først, og sæt så kryds.")})
        family_changes.close_family(actor(), family_id, form.version_number())

    form = CloseForm(data=g.family if request.method == "GET" else None)
    return form_page(form, save, title=N_("Luk sagen"), template="staff/close.html",
                     done=lambda _: url_for("staff.caseload"), back=url_for("staff.family.members", family_id=family_id),
                     notice=N_("Sagen er lukket. Forældrene har fået besked."), retention_days=retention_days())


def closed_page():
    """What a closed family's pages answer to a change: nothing about it may change any more."""
    return render_template("staff/closed.html", deleted_at=closed.deleted_at(g.family["closed_at"])), 409


@bp.route("/closed/")
def closed_families():
    access.require_admin()
    return render_template("staff/closed_families.html", families=closed.closed_families(g.user_id),
                           retention_days=retention_days())
