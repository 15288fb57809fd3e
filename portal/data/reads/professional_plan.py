"""A professional's own plan items (Mine opgaver), and the notes professionals wrote on plan items."""
from itertools import groupby

from .. import access
from ..clock import today_text
from ..db import get_db, read_rows
from ..vocabulary import PLAN_RUNNING


def my_items(professional_id):
    """[(family {"id", "name"}, [items])]: their open items in families they may see; overdue first, in one query.

    Families with an overdue item come first, then by name; in a family, overdue items first, then by due date.
    """
    rows = read_rows(get_db(), f"""
        SELECT i.id, i.family_id, fam.name AS family_name, i.what, i.kind, i.status, i.due_on, i.when_text,
               (i.due_on < :today) AS overdue,
               max(i.due_on < :today) OVER (PARTITION BY i.family_id) AS family_overdue
        FROM plan_items i JOIN people_involved owner ON owner.id = i.responsible_person_id
        JOIN families fam ON fam.id = i.family_id
        WHERE owner.professional_id = :professional AND owner.removed_at IS NULL AND owner.scope = 'family'
          AND i.status IN {PLAN_RUNNING} AND {access.professional_families_sql('fam')}
        ORDER BY family_overdue DESC, fam.name COLLATE NOCASE, fam.id,
                 overdue DESC, i.due_on IS NULL, i.due_on, i.id""",
        {"professional": professional_id, "today": today_text()})
    return [({"id": family_id, "name": group[0]["family_name"]}, group)
            for family_id, group in ((key, list(items)) for key, items in groupby(rows, key=lambda r: r["family_id"]))]


_NOTES = """
    SELECT n.id, n.plan_item_id, n.body, n.created_at, n.professional_id, pro.name AS written_by
    FROM plan_item_notes n JOIN professionals pro ON pro.id = n.professional_id
"""


def notes(item_id):
    """The notes on a plan item, newest first."""
    return read_rows(get_db(), _NOTES + " WHERE n.plan_item_id = ? ORDER BY n.id DESC", [item_id])


def notes_by_item(family_id):
    """{plan item id: [notes, newest first]} of a family, for its coordinator."""
    found = {}
    for note in read_rows(get_db(), _NOTES + " WHERE n.family_id = ? ORDER BY n.id DESC", [family_id]):
        found.setdefault(note["plan_item_id"], []).append(note)
    return found
