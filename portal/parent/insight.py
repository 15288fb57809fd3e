"""Indsigt: everything the portal holds about a parent and their family, as a page and as a JSON file (GDPR art. 15)."""
from flask import current_app, render_template

from . import bp
from ..data.changes import Actor
from ..data.changes import insight as insight_changes
from ..data.changes import passkeys as passkey_changes
from ..data.reads import insight
from ..web.export import json_download
from ..i18n import N_
from ..sign_in import who

# The coordinator's pages of a family, by section (the module a page is in), named as their menu names them.
SECTIONS = {
    "summary": N_("Overblik"), "members": N_("Familien"), "people": N_("Hvem er med"), "meetings": N_("Møder"),
    "plan": N_("Plan"), "goals": N_("Mål"), "consents": N_("Samtykker"), "updates": N_("Opdateringer"),
    "handover": N_("Overdrag"), "audit": N_("Log"), "insight": N_("Indsigt"), "closing": N_("Luk sagen"),
}


def section_name(endpoint):
    """The name of the section a staff page (its endpoint, as logged) belongs to; None if unknown."""
    view = current_app.view_functions.get(endpoint or "")
    return SECTIONS.get(view.__module__.rsplit(".", 1)[-1]) if view else None


def _export(format):
    parent = who.current_parent()
    data = insight.for_parent(parent)
    insight_changes.record_download(Actor("parent", parent["id"]), parent["family_id"], format)
    return data


@bp.route("/insight")
def insight_page():
    return render_template("parent/insight.html", data=_export("html"), section_name=section_name,
                           exemption_reasons=passkey_changes.REASONS)


@bp.route("/insight.json")
def insight_json():
    return json_download(_export("json"), "familieportalen-indsigt")
