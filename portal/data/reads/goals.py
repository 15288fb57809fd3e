"""Goals with who wrote them and for whom, their 0–10 scores over time and the notes under them."""
from ..db import get_db, read_one

_GOALS = """
    SELECT g.*, wp.name AS written_by_parent, ws.name AS written_by_staff,
           c.first_name AS for_child, fp.name AS for_parent
    FROM goals g
    LEFT JOIN parents wp ON wp.id = g.written_by_parent_id
    LEFT JOIN staff ws ON ws.id = g.written_by_staff_id
    LEFT JOIN children c ON c.id = g.for_child_id
    LEFT JOIN parents fp ON fp.id = g.for_parent_id
    WHERE g.family_id = :family {condition}
    ORDER BY g.status != 'active', g.created_at DESC, g.id DESC
    LIMIT :limit
"""


def goals(family_id, *, with_notes=True, limit=100):
    """The family's goals, active ones first and newest first (at most `limit`), with score history."""
    rows = list(get_db().query(_GOALS.format(condition=""), {"family": family_id, "limit": limit}))
    _attach_history(rows, with_notes)
    return rows


def goal(family_id, goal_id):
    row = read_one(get_db(), _GOALS.format(condition="AND g.id = :goal"), {"family": family_id, "goal": goal_id, "limit": 1})
    if row is not None:
        _attach_history([row], True)
    return row


def _attach_history(rows, with_notes):
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["scores"], row["notes"] = [], []
        row["score"] = row["previous_score"] = row["score_on"] = None
    if not rows:
        return
    ids = list(by_id)
    marks = ", ".join("?" for _ in ids)
    db = get_db()
    for score in db.query(f"SELECT goal_id, score, note, noted_on FROM goal_scores WHERE goal_id IN ({marks})"
                          " ORDER BY noted_on, id", ids):
        by_id[score.pop("goal_id")]["scores"].append(score)
    for row in rows:
        if row["scores"]:
            row["score"], row["score_on"] = row["scores"][-1]["score"], row["scores"][-1]["noted_on"]
            row["previous_score"] = row["scores"][-2]["score"] if len(row["scores"]) > 1 else None
    if with_notes:
        for note in db.query(
            f"SELECT n.goal_id, n.text, n.status_from, n.status_to, n.created_at, s.name AS written_by"
            f" FROM goal_notes n LEFT JOIN staff s ON s.id = n.written_by_staff_id"
            f" WHERE n.goal_id IN ({marks}) ORDER BY n.created_at, n.id", ids,
        ):
            by_id[note.pop("goal_id")]["notes"].append(note)


def for_whom_options(family_id):
    """"family", "child:ID" and "parent:ID" of the family's active members -> name (None: the whole family)."""
    db = get_db()
    options = {"family": None}
    for child in db.query("SELECT id, first_name FROM children WHERE family_id = ? AND active = 1 ORDER BY birth_year",
                          [family_id]):
        options[f"child:{child['id']}"] = child["first_name"]
    for parent in db.query("SELECT id, name FROM parents WHERE family_id = ? AND active = 1 ORDER BY id", [family_id]):
        options[f"parent:{parent['id']}"] = parent["name"]
    return options
