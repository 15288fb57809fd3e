"""The family's one plan, grouped by organisation, and the plan updates."""
from itertools import groupby

from .. import access
from ..clock import today_text
from ..db import get_db, read_rows
from .family import ids
from ..vocabulary import PLAN_RUNNING

FAMILY = "family"  # the group of items the family itself is responsible for


def items(family_id, *, parent=None, item_id=None, professional=None):
    """Every plan item (or only item_id), running ones first, with who is responsible and the goal it serves.

    parent: only what that parent may see; professional (an id): only what that professional may see.
    """
    params = {"family": family_id, "today": today_text(), "item": item_id}
    condition = "" if item_id is None else " AND i.id = :item"
    if parent is not None:
        condition += " AND " + access.parent_sees_sql("plan_item", "i")
        params["parent"] = parent["id"]
    if professional is not None:
        condition += (" AND ((p.professional_id = :professional AND p.removed_at IS NULL)"
                      f" OR {access.professional_sees_sql('plan_item', 'i')})")
        params["professional"] = professional
    rows = read_rows(
        get_db(),
        f"""
        SELECT i.*, pro.name AS person_name, pro.phone AS person_phone, p.role AS person_role, p.organisation AS person_organisation,
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


def overlap(family_id, kind, organisation, *, item_id=None, professional=None):
    """Who else runs an effort of `kind` in the family, as parallel_efforts() would flag it beside an item of
    `organisation` (item_id: the item being changed, left out): [item rows], another organisation's only.

    The family's own items name no organisation to call, so they are left out; professional (an id): only items
    that professional may see.
    """
    if kind in (None, "", "other"):
        return []
    mine = (organisation or "").strip().lower()
    candidate = {"id": None, "kind": kind, "status": PLAN_RUNNING[0], "organisation": organisation or ""}
    rows = [row for row in items(family_id, professional=professional) if row["id"] != item_id] + [candidate]
    for found, _organisations, group in parallel_efforts(rows):
        if found == kind:
            return [row for row in group if row is not candidate and row["organisation"] != FAMILY
                    and row["organisation"].strip().lower() != mine]
    return []


def overlap_on_change(family_id, kind, status, organisation, *, before=None, professional=None):
    """overlap() when a change starts running an effort of `kind` for `organisation` (a new item, or one whose
    kind or organisation changes, or that starts again); [] for a change that starts nothing new."""
    if status not in PLAN_RUNNING:
        return []
    if before is not None and before["kind"] == kind and before["status"] in PLAN_RUNNING and (
            (before["organisation"] or "").strip().lower() == (organisation or "").strip().lower()):
        return []
    return overlap(family_id, kind, organisation, item_id=before["id"] if before else None, professional=professional)


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
