"""Sessions as rows: what the write side ends when a person's access or contact details change.

Starting, reading and ending one's own session belong to sign-in (portal.sign_in.sessions).
"""
from .clock import now_text
from .db import get_db


def end_all(user_kind, user_id):
    """End every session of a person, e.g. when their access or contact details change."""
    get_db().execute(
        "UPDATE sessions SET ended_at = ? WHERE user_kind = ? AND user_id = ? AND ended_at IS NULL",
        [now_text(), user_kind, user_id],
    )


def end_confirmed_with(user_kind, user_id, method):
    """End a person's sessions confirmed with `method` (e.g. a passkey the coordinator removed)."""
    get_db().execute(
        "UPDATE sessions SET ended_at = ? WHERE user_kind = ? AND user_id = ? AND method = ? AND ended_at IS NULL",
        [now_text(), user_kind, user_id, method],
    )
