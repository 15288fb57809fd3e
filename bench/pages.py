"""Benchmark the parent's home page and the coordinator's pages at Copenhagen scale.

    .venv/bin/python bench/pages.py                     # full run, about 3 minutes once the databases exist
    .venv/bin/python bench/pages.py --quick             # smaller and shorter, for a smoke test
    .venv/bin/python bench/pages.py --skip-throughput   # only the render times (part 2)

1. Throughput of the parent's home page. The portal (on the generated 5,000-family
   database) and a bare Flask "hello" app (bench/hello_app.py) are both served by
   gunicorn on 127.0.0.1 with the portal's production settings
   (portal/gunicorn_conf.py: gthread workers). Each load-generator thread signs in
   as a different parent over HTTP, then a closed loop of keep-alive requests runs
   for a fixed time. Rounds alternate hello, home, home uncached, hello, ... Each
   round's home ÷ hello is a paired ratio (both measured under the same load); the
   figure is their median.
   Figure: home requests/s ÷ hello requests/s (target ≥ 0.5 with the page cache;
   the figure with the cache off is reported for information).
2. Render time at scale. In-process (Flask's test client, no network, page cache
   off), in a 100-, a 5,000- and a 10,000-family database: the home page of parents
   spread evenly over the database, the caseload of coordinators with 30 families,
   and the overview, meetings and plan pages of families spread evenly over the
   database, each signed in the way a parent or a coordinator signs in. Renders are
   interleaved between the databases.
   Figure per page: median render time at 10,000 ÷ at 100 families (target ≤ 1.2).
   The SQL statements each page runs are counted too (once per subject, outside the
   timing): a count that grows with the database is a query per row.

Everything runs on loopback only and is bounded in time. Each run works on fresh
copies of the generated databases (bench/out/run-*.db), so what one run writes
(sessions, audit lines, what a coordinator has seen) never changes the next.
Exits 0 even when a target is missed (the summary says MISSED); a JSON result is
written to bench/out/.
"""
import argparse
import gzip
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

