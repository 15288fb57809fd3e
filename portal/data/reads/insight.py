"""Everything the portal holds about a family (GDPR art. 15 insight), for a parent or for staff.

For a parent (`for_parent`), the export covers data about them and their
children, shaped by the same rules as their pages (access.py):

- their own parent row in full, and of the other parents only name and
  relation: never another parent's e-mail, phone, protected status or
  address, nor the place of a meeting at another parent's protected home;
- the meetings, plan items, plan updates and people involved they may see
  (nothing hidden from them, no drafts), summaries and action points only
  once published, and of the answers to meetings only their own;
- the family's goals with every score and note, consents, children, the
  contact person and handovers, the family events their pages may show;
- what was sent to them, their notices, sign-in links, sessions (and how
  they signed in), their MitID (when bound, and when and by whom removed), why
  they cannot use MitID and their passkeys (made, last used, removed by whom), and
  calendar feeds (when made, used, ended), and the rate-limit marks in their name;
- the audit lines that show which staff looked at the family (or made an
  export), when and on which page, with the staff member's name, title and
  department; which professional looked, when, with their organisation; and
  the audit lines of their own actions. Audit lines of staff
  changes and of the other parent's actions are left out: they could tell
  of an item hidden from them. The changes themselves are in the data.

For staff (`for_family`), the export is every row of every table in
retention.FAMILY_ROWS (the list that also deletes a closed family, so a new
family table is never forgotten), the professionals of its people involved,
and the family's audit lines with names.

Neither ever holds a token's hash, a session id, a calendar feed's seed or
the body of a message (it may carry a sign-in link): see SECRET_COLUMNS.
"""
from .. import access
from ..changes.retention import FAMILY_ROWS, family_keys
from ..clock import now_text
from ..db import get_db, read_rows
from . import consents, family, goals, meetings, plan

# Columns that are never exported: what signs someone in or would let a reader
# make a link. In any table, these and every column ending in "_hash"; a
# message's body only in the outbox (it may hold a sign-in link).
SECRET_COLUMNS = {"seed", "token"}
SECRET_IN_TABLE = {"outbox": {"body"}}
# SQLite's LIMIT for "no limit": an export holds every row, however many.
ALL = -1
# Staff looking at the family: what a parent's insight shows of staff's audit lines.
STAFF_LOOKED = ("family.viewed", "insight.downloaded")

_AUDIT = """
    SELECT a.at, a.action, a.actor_kind,
           CASE a.actor_kind WHEN 'staff' THEN s.name WHEN 'parent' THEN p.name WHEN 'professional' THEN pro.name
           END AS actor_name,
           s.title AS actor_title,
           coalesce(s.department, (SELECT trim(inv.organisation) FROM people_involved inv
                                   WHERE a.actor_kind = 'professional' AND inv.professional_id = a.actor_id
                                     AND inv.family_id = a.family_id ORDER BY inv.removed_at IS NOT NULL, inv.id
                                   LIMIT 1)) AS actor_department,
           json_extract(a.detail, '$.page') AS page, json_extract(a.detail, '$.format') AS format
    FROM audit_log a
    LEFT JOIN staff s ON a.actor_kind = 'staff' AND s.id = a.actor_id
    LEFT JOIN parents p ON a.actor_kind = 'parent' AND p.id = a.actor_id
    LEFT JOIN professionals pro ON a.actor_kind = 'professional' AND pro.id = a.actor_id
    WHERE {condition}
    ORDER BY a.at DESC, a.id DESC
"""


def is_secret(table, column):
    return column in SECRET_COLUMNS or column.endswith("_hash") or column in SECRET_IN_TABLE.get(table, ())


def _public(table, rows):
    return [{key: value for key, value in row.items() if not is_secret(table, key)} for row in rows]


def _rows(sql, params):
    return read_rows(get_db(), sql, params)


