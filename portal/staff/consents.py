"""Consents: record what the parents agreed may be shared, and a withdrawal (kept, marked withdrawn)."""
from flask import flash, render_template, request
from wtforms import BooleanField, TextAreaField

from . import family_bp
from .common import actor, family_url, form_page, found
from ..data.changes import consents as consent_changes
from ..data.clock import today
from ..data.reads import consents as consent_reads
from ..data.reads import family
from ..web.forms import CheckboxesField, DateField, VersionedForm
from ..i18n import N_
from ..i18n import gettext as _


@family_bp.route("/consents")
def consents(family_id):
    return render_template("staff/consents.html", consents=consent_reads.consents(family_id),
                           missing=consent_reads.network_consent_missing(family_id, today()))


class ConsentForm(VersionedForm):
    given_by = CheckboxesField(N_("Givet af"), ids=True)
    information = TextAreaField(N_("Hvilke oplysninger må deles"))
    shared_between = TextAreaField(N_("Mellem hvem"), description=N_("Fx \"Skolen, PPR og Børn og Familie\"."))
    organisations = CheckboxesField(N_("Fagpersoner fra disse steder må se familien i Familieportalen"), description=N_(
        "Kun fagpersoner fra de steder, du sætter hak ved, kan se familien, mens samtykket gælder."))
    purpose = TextAreaField(N_("Hvorfor"))
    network_meetings = BooleanField(N_("Gælder deling af oplysninger på netværksmøder"))
    written = BooleanField(N_("Samtykket er skriftligt"))
    given_on = DateField(N_("Givet den"))
    expires_on = DateField(N_("Gælder til"), description=N_("Tom: indtil det trækkes tilbage."))

    def values(self):
        return {name: getattr(self, name).data for name in ("given_by", "information", "shared_between", "organisations",
                                                              "purpose", "network_meetings", "written", "given_on",
                                                              "expires_on")}


@family_bp.route("/consents/new", methods=["GET", "POST"])
def new_consent(family_id):
    parents = family.parents(family_id, active_only=True)
    form = ConsentForm(data={"written": True, "given_on": today(), "given_by": [p["id"] for p in parents if p["custody"]]}
                       if request.method == "GET" else None)
    form.given_by.choices = [(p["id"], p["name"]) for p in parents]
    form.organisations.choices = [(name, name) for name in consent_reads.family_organisations(family_id)]
    return form_page(form, lambda f: consent_changes.record_consent(actor(), family_id, **f.values()),
                     title=N_("Skriv et samtykke ind"), done=lambda _: family_url("consents"),
                     back=family_url("consents"))


class WithdrawForm(VersionedForm):
    withdrawn_on = DateField(N_("Trukket tilbage den"))
    reason = TextAreaField(N_("Bemærkning"), description=N_("Familien kan se den."))


def _told_whose_access_ended(ended):
    """A line for each professional who can no longer see the family now that the consent is withdrawn."""
    for who in ended:
        flash(_("%(name)s (%(organisation)s) kan ikke længere se familien.", name=who["name"],
                organisation=who["organisation"]))
    return ended


@family_bp.route("/consents/<id:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw_consent(family_id, consent_id):
    row = found(consent_reads.consent(family_id, consent_id))
    form = WithdrawForm(data={"version": row["version"], "withdrawn_on": today()} if request.method == "GET" else None)
    return form_page(
        form, lambda f: _told_whose_access_ended(consent_changes.withdraw_consent(
            actor(), family_id, consent_id, f.version_number(), withdrawn_on=f.withdrawn_on.data, reason=f.reason.data)),
        title=_("Træk samtykket tilbage"), intro=row["information"], done=lambda _: family_url("consents"),
        back=family_url("consents"), notice=N_("Samtykket er markeret som trukket tilbage. Det står stadig på listen."),
        buttons=[("withdraw", "1", N_("Træk tilbage"), "")])
