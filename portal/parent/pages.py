"""A parent's plan (with plan updates), the people around the family, and consents."""
from flask import render_template

from . import bp
from ..data.reads import consents, family, goals, meetings, plan
from ..sign_in import who

# Meetings on the plan's paper copy: the next few are enough for a fridge door.
PRINTED_MEETINGS = 3


@bp.route("/plan")
def plan_page():
    """The plan on screen; on paper (the print style sheet) also the contact person, next meetings and goals."""
    parent = who.current_parent()
    family_id = parent["family_id"]
    items = plan.items(family_id, parent=parent)
    return render_template(
        "parent/plan.html", groups=plan.by_organisation(items), has_items=bool(items),
        updates=plan.updates(family_id, parent=parent, limit=20), contact=family.contact_person(family_id),
        next_meetings=meetings.meetings(family_id, "upcoming", parent=parent, limit=PRINTED_MEETINGS, details=False),
        goals=[goal for goal in goals.goals(family_id, with_notes=False) if goal["status"] == "active"])


@bp.route("/people")
def people():
    parent = who.current_parent()
    family_id = parent["family_id"]
    children, parents = family.members_for_parent(family_id)
    return render_template("parent/people.html", contact=family.contact_person(family_id),
                           people=family.people_for_parent(parent), children=children, parents=parents)


@bp.route("/consents")
def consent_list():
    return render_template("parent/consents.html", consents=consents.consents(who.current_family_id(), parent=who.current_parent()))
