"""The family's timeline: its events (family_events, never edited) as lines, with the coordinators' marks.

Every line names its source: "family" for what a parent did, the organisation
of the person involved it is about (a professional added or removed, the one
responsible for a plan item), else the department of the staff member who
made the change. With parent= only what that parent may see: events for the
family and not about an item hidden from them, no person hidden from them as a
source, and a mark only when its note is marked for the family.
"""
import json
from datetime import date, datetime, time

from .. import access
from ..clock import LOCAL_ZONE, to_db_time
from ..db import get_db, read_rows
from ..vocabulary import event_kinds
from ...settings import municipality

# Kinds of event that are lines of the family's story.
KINDS = event_kinds(story=True)
FAMILY = "family"  # the source of what a parent did
PAGE_SIZE = 100

# A person involved that parent :parent may see (for staff :parent is 0: every person).
_VISIBLE_PERSON = ("NOT EXISTS (SELECT 1 FROM hidden_from_parents hp WHERE hp.item_kind = 'person'"
                   " AND hp.item_id = {alias}.id AND hp.parent_id = :parent)")
_SOURCE = ("CASE WHEN e.actor_kind = 'parent' THEN 'family'"
           " ELSE coalesce(nullif(trim(src.organisation), ''), nullif(trim(st.department), ''), :department) END")
_FROM = f"""
    FROM family_events e
    LEFT JOIN meetings m ON e.item_kind = 'meeting' AND m.id = e.item_id
    LEFT JOIN plan_items i ON e.item_kind = 'plan_item' AND i.id = e.item_id
    LEFT JOIN goals g ON e.item_kind = 'goal' AND g.id = e.item_id
    LEFT JOIN people_involved src
      ON src.id = CASE e.item_kind WHEN 'person' THEN e.item_id WHEN 'plan_item' THEN i.responsible_person_id END
      AND {_VISIBLE_PERSON.format(alias='src')}
    LEFT JOIN professionals srcpro ON srcpro.id = src.professional_id
    LEFT JOIN parents ap ON e.actor_kind = 'parent' AND ap.id = e.actor_id
    LEFT JOIN staff st ON e.actor_kind = 'staff' AND st.id = e.actor_id
    LEFT JOIN timeline_marks tm ON tm.event_id = e.id {{mark_condition}}
    WHERE e.family_id = :family AND e.kind IN ({", ".join(f"'{kind}'" for kind in KINDS)})
      AND e.at >= :start AND e.at < :end {{condition}}
"""
_IN_MEETING = f"""(e.item_kind = 'meeting' AND EXISTS (SELECT 1 FROM meeting_participants mp
    JOIN people_involved p ON p.id = mp.person_involved_id
    WHERE mp.meeting_id = e.item_id AND trim(p.organisation) = :organisation AND {_VISIBLE_PERSON.format(alias='p')}))"""
_LINES = f"""
    SELECT e.id, e.at, e.kind, e.item_kind, e.item_id, e.actor_kind, e.detail,
           m.kind AS meeting_kind, m.starts_at AS meeting_starts_at, m.status AS meeting_status,
           i.what AS plan_what, g.text AS goal_text, g.written_by_parent_id AS goal_by_parent, srcpro.name AS person_name,
           coalesce(ap.name, st.name) AS actor_name, {_SOURCE} AS source,
           (SELECT s.name FROM handovers h JOIN staff s ON s.id = h.to_staff_id
             WHERE e.kind = 'contact_person.changed' AND h.id = json_extract(e.detail, '$.handover_id')) AS new_contact,
           tm.id AS mark_id, coalesce(tm.significant, 0) AS significant, tm.note, tm.note_for_family,
           tm.version AS mark_version
    {{from_}}
    ORDER BY e.at DESC, e.id DESC LIMIT :limit OFFSET :offset
"""


def month_start(month):
    """The first moment of a month (a date) in Copenhagen, as stored UTC text."""
    return to_db_time(datetime.combine(month.replace(day=1), time(0), tzinfo=LOCAL_ZONE))


