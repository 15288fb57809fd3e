"""/livez, /readyz and `familieportal healthcheck`: alive without the database; ready names each check."""
import json
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

from portal import create_app
from portal.data.clock import to_db_time, utcnow
from portal.data.db import get_db
from portal.data import ops_state as state

from conftest import database_before


def beat(app):
    with app.app_context():
        state._last_beat.clear()
        state.beat()


def test_livez_answers_without_touching_the_database(tmp_path, monkeypatch):
    database = tmp_path / "portal.db"
    app = create_app({"TESTING": True, "DATABASE": str(database), "BASE_URL": "http://localhost"})
    client = app.test_client()

    def no_database(*args, **kwargs):
        raise AssertionError("/livez opened a database connection")

    with monkeypatch.context() as patched:
        patched.setattr(sqlite3, "connect", no_database)
        response = client.get("/livez")
    assert response.status_code == 200 and response.json == {"status": "alive"}
    assert list(tmp_path.iterdir()) == []  # nothing was opened, or made
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["database"]["ok"] is False
    assert list(tmp_path.iterdir()) == []  # a readiness check never creates a database


def test_readyz_is_ready_when_the_database_answers_the_schema_is_current_and_the_outbox_worker_runs(app, client):
    beat(app)
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json["status"] == "ready"
    assert {name: check["ok"] for name, check in response.json["checks"].items()} == {
        "database": True, "schema": True, "outbox_worker": True}
    assert response.headers["Content-Type"] == "application/json"


def test_readyz_turns_503_when_the_outbox_worker_has_stopped(app, client):
    assert client.get("/readyz").json["checks"]["outbox_worker"] == {"ok": False, "detail": "no outbox worker has run"}
    beat(app)
    assert client.get("/readyz").status_code == 200
    with app.app_context():  # the worker's last round was a minute ago
        get_db().execute("UPDATE ops_state SET at = ? WHERE name = ?",
                         [to_db_time(utcnow() - timedelta(seconds=state.HEARTBEAT_MAX_AGE + 1)), state.OUTBOX_WORKER])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["outbox_worker"]["ok"] is False
    assert response.json["checks"]["database"]["ok"] is True


def test_a_worker_writes_its_heartbeat_at_most_every_ten_seconds(app, db):
    beat(app)
    first = db["ops_state"].get(state.OUTBOX_WORKER)["at"]
    db.execute("UPDATE ops_state SET at = '2026-01-01T00:00:00Z' WHERE name = ?", [state.OUTBOX_WORKER])
    with app.app_context():
        state.beat()  # within ten seconds of the last: no write
    assert db["ops_state"].get(state.OUTBOX_WORKER)["at"] == "2026-01-01T00:00:00Z"
    beat(app)
    assert db["ops_state"].get(state.OUTBOX_WORKER)["at"] >= first


def test_readyz_turns_503_when_the_database_is_unreadable(app, client):
    beat(app)
    database = app.config["DATABASE"]
    with open(database, "r+b") as file:  # the header is overwritten: no longer a database
        file.write(b"this is not a database any more" * 4)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False
    assert response.json["checks"]["schema"]["ok"] is False  # not checked: said so, not passed


def close_this_threads_connections():
    from portal.data import db

    for connection in db._per_thread.__dict__.pop("connections", {}).values():
        connection.conn.close()


def test_readyz_turns_503_within_a_short_busy_timeout_when_the_database_does_not_answer(app, client):
    beat(app)
    close_this_threads_connections()  # exclusive mode needs the file to itself
    # Another process holds the database exclusively (as a stuck writer in exclusive mode would).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({app.config['DATABASE']!r}, isolation_level=None)\n"
         "c.execute('PRAGMA locking_mode = EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
         "c.execute('SELECT count(*) FROM families').fetchone()\n"
         "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        response = client.get("/readyz")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert response.status_code == 503 and response.json["checks"]["database"]["ok"] is False
    assert waited < 5, waited
    assert client.get("/readyz").status_code == 200  # let go: ready again


def test_readyz_turns_503_while_a_migration_is_pending(tmp_path):
    from portal.data.db import migrations

    newest = migrations._migrations[-1].name  # the one a new release brings
    db = database_before(tmp_path / "old.db", newest)
    db.conn.close()
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "old.db"), "BASE_URL": "http://localhost"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["schema"] == {
        "ok": False, "detail": f"1 migration(s) pending: {newest}; run familieportal upgrade"}


def test_the_operations_endpoints_answer_any_host_and_only_get(tmp_path, demo_database):
    """Prometheus and systemd ask 127.0.0.1:8000 straight, not the portal's public name."""
    app = create_app({"DATABASE": str(demo_database), "PRODUCTION": True, "SECRET_KEY": "s" * 40,
                      "BASE_URL": "https://familie.example.dk"})
    client = app.test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 400  # the portal's pages do not
    for path in ("/livez", "/readyz", "/metrics"):
        assert client.get(path, headers={"Host": "127.0.0.1:8000"}).status_code == {"/readyz": 503}.get(path, 200), path
        assert client.post(path).status_code == 405
        assert client.head(path).data == b""


def test_healthcheck_prints_the_checks_as_json_and_exits_1_when_not_ready(app, runner):
    result = runner.invoke(args=["healthcheck"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["status"] == "not ready" and report["checks"]["outbox_worker"]["ok"] is False
    beat(app)
    result = runner.invoke(args=["healthcheck"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "ready"


def test_a_request_id_from_nginx_is_kept_and_anything_else_is_replaced(app):
    from portal.ops import wsgi

    seen = {}

    def inner(environ, start_response):
        seen["id"] = environ["HTTP_X_REQUEST_ID"]
        start_response("200 OK", [])
        return [b""]

    middleware = wsgi.Operations(app, inner)
    for sent, kept in (("0f1e2d3c4b5a69788796a5b4c3d2e1f0", True), ("sara.holm@example.dk", False), (None, False)):
        environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET"}
        if sent:
            environ["HTTP_X_REQUEST_ID"] = sent
        middleware(environ, lambda status, headers, exc_info=None: None)
        assert (seen["id"] == sent) is kept
        assert wsgi.REQUEST_ID.fullmatch(seen["id"])
