"""The child's own page: their goals, the next meeting about them, and their own words.

Only a signed-in child opens these pages (anyone else signed in gets 404,
as a child gets 404 on every parent and staff page). What a child may see is
decided in portal/data/access.py; with a link alone the page only says how to
go on (MitID from 13, else the passkey they made with their coordinator).
"""
from flask import Blueprint, g, redirect, render_template, request, url_for
from wtforms import RadioField, StringField, TextAreaField

from ..data import access
from ..data.changes import Actor, Invalid, NotFound
from ..data.changes import child_voice
from ..data.reads import child as child_reads
from ..sign_in import who
from ..sign_in.sessions import refuse_unless
from ..web.forms import PortalForm
from ..i18n import current_language, gettext as _

bp = Blueprint("child", __name__, url_prefix="/barn")


class WordsForm(PortalForm):
    # No validators that strip or change the text: the child's words are kept exactly.
    kind = RadioField(choices=list(child_voice.KINDS), validate_choice=False)
    text = TextAreaField()


class BisidderForm(PortalForm):
    wanted = RadioField(choices=["yes", "no"], validate_choice=False)
    who = StringField()


@bp.before_request
def children_only():
    return refuse_unless("child")


def _page(errors=None, status=200, words_form=None, bisidder_form=None):
    child = who.current_child()
    if g.level < access.SUBSTANTIAL:
        return render_template("child/home_link.html", child=child,
                               method=child_reads.sign_in_method(child["id"])), status
    return render_template(
        "child/home.html", child=child, goals=child_reads.goals_for(child),
        meeting=child_reads.next_meeting_for(child), words=child_reads.words_of(child["id"]),
        bisidder=child_reads.bisidder_of(child["id"]), kinds=child_voice.KINDS,
        words_form=words_form or WordsForm(formdata=None), bisidder_form=bisidder_form or BisidderForm(formdata=None),
        errors=errors or {}), status


@bp.route("")
def home():
    g.signed_in_page = True
    return _page()


@bp.route("/ord", methods=["POST"])
def add_words():
    child = who.current_child()
    form = WordsForm()
    if not form.validate_on_submit():
        return _page({"text": _("Noget gik galt. Prøv igen.")}, 400, words_form=form)
    try:
        child_voice.add_words(Actor("child", child["id"]), child["family_id"], child["id"],
                              kind=form.kind.data or "", text=form.text.data or "")
    except Invalid as invalid:
        return _page(invalid.errors, 400, words_form=form)
    except NotFound:  # their family's case was closed meanwhile, or the like
        return _page({"text": _("Noget gik galt. Prøv igen.")}, 400, words_form=form)
    return redirect(url_for("child.home", saved="ord", _anchor="mine-ord"), 303)


@bp.route("/bisidder", methods=["POST"])
def bisidder():
    child = who.current_child()
    form = BisidderForm()
    if not form.validate_on_submit() or form.wanted.data not in ("yes", "no"):
        return _page({"wanted": _("Vælg ja eller nej.")}, 400, bisidder_form=form)
    try:
        child_voice.say_bisidder(Actor("child", child["id"]), child["family_id"], child["id"],
                                 wanted=form.wanted.data == "yes", who=form.who.data)
    except Invalid as invalid:
        return _page(invalid.errors, 400, bisidder_form=form)
    return redirect(url_for("child.home", saved="bisidder", _anchor="bisidder"), 303)


def voices_here():
    """The children's own words of the family on the page (a parent's own, or the staff page's family)."""
    if g.get("user_kind") == "parent":
        return child_reads.voices_for_family(who.current_family_id())
    if g.get("user_kind") == "staff" and g.get("family"):
        return child_reads.voices_for_family(g.family["id"])
    return []


def genitive(name):
    """A first name as the owner of something, in the page's language: Danish "Emils", "Jonas'" (a name ending in
    s, x or z takes an apostrophe), English "Emil's", "Jonas'"; Arabic puts the name after the thing, unchanged."""
    language = current_language()
    if language == "ar":
        return name
    if name[-1:].lower() in ("s", "x", "z"):
        return f"{name}'"
    return f"{name}'s" if language == "en" else f"{name}s"


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(genitive, "genitive")
    app.add_template_global(voices_here, "child_voices")
