"""The parent's home page: contact person, the next meeting and what is new since the last visit."""
from flask import g, redirect, render_template, url_for

from . import bp
from ..data import access
from ..data.reads import events, family, meetings, verdicts
from .news import news_lines
from ..i18n import current_language
from ..sign_in import who


@bp.route("/")
def home():
    if g.user_kind == "staff":
        return redirect(url_for("staff.caseload"))
    if g.user_kind == "professional":
        return redirect(url_for("professional.home"))
    if g.user_kind == "child":
        return redirect(url_for("child.home"))
    if g.user_kind != "parent":
        return render_template("parent/welcome.html")
    g.signed_in_page = True
    parent = who.current_parent()
    since = g.previous_visit
    if g.level < access.SUBSTANTIAL:
        # A link alone: only that there is news, and how to see it (access.PARENT_PAGES).
        return render_template("parent/home_link.html", has_news=events.has_news_for_parent(parent, since))
    return render_template("parent/home.html", **_context(parent, since))


def _context(parent, since):
    family_id = parent["family_id"]
    # Only its time, kind and place are shown here: no participants or agenda to read.
    upcoming = meetings.meetings(family_id, "upcoming", parent=parent, limit=1, details=False)
    contact = family.contact_person(family_id)
    return dict(
        parent=parent,
        contact=contact,
        handover=contact["handover"],
        next_meeting=upcoming[0] if upcoming else None,
        # "Hvordan var mødet?": the newest meeting they can still say how went (a notice may have asked).
        to_answer=next(iter(verdicts.open_meetings(parent["id"])), None),
        news=news_lines(events.news_for_parent(parent, since), current_language()),
        first_visit=since is None,
    )