HOST = "127.0.0.1"  # loopback only, always
OUT = REPO / "bench" / "out"
THROUGHPUT_TARGET = 0.5
SCALE_TARGET = 1.2
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
HOME_MARKER = 'id="kontakt"'  # only the signed-in home page has this section


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small databases and short rounds (smoke test)")
    parser.add_argument("--skip-throughput", action="store_true", help="measure only the render times")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per throughput round (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds per app (default 5)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one signed-in parent each (default 8)")
    parser.add_argument("--throughput-families", type=int, default=5000,
                        help="families in the served (Copenhagen) database, also rendered (default 5000)")
    parser.add_argument("--small", type=int, default=100, help="families in the small database (default 100)")
    parser.add_argument("--large", type=int, default=10000, help="families in the large database (default 10000)")
    parser.add_argument("--parents", type=int, default=50, help="parents sampled per database for render time (default 50)")
    parser.add_argument("--coordinators", type=int, default=10,
                        help="coordinators (with a full caseload) sampled per database (default 10)")
    parser.add_argument("--families", type=int, default=30,
                        help="families sampled per database for the family pages (default 30)")
    parser.add_argument("--renders", type=int, default=10, help="renders per sampled subject and page (default 10)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds, args.concurrency = 2.0, 1, 4
        args.throughput_families, args.small, args.large = 200, 20, 400
        args.parents, args.coordinators, args.families, args.renders = 10, 3, 10, 3
    args.duration = min(max(args.duration, 0.5), 60.0)
    args.rounds = min(max(args.rounds, 1), 10)
    args.concurrency = min(max(args.concurrency, 1), 64)
    args.renders = min(max(args.renders, 1), 100)
    return args


def database(families):
    """A fresh copy of the generated database for `families` (generated if missing or stale)."""
    path = OUT / f"families-{families}.db"
    started = time.perf_counter()
    if generate.ensure(path, families):
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"  reusing {path.name}")
    # The benchmark writes (sessions, audit lines, what a coordinator has seen):
    # it works on a copy, so every run starts from the same data.
    run = OUT / f"run-families-{families}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, run)
    return run


def sample_parents(path, count):
    """Ids of the first parent of `count` families spread evenly over the database."""
    db = generate.connect(path)
    try:
        families = db.execute("SELECT max(id) FROM families").fetchone()[0]
        step = max(1, families // count)
        wanted = list(range(1, families + 1, step))[:count]
        return [
            db.execute("SELECT min(id) FROM parents WHERE family_id = ?", [family_id]).fetchone()[0]
            for family_id in wanted
        ]
    finally:
        db.conn.close()


# --- gunicorn ------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """One gunicorn master with the portal's settings, on 127.0.0.1, stopped on exit."""

    def __init__(self, app_spec, env, log_path):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILIEPORTAL_")}
        for keep in ("FAMILIEPORTAL_WORKERS", "FAMILIEPORTAL_THREADS"):
            if keep in os.environ:
                child_env[keep] = os.environ[keep]
        child_env.update(env)
        child_env["FAMILIEPORTAL_BIND"] = f"{HOST}:{self.port}"
        child_env["FAMILIEPORTAL_BASE_URL"] = self.base_url
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", app_spec],
            cwd=REPO, env=child_env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_up(timeout=30)

    def _wait_until_up(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log.name}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start within {timeout} s; see {self.log.name}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def gunicorn_settings():
    """Worker class, workers and threads as portal/gunicorn_conf.py decides them."""
    import importlib

    conf = importlib.import_module("portal.gunicorn_conf")
    return {"worker_class": conf.worker_class, "workers": conf.workers, "threads": conf.threads}


# --- HTTP client -----------------------------------------------------------------


class Browser:
    """A keep-alive HTTP/1.1 connection with a tiny cookie jar."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        headers = {"Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self.conn.sock is not None
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if not reused or body is not None:
                raise
            # The server closed an idle keep-alive connection (gunicorn's keepalive
            # setting); like a browser, retry a GET once on a new connection.
            return self.request(method, path, body)
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return response.status, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sign_in_over_http(port, link_url):
    """Open the link, press Fortsæt (POST with the CSRF token), keep the session cookie."""
    from urllib.parse import urlencode

    browser = Browser(port)
    path = urlsplit(link_url).path
    status, page = browser.request("GET", path)
    match = CSRF.search(page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"sign-in page: HTTP {status}, no CSRF token")
    status, _ = browser.request("POST", path, body=urlencode({"csrf_token": match.group(1)}))
    if status != 302:
        raise RuntimeError(f"sign-in POST: HTTP {status}")
    status, page = browser.request("GET", "/")
    if status != 200 or HOME_MARKER.encode() not in page:
        raise RuntimeError(f"home page after sign-in: HTTP {status}")
    return browser


def bench_app(db_path, secret_key, base_url, page_cache=True):
    """The portal in this process, configured like the served one whatever the shell exports."""
    from portal import create_app

    return create_app({"DATABASE": str(db_path), "SECRET_KEY": secret_key, "BASE_URL": base_url,
                       "PRODUCTION": False, "PROXY_COUNT": 0, "OUTBOX_DIR": str(OUT / "outbox"),
                       "PAGE_CACHE": page_cache})


def issue_links(db_path, parent_ids, base_url, secret_key):
    """Sign-in URLs for these parents, made by the portal's own link code."""
    from portal.sign_in import links

    app = bench_app(db_path, secret_key, base_url)
    with app.app_context():
        return [links.issue("parent", parent_id) for parent_id in parent_ids]


def closed_loop(browsers, path, duration, check=None):
    """Each browser sends requests back to back for `duration` seconds."""
    results = [{"ok": 0, "errors": 0, "latencies": []} for _ in browsers]
    start = threading.Barrier(len(browsers) + 1)
    deadline = [0.0]

    def run(browser, result):
        start.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline[0]:
                return
            try:
                status, body = browser.request("GET", path)
            except (http.client.HTTPException, OSError):
                result["errors"] += 1
                continue
            if status == 200 and (check is None or check in body):
                result["ok"] += 1
                result["latencies"].append(time.perf_counter() - t0)
            else:
                result["errors"] += 1

    threads = [threading.Thread(target=run, args=(b, r), daemon=True) for b, r in zip(browsers, results)]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu0
    latencies = sorted(x for r in results for x in r["latencies"])
    ok = sum(r["ok"] for r in results)
    return {
        "requests_per_second": ok / elapsed,
        "ok": ok,
        "errors": sum(r["errors"] for r in results),
        "seconds": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
        "client_cpu_share": cpu / elapsed / (os.cpu_count() or 1),
    }


def throughput(args, db_path, secret_key):
    """Requests/s of the home page and of hello, alternating rounds, same gunicorn settings."""
    env = {"FAMILIEPORTAL_DATABASE": str(db_path), "FAMILIEPORTAL_SECRET_KEY": secret_key,
           "FAMILIEPORTAL_OUTBOX_DIR": str(OUT / "outbox")}
    portal = uncached = hello = None
    try:
        portal = Gunicorn("portal:create_app()", env, OUT / "gunicorn-portal.log")
        # The same portal with its page cache off: what every first view costs.
        uncached = Gunicorn("portal:create_app()", {**env, "FAMILIEPORTAL_PAGE_CACHE": "0"},
                            OUT / "gunicorn-portal-uncached.log")
        hello = Gunicorn("bench.hello_app:app", env, OUT / "gunicorn-hello.log")
        parents = sample_parents(db_path, args.concurrency)
        urls = issue_links(db_path, parents, portal.base_url, secret_key)
        home_browsers = [sign_in_over_http(portal.port, url) for url in urls]
        urls = issue_links(db_path, parents, uncached.base_url, secret_key)
        uncached_browsers = [sign_in_over_http(uncached.port, url) for url in urls]
        hello_browsers = [Browser(hello.port) for _ in urls]
        status, page = home_browsers[0].request("GET", "/")
        page_bytes = {"html": len(page), "html_gzip": len(gzip.compress(page))}
        # Warm up: the worker behind each connection imports, compiles templates
        # and loads translations before anything is timed.
        for browser in hello_browsers + home_browsers + uncached_browsers:
            for _ in range(5):
                browser.request("GET", "/")
        rounds = {"hello": [], "home": [], "home_uncached": []}
        for number in range(args.rounds):
            rounds["hello"].append(closed_loop(hello_browsers, "/", args.duration, check=b"Hello"))
            rounds["home"].append(closed_loop(home_browsers, "/", args.duration, check=HOME_MARKER.encode()))
            rounds["home_uncached"].append(
                closed_loop(uncached_browsers, "/", args.duration, check=HOME_MARKER.encode()))
            print(f"  round {number + 1}: hello {rounds['hello'][-1]['requests_per_second']:,.0f} req/s,"
                  f" home {rounds['home'][-1]['requests_per_second']:,.0f} req/s,"
                  f" home uncached {rounds['home_uncached'][-1]['requests_per_second']:,.0f} req/s")
        for browser in home_browsers + uncached_browsers + hello_browsers:
            browser.close()
    finally:
        for server in (portal, uncached, hello):
            if server is not None:
                server.stop()
    median = {name: statistics.median(r["requests_per_second"] for r in runs) for name, runs in rounds.items()}
    return {
        "rounds": rounds,
        "hello_rps": median["hello"],
        "home_rps": median["home"],
        # Rounds alternate, so each round's pair saw the same machine load:
        # the median of the paired ratios is the figure; the ratio of the
        # medians is kept for comparison.
        "ratio": _paired_ratio(rounds["home"], rounds["hello"]),
        "ratio_of_medians": median["home"] / median["hello"],
        "home_uncached_rps": median["home_uncached"],
        "uncached_ratio": _paired_ratio(rounds["home_uncached"], rounds["hello"]),
        "page_bytes": page_bytes,
        "errors": sum(r["errors"] for runs in rounds.values() for r in runs),
    }


def _paired_ratio(runs, baseline_runs):
    return statistics.median(
        run["requests_per_second"] / base["requests_per_second"] for run, base in zip(runs, baseline_runs)
    )


# --- render time at scale ----------------------------------------------------------

# (name, who signs in, path, a text only the right page has). {family} is a family id.
PAGES = [
    ("parent home", "parent", "/", HOME_MARKER),
    ("caseload", "staff", "/staff/", 'id="familier"'),
    ("family overview", "staff", "/staff/families/{family}", 'id="nyt"'),
    ("family meetings", "staff", "/staff/families/{family}/meetings", 'id="kommende"'),
    ("family plan", "staff", "/staff/families/{family}/plan", 'class="page-title"'),
]
# The pages the issue's render-time target is about; the others are measured alike.
TARGET_PAGES = ("caseload", "family overview")


def sample_coordinators(path, count):
    """Coordinators with a full caseload (and covering for no one), spread evenly over the database."""
    params = generate.read_params(path)
    db = generate.connect(path)
    try:
        rows = db.execute(
            """
            SELECT s.id, count(*) AS families FROM staff s JOIN families f ON f.coordinator_id = s.id
            WHERE s.role = 'coordinator' AND s.active = 1 AND f.active = 1
              AND NOT EXISTS (SELECT 1 FROM staff away WHERE away.covered_by_id = s.id AND away.away_until IS NOT NULL)
            GROUP BY s.id ORDER BY s.id
            """
        ).fetchall()
    finally:
        db.conn.close()
    full = max(n for _id, n in rows)
    wanted = min(full, params["families_per_coordinator"]) if params else full
    ids = [staff_id for staff_id, n in rows if n == wanted]
    step = max(1, len(ids) // count)
    return ids[::step][:count], wanted


def sample_families(path, count):
    """(family id, its coordinator) of `count` families spread evenly over the database."""
    db = generate.connect(path)
    try:
        families = db.execute("SELECT max(id) FROM families").fetchone()[0]
        step = max(1, families // count)
        wanted = list(range(1, families + 1, step))[:count]
        return [tuple(db.execute("SELECT id, coordinator_id FROM families WHERE id = ?", [family_id]).fetchone())
                for family_id in wanted]
    finally:
        db.conn.close()


class Subjects:
    """Signed-in test clients on one database: parents and coordinators, signed in the way they sign in."""

    def __init__(self, db_path, secret_key):
        # Render time means rendering: the page cache is off, so every view queries and renders.
        self.path = db_path
        self.app = bench_app(db_path, secret_key, f"http://{HOST}", page_cache=False)
        self.clients = {}

    def client(self, kind, user_id):
        from portal.sign_in import links

        key = (kind, user_id)
        if key not in self.clients:
            with self.app.app_context():
                path = urlsplit(links.issue(kind, user_id)).path
            client = self.app.test_client()
            page = client.get(path)
            response = client.post(path, data={"csrf_token": CSRF.search(page.text).group(1)})
            if response.status_code != 302:
                raise RuntimeError(f"{kind} {user_id} could not sign in to {self.path.name}")
            self.clients[key] = client
        return self.clients[key]


class SeenReset:
    """Puts back what a coordinator had seen of a family before each overview render.

    The overview marks what it shows as seen; without this, every render after the
    first would show "no news". Reset (outside the timing), each render shows the
    same "Nyt fra familien" as the coordinator's first look.
    """

    def __init__(self, db_path):
        self.conn = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
        self.saved = {(s, f): (e, at) for s, f, e, at in self.conn.execute(
            "SELECT staff_id, family_id, seen_event_id, seen_at FROM staff_family_seen")}

    def __call__(self, staff_id, family_id):
        saved = self.saved.get((staff_id, family_id))
        if saved is None:
            self.conn.execute("DELETE FROM staff_family_seen WHERE staff_id = ? AND family_id = ?", [staff_id, family_id])
        else:
            self.conn.execute("UPDATE staff_family_seen SET seen_event_id = ?, seen_at = ? WHERE staff_id = ? AND family_id = ?",
                              [*saved, staff_id, family_id])

    def close(self):
        self.conn.close()


def count_statements(client, path, before=None):
    """The SQL statements one GET of `path` runs (the app runs in this thread, on this thread's connection)."""
    from portal.data import db as portal_db

    if before:
        before()
    client.get(path)  # the thread's connection exists after a first request
    statements = []
    connections = list(getattr(portal_db._per_thread, "connections", {}).values())
    for connection in connections:
        connection.conn.set_trace_callback(statements.append)
    try:
        if before:
            before()
        client.get(path)
    finally:
        for connection in connections:
            connection.conn.set_trace_callback(None)
    return len([s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))])


def render_times(args, paths, secret_key):
    """Median render time of each page in each database, and the SQL statements each runs."""
    plans = {}
    resets = {}
    caseload_size = {}
    for families, path in paths.items():
        subjects = Subjects(path, secret_key)
        reset = resets[families] = SeenReset(path)
        coordinators, caseload_size[families] = sample_coordinators(path, args.coordinators)
        jobs = {name: [] for name, *_ in PAGES}
        for parent_id in sample_parents(path, args.parents):
            jobs["parent home"].append((subjects.client("parent", parent_id), "/", None))
        for staff_id in coordinators:
            jobs["caseload"].append((subjects.client("staff", staff_id), "/staff/", None))
        for family_id, staff_id in sample_families(path, args.families):
            client = subjects.client("staff", staff_id)
            for name, kind, template, _marker in PAGES[2:]:
                before = (lambda s=staff_id, f=family_id: reset(s, f)) if name == "family overview" else None
                jobs[name].append((client, template.format(family=family_id), before))
        plans[families] = jobs

    # Check every page once, and count its statements, before anything is timed.
    statements, sizes = {}, {}
    for families, jobs in plans.items():
        for name, _kind, _template, marker in PAGES:
            counts = []
            for client, path, before in jobs[name]:
                if before:
                    before()
                response = client.get(path)
                if response.status_code != 200 or marker not in response.text:
                    raise RuntimeError(f"{name} {path} in {families:,} families: HTTP {response.status_code}")
                sizes.setdefault(name, len(response.data))
                counts.append(count_statements(client, path, before))
            statements.setdefault(name, {})[families] = {"min": min(counts), "median": statistics.median(counts),
                                                         "max": max(counts)}

    times = {families: {name: [[] for _ in jobs[name]] for name in jobs} for families, jobs in plans.items()}
    # Interleaved: each subject's render in one database is followed by the same
    # subject's in the others, in an order shuffled each time, so a machine that
    # gets busier (or a cache that warms) hits every database alike.
    order = random.Random(2026)
    for _round in range(args.renders):
        for name, *_ in PAGES:
            # The caseload has few subjects (3 coordinators have a full caseload in
            # 100 families): render each three times as often.
            for _ in range(3 if name == "caseload" else 1):
                for index in range(max(len(jobs[name]) for jobs in plans.values())):
                    databases = list(plans)
                    order.shuffle(databases)
                    for families in databases:
                        if index >= len(plans[families][name]):
                            continue
                        client, path, before = plans[families][name][index]
                        if before:
                            before()
                        t0 = time.perf_counter()
                        response = client.get(path)
                        times[families][name][index].append(time.perf_counter() - t0)
                        if response.status_code != 200:
                            raise RuntimeError(f"{name} {path} failed in {families:,} families: HTTP {response.status_code}")
    for reset in resets.values():
        reset.close()

    result = {}
    small, large = min(paths), max(paths)
    for name, *_ in PAGES:
        ms = {families: 1000 * statistics.median(statistics.median(s) for s in times[families][name])
              for families in paths}
        result[name] = {
            "ms": ms,
            "ratio": ms[large] / ms[small],
            "subjects": {families: len(times[families][name]) for families in paths},
            "renders_per_subject": args.renders * (3 if name == "caseload" else 1),
            "statements": statements[name],
            "html_bytes": sizes[name],
        }
    return {"pages": result, "caseload_families": caseload_size, "small": small, "large": large}


# --- summary -----------------------------------------------------------------------


def code_revision():
    """The commit measured, and whether portal/ had uncommitted changes (None without git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "portal"], cwd=REPO, capture_output=True,
                               text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + (" + uncommitted changes in portal/" if dirty else "")


def verdict(ok):
    return "met" if ok else "MISSED"


def _table(rows):
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in enumerate(zip(row, width))).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in width))
    return "\n".join(lines)


def main():
    args = _parse()
    OUT.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(48)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print("Databases:")
    paths = {families: database(families) for families in sorted({args.small, args.throughput_families, args.large})}
    settings = gunicorn_settings()
    tp = None
    if not args.skip_throughput:
        print(f"Throughput ({args.rounds} × {args.duration:g} s per app, {args.concurrency} connections,"
              f" gunicorn {settings['worker_class']} {settings['workers']} workers × {settings['threads']} threads):")
        tp = throughput(args, paths[args.throughput_families], secret_key)
    print(f"Render time ({args.renders} renders of each subject's page per database, page cache off):")
    rt = render_times(args, paths, secret_key)

    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    targets = {}
    if tp:
        targets["home ÷ hello"] = tp["ratio"] >= THROUGHPUT_TARGET
        client_cpu = statistics.median(r["client_cpu_share"] for runs in tp["rounds"].values() for r in runs)
        rows = [
            ("figure", "value", "target"),
            ("hello (bare Flask), req/s", f"{tp['hello_rps']:,.0f}", ""),
            (f"home page ({args.throughput_families:,} families), req/s", f"{tp['home_rps']:,.0f}", ""),
            ("home ÷ hello (median of paired rounds)", f"{tp['ratio']:.2f}",
             f"≥ {THROUGHPUT_TARGET}  {verdict(targets['home ÷ hello'])}"),
            ("home ÷ hello (ratio of medians)", f"{tp['ratio_of_medians']:.2f}", "(for comparison)"),
            ("home, page cache off, req/s", f"{tp['home_uncached_rps']:,.0f}", ""),
            ("home (cache off) ÷ hello", f"{tp['uncached_ratio']:.2f}", "(for information)"),
            ("home page HTML / gzip, bytes", f"{tp['page_bytes']['html']:,} / {tp['page_bytes']['html_gzip']:,}", ""),
        ]
        print()
        print(_table(rows))
        print(f"\nLoad generator used {client_cpu:.0%} of the machine's CPU; {tp['errors']} failed requests.")

    small, large = rt["small"], rt["large"]
    header = ("page (render, ms)", *(f"{families:,}" for families in paths), f"{large:,} ÷ {small:,}", "target",
              "SQL statements", "HTML bytes")
    rows = [header]
    for name, page in rt["pages"].items():
        if name in TARGET_PAGES or name == "parent home":
            targets[f"{name} {large:,} ÷ {small:,}"] = ok = page["ratio"] <= SCALE_TARGET
            target = f"≤ {SCALE_TARGET}  {verdict(ok)}"
        else:
            target = f"({'≤ ' + str(SCALE_TARGET) if page['ratio'] <= SCALE_TARGET else 'over ' + str(SCALE_TARGET)})"
        counts = " / ".join(f"{page['statements'][families]['median']:g}" for families in paths)
        rows.append((name, *(f"{page['ms'][families]:.2f}" for families in paths), f"{page['ratio']:.2f}", target,
                     counts, f"{page['html_bytes']:,}"))
    print()
    print(_table(rows))
    print(f"\nCaseload: coordinators with {rt['caseload_families'][large]} families"
          f" ({', '.join(str(rt['pages']['caseload']['subjects'][f]) for f in paths)} coordinators sampled);"
          f" SQL statements are the median per page, per database.")
    revision = code_revision()
    print(f"Whole run: {time.perf_counter() - started:.0f} s. Code: {revision}.")

    result = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "code": revision,
        "cpus": cpus,
        "load_average": {"before": load_before, "after": load_after},
        "gunicorn": settings,
        "settings": {k: v for k, v in vars(args).items()},
        "throughput": tp,
        "render_time": rt,
        "targets": {"throughput_ratio_min": THROUGHPUT_TARGET, "render_ratio_max": SCALE_TARGET, "met": targets},
    }
    path = OUT / ("pages-quick.json" if args.quick else "pages.json")
    path.write_text(json.dumps(result, indent=2))
    if max(load_before, load_after) > cpus:
        print(f"WARNING: the machine was busy (load average {load_before:.1f} before, {load_after:.1f} after,"
              f" {cpus} CPUs); absolute figures are low and noisy, ratios less so.")
    print(f"Result written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
