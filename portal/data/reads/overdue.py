"""Overdue plan items as the coordinator sees them: per family, the owners whose items are long overdue.

An item escalates to the caseload once it is FAMILIEPORTAL_OVERDUE_ESCALATION_DAYS
days past its due date and still planned or active (its owner was told at once:
portal/data/changes/overdue.py).
"""
from datetime import timedelta

from flask import current_app

from ..clock import today
from ..db import get_db, read_rows
from ..vocabulary import PLAN_RUNNING


def escalation_cutoff():
    """The latest due date that has escalated today."""
    return (today() - timedelta(days=current_app.config["OVERDUE_ESCALATION_DAYS"])).isoformat()


def escalated_owners(family_ids):
    """{family id: [{"name", "overdue"}]}: who owns items overdue long enough, in one query for all the families."""
    ids = ", ".join(str(int(i)) for i in family_ids)  # ids from the database: integers only
    if not ids:
        return {}
    rows = read_rows(get_db(), f"""
        SELECT i.family_id, pro.name, count(*) AS overdue
        FROM plan_items i JOIN people_involved owner ON owner.id = i.responsible_person_id
        JOIN professionals pro ON pro.id = owner.professional_id
        WHERE i.family_id IN ({ids}) AND i.status IN {PLAN_RUNNING} AND i.due_on < :today AND i.due_on <= :cutoff
        GROUP BY i.family_id, pro.id ORDER BY i.family_id, pro.name COLLATE NOCASE""",
        {"today": today().isoformat(), "cutoff": escalation_cutoff()})
    found = {}
    for row in rows:
        found.setdefault(row["family_id"], []).append({"name": row["name"], "overdue": row["overdue"]})
    return found