def for_parent(parent):
    """What this parent may have: see the module's docstring."""
    family_id, parent_id = parent["family_id"], parent["id"]
    key = {"family": family_id, "parent": parent_id}
    children, parents = family.members_for_parent(family_id)
    all_meetings = meetings.meetings(family_id, "all", parent=parent, limit=ALL)
    for meeting in all_meetings:
        shown = meetings.meeting(family_id, meeting["id"], parent=parent)
        meeting["summary"] = _summary(shown["summary"])
        meeting["action_points"] = [_action_point(point) for point in shown["action_points"]]
    contact = family.contact_person(family_id)
    return {
        "generated_at": now_text(),
        "kind": "parent",
        "family": {"name": family.family(family_id)["name"]},
        "you": _public("parents", [dict(parent)])[0],
        "other_parents": [p for p in parents if p["id"] != parent_id],
        "children": children,
        "contact_person": {name: contact[name] for name in ("name", "title", "department", "email", "phone")},
        "handovers": _rows(
            "SELECT h.effective_on, f.name AS from_name, t.name AS to_name FROM handovers h"
            " JOIN staff f ON f.id = h.from_staff_id JOIN staff t ON t.id = h.to_staff_id"
            " WHERE h.family_id = :family ORDER BY h.effective_on, h.id", key),
        "people_involved": family.people_for_parent(parent),
        "meetings": [_meeting(m) for m in all_meetings],
        "meeting_replies": _rows(
            "SELECT meeting_id, answer, reason, answered_at FROM meeting_replies WHERE parent_id = :parent"
            " ORDER BY answered_at", key),
        # Only THAT they answered: the answers are stored apart from them (changes/verdicts.py).
        "meeting_verdicts_given": _rows(
            "SELECT g.meeting_id, m.kind, m.starts_at FROM meeting_verdicts_given g JOIN meetings m ON m.id = g.meeting_id"
            f" WHERE g.parent_id = :parent AND {access.parent_sees_sql('meeting', 'm')} ORDER BY m.starts_at", key),
        "plan_items": [_plan_item(item) for item in plan.items(family_id, parent=parent)],
        "plan_updates": [{"published_at": u["published_at"], "written_by": u["written_by"], "body": u["body"]}
                         for u in plan.updates(family_id, parent=parent, limit=ALL)],
        "goals": [_goal(goal) for goal in goals.goals(family_id, limit=ALL)],
        "consents": [_consent(c) for c in consents.consents(family_id, parent=parent)],
        "events": _rows(
            f"SELECT e.at, e.kind, e.item_kind, e.item_id FROM family_events e"
            f" WHERE e.family_id = :family AND {access.parent_sees_event_sql('e')} ORDER BY e.at, e.id", key),
        "messages": _rows(
            "SELECT channel, recipient, subject, purpose, created_at, sent_at, failed_at FROM outbox"
            " WHERE parent_id = :parent ORDER BY created_at, id", key),
        "notices": _rows(
            "SELECT kind, topics, first_at, due_at, done_at, skipped FROM notices WHERE parent_id = :parent"
            " ORDER BY first_at, id", key),
        "sign_in_links": _rows(
            "SELECT l.origin, l.channel, l.created_at, l.expires_at, l.used_at, l.revoked_at,"
            " s.name AS issued_by FROM sign_in_links l LEFT JOIN staff s ON s.id = l.issued_by_staff_id"
            " WHERE l.subject_kind = 'parent' AND l.subject_id = :parent ORDER BY l.created_at, l.id", key),
        "identities": _rows(
            "SELECT b.created_at, b.subject, b.cpr, b.removed_at, s.name AS removed_by FROM identity_bindings b"
            " LEFT JOIN staff s ON s.id = b.removed_by_staff_id WHERE b.parent_id = :parent"
            " ORDER BY b.created_at, b.id", key),
        "mitid_exemptions": _rows(
            "SELECT e.reason, e.note, e.created_at, c.name AS created_by, e.withdrawn_at, w.name AS withdrawn_by"
            " FROM mitid_exemptions e LEFT JOIN staff c ON c.id = e.created_by_staff_id"
            " LEFT JOIN staff w ON w.id = e.withdrawn_by_staff_id WHERE e.parent_id = :parent"
            " ORDER BY e.created_at, e.id", key),
        "passkeys": _rows(
            "SELECT k.created_at, k.last_used_at, k.removed_at, s.name AS removed_by FROM passkeys k"
            " LEFT JOIN staff s ON s.id = k.removed_by_staff_id WHERE k.parent_id = :parent"
            " ORDER BY k.created_at, k.id", key),
        "sessions": _rows(
            "SELECT created_at, last_seen_at, previous_visit_at, ended_at, level, method, assured_at FROM sessions"
            " WHERE user_kind = 'parent' AND user_id = :parent ORDER BY created_at", key),
        "calendar_feeds": _rows(
            "SELECT created_at, replaced_at FROM calendar_feeds WHERE parent_id = :parent ORDER BY created_at, id", key),
        "rate_limit_hits": _rows(
            "SELECT bucket, at FROM rate_limit_hits WHERE bucket = 'writes:parent:' || :parent"
            " OR bucket IN ('id:' || lower(:email), 'id:' || :phone) ORDER BY at",
            {**key, "email": parent["email"] or "", "phone": parent["phone"] or ""}),
        "audit": _rows(_AUDIT.format(condition=(
            f"(a.family_id = :family AND a.actor_kind IN ('staff', 'professional') AND a.action IN {STAFF_LOOKED})"
            " OR (a.actor_kind = 'parent' AND a.actor_id = :parent)")), key),
    }


