"""Start a family, and keep its parents and children up to date."""
from ._core import Conflict, Invalid, NotFound, Rules, change, changed_fields, is_closed, record, row_in_family, update_row
from ..clock import now_text, today
from ..db import get_db
from ..reads.closed import reopenable
from .. import links, outbox, sessions
from ...i18n import N_
from ...i18n import gettext as _


def _check_family(values):
    rules = Rules()
    name = rules.text("name", values.get("name"), max_length=120,
                      blank=N_("Skriv familiens navn, fx \"Familien Holm\"."))
    coordinator_id = values.get("coordinator_id")
    rules.check(
        coordinator_id is not None and get_db().execute(
            "SELECT 1 FROM staff WHERE id = ? AND active = 1", [coordinator_id]).fetchone() is not None,
        "coordinator_id", N_("Vælg familiens kontaktperson."))
    rules.done()
    return {"name": name, "coordinator_id": coordinator_id}


@change
def create_family(actor, *, name, coordinator_id):
    """A new family with its one contact person; parents and children are added next."""
    values = _check_family({"name": name, "coordinator_id": coordinator_id})
    family_id = get_db()["families"].insert({**values, "created_at": now_text()}).last_pk
    record(actor, "family.created", family_id, item_kind="family", item_id=family_id)
    return family_id


@change
def rename_family(actor, family_id, version, *, name):
    family = get_db()["families"].get(family_id)
    values = _check_family({"name": name, "coordinator_id": family["coordinator_id"]})
    update_row("families", family_id, version, {"name": values["name"]})
    record(actor, "family.renamed", family_id, item_kind="family", item_id=family_id)


@change
def set_family_active(actor, family_id, version, active):
    """Deactivate a family (its parents lose access at once) or take it up again."""
    update_row("families", family_id, version, {"active": int(bool(active))})
    if not active:
        for parent_id, in get_db().execute("SELECT id FROM parents WHERE family_id = ?", [family_id]).fetchall():
            _end_access(parent_id)
    record(actor, "family.activated" if active else "family.deactivated", family_id,
           item_kind="family", item_id=family_id)


def _family(family_id):
    db = get_db()
    if not db["families"].count_where("id = ?", [family_id]):
        raise NotFound("families")
    return db["families"].get(family_id)


@change
def close_family(actor, family_id, version):
    """Close the family's case: parents lose access at once and get a last notice; the caseload lets go of it.

    The family's data stays until `familieportal retention` deletes it, once
    the retention period (content/settings.yml) has passed. Nothing about it
    changes meanwhile; until then a mistaken close can be undone (reopen_family).
    """
    family = _family(family_id)
    if is_closed(family_id):
        raise Conflict(family)
    # Recorded before the row says closed: record() refuses a closed family.
    # was_active: a reopened family is active again only if it was before.
    record(actor, "family.closed", family_id, item_kind="family", item_id=family_id, was_active=family["active"])
    update_row("families", family_id, version, {"active": 0, "closed_at": now_text()})
    parents = get_db().execute("SELECT id, email, phone, can_sign_in, active FROM parents WHERE family_id = ?",
                         [family_id]).fetchall()
    for parent_id, email, phone, can_sign_in, active in parents:
        _end_access(parent_id)
        if can_sign_in and active and (email or phone):
            outbox.queue_case_closed("email" if email else "sms", email or phone, family_id=family_id,
                                       parent_id=parent_id)


TOO_LATE_TO_REOPEN = N_("Slettefristen er gået, så sagen kan ikke åbnes igen. Familieportalen sletter den ved næste kørsel.")


@change
def reopen_family(actor, family_id, version):
    """Undo a close until the retention period ends: the family is as it was, and retention leaves it alone.

    Its parents may sign in again if they could before (the links and sessions
    the close ended stay ended) and hear of it through a notice, like any news
    (the event's topic in notices.TOPICS).
    """
    family = _family(family_id)
    if not is_closed(family_id):
        raise Conflict(family)
    if not reopenable(family["closed_at"]):
        raise Invalid({"family": _(TOO_LATE_TO_REOPEN)})
    closing = get_db().execute(
        "SELECT json_extract(detail, '$.was_active') FROM family_events WHERE family_id = ? AND kind = 'family.closed'"
        " ORDER BY id DESC LIMIT 1", [family_id]).fetchone()
    # A close recorded before was_active was: inactive, the safe side (the coordinator takes it up again).
    was_active = closing[0] if closing and closing[0] is not None else 0
    update_row("families", family_id, version, {"active": was_active, "closed_at": None})
    # After the row says open: record() refuses a closed family.
    record(actor, "family.reopened", family_id, item_kind="family", item_id=family_id, for_family=True)


