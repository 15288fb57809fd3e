"""Is the portal alive, and is it ready? The checks behind /livez, /readyz and `familieportal healthcheck`.

Liveness (/livez) only says the process answers: it touches nothing, so a
restart is never triggered by a database that is slow for a moment.
Readiness (/readyz, and the command) names each check:

- database: a fresh connection opens the file (never creating it) and reads
  within a short busy timeout;
- schema: no migration is pending (after an upgrade, the code and the
  database agree);
- outbox_worker: some worker (a thread in a gunicorn worker, or `familieportal
  deliver`) finished a round less than a minute ago, so e-mail and SMS go out.
"""
import sqlite3
import time

from sqlite_utils import Database

from ..data.migrations import migrations
from ..data import ops_state as state

# How long the database may make a reader wait before it counts as not answering.
BUSY_TIMEOUT_MS = 1000


def _database(path):
    """A read in a fresh connection: an open connection would not notice a file that was moved or replaced."""
    connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                 isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def checks(database_path):
    """Run every readiness check: (ready, {check: {"ok": bool, "detail": str}})."""
    results = {}
    started = time.perf_counter()
    try:
        connection = _database(database_path)
    except sqlite3.Error as error:
        connection = None
        results["database"] = {"ok": False, "detail": f"cannot open the database: {error}"}
    if connection is not None:
        try:
            db = Database(connection)
            pending = [m.name for m in migrations.pending(db)]
            results["database"] = {"ok": True, "detail": f"answered in {(time.perf_counter() - started) * 1000:.0f} ms"}
            results["schema"] = ({"ok": True, "detail": "at the newest migration"} if not pending else
                                 {"ok": False, "detail": f"{len(pending)} migration(s) pending: {', '.join(pending)};"
                                                         " run familieportal upgrade"})
            row = connection.execute("SELECT at FROM ops_state WHERE name = ?", [state.OUTBOX_WORKER]).fetchone() \
                if "ops_state" in db.table_names() else None
            age = state.age_seconds(row[0] if row else None)
            if age is None:
                results["outbox_worker"] = {"ok": False, "detail": "no outbox worker has run"}
            else:
                results["outbox_worker"] = {"ok": age < state.HEARTBEAT_MAX_AGE,
                                            "detail": f"last round {age:.0f} s ago"}
        except sqlite3.Error as error:
            results["database"] = {"ok": False, "detail": f"does not answer: {error}"}
        finally:
            connection.close()
    for name in ("schema", "outbox_worker"):
        results.setdefault(name, {"ok": False, "detail": "not checked: the database does not answer"})
    return all(check["ok"] for check in results.values()), results


def report(database_path):
    """The readiness answer as JSON-ready data, and whether it is ready."""
    ready, results = checks(database_path)
    return ready, {"status": "ready" if ready else "not ready", "checks": results}
