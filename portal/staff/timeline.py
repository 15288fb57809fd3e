"""The family's timeline: every meeting, plan change, goal, consent and handover as a line; coordinators mark what mattered."""
from flask import abort, render_template, request
from wtforms import BooleanField, TextAreaField

from . import family_bp
from .common import actor, family_url, form_page
from ..data.changes import timeline as timeline_changes
from ..data.reads import meeting_load
from ..data.reads import timeline as timeline_reads
from ..web import charts, timeline_filter
from ..web.forms import VersionedForm
from ..i18n import N_


@family_bp.route("/timeline")
def timeline(family_id):
    organisations = timeline_reads.organisations(family_id)
    chosen = timeline_filter.read(organisations)
    lines, total = timeline_reads.lines(family_id, organisation=chosen["organisation"], start=chosen["start"],
                                        end=chosen["end"], significant_only=chosen["significant"],
                                        page=chosen["page"])
    return render_template(
        "staff/timeline.html", lines=timeline_filter.label_months(lines), total=total, chosen=chosen, organisations=organisations,
        pages=-(-total // timeline_reads.PAGE_SIZE), arguments=timeline_filter.arguments(chosen),
        load=meeting_load.for_family(family_id),
        months_chart=charts.meeting_load(meeting_load.held_per_month(family_id)),
    ), 400 if chosen["errors"] else 200


class MarkForm(VersionedForm):
    significant = BooleanField(N_("Betydningsfuld for barnet"))
    note = TextAreaField(N_("Hvad betød det for barnet?"), description=N_("Kort. Kun medarbejdere kan se noten, "
                                                                          "medmindre du vælger andet herunder."))
    note_for_family = BooleanField(N_("Familien må se noten og markeringen"))


@family_bp.route("/timeline/<id:event_id>/mark", methods=["GET", "POST"])
def mark_line(family_id, event_id):
    line = timeline_reads.event_in_family(family_id, event_id)
    if line is None:
        abort(404)
    data = None
    if request.method == "GET":
        data = {"significant": bool(line["significant"]) if line["mark_id"] else True, "note": line["note"],
                "note_for_family": bool(line["note_for_family"]),
                "version": line["mark_version"] if line["mark_id"] else ""}
    form = MarkForm(data=data)
    return form_page(
        form, lambda f: timeline_changes.mark_event(
            actor(), family_id, event_id, f.version_number(), significant=f.significant.data, note=f.note.data,
            note_for_family=f.note_for_family.data),
        title=N_("Markér på tidslinjen"), template="staff/timeline_mark.html", line=line,
        done=lambda _: family_url("timeline", _anchor=f"linje-{event_id}"), back=family_url("timeline"),
        saved_form=lambda row: MarkForm(formdata=None, data=row, meta={"csrf": False}))