def _meeting(row):
    keep = ("id", "kind", "status", "starts_at", "ends_at", "place", "place_withheld", "purpose",
            "cancelled_reason", "previous_starts_at", "published_at")
    shown = {name: row.get(name) for name in keep}
    shown["participants"] = [{k: p[k] for k in ("name", "role", "organisation", "follow_up")} for p in row["participants"]]
    shown["agenda"] = [{k: a[k] for k in ("text", "written_by", "created_at")} for a in row["agenda"]]
    shown["summary"], shown["action_points"] = row["summary"], row["action_points"]
    return shown


def _summary(summary):
    if not summary:
        return None
    return {k: summary[k] for k in ("going_well", "worries", "next_steps", "published_at")}


def _action_point(point):
    keep = ("what", "person_name", "person_organisation", "responsible_family", "due_on")
    return {name: point[name] for name in keep}


def _plan_item(item):
    keep = ("what", "kind", "status", "when_text", "due_on", "responsible", "responsible_family", "person_name", "person_role",
            "organisation", "goal_text", "created_at", "updated_at")
    return {name: item.get(name) for name in keep}


def _goal(goal):
    keep = ("id", "text", "status", "for_child", "for_parent", "written_by_parent", "written_by_staff", "created_at",
            "score", "score_on")
    shown = {name: goal.get(name) for name in keep}
    shown["scores"], shown["notes"] = goal["scores"], goal["notes"]
    return shown


def _consent(consent):
    return {k: v for k, v in consent.items() if k not in ("family_id", "version")}


def for_family(family_id):
    """Everything of the family, table by table (retention.FAMILY_ROWS), and its audit lines with names."""
    keys = family_keys(family_id)
    tables = {table: _public(table, _rows(f"SELECT * FROM [{table}] WHERE {condition}", keys))
              for table, condition in FAMILY_ROWS.items()}
    # The people behind the family's involvements (a professional belongs to no one family).
    professionals = _rows(
        "SELECT id, name, email, shared_email, phone, organisation, active, created_at FROM professionals"
        " WHERE id IN (SELECT professional_id FROM people_involved WHERE family_id = :family) ORDER BY id", keys)
    condition = f"a.id IN (SELECT id FROM audit_log WHERE {FAMILY_ROWS['audit_log']})"
    return {
        "generated_at": now_text(),
        "kind": "family",
        "family": {"id": family_id, "name": family.family(family_id)["name"]},
        "tables": tables,
        "professionals": professionals,
        "audit": _rows(_AUDIT.format(condition=condition), keys),
    }

