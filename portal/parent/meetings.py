"""A parent's meetings: the list, one meeting with its summary, agenda points and a calendar file."""
from urllib.parse import urlsplit

from flask import Response, abort, current_app, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from . import bp, calendar
from ..data import access
from ..data.changes import Actor, Invalid
from ..data.changes import meetings as meeting_changes
from ..data.reads import meetings
from ..data.vocabulary import MEETING_KINDS
from ..settings import municipality
from ..web.i18n import gettext as _


class AgendaPointForm(FlaskForm):
    # No validators that strip or change the text: the parent's words are kept exactly.
    text = TextAreaField()


@bp.route("/meetings")
def meeting_list():
    parent = access.current_parent()
    family_id = parent["family_id"]
    return render_template(
        "parent/meetings.html",
        upcoming=meetings.meetings(family_id, "upcoming", parent=parent),
        cancelled=meetings.meetings(family_id, "cancelled", parent=parent, limit=10),
        past=meetings.meetings(family_id, "past", parent=parent, limit=20, details=False),
    )


@bp.route("/meetings/<id:meeting_id>")
def meeting(meeting_id):
    return _render_meeting(meeting_id, AgendaPointForm())


def _render_meeting(meeting_id, form, error=None, status=200):
    parent = access.current_parent()
    row = meetings.meeting(parent["family_id"], meeting_id, parent=parent)
    if row is None:
        abort(404)
    return render_template("parent/meeting.html", m=row, form=form, error=error), status


@bp.route("/meetings/<id:meeting_id>/agenda", methods=["POST"])
def add_agenda_point(meeting_id):
    """A parent adds something they want to talk about at an upcoming meeting."""
    meeting_row = access.meeting_for_parent(meeting_id)
    form = AgendaPointForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting_id, form, _("Noget gik galt. Prøv igen."), 400)
    try:
        meeting_changes.add_agenda_point(Actor("parent", g.user_id), meeting_row, form.text.data or "")
    except Invalid as invalid:
        return _render_meeting(meeting_id, form, invalid.errors["text"], 400)
    return redirect(url_for("parent.meeting", meeting_id=meeting_id, point_added=1, _anchor="punkter"))


@bp.route("/meetings/<id:meeting_id>/calendar.ics")
def meeting_calendar(meeting_id):
    meeting_row = access.meeting_for_parent(meeting_id)
    base = current_app.config["BASE_URL"]
    body = calendar.meeting_ics(
        meeting_row,
        title=_(MEETING_KINDS.get(meeting_row["kind"], "Møde")),
        municipality_name=municipality().get("name", ""),
        url=f"{base}/meetings/{meeting_id}",
        host=urlsplit(base).hostname,
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="moede-{meeting_id}.ics"'},
    )
