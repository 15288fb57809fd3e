"""What a professional's pages show: only what access.py lets them see.

Mine familier reads the families first (access.professional_families_sql),
then the next meetings, the professional's open plan items and the people of
all those families in one query each, so the page costs the same few queries
for 4 families or 40.
"""
from .. import access
from ..clock import now_text, today_text
from ..db import get_db, read_one, read_rows
from ..vocabulary import PLAN_RUNNING
from . import meetings as meeting_reads


def by_sign_in_name(value):
    """The professional whose own e-mail is `value` in any case (what single sign-on matches on), active or not."""
    return read_one(get_db(), "SELECT * FROM professionals WHERE lower(email) = lower(?)", [(value or "").strip()])


def _params(professional_id, **more):
    return {"professional": professional_id, "today": today_text(), "now": now_text(), **more}


def families(professional_id):
    """The families the professional may see today, by name."""
    return read_rows(
        get_db(),
        f"SELECT f.id, f.name FROM families f WHERE {access.professional_families_sql('f')}"
        " ORDER BY f.name COLLATE NOCASE, f.id",
        _params(professional_id),
    )


def meetings(professional_id, *, family_id=None, limit=20):
    """The coming meetings the professional is called to and may see (of one family, or all), soonest first."""
    condition = "" if family_id is None else " AND m.family_id = :family"
    return read_rows(
        get_db(),
        f"SELECT m.id, m.family_id, m.kind, m.starts_at, m.ends_at, m.place, m.status, m.protected_home_parent_id FROM meetings m"
        f" WHERE m.starts_at >= :now AND m.status = 'planned'{condition} AND {access.professional_meetings_sql('m')}"
        " ORDER BY m.starts_at, m.id LIMIT :limit",
        _params(professional_id, family=family_id, limit=limit),
    )


def _in(ids):
    return ", ".join(str(int(i)) for i in ids)  # ids from the database: integers only


def my_families(professional_id):
    """Mine familier: each family with its next meeting (that they are called to), their open plan items
    (overdue first) and who else is involved."""
    rows = families(professional_id)
    if not rows:
        return []
    by_id = {row["id"]: {**row, "next_meeting": None, "my_items": [], "people": []} for row in rows}
    ids = _in(by_id)
    db = get_db()
    params = _params(professional_id)
    for meeting in read_rows(db, f"""
            SELECT m.id, m.family_id, m.kind, m.starts_at, m.place, m.protected_home_parent_id FROM meetings m
            WHERE m.family_id IN ({ids}) AND m.starts_at >= :now AND m.status = 'planned'
              AND {access.professional_meetings_sql('m')}
            ORDER BY m.starts_at DESC, m.id DESC""", params):
        by_id[meeting["family_id"]]["next_meeting"] = without_protected_place(meeting)  # the soonest wins
    for item in read_rows(db, f"""
            SELECT i.id, i.family_id, i.what, i.status, i.due_on, i.when_text,
                   (i.due_on < :today) AS overdue
            FROM plan_items i JOIN people_involved inv ON inv.id = i.responsible_person_id
            WHERE i.family_id IN ({ids}) AND inv.professional_id = :professional AND inv.removed_at IS NULL
              AND i.status IN {PLAN_RUNNING}
            ORDER BY (i.due_on < :today) DESC, i.due_on IS NULL, i.due_on, i.id""", params):
        by_id[item["family_id"]]["my_items"].append(item)
    for person in _people(f"inv.family_id IN ({ids})", params):
        by_id[person["family_id"]]["people"].append(person)
    return list(by_id.values())


def _people(condition, params):
    """People involved (not removed), with their professional's name and phone; never a parent's details."""
    return read_rows(get_db(), f"""
        SELECT inv.id, inv.family_id, pro.name, inv.role, inv.organisation, pro.phone
        FROM people_involved inv JOIN professionals pro ON pro.id = inv.professional_id
        WHERE {condition} AND inv.removed_at IS NULL AND inv.professional_id != :professional
        ORDER BY inv.family_id, inv.organisation COLLATE NOCASE, pro.name COLLATE NOCASE""", params)


def without_protected_place(meeting):
    """A meeting in a protected home: its address is never shown to a professional (the coordinator tells them)."""
    meeting["place_withheld"] = bool(meeting.get("protected_home_parent_id"))
    if meeting["place_withheld"]:
        meeting["place"] = None
    return meeting


def family_summary(professional_id, family_id):
    """A family they may see, read-only: coming meetings they are called to, the plan as they may see it, the people."""
    params = _params(professional_id, family=family_id)
    items = read_rows(get_db(), f"""
        SELECT i.id, i.what, i.status, i.due_on, i.when_text, pro.name AS person_name, inv.organisation,
               (i.due_on < :today AND i.status IN {PLAN_RUNNING}) AS overdue,
               (inv.professional_id = :professional) AS mine
        FROM plan_items i
        LEFT JOIN people_involved inv ON inv.id = i.responsible_person_id
        LEFT JOIN professionals pro ON pro.id = inv.professional_id
        WHERE i.family_id = :family AND i.status IN {PLAN_RUNNING}
          AND ((inv.professional_id = :professional AND inv.removed_at IS NULL)
               OR {access.professional_sees_sql('plan_item', 'i')})
        ORDER BY overdue DESC, i.due_on IS NULL, i.due_on, i.id""", params)
    return {
        "meetings": [without_protected_place(m) for m in meetings(professional_id, family_id=family_id)],
        "plan_items": items,
        "people": _people("inv.family_id = :family", params),
    }


def meeting(meeting_row):
    """A meeting they are called to (access.professional_may_see_meeting gave the row): time, place, who comes, agenda."""
    row = without_protected_place(dict(meeting_row))
    meeting_reads.attach([row], "participants", meeting_reads._PARTICIPANTS)
    meeting_reads.attach([row], "agenda", meeting_reads._AGENDA)
    return row


def professionals_seeing(family_id):
    """{professional id: {"professional_id", "name", "organisation"}} of everyone who may see the family today."""
    rows = read_rows(get_db(), f"""
        SELECT pro.id AS professional_id, pro.name, group_concat(DISTINCT trim(inv.organisation)) AS organisation
        FROM professionals pro JOIN people_involved inv ON inv.professional_id = pro.id AND inv.family_id = :family
        WHERE EXISTS (SELECT 1 FROM families f WHERE f.id = :family AND {access.professional_families_sql('f', 'pro.id')})
          AND inv.removed_at IS NULL
        GROUP BY pro.id ORDER BY pro.name COLLATE NOCASE""", {"family": family_id, "today": today_text()})
    return {row["professional_id"]: row for row in rows}


def professional_who_may_sign_in(contact):
    """A professional who may ask for a link at this e-mail: their own address (not a shared mailbox), active, with
    access to at least one family or meeting (an involvement not removed, not 'none'); else None."""
    if "@" not in (contact or ""):
        return None
    return read_one(get_db(), "SELECT pro.* FROM professionals pro WHERE lower(pro.email) = lower(?) AND pro.active = 1"
                              " AND EXISTS (SELECT 1 FROM people_involved inv WHERE inv.professional_id = pro.id"
                              " AND inv.removed_at IS NULL AND inv.scope != 'none')", [contact.strip()])


def is_shown_to_professionals(item_kind, item_id):
    """Whether the coordinator marked an item hidden from a parent as one professionals may still see."""
    return get_db().execute("SELECT 1 FROM shown_to_professionals WHERE item_kind = ? AND item_id = ?",
                            [item_kind, item_id]).fetchone() is not None
