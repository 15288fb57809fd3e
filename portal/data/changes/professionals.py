"""What the coordinator decides about professionals: invitations, ending access, hidden items they may still see."""
from ._core import Invalid, change, record, row_in_family, update_row
from . import passkeys
from .people import involvement_in_family
from .. import links, outbox, sessions
from ..clock import now_text
from ..db import get_db
from ..holders import PROFESSIONAL, Holder
from ..vocabulary import HIDEABLE
from ...i18n import N_

# Items hidden from a parent that a coordinator can still show to the professionals (access.professional_sees_sql).
SHOWABLE = ("meeting", "plan_item", "plan_update")


@change
def show_to_professionals(actor, family_id, item_kind, item_id, shown):
    """Show an item hidden from a parent to the family's professionals (shown=True), or stop showing it."""
    if item_kind not in SHOWABLE:
        raise Invalid({"item_kind": N_("Det kan ikke vises for fagpersoner.")})
    row_in_family(HIDEABLE[item_kind], item_id, family_id)
    db = get_db()
    was = db.execute("SELECT 1 FROM shown_to_professionals WHERE item_kind = ? AND item_id = ?",
                     [item_kind, item_id]).fetchone() is not None
    if was == bool(shown):
        return False
    if shown:
        db["shown_to_professionals"].insert({"family_id": family_id, "item_kind": item_kind, "item_id": item_id,
                                             "created_at": now_text()})
    else:
        db.execute("DELETE FROM shown_to_professionals WHERE item_kind = ? AND item_id = ?", [item_kind, item_id])
    record(actor, f"{item_kind}.changed", family_id, item_kind=item_kind, item_id=item_id, event=False,
           fields=["shown_to_professionals"])
    return True


@change
def save_and_show(actor, family_id, item_kind, save, shown, item_id=None):
    """Run `save` (the change that makes or edits the item) and set whether professionals may see it, in one
    transaction; `item_id` None: the item `save` made (its return value). Returns what `save` returned.

    `shown` None leaves it as it is (a family with one parent: nothing can be hidden, so there is no choice).
    """
    result = save()
    if shown is not None:
        show_to_professionals(actor, family_id, item_kind, item_id or result, shown)
    return result


@change
def invite(actor, family_id, person_id):
    """Invite a professional to Familieportalen from "Hvem er med": a single-use link by e-mail, no case details.

    The involvement gets access (scope 'family') again if it was ended. Their
    own e-mail is needed (not a team mailbox); returns the outbox id.
    """
    row = involvement_in_family(person_id, family_id)
    if row["removed_at"]:
        raise Invalid({"person": N_("Personen er fjernet fra listen.")})
    if not row["own_email"]:
        raise Invalid({"person": N_("Skriv personens egen e-mail først. Invitationen sendes dertil.")})
    if not row["professional_active"]:
        update_row("professionals", row["professional_id"], None, {"active": 1})
    if row["scope"] == "none":
        update_row("people_involved", person_id, None, {"scope": "family"})
    link_id = links.reserve("professional", row["professional_id"], origin="sent", channel="email",
                            issued_by_staff_id=actor.id if actor.kind == "staff" else None)
    outbox_id = outbox.queue_link("email", row["own_email"], link_id)
    record(actor, "person.invited", family_id, item_kind="person", item_id=person_id, event=False)
    return outbox_id


@change
def end_access(actor, family_id, person_id):
    """"Fjern adgang": the professional no longer sees the family (scope 'none'); they stay on the list.

    If no other family or meeting is left for them, their sessions end, their unused links are revoked and
    their passkeys are removed (a new invitation enrols a new one). Returns True when that happened.
    """
    row = involvement_in_family(person_id, family_id)
    if row["scope"] == "none":
        raise Invalid({"person": N_("Personen har ikke adgang til familien.")})
    update_row("people_involved", person_id, None, {"scope": "none"})
    left = get_db().execute(
        "SELECT count(*) FROM people_involved WHERE professional_id = ? AND removed_at IS NULL AND scope != 'none'",
        [row["professional_id"]]).fetchone()[0]
    if not left:
        sessions.end_all("professional", row["professional_id"])
        links.revoke_unused("professional", row["professional_id"])
        passkeys.remove_passkeys_of(actor, Holder(PROFESSIONAL, row["professional_id"]))
    record(actor, "person.access_ended", family_id, item_kind="person", item_id=person_id, event=False,
           sessions_ended=not left)
    return not left


@change
def remove_professional_passkeys(actor, family_id, person_id):
    """"Fjern adgangsnøgle" on "Hvem er med" (a lost phone): the professional's passkeys go, and their passkey
    sessions end. They keep their access: a new invitation enrols a new passkey. Returns how many went."""
    row = involvement_in_family(person_id, family_id)
    removed = 0 if row["removed_at"] else passkeys.remove_passkeys_of(actor, Holder(PROFESSIONAL,
                                                                                    row["professional_id"]))
    if not removed:
        raise Invalid({"person": N_("Personen har ingen adgangsnøgle.")})
    record(actor, "person.passkeys_removed", family_id, item_kind="person", item_id=person_id, event=False,
           count=removed)
    return removed
