"""Consents: what the parents agreed may be shared, and its withdrawal (kept, marked withdrawn)."""
from datetime import date

from ._core import Invalid, Rules, change, iso, not_in_future, record, row_in_family, update_row
from ..clock import now_text, today
from ..db import get_db, read_rows
from ..reads.consents import family_organisations
from ..reads.professionals import professionals_seeing
from ...i18n import N_
from ...i18n import gettext as _


@change
def record_consent(actor, family_id, *, given_by, information, shared_between, organisations=(), purpose=None,
                   given_on=None, expires_on=None, network_meetings=False, written=True):
    """Record a consent given by one or more of the family's parents.

    `organisations`: the organisations of the family's people involved whose
    professionals may see the family while the consent is in force (access.py).
    """
    rules = Rules()
    parents = {row[0] for row in get_db().execute("SELECT id FROM parents WHERE family_id = ?", [family_id])}
    given_by = sorted(set(given_by or []))
    rules.check(given_by and set(given_by) <= parents, "given_by", N_("Vælg, hvem der har givet samtykket."))
    organisations = sorted({(name or "").strip() for name in organisations or []})
    rules.check(set(organisations) <= set(family_organisations(family_id)), "organisations",
                N_("Vælg kun blandt stederne på listen."))
    values = {
        "information": rules.text("information", information, max_length=500, multiline=True,
                                  blank=N_("Skriv, hvilke oplysninger der må deles.")),
        "shared_between": rules.text("shared_between", shared_between, max_length=500, multiline=True,
                                     blank=N_("Skriv, hvem der må dele oplysningerne.")),
        "purpose": rules.text("purpose", purpose, required=False, max_length=500, multiline=True),
        "network_meetings": int(bool(network_meetings)),
        "written": int(bool(written)),
    }
    given_on = rules.date("given_on", given_on or today(), not_after=not_in_future())
    rules.date("expires_on", expires_on, not_before=(given_on, N_("Samtykket kan ikke udløbe, før det er givet.")))
    rules.done()
    db = get_db()
    consent_id = db["consents"].insert(
        {**values, "family_id": family_id, "given_on": iso(given_on), "expires_on": iso(expires_on),
         "created_at": now_text()}
    ).last_pk
    for parent_id in given_by:
        db["consent_givers"].insert({"consent_id": consent_id, "parent_id": parent_id})
    for organisation in organisations:
        db["consent_organisations"].insert({"consent_id": consent_id, "organisation": organisation})
    record(actor, "consent.recorded", family_id, item_kind="consent", item_id=consent_id, for_family=True)
    return consent_id


@change
def withdraw_consent(actor, family_id, consent_id, version, *, withdrawn_on=None, reason=None):
    """Mark a consent withdrawn from a date; the record stays.

    Returns the professionals who could see the family before and no longer
    can (access.py ends their access at once): [{"name", "organisation"}], so
    the coordinator is told whose access ended.
    """
    consent = row_in_family("consents", consent_id, family_id)
    if consent["withdrawn_on"]:
        raise Invalid({"withdrawn_on": _("Samtykket er allerede trukket tilbage.")})
    rules = Rules()
    withdrawn_on = rules.date("withdrawn_on", withdrawn_on or today(), not_after=not_in_future(),
                              not_before=(date.fromisoformat(consent["given_on"]), N_("Datoen ligger før, samtykket blev givet.")))
    reason = rules.text("reason", reason, required=False, max_length=500, multiline=True)
    rules.done()
    could_see = professionals_seeing(family_id)
    update_row("consents", consent_id, version, {"withdrawn_on": iso(withdrawn_on), "withdrawn_reason": reason})
    ended = [who for key, who in could_see.items() if key not in professionals_seeing(family_id)]
    record(actor, "consent.withdrawn", family_id, item_kind="consent", item_id=consent_id, for_family=True,
           **({"access_ended_for": [who["professional_id"] for who in ended]} if ended else {}))
    return ended

