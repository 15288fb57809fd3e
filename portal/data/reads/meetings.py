"""Meetings with who takes part, agenda points, summaries and action points."""
from .. import access
from ..clock import now_text
from ..db import get_db, read_one, read_rows

_WHICH = {
    # The next meetings that will take place, soonest first.
    "upcoming": ("m.starts_at >= :now AND m.status = 'planned'", "m.starts_at"),
    # Meetings that were to come but are cancelled: shown apart, never as "next".
    "cancelled": ("m.starts_at >= :now AND m.status = 'cancelled'", "m.starts_at"),
    # Held, or whose time has passed (cancelled ones too, marked), newest first.
    "past": ("(m.starts_at < :now OR m.status = 'held')", "m.starts_at DESC"),
    "all": ("1 = 1", "m.starts_at DESC"),
}


def meetings(family_id, which, *, parent=None, limit=50, details=True):
    """The family's meetings of one kind (see _WHICH), as a parent or staff sees them."""
    condition, order = _WHICH[which]
    params = {"family": family_id, "now": now_text(), "limit": limit}
    if parent is not None:
        condition += " AND " + access.parent_sees_sql("meeting", "m")
        params["parent"] = parent["id"]
    rows = read_rows(
        get_db(),
        f"""
        SELECT m.*, s.published_at AS summary_published_at
        FROM meetings m LEFT JOIN meeting_summaries s ON s.meeting_id = m.id
        WHERE m.family_id = :family AND {condition} ORDER BY {order} LIMIT :limit
        """,
        params,
    )
    if parent is not None:
        rows = [access.shown_to_parent(row, parent["id"]) for row in rows]
    if details:
        attach(rows, "participants", _PARTICIPANTS, parent)
        attach(rows, "agenda", _AGENDA)
    return rows


def meeting(family_id, meeting_id, *, parent=None):
    """One meeting with everything under it, or None if not in the family (or not the parent's to see)."""
    params = {"family": family_id, "id": meeting_id}
    condition = ""
    if parent is not None:
        condition = " AND " + access.parent_sees_sql("meeting", "m")
        params["parent"] = parent["id"]
    row = read_one(get_db(), f"SELECT m.* FROM meetings m WHERE m.id = :id AND m.family_id = :family{condition}", params)
    if row is None:
        return None
    if parent is not None:
        access.shown_to_parent(row, parent["id"])
    row["upcoming"] = row["status"] == "planned" and row["starts_at"] >= now_text()
    attach([row], "participants", _PARTICIPANTS, parent)
    attach([row], "agenda", _AGENDA)
    db = get_db()
    summary = read_one(db, "SELECT * FROM meeting_summaries WHERE meeting_id = ?", [meeting_id])
    row["summary"] = summary if summary and (parent is None or summary["published_at"]) else None
    row["action_points"] = list(db.query(
        """
        SELECT a.*, pro.name AS person_name, p.role AS person_role, p.organisation AS person_organisation,
               (SELECT group_concat(pa.name, ', ') FROM hidden_from_parents h JOIN parents pa ON pa.id = h.parent_id
                 WHERE h.item_kind = 'person' AND h.item_id = a.responsible_person_id) AS hidden_from_names
        FROM action_points a LEFT JOIN people_involved p ON p.id = a.responsible_person_id
        LEFT JOIN professionals pro ON pro.id = p.professional_id
        WHERE a.meeting_id = ? ORDER BY a.id
        """,
        [meeting_id],
    ))
    if parent is not None:
        # Action points come with the published summary, and never name a person hidden from the parent.
        hidden = access.people_hidden_from(parent)
        row["action_points"] = [{**point, "hidden_from_names": None} for point in row["action_points"]
                                if row["summary"] and f"person:{point['responsible_person_id']}" not in hidden]
    row["hidden_from"] = [] if parent is not None else list(db.query(
        "SELECT p.id, p.name FROM hidden_from_parents h JOIN parents p ON p.id = h.parent_id"
        " WHERE h.item_kind = 'meeting' AND h.item_id = ? ORDER BY p.id", [meeting_id]))
    return row


