"""Delete a closed family completely, once its retention period has passed.

The portal is not the municipality's case record: the case system is. So a
closed family's data goes, every row of it, and one anonymous audit line says
that a deletion happened.

FAMILY_ROWS names every table that can hold something of a family, with the
condition that finds it; tests/test_retention.py fails when a table in the
schema is in neither FAMILY_ROWS nor NOT_FAMILY_DATA, so a new table cannot be
forgotten. Conditions take :family (the family's id), :parents and :children (JSON arrays
of its parents' and children's ids) and :contacts (a JSON array of their e-mails, in lower
case, and phone numbers), so they still find leftovers after the rows they
came from are gone.
"""
import json

from .. import audit
from ..db import get_db, writing

_FAMILY = "family_id = :family"
_PARENTS = "(SELECT value FROM json_each(:parents))"
_CONTACTS = "(SELECT value FROM json_each(:contacts))"
_CHILDREN = "(SELECT value FROM json_each(:children))"
_MEETINGS = "meeting_id IN (SELECT id FROM meetings WHERE family_id = :family)"
_GOALS = "goal_id IN (SELECT id FROM goals WHERE family_id = :family)"

# In deletion order: rows before the rows they refer to (foreign keys are on).
FAMILY_ROWS = {
    "notices": _FAMILY,
    "goal_scores": _GOALS,
    "goal_notes": _GOALS,
    "agenda_points": _MEETINGS,
    "meeting_participants": _MEETINGS,
    "meeting_summaries": _MEETINGS,
    "meeting_replies": _MEETINGS,
    "meeting_inputs": _FAMILY,
    "meeting_calls": _FAMILY,
    "meeting_verdicts_given": _MEETINGS,
    "action_points": _MEETINGS,
    "consent_givers": "consent_id IN (SELECT id FROM consents WHERE family_id = :family)",
    "consent_organisations": "consent_id IN (SELECT id FROM consents WHERE family_id = :family)",
    "shown_to_professionals": _FAMILY,
    "hidden_from_parents": _FAMILY,
    "timeline_marks": _FAMILY,
    "handovers": _FAMILY,
    "plan_handovers": _FAMILY,
    "family_events": _FAMILY,
    "staff_family_seen": _FAMILY,
    "plan_updates": _FAMILY,
    "plan_item_notes": _FAMILY,
    "plan_overdue_notices": _FAMILY,
    "plan_items": _FAMILY,
    "consents": _FAMILY,
    "goals": _FAMILY,
    "meetings": _FAMILY,
    "people_involved": _FAMILY,
    "child_words": _FAMILY,
    "child_bisidder": _FAMILY,
    "child_sign_ins": _FAMILY,
    "children": _FAMILY,
    "sign_in_links": f"(subject_kind = 'parent' AND subject_id IN {_PARENTS})"
                     f" OR (subject_kind = 'child' AND subject_id IN {_CHILDREN})",
    "sessions": f"(user_kind = 'parent' AND user_id IN {_PARENTS}) OR (user_kind = 'child' AND user_id IN {_CHILDREN})",
    "identity_bindings": _FAMILY,
    "mitid_exemptions": _FAMILY,
    "passkeys": _FAMILY,
    "calendar_feeds": f"parent_id IN {_PARENTS}",
    "outbox": f"family_id = :family OR parent_id IN {_PARENTS} OR lower(recipient) IN {_CONTACTS}",
    "audit_log": f"family_id = :family OR (actor_kind = 'parent' AND actor_id IN {_PARENTS})"
                 f" OR (actor_kind = 'child' AND actor_id IN {_CHILDREN})",
    # Buckets name a parent's id (goals and agenda points an hour) or their e-mail/phone (link requests).
    "rate_limit_hits": f"bucket IN (SELECT 'writes:parent:' || value FROM json_each(:parents))"
                       f" OR bucket IN (SELECT 'id:' || value FROM json_each(:contacts))",
    "parents": _FAMILY,
    "families": "id = :family",
}

