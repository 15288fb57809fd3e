"""Write events to the audit log. Never log tokens or a parent's words."""
import json

from .clock import now_text
from .db import get_db


def record(action, *, actor_kind="system", actor_id=None, family_id=None, **detail):
    get_db()["audit_log"].insert(
        {
            "at": now_text(),
            "actor_kind": actor_kind,
            "actor_id": actor_id,
            "action": action,
            "family_id": family_id,
            "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
        }
    )


def for_family(family_id, *, limit=200, offset=0):
    """The family's audit lines, newest first, with who acted (admins read these)."""
    return list(get_db().query(
        """
        SELECT a.*, CASE a.actor_kind WHEN 'staff' THEN s.name WHEN 'parent' THEN p.name END AS actor_name
        FROM audit_log a
        LEFT JOIN staff s ON a.actor_kind = 'staff' AND s.id = a.actor_id
        LEFT JOIN parents p ON a.actor_kind = 'parent' AND p.id = a.actor_id
        WHERE a.family_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?
        """,
        [family_id, limit, offset],
    ))


def count_for_family(family_id):
    return get_db().execute("SELECT count(*) FROM audit_log WHERE family_id = ?", [family_id]).fetchone()[0]
