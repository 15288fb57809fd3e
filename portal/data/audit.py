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