# Tables that hold nothing of any family, and why.
NOT_FAMILY_DATA = {
    "staff": "the municipality's employees",
    "notice_cursor": "the id of the last family event turned into notices",
    "sign_in_requests": "a MitID round trip under way: its answer is deleted when the browser returns, and the"
                        " round trip after 10 minutes (retention)",
    "saml_assertions_seen": "ids of accepted MitID assertions, until they expire",
    "passkey_challenges": "a random challenge a session may answer once, for 5 minutes (retention prunes it)",
    "ops_state": "when the outbox worker, backup and retention last ran, and counts of deliveries",
    "meeting_verdicts": "parents' answers to \"Hvordan var mødet?\", stored apart from them: only the meeting's kind,"
                        " the month and the coordinator's department (changes/verdicts.py); no row points to a family",
    "professionals": "people in families' networks, each in any number of families; delete_family deletes those"
                     " whose last involvement it deletes",
    "professional_calendar_feeds": "a professional's own feed address (seed and token hash), no family's;"
                                   " delete_family deletes it with the professional",
    "result_unit_quarters": "the leaders' results: counts per organisation unit and quarter (migration m024), no family",
    "result_first_network_days": "the leaders' results: how many families per unit and quarter waited n days for"
                                 " their first network meeting (migration m024), no family",
    "result_unit_verdicts": "the leaders' results: how many parents answered \"Hvordan var mødet?\" per unit and"
                           " month, and how many agreed (changes/verdicts.store), no family",
    "_sqlite_migrations": "which schema migrations have run",
    "sqlite_sequence": "SQLite's own counters",
    "sqlite_stat1": "SQLite's own statistics",
}


def family_keys(family_id):
    """The parameters FAMILY_ROWS' conditions take for this family."""
    db = get_db()
    parents = db.execute("SELECT id, email, phone FROM parents WHERE family_id = ?", [family_id]).fetchall()
    contacts = sorted({value.lower() for _, email, phone in parents for value in (email, phone) if value})
    children = [row[0] for row in db.execute("SELECT id FROM children WHERE family_id = ?", [family_id])]
    return {"family": family_id, "parents": json.dumps([row[0] for row in parents]),
            "contacts": json.dumps(contacts), "children": json.dumps(children)}


def delete_family(family_id):
    """Delete every row of a closed family in one transaction; return how many rows went.

    SQLite's secure_delete overwrites what is deleted with zeros, so the
    family's names do not linger in free pages of the file (the caller
    checkpoints the WAL afterwards, see portal/data/retention.py).
    """
    db = get_db()
    before = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with writing(db):
            closed_at = db.execute("SELECT closed_at FROM families WHERE id = ?", [family_id]).fetchone()
            if closed_at is None or closed_at[0] is None:
                raise ValueError(f"family {family_id} is not closed")  # never an open family
            keys = family_keys(family_id)
            professionals = [row[0] for row in db.execute(
                "SELECT DISTINCT professional_id FROM people_involved WHERE family_id = ?", [family_id])]
            removed = sum(db.execute(f"DELETE FROM [{table}] WHERE {condition}", keys).rowcount
                          for table, condition in FAMILY_ROWS.items())
            # A professional in no other family is nobody's any more: their name and contact go too,
            # with their feed address and passkeys.
            gone = ("SELECT value FROM json_each(:ids)"
                    " WHERE value NOT IN (SELECT professional_id FROM people_involved)")
            ids = {"ids": json.dumps(professionals)}
            db.execute(f"DELETE FROM professional_calendar_feeds WHERE professional_id IN ({gone})", ids)
            db.execute(f"DELETE FROM passkeys WHERE holder_kind = 'professional' AND holder_id IN ({gone})", ids)
            db.execute(f"DELETE FROM professionals WHERE id IN ({gone})", ids)
            # Anonymous: no family id, no name; only that a closed case was deleted.
            audit.record("family.deleted", actor_kind="system", closed_on=closed_at[0][:10], rows=removed)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(before)}")
    return removed
