"""Plan updates: write in Markdown, preview without JavaScript, publish; parents see them newest first."""
from flask import render_template, request
from wtforms import TextAreaField

from . import family_bp
from .common import actor, family_url, form_page, found, hidden_from_data, offer_hidden_from
from ..data.changes import plan as plan_changes
from ..data.reads import family
from ..data.reads import plan as plan_reads
from ..web.forms import CheckboxesField, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _
from ..web.markdown import render as render_markdown


@family_bp.route("/updates")
def updates(family_id):
    parents = {p["id"]: p["name"] for p in family.parents(family_id)}
    return render_template("staff/updates.html", updates=plan_reads.updates(family_id), parent_names=parents)


class UpdateForm(VersionedForm):
    body = TextAreaField(N_("Opdatering"), description=N_(
        "Skriv kort og i et sprog, familien forstår. Du kan bruge **fed**, *kursiv*, lister med - og links."))
    hidden_from = CheckboxesField(N_("Vis ikke opdateringen for"), ids=True)

    def fill_choices(self, family_id):
        offer_hidden_from(self, family_id)

    def values(self):
        return {"body": self.body.data, "hidden_from": hidden_from_data(self),
                "publish": request.form.get("action") == "publish"}


def _buttons(published):
    if published:
        return [("action", "preview", N_("Forhåndsvis"), "secondary"), ("action", "publish", N_("Gem ændringer"), "")]
    return [("action", "preview", N_("Forhåndsvis"), "secondary"), ("action", "draft", N_("Gem som kladde"), "secondary"),
            ("action", "publish", N_("Vis for familien"), "")]


def _page(form, save, *, title, back, published, **context):
    """Preview re-renders the form with the update as the family will see it; nothing is saved."""
    if request.method == "POST" and request.form.get("action") == "preview":
        return render_template("staff/update_form.html", form=form, title=title, back=back, conflict=None,
                               buttons=_buttons(published), preview=render_markdown(form.body.data or ""), **context)
    return form_page(form, save, title=title, template="staff/update_form.html", done=lambda _: family_url("updates"),
                     back=back, buttons=_buttons(published), **context)


@family_bp.route("/updates/new", methods=["GET", "POST"])
def new_update(family_id):
    form = UpdateForm()
    form.fill_choices(family_id)
    return _page(form, lambda f: plan_changes.add_plan_update(actor(), family_id, **f.values()),
                 title=N_("Ny opdatering om planen"), back=family_url("updates"), published=False)


@family_bp.route("/updates/<id:update_id>/edit", methods=["GET", "POST"])
def edit_update(family_id, update_id):
    row = found(plan_reads.update(family_id, update_id))
    form = UpdateForm(data={**row, "hidden_from": row["hidden_from_ids"]} if request.method == "GET" else None)
    form.fill_choices(family_id)
    return _page(form, lambda f: plan_changes.update_plan_update(actor(), family_id, update_id, f.version_number(),
                                                                 **f.values()),
                 title=_("Ret opdateringen"), back=family_url("updates"), published=bool(row["published_at"]),
                 saved_form=lambda saved: UpdateForm(formdata=None, data=saved, meta={"csrf": False}))
