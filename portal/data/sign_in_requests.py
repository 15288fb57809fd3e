"""One MitID round trip while it is under way, and the assertions already accepted.

The browser leaves for MitID with a random key in its (signed) cookie; the
row holds only the key's hash, the request we sent and where to go after.
NemLog-in posts its answer from its own site, so the browser's cookie does not
come with it (SameSite=Lax): the answer waits in the row until the browser
returns with the key, at most ROUND_TRIP later, and is deleted when it is read.
"""
import json
from datetime import datetime, timedelta

from .clock import now_text, to_db_time, utcnow
from .db import get_db
from ..tokens import hash_id

# How long a MitID round trip may take, from leaving for MitID to coming back.
ROUND_TRIP = timedelta(minutes=10)


def _fresh_since():
    return to_db_time(utcnow() - ROUND_TRIP)


def open_request(key, request_id, next_path):
    """Note a round trip we start: the key the browser keeps, the request we send, where to go after."""
    db = get_db()
    db.execute("DELETE FROM sign_in_requests WHERE created_at < ?", [_fresh_since()])
    db["sign_in_requests"].insert({"key_hash": hash_id(key), "request_id": request_id, "next_path": next_path,
                                   "created_at": now_text()})


def waiting(key):
    """The round trip of this key (from the identity provider's RelayState) if it is fresh and not answered yet."""
    return next(get_db().query(
        "SELECT * FROM sign_in_requests WHERE key_hash = ? AND created_at >= ? AND answer IS NULL",
        [hash_id(key or ""), _fresh_since()]), None)


def answer(key, identity):
    """Keep the identity provider's answer for the browser's return; False if it was answered already."""
    return get_db().execute(
        "UPDATE sign_in_requests SET answer = ? WHERE key_hash = ? AND answer IS NULL",
        [json.dumps(identity), hash_id(key)]).rowcount == 1


def take(key):
    """The round trip's row and its answer (a dict, or None if there is none yet), deleted: it is read once."""
    db = get_db()
    row = next(db.query("SELECT * FROM sign_in_requests WHERE key_hash = ? AND created_at >= ?",
                        [hash_id(key or ""), _fresh_since()]), None)
    if row is None or row["answer"] is None:
        return row, None
    if db.execute("DELETE FROM sign_in_requests WHERE key_hash = ? AND answer IS NOT NULL",
                  [row["key_hash"]]).rowcount != 1:
        return row, None  # another request took it a moment ago
    return row, json.loads(row["answer"])


def remember_assertion(assertion_id, not_on_or_after):
    """Note an accepted assertion's id until it expires; False if it was accepted before (a replay).

    `not_on_or_after` is the assertion's last moment as SAML writes it ("2026-12-03T09:05:00Z"); this is the
    `remember_assertion` that portal.sign_in.saml.read_response asks for.
    """
    until = to_db_time(datetime.fromisoformat(not_on_or_after.replace("Z", "+00:00")))
    db = get_db()
    db.execute("DELETE FROM saml_assertions_seen WHERE until < ?", [now_text()])
    return db.execute("INSERT OR IGNORE INTO saml_assertions_seen (assertion_id, until) VALUES (?, ?)",
                      [assertion_id, until]).rowcount == 1

