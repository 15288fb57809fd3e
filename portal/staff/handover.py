"""Handover: an admin gives a family a new contact person; the parents are told on their home page."""
from flask import g, request

from . import family_bp
from .common import actor, family_url, form_page
from ..data.changes import staff as staff_changes
from ..data.reads import family
from ..data.reads import staff as staff_reads
from ..web.forms import DateField, IdChoiceField, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _
from ..sign_in import who


class HandoverForm(VersionedForm):
    to_staff_id = IdChoiceField(N_("Ny kontaktperson"))
    notice_until = DateField(N_("Forældrene får besked på forsiden indtil"),
                             description=N_("Tom: 30 dage fra i dag."))


@family_bp.route("/handover", methods=["GET", "POST"])
def handover(family_id):
    who.require_admin()
    form = HandoverForm(data={"version": g.family["version"]} if request.method == "GET" else None)
    form.to_staff_id.choices = [("", N_("Vælg"))] + staff_reads.active_choices(exclude=g.family["coordinator_id"])
    current = family.contact_person(family_id)
    return form_page(
        form, lambda f: staff_changes.hand_over(actor(), family_id, f.version_number(), to_staff_id=f.to_staff_id.data,
                                                notice_until=f.notice_until.data),
        title=N_("Giv familien en ny kontaktperson"), intro=_("Nu er det %(name)s.", name=current["name"]),
        notice=N_("Familien har fået en ny kontaktperson."), done=lambda _: family_url("summary"),
        back=family_url("summary"), buttons=[("save", "1", N_("Overdrag familien"), "")])
