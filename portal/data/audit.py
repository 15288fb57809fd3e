"""Write events to the audit log. Never log tokens or a parent's words."""
import json

from flask import g

from .clock import now_text
from .db import get_db, writing


def record(action, *, actor_kind="system", actor_id=None, family_id=None, **detail):
    # A plain INSERT: sqlite-utils' insert() reads the table's schema first, on every page view.
    get_db().execute(
        "INSERT INTO audit_log (at, actor_kind, actor_id, action, family_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [now_text(), actor_kind, actor_id, action, family_id,
         json.dumps(detail, ensure_ascii=False) if detail else None],
    )


def after_response(write):
    """Run write() when the response is ready, in one transaction with the request's other such writes.

    For what a page view leaves behind (its audit line, what a coordinator has
    now seen): one commit instead of one each. If the writes fail, the page is
    not shown (the response becomes an error).
    """
    g.setdefault("after_response", []).append(write)


def write_after_response(response):
    pending = g.pop("after_response", None)
    if pending:
        with writing(get_db()):
            for write in pending:
                write()
    return response


def init_app(app):
    app.after_request(write_after_response)


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
