"""Read a family's overview: contact person, meetings, goals, people involved."""
from datetime import date

from .clock import now_text
from .db import get_db
from ..web.i18n import N_

MEETING_KINDS = {
    "network": N_("Netværksmøde"),
    "follow_up": N_("Opfølgningsmøde"),
    "conversation": N_("Samtale"),
    "home_visit": N_("Hjemmebesøg"),
}

GOAL_STATUSES = {"active": N_("I gang"), "reached": N_("Nået"), "paused": N_("Sat på pause")}

PLAN_STATUSES = {"planned": N_("Planlagt"), "active": N_("I gang"), "done": N_("Afsluttet"), "stopped": N_("Stoppet")}


def overview(family_id):
    """What both the parent's and the coordinator's pages show of a family."""
    return dict(
        meetings=upcoming_meetings(family_id),
        cancelled_meetings=cancelled_meetings(family_id),
        goals=goals(family_id),
        consents=consents(family_id),
        plan=plan(family_id),
        kinds=MEETING_KINDS,
        statuses=GOAL_STATUSES,
        plan_statuses=PLAN_STATUSES,
    )


def contact_person(family_id):
    """The family's one coordinator, and who covers while they are away."""
    person = next(
        get_db().query(
            """
            SELECT staff.*, cover.name AS cover_name, cover.title AS cover_title, cover.phone AS cover_phone
            FROM families
            JOIN staff ON staff.id = families.coordinator_id
            LEFT JOIN staff AS cover ON cover.id = staff.covered_by_id
            WHERE families.id = ?
            """,
            [family_id],
        )
    )
    cover_name = person.pop("cover_name")
    person["cover"] = (
        {"name": cover_name, "title": person.pop("cover_title"), "phone": person.pop("cover_phone")}
        if cover_name
        else None
    )
    person["is_away"] = bool(person["away_until"]) and person["away_until"] >= date.today().isoformat()
    return person


def upcoming_meetings(family_id, limit=10):
    """The next meetings that will take place, soonest first, with who is coming."""
    return _meetings(family_id, "starts_at >= :now AND status = 'planned'", "starts_at", limit)


def cancelled_meetings(family_id, limit=5):
    """Meetings that were to come but are cancelled: shown apart, never as "next"."""
    return _meetings(family_id, "starts_at >= :now AND status = 'cancelled'", "starts_at", limit)


def past_meetings(family_id, limit=5):
    """Meetings that have been held or whose time has passed, newest first."""
    return _meetings(family_id, "(starts_at < :now OR status = 'held')", "starts_at DESC", limit)


def _meetings(family_id, condition, order, limit):
    # condition and order are fixed strings from this module, never user input.
    meetings = list(
        get_db().query(
            f"SELECT * FROM meetings WHERE family_id = :family AND {condition} ORDER BY {order} LIMIT :limit",
            {"family": family_id, "now": now_text(), "limit": limit},
        )
    )
    _attach(meetings, "participants", _PARTICIPANTS)
    _attach(meetings, "agenda", _AGENDA)
    return meetings


# Rows that belong to meetings, read for many meetings at once. Each query
# selects meeting_id first and filters on "meeting_id IN ({ids})".
_PARTICIPANTS = """
    SELECT p.meeting_id,
           coalesce(pi.name, pa.name, st.name) AS name,
           coalesce(pi.role, pa.relation, st.title) AS role,
           coalesce(pi.organisation, st.department) AS organisation,
           CASE WHEN pa.id IS NOT NULL THEN 'family'
                WHEN st.id IS NOT NULL THEN 'coordinator'
                ELSE 'professional' END AS kind
    FROM meeting_participants p
    LEFT JOIN people_involved pi ON pi.id = p.person_involved_id
    LEFT JOIN parents pa ON pa.id = p.parent_id
    LEFT JOIN staff st ON st.id = p.staff_id
    WHERE p.meeting_id IN ({ids})
    ORDER BY p.meeting_id, CASE WHEN pa.id IS NOT NULL THEN 0 WHEN st.id IS NOT NULL THEN 1 ELSE 2 END, p.id
"""

