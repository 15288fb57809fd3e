"""Hand-over of plan items: the owner (or the coordinator, for a professional who left) names a successor, who accepts.

The item stays its owner's (plan_items.responsible_person_id) until the successor accepts; then it moves to the
successor's involvement in one transaction, and only then does the family see the new name. A new request for an
item that already waits replaces the waiting one (its successor no longer sees it). A decline tells whoever asked,
on their page and by an e-mail with no case details.
"""
from ._core import Invalid, NotFound, change, hidden_from, record, set_hidden_from
from . import people as people_changes
from . import professionals as professional_changes
from .plan import hidden_with_responsible
from .. import access, outbox
from ..clock import now_text
from ..db import get_db, read_one, read_rows
from ..own_words import problem as own_words_problem
from ..vocabulary import PLAN_RUNNING
from ...i18n import N_
from ...i18n import gettext as _

NEW = "new"  # the choice "a new professional, by name, e-mail and organisation"
CHOOSE = N_("Vælg mindst én opgave og hvem der skal overtage den.")
NOT_A_SUCCESSOR = N_("Vælg en fagperson fra listen.")
TO_ONESELF = N_("Opgaven er allerede din. Vælg en anden.")
CANNOT_SEE = N_("%(name)s kan ikke se familien i Familieportalen, fordi forældrenes samtykke ikke dækker"
                " %(organisation)s. Vælg en anden, eller tal med familiens kontaktperson.")
CHANGED_MEANWHILE = N_("Opgaven har fået en anden ansvarlig, eller den er afsluttet, siden du blev spurgt."
                       " Du skal ikke gøre mere.")
REASON_TEXT = dict(
    max_length=500, blank_message=N_("Skriv, hvorfor du siger nej."),
    too_long_message=N_("Din begrundelse er for lang. Der er plads til %(max)s tegn, og du har skrevet %(count)s."),
)


def _family_for(actor, family_id):
    """The family if the actor may see it (a professional: access.py's rule; staff: their caseload), else NotFound."""
    row = (access.professional_may_see_family(actor.id, family_id) if actor.kind == "professional"
           else access.family_staff_may_see(actor.id, family_id) if actor.kind == "staff" else None)
    if row is None:
        raise NotFound("families")
    return row


def own_involvements(professional_id, family_id):
    """The ids of the professional's involvements (not removed) in the family."""
    return [row[0] for row in get_db().execute(
        "SELECT id FROM people_involved WHERE professional_id = ? AND family_id = ? AND removed_at IS NULL ORDER BY id",
        [professional_id, family_id])]


def _successor(family_id, person_id):
    """The involvement (with its professional's name) that may take over an item in the family, else Invalid."""
    row = read_one(get_db(), "SELECT inv.id, inv.professional_id, inv.organisation, pro.name FROM people_involved inv"
                   " JOIN professionals pro ON pro.id = inv.professional_id"
                   " WHERE inv.id = ? AND inv.family_id = ? AND inv.removed_at IS NULL", [person_id, family_id])
    if row is None:
        raise Invalid({"items": _(NOT_A_SUCCESSOR)})
    if access.professional_may_see_family(row["professional_id"], family_id) is None:
        raise Invalid({"items": _(CANNOT_SEE, name=row["name"], organisation=row["organisation"])})
    return row


def _new_successor(actor, family_id, from_person_id, new_person):
    """Add the named professional to the family (or the one known by that e-mail) and invite them, as "Hvem er med" does."""
    role = get_db().execute("SELECT role FROM people_involved WHERE id = ?", [from_person_id]).fetchone()[0]
    values = {key: (new_person or {}).get(key) for key in ("name", "email", "organisation")}
    if not (values["email"] or "").strip():
        raise Invalid({"new_email": _("Skriv personens egen e-mail. Invitationen sendes dertil.")})
    try:
        person_id = people_changes.add_person(actor, family_id, role=role, **values)
        professional_changes.invite(actor, family_id, person_id)
    except Invalid as invalid:
        raise Invalid({f"new_{field}": message for field, message in invalid.errors.items()}) from None
    return person_id


@change
def hand_over(actor, family_id, from_person_ids, choices, new_person=None):
    """Ask successors to take over plan items: `choices` maps an item id to "" (keep it), a person id or NEW.

    Every item must be running and owned by one of `from_person_ids` (the professional's own involvements,
    or the one the coordinator hands over for), else NotFound. Returns how many requests were made.
    """
    _family_for(actor, family_id)
    db = get_db()
    wanted = {int(item_id): str(to).strip() for item_id, to in choices.items() if str(to or "").strip()}
    if not wanted:
        raise Invalid({"items": _(CHOOSE)})
    items = {}
    for item_id in wanted:
        item = read_one(db, f"SELECT * FROM plan_items WHERE id = ? AND family_id = ? AND status IN {PLAN_RUNNING}",
                        [item_id, family_id])
        if item is None or item["responsible_person_id"] not in from_person_ids:
            raise NotFound("plan_items")
        items[item_id] = item
    new_person_id = None
    if NEW in wanted.values():
        new_person_id = _new_successor(actor, family_id, from_person_ids[0], new_person)
    asked = 0
    for item_id, to in wanted.items():
        item = items[item_id]
        if to == NEW:
            to_person = new_person_id
        elif to.isdigit():
            to_person = int(to)
        else:
            raise Invalid({"items": _(NOT_A_SUCCESSOR)})
        successor = _successor(family_id, to_person)
        owner = db.execute("SELECT professional_id FROM people_involved WHERE id = ?",
                           [item["responsible_person_id"]]).fetchone()[0]
        if successor["professional_id"] == owner:
            raise Invalid({"items": _(TO_ONESELF)})
        asked += _ask(actor, item, to_person)
    return asked