# Rows that belong to meetings, read for many meetings at once. Each query
# selects meeting_id first and filters on "meeting_id IN ({ids})".
_PARTICIPANTS = """
    SELECT p.meeting_id,
           CASE WHEN pa.id IS NOT NULL THEN 'parent:' || pa.id WHEN st.id IS NOT NULL THEN 'staff:' || st.id
                ELSE 'person:' || pi.id END AS key,
           coalesce(pipro.name, pa.name, st.name) AS name,
           coalesce(pi.role, pa.relation, st.title) AS role,
           coalesce(pi.organisation, st.department) AS organisation,
           CASE WHEN pa.id IS NOT NULL THEN 'family'
                WHEN st.id IS NOT NULL THEN 'coordinator'
                ELSE 'professional' END AS kind,
           p.follow_up
    FROM meeting_participants p
    LEFT JOIN people_involved pi ON pi.id = p.person_involved_id
    LEFT JOIN professionals pipro ON pipro.id = pi.professional_id
    LEFT JOIN parents pa ON pa.id = p.parent_id
    LEFT JOIN staff st ON st.id = p.staff_id
    WHERE p.meeting_id IN ({ids})
    ORDER BY p.meeting_id, CASE WHEN pa.id IS NOT NULL THEN 0 WHEN st.id IS NOT NULL THEN 1 ELSE 2 END, p.id
"""

# Agenda points in the order they were written, with who wrote them; the
# first 100 of a meeting (a page stays bounded whatever is posted).
_AGENDA = """
    SELECT meeting_id, id, text, created_at, written_by, by_parent FROM (
        SELECT a.meeting_id, a.id, a.text, a.created_at, coalesce(p.name, s.name) AS written_by,
               a.written_by_parent_id IS NOT NULL AS by_parent,
               row_number() OVER (PARTITION BY a.meeting_id ORDER BY a.id) AS number
        FROM agenda_points a
        LEFT JOIN parents p ON p.id = a.written_by_parent_id
        LEFT JOIN staff s ON s.id = a.written_by_staff_id
        WHERE a.meeting_id IN ({ids})
    ) WHERE number <= 100
    ORDER BY meeting_id, id
"""


def attach(meetings, key, sql, parent=None):
    """Set meeting[key] to the list of rows `sql` finds for each meeting, in one query.

    For a parent, people involved who are hidden from them are left out.
    """
    by_id = {m["id"]: m for m in meetings}
    for m in meetings:
        m[key] = []
    if not meetings:
        return
    hidden = access.people_hidden_from(parent) if parent is not None and key == "participants" else ()
    placeholders = ", ".join("?" for _ in by_id)
    for row in read_rows(get_db(), sql.format(ids=placeholders), list(by_id)):
        if row.get("key") in hidden:
            continue
        by_id[row.pop("meeting_id")][key].append(row)
    if key == "participants":
        for m in meetings:
            m["follow_up"] = next((p for p in m[key] if p["follow_up"]), None)


def participant_options(family_id, meeting_id=None):
    """Who can take part: key ("parent:1", "person:4", "staff:2") -> row with name and role.

    Active parents, people still involved and the family's contact person,
    plus whoever is already in the meeting.
    """
    rows = get_db().query(
        """
        SELECT 'parent:' || id AS key, name, relation AS role, NULL AS organisation, 'family' AS side
        FROM parents WHERE family_id = :family AND (active = 1 OR id IN
            (SELECT parent_id FROM meeting_participants WHERE meeting_id = :meeting))
        UNION ALL
        SELECT 'staff:' || s.id, s.name, s.title, s.department, 'coordinator'
        FROM staff s WHERE s.id = (SELECT coordinator_id FROM families WHERE id = :family)
           OR s.id IN (SELECT staff_id FROM meeting_participants WHERE meeting_id = :meeting)
        UNION ALL
        SELECT 'person:' || pi.id, pro.name, pi.role, pi.organisation, 'professional'
        FROM people_involved pi JOIN professionals pro ON pro.id = pi.professional_id
        WHERE pi.family_id = :family AND (pi.removed_at IS NULL OR pi.id IN
            (SELECT person_involved_id FROM meeting_participants WHERE meeting_id = :meeting))
        """,
        {"family": family_id, "meeting": meeting_id or 0},
    )
    return {row["key"]: row for row in rows}


def participant_keys(meeting_id):
    rows = get_db().execute(
        "SELECT parent_id, person_involved_id, staff_id FROM meeting_participants WHERE meeting_id = ?", [meeting_id]
    )
    keys = []
    for parent_id, person_id, staff_id in rows:
        keys.append(f"parent:{parent_id}" if parent_id else f"person:{person_id}" if person_id else f"staff:{staff_id}")
    return keys
