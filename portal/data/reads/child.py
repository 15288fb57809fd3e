"""What a child sees on their own page, and their own words as the family and staff read them.

What a child may see is decided in portal/data/access.py (child_sees_meeting_sql);
these reads take the signed-in child's row and never another family's ids.
"""
import json

from .. import access
from ..clock import now_text
from ..db import get_db, read_one, read_rows


def child(child_id):
    return read_one(get_db(), "SELECT * FROM children WHERE id = ?", [child_id])


def goals_for(child):
    """The goals for this child (for_child_id), active ones first; their text and status, nothing else."""
    return read_rows(get_db(), "SELECT id, text, status FROM goals WHERE family_id = ? AND for_child_id = ?"
                               " AND status IN ('active', 'reached') ORDER BY status != 'active', created_at DESC, id DESC",
                     [child["family_id"], child["id"]])


def next_meeting_for(child):
    """The next meeting about this child that they may see: when and where (no place of a protected home)."""
    row = read_one(get_db(), (
        "SELECT m.id, m.kind, m.starts_at, m.ends_at,"
        " CASE WHEN m.protected_home_parent_id IS NULL THEN m.place END AS place"
        f" FROM meetings m WHERE m.family_id = :family AND {access.child_sees_meeting_sql('m')}"
        " AND m.starts_at >= :now ORDER BY m.starts_at LIMIT 1"),
        {"family": child["family_id"], "child": child["id"], "now": now_text()})
    return row


def words_of(child_id):
    """A child's own words, oldest first."""
    return read_rows(get_db(), "SELECT id, kind, text, written_with, created_at FROM child_words WHERE child_id = ?"
                               " ORDER BY created_at, id", [child_id])


def bisidder_of(child_id):
    """What the child said last about a bisidder ({wanted, who, created_at}), or None."""
    return read_one(get_db(), "SELECT wanted, who, created_at FROM child_bisidder WHERE child_id = ?"
                              " ORDER BY created_at DESC, id DESC LIMIT 1", [child_id])


def voices_for_family(family_id):
    """Each active child of the family with their own words or a bisidder wish: [{first_name, words, bisidder}]."""
    db = get_db()
    children = read_rows(db, "SELECT id, first_name FROM children WHERE family_id = ? AND active = 1"
                             " ORDER BY birth_year, id", [family_id])
    voices = []
    for row in children:
        words, bisidder = words_of(row["id"]), bisidder_of(row["id"])
        if words or bisidder:
            voices.append({**row, "wishes": [w for w in words if w["kind"] == "wish"],
                           "hard": [w for w in words if w["kind"] == "hard"], "bisidder": bisidder})
    return voices


def sign_ins_for_family(family_id):
    """Each child's sign-in in force, by child id: {method, told (names), created_at, created_by}."""
    rows = read_rows(get_db(), "SELECT cs.child_id, cs.method, cs.told_parent_ids, cs.created_at, s.name AS created_by"
                               " FROM child_sign_ins cs LEFT JOIN staff s ON s.id = cs.created_by_staff_id"
                               " WHERE cs.family_id = ? AND cs.ended_at IS NULL", [family_id])
    names = {row[0]: row[1] for row in get_db().execute("SELECT id, name FROM parents WHERE family_id = ?",
                                                        [family_id])}
    return {row["child_id"]: {**row, "told": [names.get(i, "?") for i in json.loads(row["told_parent_ids"])]}
            for row in rows}


def sign_in_method(child_id):
    """How the child signs in ('mitid' or 'passkey') while their sign-in is in force; else None."""
    row = get_db().execute("SELECT method FROM child_sign_ins WHERE child_id = ? AND ended_at IS NULL",
                           [child_id]).fetchone()
    return row[0] if row else None
