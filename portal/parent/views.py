"""The parent's pages: contact person, meetings, goals in their own words."""
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from urllib.parse import urlsplit

from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from . import calendar
from ..data import access, audit, family, own_words
from ..web import page_cache
from ..data.clock import now_text
from ..data.db import get_db
from ..web.i18n import COOKIE, LANGUAGES, N_, current_language
from ..web.i18n import gettext as _
from ..settings import municipality
from ..sign_in.sessions import parent_required

bp = Blueprint("parent", __name__)

# What a parent may write in their own words, and what they are told when it does not fit.
GOAL_TEXT = dict(
    max_length=2000,
    blank_message=N_("Skriv dit mål med dine egne ord."),
    too_long_message=N_(
        "Dit mål er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør det lidt kortere."
    ),
)
AGENDA_POINT_TEXT = dict(
    max_length=1000,
    blank_message=N_("Skriv, hvad du gerne vil tale om."),
    too_long_message=N_(
        "Dit punkt er for langt. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør det lidt kortere."
    ),
)


class GoalForm(FlaskForm):
    # No validators that strip or change the text: the parent's words are kept exactly.
    text = TextAreaField()
    for_whom = SelectField(validate_choice=False)


def _goal_form(family_id):
    form = GoalForm()
    children, parents = family.members(family_id)
    form.for_whom.choices = (
        [("family", _("Hele familien"))]
        + [(f"child:{c['id']}", c["first_name"]) for c in children]
        + [(f"parent:{p['id']}", p["name"]) for p in parents]
    )
    return form


def _home_context(parent, form, error=None, agenda_state=None):
    family_id = parent["family_id"]
    return dict(
        parent=parent,
        form=form,
        error=error,
        agenda_state=agenda_state or {},
        contact=family.contact_person(family_id),
        past_meetings=family.past_meetings(family_id, limit=3),
        **family.overview(family_id),
    )


def _render_home(form, error=None, status=200, agenda_state=None):
    """The home page after a failed form: the parent's typing and the error shown."""
    context = _home_context(access.current_parent(), form, error, agenda_state)
    return render_template("parent/home.html", **context), status


@bp.route("/")
def home():
    if g.user_kind == "staff":
        return redirect(url_for("staff.home"))
    if g.user_kind != "parent":
        return render_template("parent/welcome.html")
    g.signed_in_page = True
    parent = access.current_parent()
    if request.args:
        return _render_home(_goal_form(parent["family_id"]))
    # The plain home page is the same for every visit until the family's data
    # changes (or the minute turns), so it is rendered once and kept.
    return page_cache.render_cached(
        ("parent-home", parent["family_id"], parent["id"], current_language(), parent["data_version"],
         now_text()[:16]),
        "parent/home.html",
        lambda: _home_context(parent, _goal_form(parent["family_id"])),
    )


@bp.route("/goals", methods=["POST"])
@parent_required
def add_goal():
    family_id = access.current_family_id()
    form = _goal_form(family_id)
    if not form.validate_on_submit():
        return _render_home(form, _("Noget gik galt. Prøv igen."), 400)
    text = form.text.data or ""
    error = own_words.problem(text, **GOAL_TEXT)
    if error:
        return _render_home(form, error, 400)
    for_child_id = for_parent_id = None
    kind, _sep, member_id = (form.for_whom.data or "family").partition(":")
    valid = {c for c, _label in form.for_whom.choices}
    if form.for_whom.data not in valid:
        return _render_home(form, _("Vælg, hvem målet er for."), 400)
    if kind == "child":
        for_child_id = int(member_id)
    elif kind == "parent":
        for_parent_id = int(member_id)
    goal_id = get_db()["goals"].insert(
        {
            "family_id": family_id,
            "text": text,
            "written_by_parent_id": g.user_id,
            "for_child_id": for_child_id,
            "for_parent_id": for_parent_id,
            "status": "active",
            "created_at": now_text(),
        }
    ).last_pk
    audit.record("goal.added", actor_kind="parent", actor_id=g.user_id, family_id=family_id, goal_id=goal_id)
    return redirect(url_for("parent.home", _anchor="maal", added=1))


class AgendaPointForm(FlaskForm):
    text = TextAreaField()


@bp.route("/meetings/<id:meeting_id>/agenda", methods=["POST"])
@parent_required
def add_agenda_point(meeting_id):
    """A parent adds something they want to talk about at an upcoming meeting."""
    meeting = access.meeting_for_parent(meeting_id)
    form = AgendaPointForm()
    text = form.text.data or ""
    if meeting["status"] != "planned" or meeting["starts_at"] < now_text():
        error = _("Du kan kun skrive punkter til et møde, der ikke har været endnu.")
    elif not form.validate_on_submit():
        error = _("Noget gik galt. Prøv igen.")
    else:
        error = own_words.problem(text, **AGENDA_POINT_TEXT)
    if error:
        agenda_state = {"meeting_id": meeting_id, "error": error, "text": text}
        return _render_home(_goal_form(meeting["family_id"]), status=400, agenda_state=agenda_state)
    point_id = get_db()["agenda_points"].insert(
        {"meeting_id": meeting_id, "text": text, "written_by_parent_id": g.user_id, "created_at": now_text()}
    ).last_pk
    audit.record("agenda_point.added", actor_kind="parent", actor_id=g.user_id,
                 family_id=meeting["family_id"], meeting_id=meeting_id, agenda_point_id=point_id)
    return redirect(url_for("parent.home", _anchor=f"meeting-{meeting_id}", point_added=meeting_id))


@bp.route("/meetings/<id:meeting_id>/calendar.ics")
@parent_required
def meeting_calendar(meeting_id):
    meeting = access.meeting_for_parent(meeting_id)
    base = current_app.config["BASE_URL"]
    body = calendar.meeting_ics(
        meeting,
        title=_(family.MEETING_KINDS.get(meeting["kind"], "Møde")),
        municipality_name=municipality().get("name", ""),
        url=f"{base}/#meeting-{meeting_id}",
        host=urlsplit(base).hostname,
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="moede-{meeting_id}.ics"'},
    )


class LanguageForm(FlaskForm):
    lang = SelectField(choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])


@bp.route("/language", methods=["POST"])
def choose_language():
    form = LanguageForm()
    response = redirect(_safe_next(request.form.get("next")))
    if form.validate_on_submit():
        response.set_cookie(
            COOKIE,
            form.lang.data,
            max_age=365 * 24 * 3600,
            secure=current_app.config["PRODUCTION"],
            httponly=True,
            samesite="Lax",
        )
    return response


def _safe_next(target):
    """Only ever go back to a path on this site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(character) > 32 for character in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("parent.home")
