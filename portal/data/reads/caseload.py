"""A staff member's caseload: their families with what needs attention."""
from .. import access
from ..clock import now_text, today_text
from ..db import get_db
from ..vocabulary import PLAN_RUNNING
from . import meeting_load, overdue
from .events import FROM_PARENTS

SORTS = {
    "name": "f.name COLLATE NOCASE, f.id",
    "next": "next_meeting IS NULL, next_meeting, f.name COLLATE NOCASE",
    "new": "new_from_family DESC, f.name COLLATE NOCASE",
    "overdue": "overdue DESC, f.name COLLATE NOCASE",
}
PAGE_SIZE = 50
# Per family (row f), in the caseload's one query: calls to coming published meetings that a called professional
# has not answered, and written input promised ("Jeg sender et skriftligt bidrag") to a coming meeting but not sent.
UNANSWERED_CALLS_SQL = (
    "(SELECT count(*) FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
    " JOIN people_involved inv ON inv.id = mp.person_involved_id"
    " WHERE m.family_id = f.id AND m.status = 'planned' AND m.published_at IS NOT NULL AND m.starts_at >= :now"
    " AND inv.removed_at IS NULL AND inv.scope != 'none' AND NOT EXISTS (SELECT 1 FROM meeting_calls c"
    " WHERE c.meeting_id = m.id AND c.person_involved_id = inv.id))"
)
MISSING_INPUTS_SQL = (
    "(SELECT count(*) FROM meeting_calls c JOIN meetings m ON m.id = c.meeting_id"
    " WHERE c.family_id = f.id AND c.answer = 'sends_written' AND m.status = 'planned' AND m.starts_at >= :now"
    " AND NOT EXISTS (SELECT 1 FROM meeting_inputs i WHERE i.meeting_id = c.meeting_id"
    " AND i.person_involved_id = c.person_involved_id))"
)


def caseload(staff_id, *, sort="name", active=True, search=None, page=1):
    """(rows, total): the families the staff member may see, one page, sorted as asked."""
    kinds = ", ".join(f"'{kind}'" for kind in FROM_PARENTS)
    where = f"f.active = :active AND f.closed_at IS NULL AND {access.staff_families_sql('f')}"
    params = {"staff": staff_id, "today": today_text(), "now": now_text(), "active": int(active),
              "limit": PAGE_SIZE, "offset": (max(page, 1) - 1) * PAGE_SIZE}
    if search:
        where += " AND f.name LIKE :search ESCAPE '\\'"
        params["search"] = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    load_from, load_to, threshold, days = meeting_load.window()
    params.update(load_from=load_from, load_to=load_to)
    db = get_db()
    total = db.execute(f"SELECT count(*) FROM families f WHERE {where}", params).fetchone()[0]
    rows = list(db.query(
        f"""
        SELECT f.id, f.name, f.coordinator_id, c.name AS coordinator_name,
               (SELECT min(m.starts_at) FROM meetings m WHERE m.family_id = f.id AND m.status = 'planned'
                  AND m.starts_at >= :now) AS next_meeting,
               (SELECT count(*) FROM plan_items i WHERE i.family_id = f.id AND i.status IN {PLAN_RUNNING}
                  AND i.due_on < :today) AS overdue,
               (SELECT count(*) FROM meeting_replies r JOIN meetings m ON m.id = r.meeting_id
                WHERE r.family_id = f.id AND r.answer = 'not_coming' AND m.status = 'planned'
                  AND m.starts_at >= :now) AS cannot_come,
               (SELECT count(*) FROM family_events e WHERE e.family_id = f.id AND e.actor_kind = 'parent'
                  AND e.kind IN ({kinds})
                  AND e.id > coalesce((SELECT seen_event_id FROM staff_family_seen s
                                        WHERE s.staff_id = :staff AND s.family_id = f.id), 0)) AS new_from_family,
               {meeting_load.count_sql('f')} AS coming_meetings,
               {UNANSWERED_CALLS_SQL} AS unanswered_calls,
               {MISSING_INPUTS_SQL} AS missing_inputs
        FROM families f JOIN staff c ON c.id = f.coordinator_id
        WHERE {where}
        ORDER BY {SORTS.get(sort, SORTS['name'])}
        LIMIT :limit OFFSET :offset
        """,
        params,
    ))
    last_days = meeting_load.stats(row["id"] for row in rows)
    overdue_owners = overdue.escalated_owners(row["id"] for row in rows)  # one query for the page
    for row in rows:
        row["meeting_load"] = {"count": row["coming_meetings"], "days": days} if row["coming_meetings"] >= threshold else None
        row["last_days"] = last_days[row["id"]]
        row["overdue_owners"] = overdue_owners.get(row["id"], [])
    return rows, total


def inactive_count(staff_id):
    return get_db().execute(
        f"SELECT count(*) FROM families f WHERE f.active = 0 AND f.closed_at IS NULL AND {access.staff_families_sql('f')}",
        {"staff": staff_id, "today": today_text()},
    ).fetchone()[0]
