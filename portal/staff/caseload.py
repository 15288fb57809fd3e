"""The caseload: my families with what needs attention, and starting a new family."""
from flask import g, render_template, request, url_for
from wtforms import StringField

from . import bp
from .common import actor, form_page
from ..data.changes import families as family_changes
from ..data.reads import caseload as caseload_reads
from ..data.reads import staff as staff_reads
from ..web.forms import IdChoiceField, VersionedForm
from ..i18n import N_
from ..sign_in import who


@bp.route("/")
def caseload():
    sort = request.args.get("sort", "name")
    if sort not in caseload_reads.SORTS:
        sort = "name"
    active = request.args.get("inactive") != "1"
    search = (request.args.get("q") or "").strip()[:100]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and len(page) < 6 else 1
    rows, total = caseload_reads.caseload(g.user_id, sort=sort, active=active, search=search or None, page=page)
    return render_template(
        "staff/caseload.html", staff=who.current_staff(), families=rows, total=total, sort=sort, active=active,
        search=search, page=page, pages=max(1, -(-total // caseload_reads.PAGE_SIZE)),
        inactive=caseload_reads.inactive_count(g.user_id) if active else None,
    )


class FamilyForm(VersionedForm):
    name = StringField(N_("Familiens navn"), description=N_("Fx \"Familien Holm\". Forældrene kan se navnet."))
    coordinator_id = IdChoiceField(N_("Kontaktperson"))


@bp.route("/families/new", methods=["GET", "POST"])
def new_family():
    """A coordinator starts a family with themselves as contact person; an admin chooses who."""
    form = FamilyForm()
    if who.is_admin():
        form.coordinator_id.choices = staff_reads.active_choices()
        if request.method == "GET":
            form.coordinator_id.data = g.user_id
    else:
        del form.coordinator_id

    def save(form):
        coordinator = form.coordinator_id.data if who.is_admin() else g.user_id
        return family_changes.create_family(actor(), name=form.name.data, coordinator_id=coordinator)

    return form_page(form, save, title=N_("Ny familie"), layout="staff/_layout.html",
                     intro=N_("Start med familiens navn. Bagefter skriver du forældre og børn på."),
                     done=lambda family_id: url_for("staff.family.members", family_id=family_id),
                     back=url_for("staff.caseload"))
