"""Goals: recorded with the family, followed up 0–10, status changed and commented on.

A goal a parent wrote is never edited by staff; its text has no edit form.
"""
from flask import render_template, request
from wtforms import TextAreaField

from . import family_bp
from .common import actor, family_url, form_page, found
from ..data.changes import goals as goal_changes
from ..data.reads import goals as goal_reads
from ..data.vocabulary import GOAL_STATUSES
from ..web import charts
from ..web.forms import ChoiceField, DateField, NumberField, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _


@family_bp.route("/goals")
def goals(family_id):
    return render_template("staff/goals.html", goals=goal_reads.goals(family_id))


class GoalForm(VersionedForm):
    text = TextAreaField(N_("Målet med familiens egne ord"),
                         description=N_("Skriv det, som familien siger det. Fx \"Vi spiser morgenmad sammen.\""))
    for_whom = ChoiceField(N_("Hvem er målet for?"))

    def fill_choices(self, family_id):
        self.for_whom.choices = [(key, name or N_("Hele familien"))
                                 for key, name in goal_reads.for_whom_options(family_id).items()]


@family_bp.route("/goals/new", methods=["GET", "POST"])
def new_goal(family_id):
    form = GoalForm()
    form.fill_choices(family_id)
    return form_page(form, lambda f: goal_changes.add_goal(actor(), family_id, text=f.text.data or "",
                                                             for_whom=f.for_whom.data),
                     title=N_("Nyt mål, skrevet sammen med familien"),
                     done=lambda goal_id: family_url("goal", goal_id=goal_id), back=family_url("goals"))


class ScoreForm(VersionedForm):
    score = NumberField(N_("Hvor er I nu, fra 0 til 10?"), description=N_("0: det er helt galt. 10: målet er nået."))
    note = TextAreaField(N_("Kort note"), description=N_("Familien kan se den."))
    noted_on = DateField(N_("Dato"))


class StatusForm(VersionedForm):
    status = ChoiceField(N_("Ny status"))
    note = TextAreaField(N_("Hvorfor (kort)"), description=N_("Familien kan se det."))


class CommentForm(VersionedForm):
    comment = TextAreaField(N_("Kommentar"), description=N_("Familien kan se den."))


def _goal_page(family_id, goal_id, **forms):
    row = found(goal_reads.goal(family_id, goal_id))
    row["chart"] = charts.goal_progress(row["scores"])
    status = forms.get("status_form") or StatusForm(formdata=None, data={"version": row["version"]}, prefix="status")
    status.status.choices = [(key, label) for key, label in GOAL_STATUSES.items() if key != row["status"]]
    return dict(goal=row, score_form=forms.get("score_form") or ScoreForm(formdata=None, prefix="score"),
                status_form=status, comment_form=forms.get("comment_form") or CommentForm(formdata=None, prefix="comment"))


@family_bp.route("/goals/<id:goal_id>")
def goal(family_id, goal_id):
    return render_template("staff/goal.html", **_goal_page(family_id, goal_id))


def _goal_form_page(family_id, goal_id, name, form, save):
    """A form on the goal's page: saved, or the goal's page again with its messages."""
    return form_page(form, save, title="", template="staff/goal.html", done=lambda _: family_url("goal", goal_id=goal_id),
                     **_goal_page(family_id, goal_id, **{name: form}))


@family_bp.route("/goals/<id:goal_id>/score", methods=["POST"])
def score_goal(family_id, goal_id):
    return _goal_form_page(family_id, goal_id, "score_form", ScoreForm(prefix="score"), lambda f: goal_changes.score_goal(
        actor(), family_id, goal_id, score=f.score.data, note=f.note.data, noted_on=f.noted_on.data))


@family_bp.route("/goals/<id:goal_id>/status", methods=["POST"])
def set_goal_status(family_id, goal_id):
    return _goal_form_page(family_id, goal_id, "status_form", StatusForm(prefix="status"), lambda f: goal_changes.set_goal_status(
        actor(), family_id, goal_id, f.version_number(), status=f.status.data, note=f.note.data))


@family_bp.route("/goals/<id:goal_id>/comment", methods=["POST"])
def comment_on_goal(family_id, goal_id):
    return _goal_form_page(family_id, goal_id, "comment_form", CommentForm(prefix="comment"), lambda f: goal_changes.comment_on_goal(
        actor(), family_id, goal_id, text=f.comment.data))


@family_bp.route("/goals/<id:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(family_id, goal_id):
    row = found(goal_reads.goal(family_id, goal_id))
    if row["written_by_parent_id"] is not None:
        return render_template("staff/goal.html", **_goal_page(family_id, goal_id),
                               refused=_("Målet er skrevet af en forælder med egne ord. Du kan skrive en kommentar"
                                         " eller ændre status, men ikke rette teksten.")), 403
    key = f"child:{row['for_child_id']}" if row["for_child_id"] else (
        f"parent:{row['for_parent_id']}" if row["for_parent_id"] else "family")
    form = GoalForm(data={**row, "for_whom": key} if request.method == "GET" else None)
    form.fill_choices(family_id)
    return form_page(
        form, lambda f: goal_changes.update_goal(actor(), family_id, goal_id, f.version_number(), text=f.text.data or "",
                                                 for_whom=f.for_whom.data),
        title=N_("Ret målet"), done=lambda _: family_url("goal", goal_id=goal_id), back=family_url("goal", goal_id=goal_id))
