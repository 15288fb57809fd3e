"""What the hand-over pages show (changes/handovers.py): what waits for whom, and what was declined."""
from datetime import timedelta

from .. import access
from ..clock import to_db_time, today_text, utcnow
from ..db import get_db, read_rows
from ..vocabulary import PLAN_RUNNING

# A declined hand-over is shown to whoever asked for this long (they also get an e-mail).
DECLINED_SHOWN_DAYS = 30

# A waiting request counts while its item is still running and still its asker's to give.
_STILL_ASKABLE = f"i.responsible_person_id = h.from_person_id AND i.status IN {PLAN_RUNNING}"


def _since():
    return to_db_time(utcnow() - timedelta(days=DECLINED_SHOWN_DAYS))


def offered_to(professional_id):
    """Til overtagelse: requests waiting for the professional, in families they may see, oldest first."""
    return read_rows(get_db(), f"""
        SELECT h.id, h.family_id, f.name AS family_name, i.what, i.due_on, i.when_text, frompro.name AS from_name
        FROM plan_handovers h
        JOIN people_involved inv ON inv.id = h.to_person_id
        JOIN plan_items i ON i.id = h.plan_item_id
        JOIN families f ON f.id = h.family_id
        JOIN people_involved frominv ON frominv.id = h.from_person_id
        JOIN professionals frompro ON frompro.id = frominv.professional_id
        WHERE inv.professional_id = :professional AND inv.removed_at IS NULL AND h.answered_at IS NULL
          AND {_STILL_ASKABLE} AND {access.professional_families_sql('f')}
        ORDER BY h.asked_at, h.id""", {"professional": professional_id, "today": today_text()})


def declined_for(professional_id):
    """Hand-overs the professional asked for that were declined lately, in families they may see, newest first."""
    return read_rows(get_db(), f"""
        SELECT h.id, h.family_id, f.name AS family_name, i.what, topro.name AS to_name, h.reason, h.answered_at
        FROM plan_handovers h
        JOIN plan_items i ON i.id = h.plan_item_id
        JOIN families f ON f.id = h.family_id
        JOIN people_involved toinv ON toinv.id = h.to_person_id
        JOIN professionals topro ON topro.id = toinv.professional_id
        WHERE h.asked_by_kind = 'professional' AND h.asked_by_id = :professional AND h.answer = 'declined'
          AND h.answered_at >= :since AND {_STILL_ASKABLE} AND {access.professional_families_sql('f')}
          AND NOT EXISTS (SELECT 1 FROM plan_handovers later WHERE later.plan_item_id = h.plan_item_id
                          AND later.id > h.id)
        ORDER BY h.answered_at DESC, h.id DESC""",
        {"professional": professional_id, "today": today_text(), "since": _since()})


def items_to_hand_over(family_id, person_ids):
    """The running plan items of these involvements, each with its waiting request or its latest decline."""
    if not person_ids:
        return []
    ids = ", ".join(str(int(i)) for i in person_ids)
    return read_rows(get_db(), f"""
        SELECT i.id, i.what, i.due_on, i.when_text, i.status, (i.due_on < :today) AS overdue,
               h.id AS handover_id, h.answer, h.answered_at, h.reason, h.to_person_id, topro.name AS to_name
        FROM plan_items i
        LEFT JOIN plan_handovers h ON h.id = (
            SELECT max(x.id) FROM plan_handovers x WHERE x.plan_item_id = i.id AND x.from_person_id = i.responsible_person_id
              AND (x.answered_at IS NULL OR (x.answer = 'declined' AND x.answered_at >= :since)))
        LEFT JOIN people_involved toinv ON toinv.id = h.to_person_id
        LEFT JOIN professionals topro ON topro.id = toinv.professional_id
        WHERE i.family_id = :family AND i.responsible_person_id IN ({ids}) AND i.status IN {PLAN_RUNNING}
        ORDER BY (i.due_on < :today) DESC, i.due_on IS NULL, i.due_on, i.id""",
        {"family": family_id, "today": today_text(), "since": _since()})


def successors(family_id, other_than_professional=None):
    """The involvements that may take over items in the family: professionals who may see it today (access.py)."""
    return read_rows(get_db(), f"""
        SELECT inv.id, pro.name, inv.role, inv.organisation
        FROM people_involved inv JOIN professionals pro ON pro.id = inv.professional_id
        WHERE inv.family_id = :family AND inv.removed_at IS NULL AND pro.id IS NOT :other
          AND EXISTS (SELECT 1 FROM families f WHERE f.id = :family
                      AND {access.professional_families_sql('f', 'pro.id')})
        ORDER BY pro.name COLLATE NOCASE, inv.id""",
        {"family": family_id, "other": other_than_professional, "today": today_text()})


def by_item(family_id):
    """{plan item id: its waiting request or latest decline (lately)} of the family, for the coordinator's plan."""
    rows = read_rows(get_db(), f"""
        SELECT h.plan_item_id, h.answer, h.reason, topro.name AS to_name
        FROM plan_handovers h
        JOIN plan_items i ON i.id = h.plan_item_id
        JOIN people_involved toinv ON toinv.id = h.to_person_id
        JOIN professionals topro ON topro.id = toinv.professional_id
        WHERE h.family_id = :family AND {_STILL_ASKABLE}
          AND (h.answered_at IS NULL OR (h.answer = 'declined' AND h.answered_at >= :since))
        ORDER BY h.id""", {"family": family_id, "since": _since()})
    return {row["plan_item_id"]: row for row in rows}  # the newest wins


def owners_with_items(family_id):
    """Involvements of the family responsible for running plan items: whom the coordinator may hand over for."""
    return read_rows(get_db(), f"""
        SELECT inv.id, pro.name, inv.organisation, inv.removed_at, inv.scope, pro.active, count(*) AS items
        FROM plan_items i JOIN people_involved inv ON inv.id = i.responsible_person_id
        JOIN professionals pro ON pro.id = inv.professional_id
        WHERE i.family_id = :family AND i.status IN {PLAN_RUNNING}
        GROUP BY inv.id ORDER BY pro.name COLLATE NOCASE, inv.id""", {"family": family_id})
