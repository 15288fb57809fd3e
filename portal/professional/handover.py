"""Overdrag mine opgaver: a professional hands their open plan items to a successor, who accepts ("Overtag") or
declines ("Afvis"). The items stay theirs until the successor accepts (changes/handovers.py)."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms import TextAreaField

from . import bp
from ..data import audit
from ..data.changes import Actor, Invalid, NotFound
from ..data.changes import handovers as handover_changes
from ..data.reads import handovers as handover_reads
from ..i18n import N_
from ..i18n import gettext as _
from ..sign_in import who
from ..web.forms import PortalForm, save_form
from ..web.handover_form import HandoverForm, successor_options


def _actor():
    return Actor("professional", g.user_id)


@bp.context_processor
def handovers_on_home():
    """Til overtagelse, and declined hand-overs, for Mine familier (read only when its template asks)."""
    return {"handovers_offered": lambda: handover_reads.offered_to(g.user_id),
            "handovers_declined": lambda: handover_reads.declined_for(g.user_id)}


@bp.route("/familier/<id:family_id>/overdrag", methods=["GET", "POST"])
def handover(family_id):
    family = who.family_for_professional(family_id)
    if request.method == "GET":
        audit.record_view("family.viewed", actor_kind="professional", actor_id=g.user_id, family_id=family_id,
                          page=request.endpoint)
    mine = handover_changes.own_involvements(g.user_id, family_id)
    form = HandoverForm()

    def render(shown, conflict=None):
        return render_template("professional/handover.html", family=family, form=shown,
                               items=handover_reads.items_to_hand_over(family_id, mine),
                               options=successor_options(handover_reads.successors(family_id, g.user_id)))

    def save(f):
        return handover_changes.hand_over(_actor(), family_id, mine, f.choices(), f.new_person())

    try:
        return save_form(form, save, render=render, notice=N_("Tak. Opgaven er din, indtil den anden har sagt ja."),
                         done=lambda _: url_for("professional.handover", family_id=family_id))
    except NotFound:
        abort(404)


@bp.route("/overdragelser/<id:handover_id>/overtag", methods=["POST"])
def accept_handover(handover_id):
    form = PortalForm()
    if not form.validate_on_submit():
        flash(_("Siden var for gammel. Tryk på knappen igen."))
        return redirect(url_for("professional.home", _anchor="overtagelse"))
    try:
        handover_changes.accept(_actor(), handover_id)
    except NotFound:
        abort(404)
    except Invalid as invalid:
        flash(" ".join(invalid.errors.values()))
    else:
        flash(_("Opgaven er nu din. Familien kan se, at du har ansvaret."))
    return redirect(url_for("professional.home", _anchor="overtagelse"))


class DeclineForm(PortalForm):
    reason = TextAreaField(N_("Hvorfor siger du nej? (kan udelades)"),
                           description=N_("Den, der spurgte, kan se det. Skriv ikke mere om familien end nødvendigt."))


@bp.route("/overdragelser/<id:handover_id>/afvis", methods=["GET", "POST"])
def decline_handover(handover_id):
    try:
        offered = handover_changes.waiting_for(g.user_id, handover_id)
    except NotFound:
        abort(404)
    item = next((o for o in handover_reads.offered_to(g.user_id) if o["id"] == handover_id), None)
    if item is None:  # the item changed owner or ended meanwhile
        flash(_(handover_changes.CHANGED_MEANWHILE))
        return redirect(url_for("professional.home", _anchor="overtagelse"))
    if request.method == "GET":
        audit.record_view("family.viewed", actor_kind="professional", actor_id=g.user_id, family_id=offered["family_id"],
                          page=request.endpoint)
    form = DeclineForm()

    def render(shown, conflict=None):
        return render_template("professional/decline_handover.html", form=shown, item=item, offered=offered)

    try:
        return save_form(form, lambda f: handover_changes.decline(_actor(), handover_id, f.reason.data), render=render,
                         notice=N_("Du har sagt nej. Den, der spurgte, får besked."),
                         done=lambda _: url_for("professional.home", _anchor="overtagelse"))
    except NotFound:
        abort(404)
