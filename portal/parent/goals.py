"""A parent's goals: where each stands, and a new one in their own words."""
from flask import g, redirect, render_template, url_for
from wtforms import SelectField, TextAreaField

from . import bp
from ..data.changes import Actor, Invalid
from ..data.changes import goals as goal_changes
from ..data.reads import goals
from ..web import charts
from ..web.forms import PortalForm
from ..i18n import gettext as _
from ..sign_in import who


class GoalForm(PortalForm):
    # No validators that strip or change the text: the parent's words are kept exactly.
    text = TextAreaField()
    for_whom = SelectField(validate_choice=False)


def _form(family_id):
    form = GoalForm()
    form.for_whom.choices = [
        (key, name or _("Hele familien")) for key, name in goals.for_whom_options(family_id).items()
    ]
    return form


def _render(form, errors=None, status=200):
    family_id = who.current_family_id()
    rows = goals.goals(family_id)
    for goal in rows:
        goal["chart"] = charts.goal_progress(goal["scores"])
    return render_template("parent/goals.html", form=form, errors=errors or {}, goals=rows), status


@bp.route("/goals")
def goal_list():
    return _render(_form(who.current_family_id()))


@bp.route("/goals", methods=["POST"])
def add_goal():
    family_id = who.current_family_id()
    form = _form(family_id)
    if not form.validate_on_submit():
        return _render(form, {"text": _("Noget gik galt. Prøv igen.")}, 400)
    try:
        goal_changes.add_goal(Actor("parent", g.user_id), family_id, text=form.text.data or "",
                              for_whom=form.for_whom.data)
    except Invalid as invalid:
        return _render(form, invalid.errors, 400)
    return redirect(url_for("parent.goal_list", added=1, _anchor="maal"))