# Agenda points in the order they were written, with who wrote them.
_AGENDA = """
    SELECT a.meeting_id, a.text, coalesce(p.name, s.name) AS written_by
    FROM agenda_points a
    LEFT JOIN parents p ON p.id = a.written_by_parent_id
    LEFT JOIN staff s ON s.id = a.written_by_staff_id
    WHERE a.meeting_id IN ({ids})
    ORDER BY a.meeting_id, a.id
"""


def _attach(meetings, key, sql):
    """Set meeting[key] to the list of rows `sql` finds for each meeting, in one query."""
    by_id = {m["id"]: m for m in meetings}
    for m in meetings:
        m[key] = []
    if not meetings:
        return
    placeholders = ", ".join("?" for _ in by_id)
    for row in get_db().query(sql.format(ids=placeholders), list(by_id)):
        by_id[row.pop("meeting_id")][key].append(row)


def goals(family_id):
    """The family's goals, newest first, with who wrote each and for whom."""
    return list(
        get_db().query(
            """
            SELECT g.id, g.text, g.status, g.created_at,
                   wp.name AS written_by_parent, ws.name AS written_by_staff,
                   c.first_name AS for_child, fp.name AS for_parent,
                   (SELECT score FROM goal_scores s WHERE s.goal_id = g.id
                     ORDER BY noted_on DESC, id DESC LIMIT 1) AS score,
                   (SELECT noted_on FROM goal_scores s WHERE s.goal_id = g.id
                     ORDER BY noted_on DESC, id DESC LIMIT 1) AS score_on,
                   (SELECT score FROM goal_scores s WHERE s.goal_id = g.id
                     ORDER BY noted_on DESC, id DESC LIMIT 1 OFFSET 1) AS previous_score
            FROM goals g
            LEFT JOIN parents wp ON wp.id = g.written_by_parent_id
            LEFT JOIN staff ws ON ws.id = g.written_by_staff_id
            LEFT JOIN children c ON c.id = g.for_child_id
            LEFT JOIN parents fp ON fp.id = g.for_parent_id
            WHERE g.family_id = ?
            ORDER BY g.created_at DESC, g.id DESC
            """,
            [family_id],
        )
    )


def plan(family_id):
    """The family's one plan: each effort, who is responsible and when, in plan order."""
    return list(
        get_db().query(
            "SELECT * FROM plan_items WHERE family_id = ?"
            " ORDER BY status IN ('done', 'stopped'), sort_order, id",
            [family_id],
        )
    )


def consents(family_id):
    """What the parents have agreed may be shared, newest first, with its state today."""
    today = date.today().isoformat()
    rows = list(
        get_db().query(
            """
            SELECT c.*, p.name AS given_by
            FROM consents c JOIN parents p ON p.id = c.given_by_parent_id
            WHERE c.family_id = ?
            ORDER BY c.withdrawn_on IS NOT NULL, c.given_on DESC, c.id DESC
            """,
            [family_id],
        )
    )
    for row in rows:
        if row["withdrawn_on"]:
            row["state"] = "withdrawn"
        elif row["expires_on"] and row["expires_on"] < today:
            row["state"] = "expired"
        else:
            row["state"] = "active"
    return rows


def members(family_id):
    """Children and parents, for the 'for whom' choice of a goal."""
    db = get_db()
    children = list(db.query("SELECT id, first_name FROM children WHERE family_id = ? ORDER BY birth_year", [family_id]))
    parents = list(db.query("SELECT id, name FROM parents WHERE family_id = ? ORDER BY id", [family_id]))
    return children, parents


def people_involved(family_id):
    return list(
        get_db().query("SELECT * FROM people_involved WHERE family_id = ? ORDER BY organisation, name", [family_id])
    )