def _ask(actor, item, to_person):
    """One request; a waiting request for the same item to someone else is replaced (to the same one: nothing)."""
    db = get_db()
    waiting = read_one(db, "SELECT id, to_person_id FROM plan_handovers WHERE plan_item_id = ? AND answered_at IS NULL",
                       [item["id"]])
    if waiting and waiting["to_person_id"] == to_person:
        return 0
    now = now_text()
    if waiting:
        db.execute("UPDATE plan_handovers SET answered_at = ?, answer = 'replaced' WHERE id = ?", [now, waiting["id"]])
    handover_id = db["plan_handovers"].insert({
        "family_id": item["family_id"], "plan_item_id": item["id"], "from_person_id": item["responsible_person_id"],
        "to_person_id": to_person, "asked_at": now, "asked_by_kind": actor.kind, "asked_by_id": actor.id}).last_pk
    record(actor, "plan_item.handover_asked", item["family_id"], item_kind="plan_item", item_id=item["id"],
           event=False, handover_id=handover_id, to_person=to_person)
    return 1


def waiting_for(professional_id, handover_id):
    """A request waiting for this professional's answer, in a family they may see, else NotFound."""
    row = read_one(get_db(), "SELECT h.* FROM plan_handovers h JOIN people_involved inv ON inv.id = h.to_person_id"
                   " WHERE h.id = ? AND h.answered_at IS NULL AND inv.professional_id = ? AND inv.removed_at IS NULL",
                   [handover_id, professional_id])
    if row is None or access.professional_may_see_family(professional_id, row["family_id"]) is None:
        raise NotFound("plan_handovers")
    return row


@change
def accept(actor, handover_id):
    """"Overtag": the item becomes the successor's, unless it changed owner (or ended) meanwhile (Invalid)."""
    assert actor.kind == "professional"
    handover = waiting_for(actor.id, handover_id)
    db = get_db()
    item_id, family_id, to_person = handover["plan_item_id"], handover["family_id"], handover["to_person_id"]
    moved = db.execute(
        f"UPDATE plan_items SET responsible_person_id = ?, responsible_family = 0, updated_at = ?, version = version + 1"
        f" WHERE id = ? AND responsible_person_id = ? AND status IN {PLAN_RUNNING}",
        [to_person, now_text(), item_id, handover["from_person_id"]]).rowcount
    if moved != 1:
        raise Invalid({"handover": _(CHANGED_MEANWHILE)})
    # Hidden from whoever the new responsible is hidden from, too: their organisation would name them.
    set_hidden_from(family_id, "plan_item", item_id,
                    hidden_with_responsible(hidden_from("plan_item", item_id), to_person))
    db.execute("UPDATE plan_handovers SET answered_at = ?, answer = 'accepted' WHERE id = ?", [now_text(), handover_id])
    record(actor, "plan_item.handed_over", family_id, item_kind="plan_item", item_id=item_id, for_family=True,
           handover_id=handover_id, from_person=handover["from_person_id"], to_person=to_person)


@change
def decline(actor, handover_id, reason=None):
    """"Afvis", with an optional reason: the item stays its owner's, and whoever asked is told."""
    assert actor.kind == "professional"
    handover = waiting_for(actor.id, handover_id)
    reason = (reason or "").strip() or None
    if reason and (error := own_words_problem(reason, **REASON_TEXT)):
        raise Invalid({"reason": error})
    db = get_db()
    db.execute("UPDATE plan_handovers SET answered_at = ?, answer = 'declined', reason = ? WHERE id = ?",
               [now_text(), reason, handover_id])
    # The event and the audit line say that it was declined, never why.
    record(actor, "plan_item.handover_declined", handover["family_id"], item_kind="plan_item",
           item_id=handover["plan_item_id"], handover_id=handover_id)
    _tell_asker(handover)


def _tell_asker(handover):
    """An e-mail with no case details to whoever asked (a professional's own address, a staff member's), if active."""
    if handover["asked_by_kind"] == "staff":
        rows = read_rows(get_db(), "SELECT id, email FROM staff WHERE id = ? AND active = 1", [handover["asked_by_id"]])
        if rows and rows[0]["email"]:
            outbox.queue_handover_declined(rows[0]["email"], staff_id=rows[0]["id"])
    else:
        rows = read_rows(get_db(), "SELECT email FROM professionals WHERE id = ? AND active = 1",
                         [handover["asked_by_id"]])
        if rows and rows[0]["email"]:
            outbox.queue_handover_declined(rows[0]["email"])
