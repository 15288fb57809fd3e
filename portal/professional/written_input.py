"""A called professional's written input before a meeting (Signs of Safety), on their meeting page, until the deadline."""
from flask import abort, g, redirect, url_for
from wtforms import TextAreaField

from . import bp
from ..data.changes import Actor, Invalid
from ..data.changes import meeting_calls as call_changes
from ..data.changes import meeting_inputs as input_changes
from ..data.reads import meeting_inputs as inputs
from ..i18n import gettext as _
from ..sign_in import who
from ..web.forms import PortalForm


class InputForm(PortalForm):
    # No validators that strip or change the text: the professional's words are kept exactly.
    going_well = TextAreaField()
    worries = TextAreaField()
    next_steps = TextAreaField()


def page_context(meeting, person, form=None, errors=None):
    """What the meeting page shows of the professional's input: the form, or the locked input and why."""
    if not person:
        return {"my_input": None}
    return {"my_input": inputs.own(meeting["id"], person), "input_form": form or InputForm(),
            "input_errors": errors or {}, "input_due_on": input_changes.due_on(meeting).isoformat(),
            "input_locked": input_changes.why_locked(meeting)}


@bp.route("/moeder/<id:meeting_id>/bidrag", methods=["POST"])
def save_input(meeting_id):
    """The professional writes or changes their written input, until the deadline."""
    from .home import CallForm, _render_meeting

    row = who.meeting_for_professional(meeting_id)
    form = InputForm()
    if not form.validate_on_submit():
        return _render_meeting(row, CallForm(), status=400, input_form=form,
                               input_errors={"input": _("Noget gik galt. Prøv igen.")})
    try:
        input_changes.save_input(Actor("professional", g.user_id), meeting_id, going_well=form.going_well.data,
                                 worries=form.worries.data, next_steps=form.next_steps.data)
    except call_changes.NotCalled:
        abort(404)
    except Invalid as invalid:
        return _render_meeting(row, CallForm(), status=400, input_form=form, input_errors=invalid.errors)
    return redirect(url_for("professional.meeting", meeting_id=meeting_id, input_saved=1, _anchor="bidrag"))
