""""Jeres forløb": the family's timeline as a parent may see it, without the professionals' own notes."""
from flask import render_template

from . import bp
from ..data.reads import meeting_load
from ..data.reads import timeline as timeline_reads
from ..web import charts
from ..web import timeline_filter
from ..sign_in import who


@bp.route("/timeline")
def timeline():
    parent = who.current_parent()
    family_id = parent["family_id"]
    organisations = timeline_reads.organisations(family_id, parent=parent)
    chosen = timeline_filter.read(organisations)
    lines, total = timeline_reads.lines(family_id, parent=parent, organisation=chosen["organisation"],
                                        start=chosen["start"], end=chosen["end"],
                                        significant_only=chosen["significant"], page=chosen["page"])
    return render_template(
        "parent/timeline.html", lines=timeline_filter.label_months(lines), total=total, chosen=chosen,
        organisations=organisations, pages=-(-total // timeline_reads.PAGE_SIZE),
        arguments=timeline_filter.arguments(chosen),
        months_chart=charts.meeting_load(meeting_load.held_per_month(family_id, parent=parent)),
    ), 400 if chosen["errors"] else 200
