"""Hvem er med: the professionals around the family."""
from flask import render_template, request
from wtforms import BooleanField, StringField

from . import family_bp
from .common import actor, family_url, form_page, found, hidden_from_data, offer_hidden_from, saved_form_of
from .members import ActiveForm
from ..data.changes import people as people_changes
from ..data.changes import professionals as professional_changes
from ..data.reads import family
from ..web.forms import CheckboxesField, PortalForm, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _


class PersonForm(VersionedForm):
    name = StringField(N_("Navn"))
    role = StringField(N_("Rolle"), description=N_("Fx sagsbehandler, klasselærer eller psykolog."))
    organisation = StringField(N_("Organisation eller afdeling"), description=N_("Fx Demoby Skole, PPR eller Jobcentret."))
    phone = StringField(N_("Telefon"))
    email = StringField(N_("E-mail"))
    show_contact = BooleanField(N_("Familien må se telefon og e-mail"))
    hidden_from = CheckboxesField(N_("Vis ikke personen for"), ids=True, description=N_(
        "Fx et krisecenter, som kun den ene forælder må kende til. Det, personen har ansvaret for i planen, vises heller ikke for den forælder."))

    def fill_choices(self, family_id):
        offer_hidden_from(self, family_id)

    def values(self):
        return {name: getattr(self, name).data for name in ("name", "role", "organisation", "phone", "email",
                                                              "show_contact")} | {
            "hidden_from": hidden_from_data(self)}


@family_bp.route("/people")
def people(family_id):
    return render_template("staff/people.html", people=family.people_involved(family_id, include_removed=True),
                           parent_names={p["id"]: p["name"] for p in family.parents(family_id)})


@family_bp.route("/people/new", methods=["GET", "POST"])
def new_person(family_id):
    form = PersonForm()
    form.fill_choices(family_id)
    return form_page(form, lambda f: people_changes.add_person(actor(), family_id, **f.values()),
                     title=N_("Ny person"), done=lambda _: family_url("people"), back=family_url("people"))


def _person(family_id, person_id):
    return found(family.person_involved(family_id, person_id))


@family_bp.route("/people/<id:person_id>/edit", methods=["GET", "POST"])
def edit_person(family_id, person_id):
    row = _person(family_id, person_id)
    form = PersonForm(data={**row, "hidden_from": row["hidden_from_ids"]} if request.method == "GET" else None)
    form.fill_choices(family_id)
    return form_page(
        form, lambda f: people_changes.update_person(actor(), family_id, person_id, f.version_number(), **f.values()),
        title=_("Ret %(name)s", name=row["name"]), done=lambda _: family_url("people"), back=family_url("people"),
        saved_form=lambda saved: saved_form_of(PersonForm, _saved_person(family_id, person_id)))


def _saved_person(family_id, person_id):
    """The involvement as saved now, with its professional's name, phone and e-mail (a Conflict carries only the involvement)."""
    row = _person(family_id, person_id)
    return {**row, "hidden_from": row["hidden_from_ids"]}


@family_bp.route("/people/<id:person_id>/remove", methods=["POST"])
def remove_person(family_id, person_id):
    row = _person(family_id, person_id)
    return form_page(
        ActiveForm(), lambda f: people_changes.remove_person(actor(), family_id, person_id, f.version_number()),
        title=_("Fjern %(name)s", name=row["name"]), done=lambda _: family_url("people"), back=family_url("people"),
        notice=N_("Personen er fjernet fra listen."), buttons=[("remove", "1", N_("Fjern"), "")])


@family_bp.route("/people/<id:person_id>/invite", methods=["POST"])
def invite_person(family_id, person_id):
    """Inviter til Familieportalen: a single-use link by e-mail to the professional's own address."""
    row = _person(family_id, person_id)
    return form_page(
        PortalForm(), lambda f: professional_changes.invite(actor(), family_id, person_id),
        title=_("Inviter %(name)s", name=row["name"]), done=lambda _: family_url("people"), back=family_url("people"),
        notice=N_("Invitationen er sendt. Den er et link, der virker én gang."), buttons=[("invite", "1", N_("Inviter"), "")])


@family_bp.route("/people/<id:person_id>/end-access", methods=["POST"])
def end_access(family_id, person_id):
    """Fjern adgang: the professional stays on the list, and no longer sees the family."""
    row = _person(family_id, person_id)
    return _professional_button(professional_changes.end_access, family_id, person_id,
                                _("Fjern adgang for %(name)s", name=row["name"]),
                                N_("Personen kan ikke længere se familien i Familieportalen."),
                                ("end", "1", N_("Fjern adgang"), ""))


def _professional_button(change, family_id, person_id, title, notice, button):
    """One of the buttons under a professional's name on "Hvem er med": its change, then back to the list."""
    return form_page(PortalForm(), lambda f: change(actor(), family_id, person_id), title=title,
                     done=lambda _: family_url("people"), back=family_url("people"), notice=notice, buttons=[button])


@family_bp.route("/people/<id:person_id>/remove-passkeys", methods=["POST"])
def remove_passkeys(family_id, person_id):
    """Fjern adgangsnøgle: a professional's lost phone; a new invitation lets them make a new passkey."""
    row = _person(family_id, person_id)
    return _professional_button(professional_changes.remove_professional_passkeys, family_id, person_id,
                                _("Fjern adgangsnøgle for %(name)s", name=row["name"]),
                                N_("Adgangsnøglen er fjernet. Send en ny invitation, så kan personen lave en ny."),
                                ("remove", "1", N_("Fjern adgangsnøgle"), ""))
