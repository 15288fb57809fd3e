"""The coordinator's side of hand-over: what waits on the plan page, and handing over for a professional who left."""
from flask import g

from . import family_bp
from .common import actor, family_url, form_page, found
from ..data.changes import NotFound
from ..data.changes import handovers as handover_changes
from ..data.changes.people import involvement_in_family
from ..data.reads import handovers as handover_reads
from ..i18n import N_
from ..i18n import gettext as _
from ..web.handover_form import HandoverForm, successor_options


@family_bp.context_processor
def handovers_on_plan():
    """"venter på at blive overtaget af …" on the plan page (read only when its template asks)."""
    return {"plan_handovers": lambda: handover_reads.by_item(g.family["id"]),
            "plan_owners": lambda: handover_reads.owners_with_items(g.family["id"])}


@family_bp.route("/plan/overdrag/<id:person_id>", methods=["GET", "POST"])
def hand_over_items(family_id, person_id):
    """Hand a professional's open plan items to successors, e.g. for one who has left (the same change they use)."""
    try:
        person = involvement_in_family(person_id, family_id)
    except NotFound:
        person = None
    found(person)
    g.section = "plan"  # the family's menu shows the plan as the page it is on
    return form_page(
        HandoverForm(), lambda f: handover_changes.hand_over(actor(), family_id, [person_id], f.choices(),
                                                             f.new_person()),
        title=_("Overdrag opgaver fra %(name)s", name=person["name"]), template="staff/plan_handover.html",
        done=lambda _: family_url("plan"), back=family_url("plan"),
        notice=N_("Tak. Opgaven er den samme persons, indtil den nye har sagt ja."),
        items=handover_reads.items_to_hand_over(family_id, [person_id]),
        options=successor_options(handover_reads.successors(family_id, person["professional_id"])))
