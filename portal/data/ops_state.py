"""What health checks and metrics read from the database: heartbeats, last runs, delivery counts.

Kept in the database (the `ops_state` table) rather than in a worker's memory,
so every gunicorn worker, and `familieportal healthcheck`, answers the same.
The delivery counts are kept by triggers on the outbox (migration m019_ops_state).
"""
import threading
import time

from .clock import from_db_time, now_text, utcnow
from .db import get_db, read_rows, write_unsynced

OUTBOX_WORKER = "outbox_worker"
# A worker writes its heartbeat at most this often; /readyz wants one under HEARTBEAT_MAX_AGE seconds old.
HEARTBEAT_EVERY = 10
HEARTBEAT_MAX_AGE = 60
RESULTS = ("sent", "retry", "failed", "dropped")

_UPSERT = ("INSERT INTO ops_state (name, at) VALUES (?, ?)"
           " ON CONFLICT (name) DO UPDATE SET at = excluded.at")
_last_beat = {}
_lock = threading.Lock()


def beat(name=OUTBOX_WORKER):
    """The outbox worker finished a round: note the time, at most every HEARTBEAT_EVERY seconds per process."""
    moment = time.monotonic()
    with _lock:
        if moment - _last_beat.get(name, -HEARTBEAT_EVERY) < HEARTBEAT_EVERY:
            return
        _last_beat[name] = moment
    # Losing a heartbeat to a power cut costs nothing: no wait for the disk.
    write_unsynced(get_db(), _UPSERT, [(name, now_text())])


def record_run(name):
    """A backup or retention run succeeded: note when."""
    get_db().execute(_UPSERT, [name, now_text()])


def read():
    """Every row of ops_state: {name: (at or None, count)}."""
    return {row["name"]: (row["at"], row["count"]) for row in read_rows(get_db(), "SELECT * FROM ops_state")}


def age_seconds(at):
    """Seconds since a stored time, or None if there is none."""
    return None if at is None else max(0.0, (utcnow() - from_db_time(at)).total_seconds())