def _end_access(parent_id):
    """No link sent before now and no session begun before now works any more."""
    links.revoke_unused("parent", parent_id)
    sessions.end_all("parent", parent_id)


PARENT_FIELDS = ("name", "relation", "email", "phone", "can_sign_in", "custody", "protected", "address")


def _check_parent(family_id, values, parent_id=None):
    rules = Rules()
    checked = {
        "name": rules.text("name", values.get("name"), max_length=120, blank=N_("Skriv forælderens navn.")),
        "relation": rules.text("relation", values.get("relation"), required=False, max_length=60),
        "email": rules.email("email", values.get("email")),
        "phone": rules.phone("phone", values.get("phone")),
        "can_sign_in": int(bool(values.get("can_sign_in"))),
        "custody": None if values.get("custody") is None else int(bool(values.get("custody"))),
        "protected": int(bool(values.get("protected"))),
        "address": rules.text("address", values.get("address"), required=False, max_length=300, multiline=True),
    }
    if checked["can_sign_in"]:
        rules.check(checked["email"] or checked["phone"], "email",
                    N_("En forælder, der må logge ind, skal have en e-mail eller et mobilnummer."))
        # Sign-in links are looked up by e-mail or phone: each must lead to one parent.
        db = get_db()
        for field in ("email", "phone"):
            if checked[field]:
                other = db.execute(
                    f"SELECT 1 FROM parents WHERE lower([{field}]) = lower(?) AND id != ? AND can_sign_in = 1 AND active = 1",
                    [checked[field], parent_id or 0],
                ).fetchone()
                rules.check(other is None, field,
                            N_("En anden forælder, der kan logge ind, har allerede den. Brug en anden, eller tal med en administrator."))
    rules.done()
    return checked


@change
def add_parent(actor, family_id, **values):
    checked = _check_parent(family_id, values)
    parent_id = get_db()["parents"].insert({**checked, "family_id": family_id, "created_at": now_text()}).last_pk
    record(actor, "parent.added", family_id, item_kind="parent", item_id=parent_id)
    return parent_id


@change
def update_parent(actor, family_id, parent_id, version, **values):
    """Save a parent's details. New contact details, or no right to sign in, end their links and sessions."""
    before = row_in_family("parents", parent_id, family_id)
    checked = _check_parent(family_id, values, parent_id)
    update_row("parents", parent_id, version, checked)
    if (not checked["can_sign_in"] or (before["email"] or "").lower() != (checked["email"] or "").lower()
            or before["phone"] != checked["phone"]):
        _end_access(parent_id)
    record(actor, "parent.changed", family_id, item_kind="parent", item_id=parent_id,
           fields=changed_fields(before, checked))


@change
def set_parent_active(actor, family_id, parent_id, version, active):
    """A deactivated parent loses links and sessions; taking them up again revives neither."""
    row_in_family("parents", parent_id, family_id)
    update_row("parents", parent_id, version, {"active": int(bool(active))})
    _end_access(parent_id)
    record(actor, "parent.activated" if active else "parent.deactivated", family_id,
           item_kind="parent", item_id=parent_id)


def _check_child(values):
    rules = Rules()
    year = values.get("birth_year")
    this_year = today().year
    rules.check(year is None or this_year - 25 <= year <= this_year, "birth_year",
                N_("Skriv et fødselsår mellem %(first)s og %(last)s."), first=this_year - 25, last=this_year)
    checked = {
        "first_name": rules.text("first_name", values.get("first_name"), max_length=60,
                                 blank=N_("Skriv barnets fornavn.")),
        "birth_year": year,
    }
    rules.done()
    return checked


@change
def add_child(actor, family_id, **values):
    checked = _check_child(values)
    child_id = get_db()["children"].insert({**checked, "family_id": family_id}).last_pk
    record(actor, "child.added", family_id, item_kind="child", item_id=child_id)
    return child_id


@change
def update_child(actor, family_id, child_id, version, **values):
    before = row_in_family("children", child_id, family_id)
    checked = _check_child(values)
    update_row("children", child_id, version, checked)
    record(actor, "child.changed", family_id, item_kind="child", item_id=child_id,
           fields=changed_fields(before, checked))


@change
def set_child_active(actor, family_id, child_id, version, active):
    row_in_family("children", child_id, family_id)
    update_row("children", child_id, version, {"active": int(bool(active))})
    record(actor, "child.activated" if active else "child.deactivated", family_id,
           item_kind="child", item_id=child_id)
