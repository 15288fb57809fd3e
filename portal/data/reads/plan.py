"""The family's one plan, grouped by organisation, and the plan updates."""
from itertools import groupby

from .. import access
from ..clock import today_text
from ..db import get_db, read_rows
from .family import ids
from ..vocabulary import PLAN_RUNNING

FAMILY = "family"  # the group of items the family itself is responsible for


def items(family_id, *, parent=None, item_id=None):
    """Every plan item (or only item_id), running ones first, with who is responsible and the goal it serves."""
    params = {"family": family_id, "today": today_text(), "item": item_id}
    condition = "" if item_id is None else " AND i.id = :item"
    if parent is not None:
        condition += " AND " + access.parent_sees_sql("plan_item", "i")
        params["parent"] = parent["id"]
    rows = read_rows(
        get_db(),
        f"""
        SELECT i.*, pro.name AS person_name, p.role AS person_role, p.organisation AS person_organisation,
               g.text AS goal_text, m.starts_at AS meeting_starts_at,
               (i.due_on < :today AND i.status IN {PLAN_RUNNING}) AS overdue,
               (SELECT group_concat(h.parent_id) FROM hidden_from_parents h
                 WHERE h.item_kind = 'plan_item' AND h.item_id = i.id) AS hidden_from_ids
        FROM plan_items i
        LEFT JOIN people_involved p ON p.id = i.responsible_person_id
        LEFT JOIN professionals pro ON pro.id = p.professional_id
        LEFT JOIN goals g ON g.id = i.goal_id
        LEFT JOIN meetings m ON m.id = i.meeting_id
        WHERE i.family_id = :family{condition}
        ORDER BY i.status NOT IN {PLAN_RUNNING}, i.sort_order, i.id
        """,
        params,
    )
    for row in rows:
        row["organisation"] = FAMILY if row["responsible_family"] else (row["person_organisation"] or row["responsible"] or "")
        # Whom an item is hidden from is staff's business only.
        row["hidden_from_ids"] = [] if parent is not None else ids(row["hidden_from_ids"])
    return rows


def item(family_id, item_id):
    """One plan item as staff see it in items(); None if not in the family."""
    return next(iter(items(family_id, item_id=item_id)), None)


def by_organisation(rows):
    """[(organisation, items)]: the family's own items first, then organisations A–Z.

    Parallel efforts show up side by side.
    """
    ordered = sorted(rows, key=lambda row: (row["organisation"] != FAMILY, row["organisation"].lower()))
    return [(organisation, list(group)) for organisation, group in groupby(ordered, key=lambda row: row["organisation"])]


def parallel_efforts(rows):
    """Running items of the same kind from two or more organisations: [(kind, [organisations], [items])]."""
    found = []
    running = [row for row in rows if row["status"] in PLAN_RUNNING and row["kind"] not in (None, "other")]
    for kind, group in groupby(sorted(running, key=lambda row: row["kind"]), key=lambda row: row["kind"]):
        group = list(group)
        organisations = sorted({row["organisation"] for row in group})
        if len(organisations) > 1:
            found.append((kind, organisations, group))
    return found


def updates(family_id, *, parent=None, limit=50, update_id=None):
    """Plan updates (or only update_id), newest first; a parent sees only published ones not hidden from them."""
    params = {"family": family_id, "limit": limit, "update": update_id}
    condition = "" if update_id is None else " AND u.id = :update"
    if parent is not None:
        condition += " AND " + access.parent_sees_sql("plan_update", "u")
        params["parent"] = parent["id"]
    rows = list(get_db().query(
        f"""
        SELECT u.*, s.name AS written_by,
               (SELECT group_concat(h.parent_id) FROM hidden_from_parents h
                 WHERE h.item_kind = 'plan_update' AND h.item_id = u.id) AS hidden_from_ids
        FROM plan_updates u LEFT JOIN staff s ON s.id = u.written_by_staff_id
        WHERE u.family_id = :family{condition}
        ORDER BY u.published_at IS NULL DESC, coalesce(u.published_at, u.created_at) DESC, u.id DESC LIMIT :limit
        """,
        params,
    ))
    for row in rows:
        row["hidden_from_ids"] = [] if parent is not None else ids(row["hidden_from_ids"])
    return rows


def update(family_id, update_id):
    """One plan update as staff see it in updates(); None if not in the family."""
    return next(iter(updates(family_id, update_id=update_id)), None)
