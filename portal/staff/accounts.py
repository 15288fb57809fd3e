"""Staff accounts, for admins: create, edit, deactivate, and who covers while someone is away."""
from flask import render_template, request, url_for
from wtforms import StringField

from . import bp
from .common import actor, form_page, found
from .members import ActiveForm
from ..data.changes import staff as staff_changes
from ..data.reads import staff as staff_reads
from ..data.vocabulary import STAFF_ROLES
from ..web.forms import ChoiceField, DateField, IdChoiceField, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _
from ..sign_in import who

FIELDS = ("name", "title", "department", "email", "phone", "reachable", "role", "covered_by_id", "away_until")


@bp.before_request
def admins_only():
    if request.endpoint and request.endpoint.startswith("staff.account"):
        who.require_admin()


@bp.route("/accounts/")
def accounts():
    return render_template("staff/accounts.html", accounts=staff_reads.accounts(), active_form=ActiveForm())


class StaffForm(VersionedForm):
    name = StringField(N_("Navn"))
    title = StringField(N_("Titel"), description=N_("Fx familiekoordinator. Forældrene kan se den."))
    department = StringField(N_("Afdeling"))
    email = StringField(N_("E-mail"), description=N_("Login-links sendes hertil."))
    phone = StringField(N_("Telefon"), description=N_("Forældrene kan se og ringe til nummeret."))
    reachable = StringField(N_("Hvornår forældre kan få fat i medarbejderen"),
                            description=N_("Fx \"Mandag–torsdag kl. 8.30–10\"."))
    role = ChoiceField(N_("Rolle"))
    covered_by_id = IdChoiceField(N_("Dækkes af, når medarbejderen er væk"))
    away_until = DateField(N_("Væk til og med"), description=N_("Tom: ikke væk. Imens ser den, der dækker, familierne."))

    def fill_choices(self, staff_id=None):
        self.role.choices = list(STAFF_ROLES.items())
        self.covered_by_id.choices = [("", N_("Ingen"))] + staff_reads.active_choices(exclude=staff_id)

    def values(self):
        return {name: getattr(self, name).data for name in FIELDS}


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    form = StaffForm()
    form.fill_choices()
    return form_page(form, lambda f: staff_changes.add_staff(actor(), **f.values()), title=N_("Ny medarbejder"),
                     layout="staff/_layout.html", done=lambda _: url_for("staff.accounts"),
                     back=url_for("staff.accounts"))


@bp.route("/accounts/<id:staff_id>/edit", methods=["GET", "POST"])
def account_edit(staff_id):
    row = found(staff_reads.account(staff_id))
    form = StaffForm(data=row if request.method == "GET" else None)
    form.fill_choices(staff_id)

    def saved_form(saved):
        shown = StaffForm(formdata=None, data=saved, meta={"csrf": False})
        shown.fill_choices(staff_id)
        return shown

    return form_page(form, lambda f: staff_changes.update_staff(actor(), staff_id, f.version_number(), **f.values()),
                     title=_("Ret %(name)s", name=row["name"]), layout="staff/_layout.html",
                     done=lambda _: url_for("staff.accounts"), back=url_for("staff.accounts"), saved_form=saved_form)


@bp.route("/accounts/<id:staff_id>/active", methods=["POST"])
def account_active(staff_id):
    row = found(staff_reads.account(staff_id))
    active = request.form.get("active") == "1"
    return form_page(ActiveForm(), lambda f: staff_changes.set_staff_active(actor(), staff_id, f.version_number(), active),
                     title=_("Adgang for %(name)s", name=row["name"]), layout="staff/_layout.html",
                     done=lambda _: url_for("staff.accounts"), back=url_for("staff.accounts"),
                     buttons=[("active", "1" if active else "0", N_("Bekræft"), "")])


