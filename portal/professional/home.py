"""Mine familier, a family's read-only summary and a meeting: only what access.py lets the professional see.

Every page that shows something of a family leaves an audit line per family
(the parents' insight page lists them: who looked, and when).
"""
from flask import abort, current_app, g, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField

from . import bp, written_input
from ..data import access, audit
from ..data.changes import Actor, Invalid
from ..data.changes import meeting_calls as call_changes
from ..data.reads import meeting_calls as calls
from ..data.reads import professionals
from ..i18n import gettext as _
from ..sign_in import who
from ..web.forms import PortalForm


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


class CallForm(PortalForm):
    """The answer to a meeting call: the radio buttons `answer` are read from request.form."""

    reason = TextAreaField()
    colleague_id = StringField()  # one of reads.meeting_calls.colleagues, or empty: a new colleague by name and e-mail
    colleague = StringField()
    colleague_email = StringField()


@bp.route("/moeder/<id:meeting_id>")
def meeting(meeting_id):
    row = who.meeting_for_professional(meeting_id)
    _viewed([row["family_id"]])
    return _render_meeting(row, CallForm())


def _render_meeting(row, form, errors=None, chosen=None, status=200, input_form=None, input_errors=None):
    person = call_changes.called_involvement(g.user_id, row["id"])
    answer = calls.answer(row["id"], person) if person else None
    return render_template("professional/meeting.html", meeting=professionals.meeting(row), called=bool(person),
                           answer=answer, answerable=call_changes.why_not_answerable(row) is None,
                           form=form, errors=errors or {}, chosen=chosen or (answer["answer"] if answer else None),
                           colleagues=calls.colleagues(g.user_id, row["id"]) if person else [],
                           **written_input.page_context(row, person, input_form, input_errors),
                           ), status


@bp.route("/moeder/<id:meeting_id>/svar", methods=["POST"])
def answer_call(meeting_id):
    """The professional answers the call: I come, I cannot (why), I send a colleague (who), I send written input."""
    row = who.meeting_for_professional(meeting_id)
    form = CallForm()
    chosen = request.form.get("answer")
    if not form.validate_on_submit():
        return _render_meeting(row, form, {"answer": _("Noget gik galt. Prøv igen.")}, chosen, 400)
    try:
        call_changes.answer_call(Actor("professional", g.user_id), meeting_id, chosen,
                                 reason=form.reason.data, colleague=form.colleague.data,
                                 colleague_id=_number(form.colleague_id.data), colleague_email=form.colleague_email.data)
    except call_changes.NotCalled:
        abort(404)
    except Invalid as invalid:
        return _render_meeting(row, form, invalid.errors, chosen, 400)
    # "Jeg sender et skriftligt bidrag" leads to the form for it.
    return redirect(url_for("professional.meeting", meeting_id=meeting_id, answered=1,
                            _anchor="bidrag" if chosen == "sends_written" else "svar"))


def _number(text):
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None
