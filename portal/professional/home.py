"""Mine familier, a family's read-only summary and a meeting: only what access.py lets the professional see.

Every page that shows something of a family leaves an audit line per family
(the parents' insight page lists them: who looked, and when).
"""
from flask import current_app, g, render_template, request

from . import bp
from ..data import access, audit
from ..data.reads import professionals
from ..sign_in import who


def _viewed(family_ids):
    for family_id in family_ids:
        audit.record_view("family.viewed", actor_kind="professional", actor_id=g.user_id, family_id=family_id,
                          page=request.endpoint)


@bp.route("/")
def home():
    professional = who.current_professional()
    if g.level < access.SUBSTANTIAL:
        # A link alone (an invitation): no family is named; the way in is the municipality's login (or a passkey).
        return render_template("professional/home_link.html", professional=professional,
                               sso=bool(current_app.config.get("STAFF_SSO")))
    families = professionals.my_families(professional["id"])
    _viewed(f["id"] for f in families)
    return render_template("professional/home.html", professional=professional, families=families,
                           meetings=[professionals.without_protected_place(m)
                                     for m in professionals.meetings(professional["id"], limit=10)])


@bp.route("/familier/<id:family_id>")
def family(family_id):
    row = who.family_for_professional(family_id)
    _viewed([family_id])
    return render_template("professional/family.html", family=row,
                           **professionals.family_summary(g.user_id, family_id))


@bp.route("/moeder/<id:meeting_id>")
def meeting(meeting_id):
    row = who.meeting_for_professional(meeting_id)
    _viewed([row["family_id"]])
    return render_template("professional/meeting.html", meeting=professionals.meeting(row))
