"""Hvem er med: the professionals around a family."""
from ._core import Invalid, NotFound, Rules, change, changed_fields, hidden_from, record, row_in_family, set_hidden_from, update_row
from .plan import hidden_with_responsible
from ..clock import now_text, today_text
from ..db import get_db, read_one
from ..vocabulary import PLAN_RUNNING
from ...i18n import N_
from ...i18n import gettext as _
from ...i18n import ngettext


def _check(family_id, values):
    rules = Rules()
    hidden = rules.hidden_from(family_id, values.get("hidden_from"))
    checked = {
        "name": rules.text("name", values.get("name"), max_length=120, blank=N_("Skriv personens navn.")),
        "role": rules.text("role", values.get("role"), max_length=120,
                           blank=N_("Skriv personens rolle, fx \"Sagsbehandler\".")),
        "organisation": rules.text("organisation", values.get("organisation"), max_length=160,
                                   blank=N_("Skriv, hvor personen arbejder, fx \"PPR\" eller \"Demoby Skole\".")),
        "phone": rules.text("phone", values.get("phone"), required=False, max_length=40),
        "email": rules.email("email", values.get("email")),
        "show_contact": int(bool(values.get("show_contact"))),
    }
    rules.done()
    return checked, hidden


# What belongs to the professional (the person, in every family) and what to their involvement in this family.
_PROFESSIONAL_FIELDS = ("name", "phone", "email")


def _split(checked):
    return ({key: checked[key] for key in _PROFESSIONAL_FIELDS},
            {key: value for key, value in checked.items() if key not in _PROFESSIONAL_FIELDS})


def _professional_with_email(email, *, other_than=None):
    if not email:
        return None
    return read_one(get_db(), "SELECT * FROM professionals WHERE lower(email) = lower(?) AND id IS NOT ?",
                    [email, other_than])


@change
def add_person(actor, family_id, **values):
    """Add a professional to the family: the one already known by this e-mail, or a new one."""
    checked, hidden = _check(family_id, values)
    person, involvement = _split(checked)
    db = get_db()
    known = _professional_with_email(person["email"])
    if known is not None:
        if known["name"].strip().casefold() != person["name"].strip().casefold():
            raise Invalid({"email": _("Den e-mail hører til en anden fagperson. Tjek navnet og e-mailen.")})
        if db.execute("SELECT 1 FROM people_involved WHERE professional_id = ? AND family_id = ? AND removed_at IS NULL",
                      [known["id"], family_id]).fetchone():
            raise Invalid({"email": _("Personen er allerede med i familien.")})
        professional_id = known["id"]
        if person["phone"] and not known["phone"]:
            update_row("professionals", professional_id, None, {"phone": person["phone"]})
    else:
        professional_id = db["professionals"].insert(
            {**person, "organisation": involvement["organisation"], "active": 1, "created_at": now_text(),
             "version": 0}).last_pk
    person_id = db["people_involved"].insert(
        {**involvement, "family_id": family_id, "professional_id": professional_id, "started_on": today_text(),
         "scope": "family"}).last_pk
    set_hidden_from(family_id, "person", person_id, hidden)
    record(actor, "person.added", family_id, item_kind="person", item_id=person_id, for_family=True)
    return person_id


def involvement_in_family(person_id, family_id):
    """An involvement with its professional's name, phone and e-mail (their own, else a shared one), else NotFound.

    `own_email` is the professional's own address only (the one an invitation may go to), and
    `professional_active` whether they may sign in at all."""
    row = read_one(get_db(), "SELECT p.*, pro.name, pro.phone, coalesce(pro.email, pro.shared_email) AS email,"
                   " pro.shared_email, pro.email AS own_email, pro.active AS professional_active"
                   " FROM people_involved p JOIN professionals pro ON pro.id = p.professional_id"
                   " WHERE p.id = ? AND p.family_id = ?", [person_id, family_id])
    if row is None:
        raise NotFound("people_involved")
    return row


@change
def update_person(actor, family_id, person_id, version, **values):
    """Change an involvement, and the professional's name, phone and e-mail (in every family they are in)."""
    before = involvement_in_family(person_id, family_id)
    checked, hidden = _check(family_id, values)
    person, involvement = _split(checked)
    if person["email"] and before["shared_email"] and person["email"].casefold() == before["shared_email"].casefold():
        person.pop("email")  # a team mailbox stays a contact address; it never becomes how one of them signs in
    if _professional_with_email(person.get("email"), other_than=before["professional_id"]) is not None:
        raise Invalid({"email": _("Den e-mail hører til en anden fagperson. Tjek navnet og e-mailen.")})
    update_row("people_involved", person_id, version, involvement)
    if any(before[key] != value for key, value in person.items()):
        update_row("professionals", before["professional_id"], None, person)
    hidden_changed = set_hidden_from(family_id, "person", person_id, hidden)
    record(actor, "person.changed", family_id, item_kind="person", item_id=person_id,
           fields=changed_fields(before, checked) + (["hidden_from"] if hidden_changed else []))
    if hidden_changed:
        _hide_their_plan_items(actor, family_id, person_id, hidden)


def _hide_their_plan_items(actor, family_id, person_id, parent_ids):
    """The plan items a person is responsible for are hidden from whoever the person is now hidden from."""
    for (item_id,) in get_db().execute("SELECT id FROM plan_items WHERE responsible_person_id = ? ORDER BY id",
                                       [person_id]).fetchall():
        before = hidden_from("plan_item", item_id)
        if set_hidden_from(family_id, "plan_item", item_id, hidden_with_responsible(before, person_id)):
            record(actor, "plan_item.changed", family_id, item_kind="plan_item", item_id=item_id, event=False,
                   fields=["hidden_from"], because_of_person=person_id)


@change
def remove_person(actor, family_id, person_id, version):
    """Take a professional off the family's list; past meetings still show they were there.

    Refused while they are in a coming meeting or responsible for a running plan item.
    """
    row_in_family("people_involved", person_id, family_id)
    db = get_db()
    meetings = db.execute(
        "SELECT count(*) FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id"
        " WHERE p.person_involved_id = ? AND m.status = 'planned' AND m.starts_at >= ?",
        [person_id, now_text()],
    ).fetchone()[0]
    items = db.execute(
        f"SELECT count(*) FROM plan_items WHERE responsible_person_id = ? AND status IN {PLAN_RUNNING}",
        [person_id],
    ).fetchone()[0]
    if meetings or items:
        raise Invalid({"person": " ".join(part for part in (
            ngettext("Personen er med i %(num)s kommende møde.", "Personen er med i %(num)s kommende møder.", meetings)
            if meetings else "",
            ngettext("Personen har ansvar for %(num)s indsats i planen.",
                     "Personen har ansvar for %(num)s indsatser i planen.", items) if items else "",
            _("Flyt det til en anden først."),
        ) if part)})
    update_row("people_involved", person_id, version, {"removed_at": now_text()})
    record(actor, "person.removed", family_id, item_kind="person", item_id=person_id, for_family=True)