def next_month(month):
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _query(family_id, parent, organisation, start, end, significant_only):
    condition = ""
    if parent is not None:
        condition += " AND " + access.parent_sees_event_sql("e")
    if organisation:
        condition += f" AND (({_SOURCE}) = :organisation OR {_IN_MEETING})"
    if significant_only:
        condition += " AND tm.significant = 1"
    mark_condition = "AND tm.note_for_family = 1" if parent is not None else ""
    params = {
        "family": family_id, "parent": parent["id"] if parent is not None else 0,
        "department": municipality().get("department") or "",
        "organisation": (organisation or "").strip(),
        "start": month_start(start) if start else "", "end": month_start(next_month(end)) if end else "9999",
    }
    return _FROM.format(mark_condition=mark_condition, condition=condition), params


def lines(family_id, *, parent=None, organisation=None, start=None, end=None, significant_only=False, page=1):
    """(lines, total): one page of the family's timeline, newest first; start/end are months (dates), inclusive."""
    from_, params = _query(family_id, parent, organisation, start, end, significant_only)
    db = get_db()
    total = db.execute(f"SELECT count(*) {from_}", params).fetchone()[0]
    rows = read_rows(db, _LINES.format(from_=from_),
                     {**params, "limit": PAGE_SIZE, "offset": (max(page, 1) - 1) * PAGE_SIZE})
    with_whom = _meeting_organisations({row["item_id"] for row in rows if row["item_kind"] == "meeting"},
                                       parent["id"] if parent is not None else 0)
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        row["with"] = with_whom.get(row["item_id"], []) if row["item_kind"] == "meeting" else []
    return rows, total


def _meeting_organisations(meeting_ids, parent_id):
    """{meeting id: [organisations of the people involved taking part]} (people the parent may see)."""
    if not meeting_ids:
        return {}
    ids = sorted(meeting_ids)
    marks = ", ".join("?" for _ in ids)
    found = {}
    for meeting_id, organisation in get_db().execute(
            f"SELECT DISTINCT mp.meeting_id, trim(p.organisation) FROM meeting_participants mp"
            f" JOIN people_involved p ON p.id = mp.person_involved_id"
            f" WHERE mp.meeting_id IN ({marks}) AND nullif(trim(p.organisation), '') IS NOT NULL"
            f" AND {_VISIBLE_PERSON.format(alias='p').replace(':parent', '?')} ORDER BY 2",
            [*ids, parent_id]):
        found.setdefault(meeting_id, []).append(organisation)
    return found


def organisations(family_id, *, parent=None):
    """The sources a family's timeline can be filtered by: its people's organisations, staff departments, the family."""
    params = {"family": family_id, "parent": parent["id"] if parent is not None else 0,
              "department": municipality().get("department") or ""}
    rows = get_db().execute(
        f"""SELECT DISTINCT trim(p.organisation) FROM people_involved p
            WHERE p.family_id = :family AND nullif(trim(p.organisation), '') IS NOT NULL
              AND {_VISIBLE_PERSON.format(alias='p')}
            UNION SELECT DISTINCT coalesce(nullif(trim(st.department), ''), :department) FROM family_events e
              JOIN staff st ON e.actor_kind = 'staff' AND st.id = e.actor_id WHERE e.family_id = :family
            UNION SELECT :department""",
        params,
    ).fetchall()
    return [FAMILY] + sorted({row[0] for row in rows if row[0]}, key=str.casefold)


def event_in_family(family_id, event_id):
    """A line of this family's timeline with its mark (for the marking form), or None."""
    rows = read_rows(get_db(), _LINES.format(from_=_FROM.format(mark_condition="", condition=" AND e.id = :event")),
                     {"family": family_id, "event": event_id, "parent": 0, "organisation": "",
                      "department": municipality().get("department") or "", "start": "", "end": "9999",
                      "limit": 1, "offset": 0})
    if not rows:
        return None
    row = rows[0]
    row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    row["with"] = _meeting_organisations({row["item_id"]}, 0).get(row["item_id"], []) \
        if row["item_kind"] == "meeting" else []
    return row
