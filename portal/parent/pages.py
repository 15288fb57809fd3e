"""A parent's plan (with plan updates), the people around the family, and consents."""
from flask import render_template

from . import bp
from ..data import access
from ..data.reads import consents, family, plan


@bp.route("/plan")
def plan_page():
    parent = access.current_parent()
    items = plan.items(parent["family_id"], parent=parent)
    return render_template("parent/plan.html", groups=plan.by_organisation(items), has_items=bool(items),
                           updates=plan.updates(parent["family_id"], parent=parent, limit=20))


@bp.route("/people")
def people():
    parent = access.current_parent()
    family_id = parent["family_id"]
    children, parents = family.members_for_parent(family_id)
    return render_template("parent/people.html", contact=family.contact_person(family_id),
                           people=family.people_for_parent(parent), children=children, parents=parents)


@bp.route("/consents")
def consent_list():
    return render_template("parent/consents.html", consents=consents.consents(access.current_family_id()))
