"""Crash test: parents keep writing goals while gunicorn (master and workers) is killed with SIGKILL.

    .venv/bin/python bench/crash.py              # 10 kills (~1 minute)
    .venv/bin/python bench/crash.py --kills 3    # shorter

The production gunicorn setup on loopback, with the demo data; writer threads, each
signed in as a parent, add goals back to back. A goal counts as acknowledged when the
portal answered its POST with the redirect. Every so often the whole gunicorn process
group is killed (kill -9) in the middle of the writes and started again; the writers
carry on with their sessions. At the end: PRAGMA integrity_check, and every
acknowledged goal must be in the database. tests/test_crash.py runs it with 2 kills.
"""
import argparse
import json
import http.client
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.servers import SERVER_NAME, Browser, Production  # noqa: E402

PARENTS = ["sara.holm@example.dk", "thomas.holm@example.dk", "nadia.yilmaz@example.dk",
           "martin.andersen@example.dk", "lene.nielsen@example.dk"]


def writer(browser, number, stop, acknowledged, lock):
    count = 0
    while not stop.is_set():
        count += 1
        text = f"crash {number} {count}"
        try:
            ok = browser.add_goal(text, timeout=5)
        except (OSError, http.client.HTTPException):
            # The portal is down, or was killed halfway through its answer (IncompleteRead):
            # not acknowledged, so not counted; try the next goal.
            time.sleep(0.05)
            continue
        if ok:
            with lock:
                acknowledged.append(text)


def run(kills=10, writers=5, seed=1):
    random.seed(seed)
    folder = Path(tempfile.mkdtemp(prefix="crash-"))
    env = {"FAMILIEPORTAL_PRODUCTION": "1", "FAMILIEPORTAL_SECRET_KEY": os.urandom(24).hex(),
           "FAMILIEPORTAL_BASE_URL": f"https://{SERVER_NAME}", "FAMILIEPORTAL_DATABASE": str(folder / "portal.db"),
           "FAMILIEPORTAL_OUTBOX_DIR": str(folder / "outbox"), "FAMILIEPORTAL_PROXY_COUNT": "1",
           "FAMILIEPORTAL_PARENT_WRITES_PER_HOUR": str(10 ** 9)}
    cli = [sys.executable, "-c", "from portal.command import main; main()"]
    subprocess.run([*cli, "demo"], env={**os.environ, **env}, check=True, capture_output=True)
    servers = Production(folder, env, nginx=False)
    port = servers.gunicorn_port
    clients = []
    for number in range(writers):
        link = subprocess.run([*cli, "link", PARENTS[number % len(PARENTS)]], env={**os.environ, **env}, check=True,
                              capture_output=True, text=True).stdout.strip().removeprefix(f"https://{SERVER_NAME}")
        browser = Browser(port, tls=False)
        browser.sign_in(link, folder / "portal.db")
        clients.append(browser)
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()
    threads = [threading.Thread(target=writer, args=(browser, number, stop, acknowledged, lock))
               for number, browser in enumerate(clients)]
    for thread in threads:
        thread.start()
    done = 0
    try:
        for _ in range(kills):
            time.sleep(random.uniform(0.5, 1.5))
            os.killpg(servers.gunicorn.pid, signal.SIGKILL)  # master and every worker, mid-write
            servers.gunicorn.wait()
            done += 1
            servers = Production(folder, env, nginx=False, port=port)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        servers.stop()
    import sqlite3

    connection = sqlite3.connect(folder / "portal.db")
    integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    stored = {row[0] for row in connection.execute("SELECT text FROM goals WHERE text LIKE 'crash %'")}
    connection.close()
    missing = [text for text in acknowledged if text not in stored]
    return {"kills": done, "acknowledged": len(acknowledged), "missing": len(missing), "integrity": integrity}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--writers", type=int, default=5)
    args = parser.parse_args()
    result = run(args.kills, args.writers)
    print(json.dumps(result, indent=2))
    ok = result["missing"] == 0 and result["integrity"] == "ok"
    print(f"{result['kills']} kills, {result['acknowledged']} acknowledged goals, {result['missing']} lost,"
          f" integrity {result['integrity']}: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
