"""Write events to the audit log. Never log tokens or a parent's words."""
import json

from . import behind
from .clock import now_text
from .db import get_db


_INSERT = "INSERT INTO audit_log (at, actor_kind, actor_id, action, family_id, detail) VALUES (?, ?, ?, ?, ?, ?)"


def _row(action, actor_kind, actor_id, family_id, detail):
    return [now_text(), actor_kind, actor_id, action, family_id,
            json.dumps(detail, ensure_ascii=False) if detail else None]


def record(action, *, actor_kind="system", actor_id=None, family_id=None, **detail):
    # A plain INSERT: sqlite-utils' insert() reads the table's schema first.
    get_db().execute(_INSERT, _row(action, actor_kind, actor_id, family_id, detail))


def record_view(action, *, actor_kind, actor_id, family_id, **detail):
    """Log that someone looked: written behind the page view (see behind.py), with the time of the view."""
    behind.views.add(get_db(), (_INSERT, _row(action, actor_kind, actor_id, family_id, detail)))


def for_family(family_id, *, limit=200, offset=0):
    """The family's audit lines, newest first, with who acted (admins read these)."""
    return list(get_db().query(
        """
        SELECT a.*, CASE a.actor_kind WHEN 'staff' THEN s.name WHEN 'parent' THEN p.name
                    WHEN 'professional' THEN pro.name END AS actor_name
        FROM audit_log a
        LEFT JOIN staff s ON a.actor_kind = 'staff' AND s.id = a.actor_id
        LEFT JOIN parents p ON a.actor_kind = 'parent' AND p.id = a.actor_id
        LEFT JOIN professionals pro ON a.actor_kind = 'professional' AND pro.id = a.actor_id
        WHERE a.family_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?
        """,
        [family_id, limit, offset],
    ))


def count_for_family(family_id):
    return get_db().execute("SELECT count(*) FROM audit_log WHERE family_id = ?", [family_id]).fetchone()[0]
