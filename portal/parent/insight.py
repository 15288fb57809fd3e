"""Indsigt: everything the portal holds about a parent and their family, as a page and as a JSON file (GDPR art. 15)."""
from flask import render_template

from . import bp
from ..data import access
from ..data.changes import Actor
from ..data.changes import insight as insight_changes
from ..data.reads import insight
from ..web.export import json_download


def _export(format):
    parent = access.current_parent()
    data = insight.for_parent(parent)
    insight_changes.record_download(Actor("parent", parent["id"]), parent["family_id"], format)
    return data


@bp.route("/insight")
def insight_page():
    return render_template("parent/insight.html", data=_export("html"))


@bp.route("/insight.json")
def insight_json():
    return json_download(_export("json"), "familieportalen-indsigt")
