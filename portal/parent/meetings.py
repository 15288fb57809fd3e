"""A parent's meetings: the list, one meeting with its summary, agenda points and a calendar file."""

from flask import Response, abort, g, redirect, render_template, request, url_for
from wtforms import BooleanField, StringField, TextAreaField

from . import bp, feed
from ..web import calendar
from ..data.changes import Actor, Invalid
from ..data.changes import meetings as meeting_changes
from ..data.changes import replies as reply_changes
from ..data.changes import verdicts as verdict_changes
from ..data.reads import meeting_calls, meeting_inputs, meetings, replies, verdicts
from ..web.forms import PortalForm
from ..i18n import gettext as _
from ..sign_in import who


class AgendaPointForm(PortalForm):
    # No validators that strip or change the text: the parent's words are kept exactly.
    text = TextAreaField()


@bp.route("/meetings")
def meeting_list():
    parent = who.current_parent()
    family_id = parent["family_id"]
    upcoming = meetings.meetings(family_id, "upcoming", parent=parent)
    return render_template(
        "parent/meetings.html",
        upcoming=upcoming,
        answers=replies.answers_by_meeting([m["id"] for m in upcoming], parent["id"]),
        me=f"parent:{parent['id']}",
        cancelled=meetings.meetings(family_id, "cancelled", parent=parent, limit=10),
        past=meetings.meetings(family_id, "past", parent=parent, limit=20, details=False),
        to_answer=verdicts.open_meetings(parent["id"]),
        feed=feed.addresses(parent["id"]),
        feed_form=feed.NewFeedForm(),
    )


@bp.route("/meetings/<id:meeting_id>")
def meeting(meeting_id):
    return _render_meeting(meeting_id, AgendaPointForm())


def _render_meeting(meeting_id, form, error=None, status=200, reply_form=None, reply_error=None, verdict_form=None,
                    verdict_errors=None):
    parent = who.current_parent()
    row = meetings.meeting(parent["family_id"], meeting_id, parent=parent)
    if row is None:
        abort(404)
    taking_part = any(p["key"] == f"parent:{parent['id']}" for p in row["participants"])
    return render_template(
        "parent/meeting.html", m=row, form=form, error=error, taking_part=taking_part,
        coming_professionals=meeting_calls.coming_for_parent(meeting_id, parent["id"]),
        shared_inputs=meeting_inputs.shared_for_parent(meeting_id, parent["id"]),
        reply=replies.reply(meeting_id, parent["id"]) if taking_part else None,
        reply_form=reply_form or ReplyForm(), reply_error=reply_error,
        verdict=verdicts.state(row, parent["id"]) if taking_part else None,
        verdict_form=verdict_form or VerdictForm(), verdict_errors=verdict_errors or {},
        statements=verdict_changes.STATEMENTS, scale=verdict_changes.SCALE, answer_days=verdict_changes.ANSWER_DAYS,
    ), status


class ReplyForm(PortalForm):
    # "Jeg kommer" and "Jeg kan ikke komme" are the form's two buttons (name="answer").
    reason = TextAreaField()


@bp.route("/meetings/<id:meeting_id>/agenda", methods=["POST"])
def add_agenda_point(meeting_id):
    """A parent adds something they want to talk about at an upcoming meeting."""
    meeting_row = who.meeting_for_parent(meeting_id)
    form = AgendaPointForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting_id, form, _("Noget gik galt. Prøv igen."), 400)
    try:
        meeting_changes.add_agenda_point(Actor("parent", g.user_id), meeting_row, form.text.data or "")
    except Invalid as invalid:
        return _render_meeting(meeting_id, form, invalid.errors["text"], 400)
    return redirect(url_for("parent.meeting", meeting_id=meeting_id, point_added=1, _anchor="punkter"))


@bp.route("/meetings/<id:meeting_id>/reply", methods=["POST"])
def reply(meeting_id):
    """A parent answers "Jeg kommer" or "Jeg kan ikke komme" (with a reason if they like); they can change it."""
    meeting_row = who.meeting_for_parent(meeting_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting_id, AgendaPointForm(), status=400, reply_form=form,
                               reply_error=_("Noget gik galt. Prøv igen."))
    try:
        reply_changes.answer_meeting(Actor("parent", g.user_id), meeting_row, request.form.get("answer"),
                                     form.reason.data)
    except Invalid as invalid:
        message = invalid.errors.get("reason") or invalid.errors.get("answer")
        return _render_meeting(meeting_id, AgendaPointForm(), status=400, reply_form=form, reply_error=message)
    return redirect(url_for("parent.meeting", meeting_id=meeting_id, answered=1, _anchor="svar"))


class VerdictForm(PortalForm):
    """"Hvordan var mødet?": a point 1-5 per statement (radio buttons in the template), and a comment."""

    heard = StringField()
    who_does_what = StringField()
    what_matters = StringField()
    trust = StringField()
    understood = StringField()
    # No validators that strip or change the text: the parent's words are kept exactly.
    comment = TextAreaField()
    share_comment = BooleanField()


@bp.route("/meetings/<id:meeting_id>/verdict", methods=["POST"])
def verdict(meeting_id):
    """A parent says how a meeting they took part in went, once; the answers are stored apart from them."""
    meeting_row = who.meeting_for_parent(meeting_id)
    form = VerdictForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting_id, AgendaPointForm(), status=400, verdict_form=form,
                               verdict_errors={"verdict": _("Noget gik galt. Prøv igen.")})
    try:
        verdict_changes.answer(Actor("parent", g.user_id), meeting_row,
                               {name: form[name].data for name in verdict_changes.STATEMENTS},
                               form.comment.data, share_comment=form.share_comment.data)
    except Invalid as invalid:
        return _render_meeting(meeting_id, AgendaPointForm(), status=400, verdict_form=form,
                               verdict_errors=invalid.errors)
    return redirect(url_for("parent.meeting", meeting_id=meeting_id, verdict_given=1, _anchor="hvordan"))


@bp.route("/meetings/<id:meeting_id>/calendar.ics")
def meeting_calendar(meeting_id):
    event = calendar.meeting_event(who.meeting_for_parent(meeting_id))
    return Response(
        calendar.calendar([event], uid=f"meeting-{meeting_id}-file@{calendar.host()}"),
        headers={"Content-Type": "text/calendar; charset=utf-8",
                 "Content-Disposition": f'attachment; filename="moede-{meeting_id}.ics"'},
    )
