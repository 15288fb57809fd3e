"""Load on the production setup: many signed-in parents reading and writing at once.

    .venv/bin/python bench/load.py                  # 200 parents for 60 s through nginx (~2 minutes)
    .venv/bin/python bench/load.py --clients 20 --seconds 10    # a smoke test

gunicorn with portal/gunicorn_conf.py and deploy/nginx.conf in front (bench/servers.py),
on the generated 5,000-family database. Each client signs in as a different parent
(a link from the portal's own code, opened and confirmed over HTTPS) and then, on one
keep-alive connection, loads the home page or adds a goal (half and half) back to back.
A goal counts as acknowledged when the portal answered its POST with the redirect.

Printed: requests, errors (anything but the expected answer, or no answer), requests/s,
p95 latency, acknowledged goals missing from the database afterwards, and the largest
size the WAL file reached (sampled every 0.2 s). The per-parent write limit is lifted
for the run (FAMILIEPORTAL_PARENT_WRITES_PER_HOUR): it exists to stop exactly this.

Also printed: what synchronous=FULL costs a write, against NORMAL, measured in this
process on a copy of the same database (median time of adding a goal, 200 each).
"""
import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402
from bench.workload import database, issue_links, sample_parents  # noqa: E402
from bench.servers import SERVER_NAME, Browser, Production  # noqa: E402

OUT = REPO / "bench" / "out"


def run_client(parent, number, deadline, results, lock):
    latencies, errors, acknowledged, kinds = [], 0, [], {}
    count = 0
    while time.monotonic() < deadline:
        count += 1
        write = count % 2 == 0
        started = time.monotonic()
        try:
            if write:
                text = f"load {number} {count}"
                status = "not acknowledged"
                ok = parent.add_goal(text)
                if ok:
                    acknowledged.append(text)
            else:
                status, page = parent.request("GET", "/")
                ok = status == 200 and 'id="kontakt"' in page
        except Exception as error:  # noqa: BLE001 - a request that got no answer is an error
            ok, status = False, type(error).__name__
        latencies.append(time.monotonic() - started)
        errors += not ok
        if not ok:
            key = f"{'POST /goals' if write else 'GET /'} {status}"
            kinds[key] = kinds.get(key, 0) + 1
    with lock:
        results["latencies"].extend(latencies)
        results["errors"] += errors
        results["acknowledged"].extend(acknowledged)
        for key, count in kinds.items():
            results["error_kinds"][key] = results["error_kinds"].get(key, 0) + count


def watch_wal(path, stop, sizes):
    wal = Path(f"{path}-wal")
    while not stop.wait(0.2):
        try:
            sizes.append(wal.stat().st_size)
        except FileNotFoundError:
            sizes.append(0)


def synchronous_cost(db_path, writes=200):
    """Median time of adding a goal through the write module, synchronous=FULL against NORMAL."""
    import sqlite3

    from portal import create_app
    from portal.data import db as portal_db
    from portal.data.changes import Actor, goals

    results = {}
    for mode in ("NORMAL", "FULL"):
        copy = OUT / f"sync-{mode}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(db_path)
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        app = create_app({"DATABASE": str(copy), "PARENT_WRITES_PER_HOUR": 10 ** 9, "BASE_URL": "http://127.0.0.1"})
        parent = 1
        times = []
        with app.test_request_context():
            connection = portal_db.get_db()
            connection.execute(f"PRAGMA synchronous = {mode}")
            for number in range(writes):
                started = time.perf_counter()
                goals.add_goal(Actor("parent", parent), 1, text=f"Mål {number}")
                times.append(time.perf_counter() - started)
        connection.conn.close()
        portal_db._per_thread.__dict__.clear()  # the next mode opens its own connection
        results[mode] = statistics.median(times)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="signed-in parents at once (default 200)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs (default 60)")
    parser.add_argument("--families", type=int, default=5000, help="families in the database (default 5000)")
    args = parser.parse_args()
    db_path = database(args.families)
    secret = os.urandom(24).hex()
    env = {"FAMILIEPORTAL_PRODUCTION": "1", "FAMILIEPORTAL_SECRET_KEY": secret,
           "FAMILIEPORTAL_BASE_URL": f"https://{SERVER_NAME}", "FAMILIEPORTAL_DATABASE": str(db_path),
           "FAMILIEPORTAL_OUTBOX_DIR": str(OUT / "outbox"), "FAMILIEPORTAL_PROXY_COUNT": "1",
           "FAMILIEPORTAL_PARENT_WRITES_PER_HOUR": str(10 ** 9)}
    parents = sample_parents(db_path, args.clients)
    urls = issue_links(db_path, parents, f"https://{SERVER_NAME}", secret)
    folder = OUT / "load-servers"
    folder.mkdir(parents=True, exist_ok=True)
    # All the clients are at 127.0.0.1: nginx's limit of 30 requests at once from one
    # address would answer most of them 429, as it should for one real address.
    servers = Production(folder, env, per_address=args.clients * 2)
    sizes, stop = [], threading.Event()
    try:
        browsers = []
        for url in urls:
            browser = Browser(servers.https_port)
            browser.sign_in(url.removeprefix(f"https://{SERVER_NAME}"), db_path)
            browsers.append(browser)
        watcher = threading.Thread(target=watch_wal, args=(db_path, stop, sizes), daemon=True)
        watcher.start()
        results, lock = {"latencies": [], "errors": 0, "acknowledged": [], "error_kinds": {}}, threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=run_client, args=(browser, number, deadline, results, lock))
                   for number, browser in enumerate(browsers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
    finally:
        servers.stop()
    db = generate.connect(db_path)
    stored = {row[0] for row in db.execute("SELECT text FROM goals WHERE text LIKE 'load %'")}
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.conn.close()
    missing = [text for text in results["acknowledged"] if text not in stored]
    latencies = sorted(results["latencies"])
    summary = {
        "clients": args.clients, "seconds": args.seconds, "requests": len(latencies), "errors": results["errors"], "error_kinds": results["error_kinds"],
        "requests_per_s": round(len(latencies) / args.seconds, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else None,
        "acknowledged_goals": len(results["acknowledged"]), "acknowledged_missing": len(missing),
        "integrity": integrity, "wal_max_mb": round(max(sizes or [0]) / 2 ** 20, 1),
        "wal_end_mb": round((sizes or [0])[-1] / 2 ** 20, 1),
    }
    cost = synchronous_cost(db_path)
    summary["write_ms_normal"] = round(cost["NORMAL"] * 1000, 2)
    summary["write_ms_full"] = round(cost["FULL"] * 1000, 2)
    summary["full_over_normal"] = round(cost["FULL"] / cost["NORMAL"], 2)
    print(json.dumps(summary, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
