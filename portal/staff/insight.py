"""A family's insight export for staff (an aktindsigt, or the case file when closing): a page and a JSON file."""
from flask import render_template

from . import family_bp
from .common import actor
from ..data.changes import insight as insight_changes
from ..data.reads import insight as insight_reads
from ..web.export import json_download


def _export(family_id, format):
    data = insight_reads.for_family(family_id)
    insight_changes.record_download(actor(), family_id, format)
    return data


@family_bp.route("/insight")
def insight(family_id):
    return render_template("staff/insight.html", data=_export(family_id, "html"))


@family_bp.route("/insight.json")
def insight_json(family_id):
    return json_download(_export(family_id, "json"), f"familie-{family_id}-indsigt")
