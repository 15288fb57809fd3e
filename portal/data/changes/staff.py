"""Staff accounts (who covers while someone is away) and handing a family over to another coordinator."""
from datetime import timedelta

from ._core import Invalid, Rules, change, changed_fields, iso, record, update_row
from .. import access
from ..clock import now_text, today
from ..db import get_db
from ..vocabulary import STAFF_ROLES
from .. import links, sessions
from ...i18n import N_
from ...i18n import gettext as _
from ...i18n import ngettext

NOTICE_DAYS = 30


def _check(values, staff_id=None):
    rules = Rules()
    db = get_db()
    email = rules.email("email", values.get("email"), required=True)
    if email:
        rules.check(db.execute("SELECT 1 FROM staff WHERE lower(email) = lower(?) AND id != ?",
                               [email, staff_id or 0]).fetchone() is None,
                    "email", N_("Der er allerede en medarbejder med den e-mail."))
    covered_by = values.get("covered_by_id") or None
    rules.check(covered_by is None or (covered_by != staff_id and db.execute(
        "SELECT 1 FROM staff WHERE id = ? AND active = 1", [covered_by]).fetchone() is not None),
        "covered_by_id", N_("Vælg en anden aktiv medarbejder."))
    checked = {
        "name": rules.text("name", values.get("name"), max_length=120, blank=N_("Skriv medarbejderens navn.")),
        "title": rules.text("title", values.get("title"), required=False, max_length=120),
        "department": rules.text("department", values.get("department"), required=False, max_length=160),
        "email": email,
        "phone": rules.text("phone", values.get("phone"), required=False, max_length=40),
        "reachable": rules.text("reachable", values.get("reachable"), required=False, max_length=200),
        "role": rules.choice("role", values.get("role") or "coordinator", STAFF_ROLES),
        "covered_by_id": covered_by,
        "away_until": iso(rules.date("away_until", values.get("away_until"))),
    }
    rules.done()
    return checked


@change
def add_staff(actor, **values):
    checked = _check(values)
    staff_id = get_db()["staff"].insert({**checked, "created_at": now_text()}).last_pk
    record(actor, "staff.added", None, staff_id=staff_id, role=checked["role"])
    return staff_id


@change
def update_staff(actor, staff_id, version, **values):
    before = get_db()["staff"].get(staff_id)
    checked = _check(values, staff_id)
    if (actor.kind == "staff" and actor.id == staff_id and access.is_admin_role(before["role"])
            and not access.is_admin_role(checked["role"])):
        raise Invalid({"role": _("Du kan ikke fjerne din egen administratorrolle.")})
    update_row("staff", staff_id, version, checked)
    if before["email"].lower() != checked["email"].lower():
        _end_access(staff_id)
    record(actor, "staff.changed", None, staff_id=staff_id, fields=changed_fields(before, checked))


def _end_access(staff_id):
    links.revoke_unused("staff", staff_id)
    sessions.end_all("staff", staff_id)


@change
def set_staff_active(actor, staff_id, version, active):
    """Deactivate a staff member (their links and sessions end) or take them up again.

    Every family keeps one contact person: a coordinator with families must
    hand them over first.
    """
    if not active:
        if actor.kind == "staff" and actor.id == staff_id:
            raise Invalid({"active": _("Du kan ikke lukke din egen adgang.")})
        families = get_db().execute("SELECT count(*) FROM families WHERE coordinator_id = ? AND active = 1",
                                    [staff_id]).fetchone()[0]
        if families:
            raise Invalid({"active": ngettext(
                "Medarbejderen er kontaktperson for %(num)s familie. Giv den videre til en anden først.",
                "Medarbejderen er kontaktperson for %(num)s familier. Giv dem videre til en anden først.", families)})
    update_row("staff", staff_id, version, {"active": int(bool(active))})
    _end_access(staff_id)
    record(actor, "staff.activated" if active else "staff.deactivated", None, staff_id=staff_id)


@change
def hand_over(actor, family_id, version, *, to_staff_id, notice_until=None):
    """Give a family a new contact person; the parents are told until `notice_until`."""
    db = get_db()
    family = db["families"].get(family_id)
    rules = Rules()
    rules.check(to_staff_id != family["coordinator_id"] and db.execute(
        "SELECT 1 FROM staff WHERE id = ? AND active = 1", [to_staff_id or 0]).fetchone() is not None,
        "to_staff_id", N_("Vælg en anden aktiv medarbejder."))
    start = today()
    notice_until = rules.date("notice_until", notice_until or start + timedelta(days=NOTICE_DAYS),
                              not_before=(start, N_("Datoen kan ikke ligge før i dag.")))
    rules.done()
    update_row("families", family_id, version, {"coordinator_id": to_staff_id})
    handover_id = db["handovers"].insert({
        "family_id": family_id, "from_staff_id": family["coordinator_id"], "to_staff_id": to_staff_id,
        "effective_on": iso(start), "notice_until": iso(notice_until),
        "by_staff_id": actor.id if actor.kind == "staff" else None, "created_at": now_text(),
    }).last_pk
    record(actor, "contact_person.changed", family_id, item_kind="family", item_id=family_id, for_family=True,
           handover_id=handover_id)
