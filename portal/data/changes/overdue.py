"""Overdue plan items: their owner gets ONE e-mail about each (per due date), with no case details.

An item is overdue once its due date has passed and it is still planned or
active. The outbox worker (portal.messages.worker.work) calls step() every
round; it looks at most once a minute per process, and writes only when a
cheap read finds an item whose owner was not yet told (per database). notify() remembers
each item and due date it told of (plan_overdue_notices), in the transaction
that queues the e-mail, so a new due date may earn one more notice and
nothing else does. A professional with several overdue items at once gets
one e-mail for them all.

After FAMILIEPORTAL_OVERDUE_ESCALATION_DAYS days the coordinator sees them
on the caseload too (portal/data/reads/overdue.py).
"""
from datetime import timedelta
from itertools import groupby

from flask import current_app

from ._core import change
from .. import access, clock
from ..clock import now_text, today_text
from ..db import get_db, read_rows
from ..outbox import queue
from ..vocabulary import PLAN_RUNNING

CHECK_EVERY = timedelta(minutes=1)
_last_check = {}

# Overdue items of an owner who may see the family (and sign in), not yet told of at this due date.
# Not "inv", "f" or "pro": professional_families_sql uses those aliases inside.
_UNTOLD = f"""
    SELECT i.id AS plan_item_id, i.family_id, i.due_on, owner.professional_id
    FROM plan_items i JOIN people_involved owner ON owner.id = i.responsible_person_id
    JOIN families fam ON fam.id = i.family_id
    WHERE i.status IN {PLAN_RUNNING} AND i.due_on IS NOT NULL AND i.due_on < :today
      AND owner.removed_at IS NULL AND owner.scope = 'family'
      AND {access.professional_families_sql('fam', 'owner.professional_id')}
      AND NOT EXISTS (SELECT 1 FROM plan_overdue_notices o WHERE o.plan_item_id = i.id AND o.due_on = i.due_on)
"""


@change
def notify():
    """Queue one e-mail per professional for their overdue items not yet told of; return how many items."""
    db = get_db()
    rows = read_rows(db, _UNTOLD + " ORDER BY owner.professional_id, i.id", {"today": today_text()})
    now = now_text()
    for professional_id, items in groupby(rows, key=lambda row: row["professional_id"]):
        email = db.execute("SELECT email FROM professionals WHERE id = ?", [professional_id]).fetchone()[0]
        # No own e-mail: the item is still flagged on their page, and remembered so it is not looked at again.
        outbox_id = queue("plan_overdue", "email", email, professional_id=professional_id) if email else None
        for item in items:
            db["plan_overdue_notices"].insert({
                "family_id": item["family_id"], "plan_item_id": item["plan_item_id"], "due_on": item["due_on"],
                "professional_id": professional_id, "created_at": now, "outbox_id": outbox_id})
    return len(rows)


def step(now=None):
    """The worker's round: at most once a minute per process, notify() when a read finds an untold item."""
    now = now or clock.utcnow()
    key = current_app.config["DATABASE"]  # per database: a process (or a test run) may serve several
    if key in _last_check and now - _last_check[key] < CHECK_EVERY:
        return 0
    _last_check[key] = now
    if get_db().execute(f"SELECT 1 FROM ({_UNTOLD}) LIMIT 1", {"today": today_text()}).fetchone():
        return notify()
    return 0
