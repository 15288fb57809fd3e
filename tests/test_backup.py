"""familieportal backup and restore: consistent under write load, atomic, checked, and never under a running portal."""
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from portal.data import serving
from portal.data.backup import BackupError, backup, restore

ROOT = Path(__file__).resolve().parent.parent


def writer(path, acknowledged, stop):
    """Add goals one commit at a time; a goal counts once its commit returned."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA synchronous = FULL")
    number = 0
    while not stop.is_set():
        number += 1
        cursor = connection.execute(
            "INSERT INTO goals (family_id, text, status, created_at) VALUES (1, ?, 'active', '2026-01-01T00:00:00Z')",
            [f"load {threading.get_ident()} {number}"])
        acknowledged.append(cursor.lastrowid)
    connection.close()


def test_a_backup_taken_under_write_load_is_sound_and_holds_every_acknowledged_write(app, runner, tmp_path):
    database = app.config["DATABASE"]
    acknowledged, stop = [], threading.Event()
    threads = [threading.Thread(target=writer, args=(database, acknowledged, stop)) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        before_backup = set(acknowledged)
        result = runner.invoke(args=["backup", str(tmp_path / "backups" / "nightly.db")])
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert result.exit_code == 0, result.output
    assert len(before_backup) > 20
    copy = tmp_path / "backups" / "nightly.db"
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert [p.name for p in copy.parent.iterdir()] == ["nightly.db"]  # no partial file left behind
    restored = tmp_path / "restored.db"
    restore(copy, restored)
    connection = sqlite3.connect(restored)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {row[0] for row in connection.execute("SELECT id FROM goals")}
    assert before_backup <= ids
    assert len(ids & set(acknowledged)) < len(acknowledged)  # writes went on while the backup ran


def test_restore_puts_the_backup_in_place_for_connections_already_open(app, runner, tmp_path):
    database = app.config["DATABASE"]
    runner.invoke(args=["backup", str(tmp_path / "before.db")])
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("DELETE FROM goal_scores")
    assert live.execute("SELECT count(*) FROM goal_scores").fetchone()[0] == 0
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "before.db")])
    assert result.exit_code == 0, result.output
    assert live.execute("SELECT count(*) FROM goal_scores").fetchone()[0] == 3
    assert live.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_a_file_that_is_not_a_sound_portal_database(app, runner, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)")
    for source in (junk, other):
        result = runner.invoke(args=["restore", "--yes", str(source)])
        assert result.exit_code != 0
    with pytest.raises(BackupError):
        restore(junk, tmp_path / "target.db")
    live = sqlite3.connect(app.config["DATABASE"])
    assert live.execute("SELECT count(*) FROM families").fetchone()[0] == 3


def test_a_backup_replaces_the_previous_one_atomically(app, tmp_path):
    target = tmp_path / "latest.db"
    target.write_bytes(b"yesterday")
    backup(app.config["DATABASE"], target)
    assert sqlite3.connect(target).execute("SELECT count(*) FROM families").fetchone()[0] == 3


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(what, app, tmp_path):
    """Start the portal (gunicorn or `familieportal serve`) or `familieportal deliver` as a process; wait till it works."""
    import urllib.request

    from portal.data import outbox as outbox_rows

    port = free_port()
    outbox = tmp_path / "outbox"
    env = {**os.environ, "FAMILIEPORTAL_DATABASE": app.config["DATABASE"], "FAMILIEPORTAL_OUTBOX_DIR": str(outbox),
           "FAMILIEPORTAL_BIND": f"127.0.0.1:{port}", "FAMILIEPORTAL_WORKERS": "1", "FAMILIEPORTAL_THREADS": "2"}
    cli = [sys.executable, "-c", "from portal.command import main; main()"]
    command = {"gunicorn": [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal:create_app()"],
               "serve": [*cli, "serve", "--port", str(port)],
               "deliver": [*cli, "deliver"]}[what]
    with app.app_context():  # every one of them sends what is queued: a sent message says it is at work
        outbox_rows.queue_case_closed("email", "someone@example.dk", family_id=1, parent_id=1)
    log = open(tmp_path / f"{what}.log", "w+")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if what == "deliver" or urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).status == 200:
                if outbox.exists() and any(outbox.iterdir()):
                    return process, log
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"{what} did not start: " + (tmp_path / f"{what}.log").read_text())


@pytest.mark.parametrize("what", ["gunicorn", "serve", "deliver"])
def test_restore_refuses_while_the_portal_runs_and_works_once_it_is_stopped(app, runner, tmp_path, what):
    database = app.config["DATABASE"]
    backup(database, tmp_path / "before.db")
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("DELETE FROM goal_scores")  # written after the backup
    process, log = start(what, app, tmp_path)
    try:
        refused = runner.invoke(args=["restore", "--yes", str(tmp_path / "before.db")])
        assert refused.exit_code == 1
        assert "The portal is running" in refused.output and "Stop the portal" in refused.output
        assert live.execute("SELECT count(*) FROM goal_scores").fetchone()[0] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    restored = runner.invoke(args=["restore", "--yes", str(tmp_path / "before.db")])
    assert restored.exit_code == 0, restored.output
    assert live.execute("SELECT count(*) FROM goal_scores").fetchone()[0] == 3
