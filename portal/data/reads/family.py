"""A family's people: the contact person, a handover notice, parents and children."""
from .. import access
from ..clock import today_text
from ..contact import normalise_phone
from ..db import get_db, read_one, read_rows


def family(family_id):
    return get_db()["families"].get(family_id)


def contact_person(family_id):
    """The family's one coordinator, who covers while they are away, and a handover notice while it lasts.

    person["handover"]: the latest handover to this coordinator whose notice has
    not ended ({effective_on, notice_until, to_name, from_name}), else None. One
    query: the parent's home page reads it on every view.
    """
    person = read_one(
        get_db(),
        """
        SELECT staff.*, cover.name AS cover_name, cover.title AS cover_title, cover.phone AS cover_phone,
               h.effective_on AS handover_effective_on, h.notice_until AS handover_notice_until,
               old.name AS handover_from_name
        FROM families
        JOIN staff ON staff.id = families.coordinator_id
        LEFT JOIN staff AS cover ON cover.id = staff.covered_by_id AND cover.active = 1
        LEFT JOIN handovers h ON h.id = (
            SELECT max(id) FROM handovers WHERE family_id = families.id AND notice_until >= :today
              AND to_staff_id = families.coordinator_id)
        LEFT JOIN staff AS old ON old.id = h.from_staff_id
        WHERE families.id = :family
        """,
        {"family": family_id, "today": today_text()},
    )
    cover = {key: person.pop(f"cover_{key}") for key in ("name", "title", "phone")}
    person["cover"] = cover if cover["name"] else None
    effective_on, notice_until, from_name = (person.pop(f"handover_{key}") for key in (
        "effective_on", "notice_until", "from_name"))
    person["handover"] = ({"effective_on": effective_on, "notice_until": notice_until, "to_name": person["name"],
                           "from_name": from_name} if effective_on else None)
    person["is_away"] = bool(person["away_until"]) and person["away_until"] >= today_text()
    return person


def parent_who_may_sign_in(contact):
    """A parent who may sign in, by e-mail or mobile number; (parent, channel) or (None, channel)."""
    db = get_db()
    allowed = access.parent_may_sign_in_sql("parents.id")
    if "@" in contact:
        rows = db.query(f"SELECT * FROM parents WHERE lower(email) = lower(?) AND {allowed}", [contact.strip()])
        return next(rows, None), "email"
    phone = normalise_phone(contact)
    if phone is None:
        return None, None
    return next(db.query(f"SELECT * FROM parents WHERE phone = ? AND {allowed}", [phone]), None), "sms"


def parents(family_id, *, active_only=False):
    """Staff's view of the parents: everything, protected details included."""
    condition = " AND active = 1" if active_only else ""
    return read_rows(get_db(), f"SELECT * FROM parents WHERE family_id = ?{condition} ORDER BY active DESC, id",
                     [family_id])


def parent(family_id, parent_id):
    """One parent of the family, as parents() has them; None if not in the family."""
    return read_one(get_db(), "SELECT * FROM parents WHERE id = ? AND family_id = ?", [parent_id, family_id])


def children(family_id, *, active_only=False):
    condition = " AND active = 1" if active_only else ""
    return read_rows(get_db(), f"SELECT * FROM children WHERE family_id = ?{condition}"
                     " ORDER BY active DESC, birth_year, id", [family_id])


def child(family_id, child_id):
    """One child of the family, as children() has them; None if not in the family."""
    return read_one(get_db(), "SELECT * FROM children WHERE id = ? AND family_id = ?", [child_id, family_id])


def members_for_parent(family_id):
    """What a parent sees of their family: first names of children, names and relations of parents.

    Never another parent's e-mail, phone or address.
    """
    db = get_db()
    return (
        list(db.query("SELECT id, first_name, birth_year FROM children WHERE family_id = ? AND active = 1"
                      " ORDER BY birth_year, id", [family_id])),
        list(db.query("SELECT id, name, relation FROM parents WHERE family_id = ? AND active = 1 ORDER BY id",
                      [family_id])),
    )


def people_involved(family_id, *, include_removed=False, person_id=None):
    """Staff's view of the people involved, with whom each is hidden from (or only the one person_id)."""
    condition = "" if include_removed or person_id else " AND removed_at IS NULL"
    params = [family_id]
    if person_id is not None:
        condition += " AND p.id = ?"
        params.append(person_id)
    rows = list(get_db().query(
        f"SELECT p.*, pro.name, pro.phone, coalesce(pro.email, pro.shared_email) AS email,"
        f" pro.email AS sign_in_email, pro.active AS professional_active,"
        f" EXISTS (SELECT 1 FROM passkeys k WHERE k.holder_kind = 'professional' AND k.holder_id = pro.id"
        f"  AND k.removed_at IS NULL) AS has_passkey,"
        f" (SELECT group_concat(h.parent_id) FROM hidden_from_parents h"
        f"  WHERE h.item_kind = 'person' AND h.item_id = p.id) AS hidden_from_ids"
        f" FROM people_involved p JOIN professionals pro ON pro.id = p.professional_id"
        f" WHERE family_id = ?{condition}"
        " ORDER BY p.removed_at IS NOT NULL, p.organisation, pro.name", params))
    for row in rows:
        row["hidden_from_ids"] = ids(row["hidden_from_ids"])
    return rows


def person_involved(family_id, person_id):
    """One person involved, removed or not, as people_involved() has them; None if not in the family."""
    return next(iter(people_involved(family_id, person_id=person_id)), None)


def ids(concatenated):
    """The ids of a group_concat(), as ints."""
    return [int(i) for i in (concatenated or "").split(",") if i]


def messages(family_id, limit=20):
    """The family's latest messages and where each stands, for its coordinator."""
    return list(get_db().query(
        "SELECT o.id, o.channel, o.recipient, o.created_at, o.sent_at, o.failed_at, o.attempts, o.last_error,"
        " p.name AS parent_name FROM outbox o LEFT JOIN parents p ON p.id = o.parent_id"
        " WHERE o.family_id = ? ORDER BY o.id DESC LIMIT ?",
        [family_id, limit],
    ))


def people_for_parent(parent):
    """The professionals around the family that this parent may see; phone and e-mail only where allowed."""
    return list(get_db().query(
        f"""
        SELECT pro.name, pi.role, pi.organisation,
               CASE WHEN pi.show_contact = 1 THEN pro.phone END AS phone,
               CASE WHEN pi.show_contact = 1 THEN coalesce(pro.email, pro.shared_email) END AS email
        FROM people_involved pi JOIN professionals pro ON pro.id = pi.professional_id
        WHERE pi.family_id = :family AND pi.removed_at IS NULL
          AND {access.parent_sees_sql("person", "pi")}
        ORDER BY pi.organisation, pro.name
        """,
        {"family": parent["family_id"], "parent": parent["id"]},
    ))
