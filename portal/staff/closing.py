"""Closing a family's case (the coordinator types the family's name to confirm), reopening it, and the closed cases."""
import unicodedata

from flask import g, redirect, render_template, request, url_for
from wtforms import BooleanField, StringField

from . import bp, family_bp
from .common import actor, form_page
from ..data.changes import Invalid
from ..data.changes import families as family_changes
from ..data.reads import closed
from ..settings import retention_days
from ..web.forms import VersionedForm
from ..i18n import N_
from ..i18n import gettext as _


class CloseForm(VersionedForm):
    handed_over = BooleanField(N_("Planen og forløbet er lagt over i kommunens sagssystem"))
    # A checkbox and a button are what a crawler or a slip of the hand gets through; the name is not.
    family_name = StringField(N_("Familiens navn"))


def same_name(typed, name):
    """The family's name as typed: case, spaces and Unicode forms aside, exactly it."""
    def plain(text):
        return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
    return bool(plain(typed)) and plain(typed) == plain(name)


@family_bp.route("/close", methods=["GET", "POST"])
def close_family(family_id):
    """Ask first, then close: parents lose access, get a last notice, and the family leaves the caseload."""
    if g.family["closed_at"]:
        return closed_page()

    def save(form):
        errors = {}
        if not form.handed_over.data:
            errors["handed_over"] = _("Læg planen og forløbet over i sagssystemet først, og sæt så kryds.")
        if not same_name(form.family_name.data, g.family["name"]):
            errors["family_name"] = _("Skriv familiens navn, som det står her: %(name)s", name=g.family["name"])
        if errors:
            raise Invalid(errors)
        family_changes.close_family(actor(), family_id, form.version_number())

    form = CloseForm(data={"version": g.family["version"]} if request.method == "GET" else None)
    return form_page(form, save, title=N_("Luk sagen"), template="staff/close.html",
                     done=lambda _: url_for("staff.family.members", family_id=family_id),
                     back=url_for("staff.family.members", family_id=family_id),
                     notice=N_("Sagen er lukket. Forældrene har fået besked."), retention_days=retention_days())


class ReopenForm(VersionedForm):
    """Only a CSRF token and the family's version: the page says what reopening does."""


@family_bp.route("/reopen", methods=["GET", "POST"])
def reopen_family(family_id):
    """Undo a close until the family is due for deletion; its parents are told."""
    if not g.family["closed_at"]:  # open (again: pressed twice, or by a colleague): nothing to undo
        if request.method == "POST":
            return redirect(url_for("staff.family.members", family_id=family_id))
        return render_template("staff/reopen.html", form=None, conflict=None,
                               back=url_for("staff.family.members", family_id=family_id))
    form = ReopenForm(data={"version": g.family["version"]} if request.method == "GET" else None)
    return form_page(form, lambda f: family_changes.reopen_family(actor(), family_id, f.version_number()),
                     title=N_("Genåbn sagen"), template="staff/reopen.html",
                     done=lambda _: url_for("staff.family.members", family_id=family_id),
                     back=url_for("staff.family.members", family_id=family_id),
                     notice=N_("Sagen er åbnet igen. Forældrene får besked."),
                     deleted_at=closed.deleted_at(g.family["closed_at"]),
                     reopenable=closed.reopenable(g.family["closed_at"]))


def closed_page():
    """What a closed family's pages answer to a change: nothing about it may change any more."""
    return render_template("staff/closed.html", deleted_at=closed.deleted_at(g.family["closed_at"]),
                           reopenable=closed.reopenable(g.family["closed_at"])), 409


@bp.route("/closed/")
def closed_families():
    """The closed cases the staff member may see (a coordinator: their own; an admin: all), to reopen in time."""
    return render_template("staff/closed_families.html", families=closed.closed_families(g.user_id),
                           retention_days=retention_days())
