"""Mine opgaver: a professional's own plan items. Change the status, write a short note, mark done, add one.

Only items they are responsible for, in families they may see (access.py):
any other id is 404. A stale form (someone changed the item meanwhile) says
so and keeps what they typed. An item of a kind another organisation already
runs in the family is shown with who runs it before it is saved (web/overlap.py).
"""
from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField

from . import bp
from .home import _viewed
from ..data import access
from ..data.changes import Actor, Conflict, Invalid, NotFound
from ..data.changes import professional_plan as changes
from ..data.reads import plan as plan_reads
from ..data.reads import professional_plan as reads
from ..data.clock import today_text
from ..data.vocabulary import PLAN_KINDS, PLAN_RUNNING, PLAN_STATUSES
from ..i18n import N_
from ..i18n import gettext as _
from ..web.forms import ChoiceField, DateField, VersionedForm, apply_errors
from ..web.overlap import overlap_step, warning_buttons

SAVE = ("action", "save", N_("Gem"), "")
MARK_DONE = ("action", "done", N_("Marker som afsluttet"), "secondary")


class OwnItemForm(VersionedForm):
    what = StringField(N_("Opgave"), description=N_("Hvad skal der ske? Skriv det, så familien forstår det."))
    kind = ChoiceField(N_("Slags indsats"), description=N_("Bruges til at finde indsatser, der ligner hinanden."))
    status = ChoiceField(N_("Status"))
    when_text = StringField(N_("Hvornår eller hvor tit"), description=N_("Fx \"Hver tirsdag kl. 7–9\" eller \"Fra januar\"."))
    due_on = DateField(N_("Senest"), description=N_("Hvis opgaven skal være løst til en bestemt dato."))
    note = TextAreaField(N_("Kort note"), description=N_(
        "Hvordan går det? Koordinatoren kan læse noten. Den gemmes, som du skriver den, og kan ikke rettes bagefter."))

    def fill_choices(self):
        self.kind.choices = list(PLAN_KINDS.items())
        self.status.choices = list(PLAN_STATUSES.items())

    def values(self):
        status = "done" if request.form.get("action") == "done" else self.status.data
        return {"what": self.what.data, "kind": self.kind.data, "status": status, "when_text": self.when_text.data,
                "due_on": self.due_on.data, "note": self.note.data}


def _actor():
    return Actor("professional", g.user_id)


@bp.route("/plan")
def plan():
    """Mine opgaver: open items I am responsible for, overdue first, by family."""
    groups = reads.my_items(g.user_id)
    _viewed(family["id"] for family, _items in groups)
    return render_template("professional/plan.html", groups=groups)


@bp.route("/plan/<id:item_id>", methods=["GET", "POST"])
def plan_item(item_id):
    item = access.professional_own_item(g.user_id, item_id)
    if item is None:
        abort(404)
    _viewed([item["family_id"]])
    item["overdue"] = bool(item["due_on"] and item["due_on"] < today_text() and item["status"] in PLAN_RUNNING)
    form = OwnItemForm(data=item if request.method == "GET" else None)
    form.fill_choices()
    before = {**item, "organisation": item["involvement_organisation"]}
    return _form_page(form, item["family_id"], before, item["involvement_organisation"],
                      lambda values: changes.update_own_item(_actor(), item_id, form.version_number(), **values),
                      item=item, buttons=[SAVE, MARK_DONE])


@bp.route("/familier/<id:family_id>/plan/ny", methods=["GET", "POST"])
def new_plan_item(family_id):
    involvement = access.professional_involvement(g.user_id, family_id)
    if involvement is None:
        abort(404)
    form = OwnItemForm(data={"status": "planned", "kind": "other"} if request.method == "GET" else None)
    form.fill_choices()
    return _form_page(form, family_id, None, involvement["organisation"],
                      lambda values: changes.add_own_item(_actor(), family_id, **values), item=None, buttons=[SAVE])


def _form_page(form, family_id, before, organisation, save, *, item, buttons):
    """GET: the form. POST: warn of an overlap first, then save; Invalid → 400, stale → 409, typing kept."""
    page = {"form": form, "item": item, "family": access.professional_may_see_family(g.user_id, family_id),
            "notes": reads.notes(item["id"]) if item else [], "buttons": buttons, "overlap": None, "stale": None}
    if request.method != "POST":
        return render_template("professional/plan_item.html", **page)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            form.form_errors = [_("Siden var for gammel. Tryk på knappen igen for at gemme.")]
        return render_template("professional/plan_item.html", **page), 400
    values = form.values()
    found = plan_reads.overlap_on_change(family_id, values["kind"], values["status"], organisation, before=before,
                                         professional=g.user_id)
    step = overlap_step(values["kind"], found)
    if step == "back":
        return render_template("professional/plan_item.html", **page)
    if step == "warn":
        return render_template("professional/plan_item.html",
                               **{**page, "overlap": found, "buttons": warning_buttons(values["kind"])})
    try:
        save(values)
    except NotFound:
        abort(404)
    except Invalid as invalid:
        apply_errors(form, invalid.errors)
        return render_template("professional/plan_item.html", **page), 400
    except Conflict as conflict:
        form.version.data = conflict.saved["version"] if conflict.saved else ""
        return render_template("professional/plan_item.html", **{**page, "stale": conflict.saved or {}}), 409
    flash(_("Gemt."))
    return redirect(url_for("professional.plan"))
