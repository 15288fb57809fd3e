"""The family's one plan: plan items grouped by organisation, parallel efforts flagged."""
from flask import render_template, request
from wtforms import StringField

from . import family_bp
from .common import actor, family_url, form_page, found, hidden_from_data, offer_hidden_from, saved_form_of
from .common import saved_and_shown, shown_to_professionals_data, shown_to_professionals_field
from ..data.changes import plan as plan_changes
from ..data.reads import family, goals, professional_plan
from ..data.reads import plan as plan_reads
from ..data.vocabulary import PLAN_KINDS, PLAN_STATUSES
from ..web.forms import CheckboxesField, ChoiceField, DateField, IdChoiceField, VersionedForm
from ..web.overlap import overlap_step, warning_buttons
from ..i18n import N_
from ..i18n import gettext as _


@family_bp.route("/plan")
def plan(family_id):
    items = plan_reads.items(family_id)
    parents = {p["id"]: p["name"] for p in family.parents(family_id)}
    return render_template("staff/plan.html", groups=plan_reads.by_organisation(items), has_items=bool(items),
                           parallel=plan_reads.parallel_efforts(items), parent_names=parents,
                           notes=professional_plan.notes_by_item(family_id))


class PlanItemForm(VersionedForm):
    what = StringField(N_("Indsats"), description=N_("Hvad skal der ske? Skriv det, så familien forstår det."))
    kind = ChoiceField(N_("Slags indsats"), description=N_("Bruges til at finde indsatser, der ligner hinanden."))
    responsible = IdChoiceField(N_("Hvem har ansvaret"))
    when_text = StringField(N_("Hvornår eller hvor tit"), description=N_("Fx \"Hver tirsdag kl. 7–9\" eller \"Fra januar\"."))
    due_on = DateField(N_("Senest"), description=N_("Hvis indsatsen skal være sket til en bestemt dato."))
    status = ChoiceField(N_("Status"))
    goal_id = IdChoiceField(N_("Hører til målet"))
    hidden_from = CheckboxesField(N_("Vis ikke indsatsen for"), ids=True, description=N_(
        "Er den ansvarlige skjult for en forælder, vises indsatsen heller ikke for den forælder."))
    shown_to_professionals = shown_to_professionals_field()

    def fill_choices(self, family_id, current_person=None):
        people = family.people_involved(family_id, include_removed=True)
        self.kind.choices = list(PLAN_KINDS.items())
        self.status.choices = list(PLAN_STATUSES.items())
        self.responsible.choices = [("", N_("Vælg")), ("family", N_("Familien"))] + [
            (p["id"], f"{p['name']} ({p['organisation']})") for p in people
            if not p["removed_at"] or p["id"] == current_person]
        self.goal_id.choices = [("", N_("Intet"))] + [
            (g["id"], g["text"][:80] + ("…" if len(g["text"]) > 80 else "")) for g in goals.goals(family_id, with_notes=False)]
        offer_hidden_from(self, family_id)

    def values(self):
        return {name: getattr(self, name).data for name in ("what", "kind", "responsible", "when_text", "due_on",
                                                              "status", "goal_id")} | {
            "hidden_from": hidden_from_data(self)}

    @staticmethod
    def data_from(row):
        return {**row, "responsible": "family" if row["responsible_family"] else row["responsible_person_id"],
                "hidden_from": row.get("hidden_from_ids", []), **shown_to_professionals_data("plan_item", row["id"])}


@family_bp.route("/plan/new", methods=["GET", "POST"])
def new_plan_item(family_id):
    form = PlanItemForm(data={"status": "planned", "kind": "other"} if request.method == "GET" else None)
    form.fill_choices(family_id)
    page = {"title": N_("Ny indsats i planen"), "back": family_url("plan"), "template": ITEM_FORM}
    return _overlap_first(form, family_id, None, page) or form_page(
        form, lambda f: saved_and_shown(f, family_id, "plan_item",
                                        lambda: plan_changes.add_plan_item(actor(), family_id, **f.values())),
        done=lambda _: family_url("plan"), **page)


ITEM_FORM = "staff/plan_item_form.html"


def _overlap_first(form, family_id, before, page):
    """A POST that starts an effort another organisation already runs: the warning page (or, from it,
    "Tilbage": the form), else None and the form is saved as usual."""
    if request.method != "POST" or not form.validate_on_submit():
        return None
    kind, responsible = form.kind.data, form.responsible.data
    people = {p["id"]: p["organisation"] for p in family.people_involved(family_id, include_removed=True)}
    organisation = people.get(responsible)
    if organisation is None:
        return None  # the family's own item (no organisation to compare), or no one yet: the rules say so
    found = plan_reads.overlap_on_change(family_id, kind, form.status.data, organisation, before=before)
    step = overlap_step(kind, found)
    if step is None:
        return None
    return render_template(page["template"], form=form, conflict=None, title=page["title"], back=page["back"],
                           layout="staff/_family.html", overlap=found if step == "warn" else None, overlap_level=3,
                           buttons=warning_buttons(kind) if step == "warn" else None)


@family_bp.route("/plan/<id:item_id>/edit", methods=["GET", "POST"])
def edit_plan_item(family_id, item_id):
    row = found(plan_reads.item(family_id, item_id))
    form = PlanItemForm(data=PlanItemForm.data_from(row) if request.method == "GET" else None)
    form.fill_choices(family_id, row["responsible_person_id"])

    def saved_form(saved):
        shown = saved_form_of(PlanItemForm, PlanItemForm.data_from(plan_reads.item(family_id, item_id)))
        shown.fill_choices(family_id, row["responsible_person_id"])
        return shown

    page = {"title": _("Ret indsatsen"), "back": family_url("plan"), "template": ITEM_FORM}
    return _overlap_first(form, family_id, row, page) or form_page(
        form, lambda f: saved_and_shown(f, family_id, "plan_item", lambda: plan_changes.update_plan_item(
            actor(), family_id, item_id, f.version_number(), **f.values()), item_id),
        intro=N_("Er indsatsen slut, så vælg status Afsluttet eller Stoppet. Den bliver stående i planen."),
        done=lambda _: family_url("plan"), saved_form=saved_form, **page)
