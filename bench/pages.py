"""Benchmark the parent's home page and the coordinator's pages at Copenhagen scale.

    .venv/bin/python bench/pages.py                     # full run, 3–4 minutes once the databases exist
    .venv/bin/python bench/pages.py --quick             # smaller and shorter, for a smoke test
    .venv/bin/python bench/pages.py --skip-throughput   # only the render times (part 2)

1. Throughput under two traffic models, as a share of a bare Flask "hello" app
   (bench/hello_app.py). The portal (on the generated 5,000-family database) and
   the hello app are served by gunicorn on 127.0.0.1 with the portal's production
   settings (portal/gunicorn_conf.py: gthread workers). 8 client threads, each on
   one kept-alive connection, send GETs back to back:
   - closed loop: each thread is one signed-in person reloading their own page
     (a parent's home, a coordinator's caseload or one family's overview);
   - real traffic: each request is the next signed-in person's, in turn over a
     shared rotation (one parent of every family but the closed loop's; every
     coordinator with a full caseload, and for the family page the next of their
     families), so a parent's home page is never asked for twice within a minute,
     as when thousands of parents each come a few times a day. Everyone signs in
     over HTTP first, outside the timing. The servers work on a copy of the
     database of their own: what they write never reaches the render times (2.).
   Rounds alternate: hello, the home page in each model, hello, the
   staff pages in each model, hello, ... Each figure is the median over rounds of
   requests/s ÷ the mean of the hello rounds just before and after it.
   Targets (real traffic): parent home ≥ 0.3 × hello, family overview ≥ 0.2 × hello.
2. Render time at scale. In-process (Flask's test client, no network), in a 100-,
   a 5,000- and a 10,000-family database: the home page of parents
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
import math
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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

HOST = "127.0.0.1"  # loopback only, always
OUT = REPO / "bench" / "out"
SCALE_TARGET = 1.2
# Throughput ÷ hello under the real-traffic model (issue 9).
REAL_TRAFFIC_TARGETS = {"parent home": 0.3, "family overview": 0.2}
# Under real traffic no parent comes back sooner than this.
FRESH_SECONDS = 60
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
HOME_MARKER = 'id="kontakt"'  # only the signed-in home page has this section
CASELOAD_MARKER = 'id="familier"'
OVERVIEW_MARKER = 'id="nyt"'


def _parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small databases and short rounds (smoke test)")
    parser.add_argument("--skip-throughput", action="store_true", help="measure only the render times")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per throughput round (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds per app (default 5)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="client threads, each on one kept-alive connection (default 8)")
    parser.add_argument("--real-parents", type=int, default=5000,
                        help="parents signed in for the real-traffic model, one per family (default 5000: every family but the closed loop's)")
    parser.add_argument("--sign-in-threads", type=int, default=8,
                        help="sign-ins over HTTP at once, before the timing (default 8)")
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
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.concurrency, args.real_parents = 2.0, 1, 4, 90
        args.throughput_families, args.small, args.large = 200, 20, 400
        args.parents, args.coordinators, args.families, args.renders = 10, 3, 10, 3
    args.duration = min(max(args.duration, 0.2), 60.0)
    args.rounds = min(max(args.rounds, 1), 10)
    args.concurrency = min(max(args.concurrency, 1), 64)
    args.real_parents = min(max(args.real_parents, 1), 10000)
    args.sign_in_threads = min(max(args.sign_in_threads, 1), 32)
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
    return fresh_copy(path, OUT / f"run-families-{families}.db")


def fresh_copy(source, target):
    """Copy a database to `target`, removing the target's old -wal and -shm first."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def sample_parents(path, count, skip_families=()):
    """Ids of the first parent of `count` families spread evenly over the database (fewer if it has fewer).

    Families in skip_families are left out: two groups of sampled parents never share a family.
    """
    skip = set(skip_families)
    db = generate.connect(path)
    try:
        families = [row[0] for row in db.execute("SELECT id FROM families ORDER BY id") if row[0] not in skip]
        step = max(1.0, len(families) / count) if count else 1.0
        wanted = [families[int(i * step)] for i in range(min(count, len(families)))]
        first = dict(db.execute("SELECT family_id, min(id) FROM parents GROUP BY family_id").fetchall())
        return [first[family_id] for family_id in wanted]
    finally:
        db.conn.close()


def families_of_parents(path, parent_ids):
    db = generate.connect(path)
    try:
        return [db.execute("SELECT family_id FROM parents WHERE id = ?", [parent_id]).fetchone()[0]
                for parent_id in parent_ids]
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


class Jar:
    """One signed-in person's cookies, and when their last request ended."""

    def __init__(self, cookies, who):
        self.cookies = dict(cookies)
        self.who = who
        self.last_done = float("-inf")


class Browser:
    """A keep-alive HTTP/1.1 connection with a tiny cookie jar.

    A request may carry someone else's jar instead (the real-traffic model: many
    signed-in people behind one kept-alive connection, as behind a proxy).
    """

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, jar=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        headers = {"Accept-Encoding": "identity"}
        cookies = self.cookies if jar is None else jar.cookies
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
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
            return self.request(method, path, body, jar)
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        new = {}
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                new[name] = morsel.value
        if new:
            # A new dict, never changed in place: another thread may be reading the old one.
            if jar is None:
                self.cookies = {**self.cookies, **new}
            else:
                jar.cookies = {**jar.cookies, **new}
        if response.will_close:
            self.close()
        return response.status, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sign_in_over_http(port, link_url, landing=("/", HOME_MARKER)):
    """Open the link, press Fortsæt (POST with the CSRF token), keep the session cookie.

    landing: (path, marker) of the page to check afterwards, or None to leave the
    first view to the benchmark (a real-traffic parent's first view is their landing).
    """
    browser = Browser(port)
    path = urlsplit(link_url).path
    status, page = browser.request("GET", path)
    match = CSRF.search(page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"sign-in page: HTTP {status}, no CSRF token")
    status, _ = browser.request("POST", path, body=urlencode({"csrf_token": match.group(1)}))
    if status != 302:
        raise RuntimeError(f"sign-in POST: HTTP {status}")
    if landing:
        status, page = browser.request("GET", landing[0])
        if status != 200 or landing[1].encode() not in page:
            raise RuntimeError(f"{landing[0]} after sign-in: HTTP {status}")
    return browser


def sign_in_many(app, port, kind, ids, landing=None, threads=8):
    """Sign these people in over HTTP, `threads` at a time: a link from the portal's own code, opened and confirmed.

    Returns one Browser per id, in order (an id may come more than once: one session
    each; a new link revokes the person's unused ones, so theirs are signed in one
    after the other). Without a landing page the connection is closed afterwards.
    """
    from portal.sign_in import links

    times = {}
    for user_id in ids:
        times[user_id] = times.get(user_id, 0) + 1

    def sign_in(user_id):
        browsers = []
        for _ in range(times[user_id]):
            with app.app_context():
                url = links.issue(kind, user_id)
            browser = sign_in_over_http(port, url, landing)
            if landing is None:
                browser.close()
            browsers.append(browser)
        return browsers

    with ThreadPoolExecutor(max_workers=threads) as pool:
        signed_in = dict(zip(times, pool.map(sign_in, times)))
    return [signed_in[user_id].pop() for user_id in ids]


def bench_app(db_path, secret_key, base_url):
    """The portal in this process, configured like the served one whatever the shell exports."""
    from portal import create_app

    return create_app({"DATABASE": str(db_path), "SECRET_KEY": secret_key, "BASE_URL": base_url,
                       "PRODUCTION": False, "PROXY_COUNT": 0, "OUTBOX_DIR": str(OUT / "outbox")})


def issue_links(db_path, parent_ids, base_url, secret_key):
    """Sign-in URLs for these parents, made by the portal's own link code."""
    from portal.sign_in import links

    app = bench_app(db_path, secret_key, base_url)
    with app.app_context():
        return [links.issue("parent", parent_id) for parent_id in parent_ids]


# --- traffic models ------------------------------------------------------------------


class Rotation:
    """The real-traffic model: each request is the next visit in turn, whichever client thread asks (thread-safe).

    visits: [(jar, path)]. With fresh_after, a visit's person is handed out again only
    that many seconds after their last request ended; when the next one is not
    fresh yet, the round ends instead (never a repeat). A round may also be given a
    budget: at most that many visits.
    """

    def __init__(self, visits, fresh_after=None):
        self.visits = list(visits)
        self.fresh_after = fresh_after
        self.position = 0
        self.lock = threading.Lock()
        self.start_round()

    def __len__(self):
        return len(self.visits)

    def start_round(self, budget=None):
        self.budget, self.handed_out, self.ran_out = budget, 0, False

    def take(self, _thread=None):
        with self.lock:
            if self.budget is not None and self.handed_out >= self.budget:
                return None
            jar, path = self.visits[self.position]
            now = time.monotonic()
            if self.fresh_after is not None and now - jar.last_done < self.fresh_after:
                self.ran_out = True
                return None
            jar.last_done = now  # in flight: not fresh (set again when it ends)
            self.position = (self.position + 1) % len(self.visits)
            self.handed_out += 1
            return jar, path

    def ended_by(self):
        if self.ran_out:
            return "no fresh person"
        if self.budget is not None and self.handed_out >= self.budget:
            return "budget"
        return "time"


def drive(browsers, pick, duration, check=None):
    """Each browser (a client thread on its kept-alive connection) sends GETs back to back.

    pick(thread number) gives (jar or None for the browser's own cookies, path), or
    None to stop that thread. The round lasts `duration` seconds or until every
    thread has stopped; a response counts if it is a 200 containing `check`.
    """
    results = [{"ok": 0, "errors": 0, "latencies": []} for _ in browsers]
    start = threading.Barrier(len(browsers) + 1)
    deadline = [0.0]

    def run(number, browser, result):
        start.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline[0]:
                return
            visit = pick(number)
            if visit is None:
                return
            jar, path = visit
            try:
                status, body = browser.request("GET", path, jar=jar)
            except (http.client.HTTPException, OSError):
                result["errors"] += 1
                continue
            finally:
                if jar is not None:
                    jar.last_done = time.monotonic()
            if status == 200 and (check is None or check in body):
                result["ok"] += 1
                result["latencies"].append(time.perf_counter() - t0)
            else:
                result["errors"] += 1

    threads = [threading.Thread(target=run, args=(n, b, r), daemon=True)
               for n, (b, r) in enumerate(zip(browsers, results))]
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


def closed_loop(browsers, path, duration, check=None):
    """Each browser reloads `path` with its own cookies for `duration` seconds."""
    return drive(browsers, lambda _number: (None, path), duration, check)


# (key, page, traffic model)
HOME_VARIANTS = [
    ("home_closed", "parent home", "closed loop"),
    ("home_real", "parent home", "real traffic"),
]
STAFF_VARIANTS = [
    ("caseload_closed", "caseload", "closed loop"),
    ("caseload_real", "caseload", "real traffic"),
    ("overview_closed", "family overview", "closed loop"),
    ("overview_real", "family overview", "real traffic"),
]


def coordinators_families(path, staff_ids):
    """Each coordinator's active families, in id order."""
    db = generate.connect(path)
    try:
        return {staff_id: [row[0] for row in db.execute(
            "SELECT id FROM families WHERE coordinator_id = ? AND active = 1 ORDER BY id", [staff_id])]
            for staff_id in staff_ids}
    finally:
        db.conn.close()


def real_traffic_budget(pool, rounds, cycle_seconds):
    """Visits per real-traffic round, so that no one in a pool of `pool` comes back within FRESH_SECONDS.

    A round's visits come back `pool ÷ budget` rounds later; rounds are at least
    `cycle_seconds` apart. With no more rounds than that, no one comes back at all.
    """
    rounds_apart = max(1, math.ceil(FRESH_SECONDS / max(cycle_seconds, 0.001)))
    return max(1, pool // min(rounds_apart, rounds))


def throughput(args, db_path, secret_key, out=OUT):
    """Requests/s of hello, the home page and the staff pages, in both traffic models, alternating rounds.

    gunicorn's logs (and the portal's outbox) go to `out`. The servers sign in thousands
    of people and write their visits, so they work on a copy of `db_path` in `out`:
    the render times that follow start from the same data in every database.
    """
    db_path = fresh_copy(db_path, out / f"throughput-{Path(db_path).name}")
    env = {"FAMILIEPORTAL_DATABASE": str(db_path), "FAMILIEPORTAL_SECRET_KEY": secret_key,
           "FAMILIEPORTAL_OUTBOX_DIR": str(out / "outbox")}
    portal, hello, browsers = None, None, []
    try:
        portal = Gunicorn("portal:create_app()", env, out / "gunicorn-portal.log")
        hello = Gunicorn("bench.hello_app:app", {**env, "BENCH_HELLO_DATABASE": str(out / "hello.db")},
                         out / "gunicorn-hello.log")
        app = bench_app(db_path, secret_key, f"http://{HOST}")
        c = args.concurrency

        # Who: the closed loop's parents and the real traffic's from families of their own,
        # so that neither group's visits change what is new to the other.
        closed_parents = sample_parents(db_path, c)
        real_parents = sample_parents(db_path, args.real_parents,
                                      skip_families=families_of_parents(db_path, closed_parents))
        all_coordinators, caseload = sample_coordinators(db_path, 10 ** 6)
        closed_coordinators = sample_coordinators(db_path, c)[0]
        closed_coordinators = [closed_coordinators[i % len(closed_coordinators)] for i in range(c)]
        families = coordinators_families(db_path, all_coordinators)

        began = time.perf_counter()
        home_closed = sign_in_many(app, portal.port, "parent", closed_parents,
                                   landing=("/", HOME_MARKER), threads=args.sign_in_threads)
        real = sign_in_many(app, portal.port, "parent", real_parents, threads=args.sign_in_threads)
        home_real = Rotation([(Jar(b.cookies, parent_id), "/") for b, parent_id in zip(real, real_parents)],
                             fresh_after=FRESH_SECONDS)
        caseload_closed = sign_in_many(app, portal.port, "staff", closed_coordinators,
                                       landing=("/staff/", CASELOAD_MARKER), threads=args.sign_in_threads)
        overview_closed = sign_in_many(app, portal.port, "staff", closed_coordinators,
                                       landing=("/staff/", CASELOAD_MARKER), threads=args.sign_in_threads)
        staff_jars = [Jar(b.cookies, sid) for b, sid in zip(
            sign_in_many(app, portal.port, "staff", all_coordinators, threads=args.sign_in_threads),
            all_coordinators)]
        sign_in_seconds = time.perf_counter() - began
        # Real traffic: the next coordinator each time; on the family page, also the next of their families.
        caseload_real = Rotation([(jar, "/staff/") for jar in staff_jars])
        overview_real = Rotation([(jar, f"/staff/families/{families[jar.who][k]}")
                                  for k in range(caseload) for jar in staff_jars])
        print(f"  signed in {len(real_parents):,} parents for real traffic and {c} for the closed loop,"
              f" {len(all_coordinators)} coordinators"
              f" ({caseload} families each) and {c} + {c} for the closed loop, in {sign_in_seconds:.0f} s")

        status, page = home_closed[0].request("GET", "/")
        page_bytes = {"html": len(page), "html_gzip": len(gzip.compress(page))}
        hello_browsers = [Browser(hello.port) for _ in range(c)]
        real_browsers = [Browser(portal.port) for _ in range(c)]
        staff_real_browsers = [Browser(portal.port) for _ in range(c)]
        browsers = (hello_browsers + caseload_closed + overview_closed + staff_real_browsers
                    + home_closed + real_browsers)
        overview_paths = [f"/staff/families/{families[staff_id][0]}" for staff_id in closed_coordinators]
        # Warm up: the worker behind each connection imports, compiles templates and
        # loads translations before anything is timed.
        for browser in hello_browsers + home_closed:
            for _ in range(5):
                browser.request("GET", "/")
        for browser in caseload_closed:
            for _ in range(5):
                browser.request("GET", "/staff/")
        for browser, path in zip(overview_closed, overview_paths):
            for _ in range(5):
                browser.request("GET", path)

        # Rounds of every other slot last the whole duration; the real-traffic home
        # rounds may end sooner (their budget), so they are not counted here.
        cycle = (2 + len([v for v in HOME_VARIANTS if v[2] == "closed loop"]) + len(STAFF_VARIANTS)) * args.duration
        budget = real_traffic_budget(len(real_parents), args.rounds, cycle)
        runners = {
            "home_closed": lambda: closed_loop(home_closed, "/", args.duration, HOME_MARKER.encode()),
            "home_real": lambda: _real_round(real_browsers, home_real, args.duration, HOME_MARKER.encode(), budget),
        }
        runners["caseload_closed"] = lambda: closed_loop(caseload_closed, "/staff/", args.duration,
                                                         CASELOAD_MARKER.encode())
        runners["caseload_real"] = lambda: _real_round(staff_real_browsers, caseload_real, args.duration,
                                                       CASELOAD_MARKER.encode())
        runners["overview_closed"] = lambda: drive(overview_closed, lambda number: (None, overview_paths[number]),
                                                   args.duration, OVERVIEW_MARKER.encode())
        runners["overview_real"] = lambda: _real_round(staff_real_browsers, overview_real, args.duration,
                                                       OVERVIEW_MARKER.encode())

        def say_hello():
            hellos.append(closed_loop(hello_browsers, "/", args.duration, check=b"Hello"))

        hellos = []
        rounds = {key: [] for key, *_ in HOME_VARIANTS + STAFF_VARIANTS}
        for number in range(args.rounds):
            line = []
            for group in (HOME_VARIANTS, STAFF_VARIANTS):
                say_hello()
                line.append(f"hello {hellos[-1]['requests_per_second']:,.0f}")
                for key, _page, _model in group:
                    rounds[key].append(result := runners[key]())
                    result["hello_before"] = len(hellos) - 1
                    line.append(f"{key} {result['requests_per_second']:,.0f}")
            print(f"  round {number + 1} (req/s): {', '.join(line)}")
        say_hello()
        print(f"  closing hello {hellos[-1]['requests_per_second']:,.0f} req/s")
    finally:
        for browser in browsers:
            browser.close()
        for server in (portal, hello):
            if server is not None:
                server.stop()

    variants = {}
    for key, page, model in HOME_VARIANTS + STAFF_VARIANTS:
        runs = rounds[key]
        # Each round against the hello rounds just before and after it: a machine that
        # gets busier or calmer during the run hits both alike.
        paired = [run["requests_per_second"] / statistics.mean(
            [hellos[run["hello_before"]]["requests_per_second"], hellos[run["hello_before"] + 1]["requests_per_second"]])
            for run in runs]
        rps = statistics.median(run["requests_per_second"] for run in runs)
        variants[key] = {
            "page": page, "model": model,
            "requests_per_second": rps,
            "ratio": statistics.median(paired),
            "paired_ratios": paired,
            "ratio_of_medians": rps / statistics.median(h["requests_per_second"] for h in hellos),
            "requests_per_round": statistics.median(run["ok"] for run in runs),
            "seconds_per_round": statistics.median(run["seconds"] for run in runs),
            "ended_by": sorted({run.get("ended_by", "time") for run in runs}),
            "errors": sum(run["errors"] for run in runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in runs if run["p50_ms"] is not None)
            if any(run["p50_ms"] is not None for run in runs) else None,
            "rounds": runs,
        }
    return {
        "hello_rps": statistics.median(h["requests_per_second"] for h in hellos),
        "hello_rounds": hellos,
        "variants": variants,
        "real_parents": len(real_parents),
        "real_traffic_budget": budget,
        "coordinators": len(all_coordinators),
        "caseload": caseload,
        "sign_in_seconds": sign_in_seconds,
        "page_bytes": page_bytes,
        "errors": sum(v["errors"] for v in variants.values()) + sum(h["errors"] for h in hellos),
        "client_cpu_share": statistics.median(
            r["client_cpu_share"] for runs in [hellos, *rounds.values()] for r in runs),
    }


def _real_round(browsers, rotation, duration, check, budget=None):
    rotation.start_round(budget)
    result = drive(browsers, lambda _number: rotation.take(), duration, check)
    result["ended_by"] = rotation.ended_by()
    result["handed_out"] = rotation.handed_out
    return result


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
        self.path = db_path
        self.app = bench_app(db_path, secret_key, f"http://{HOST}")
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
        self.path = db_path
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
                # Bound now, not looked up when called: a late-bound `reset` would be the
                # last database's, so only that one would be written before every overview.
                before = (lambda r=reset, s=staff_id, f=family_id: r(s, f)) if name == "family overview" else None
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
    """The commit measured, the last commit that changed portal/, and whether portal/ had uncommitted changes."""
    def git(*command):
        return subprocess.run(["git", *command], cwd=REPO, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        portal = git("log", "-1", "--format=%h", "--", "portal")
        dirty = git("status", "--porcelain", "--", "portal")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit} (portal/ as of {portal})" + (" + uncommitted changes in portal/" if dirty else "")


def verdict(ok):
    return "met" if ok else "MISSED"


def _table(rows, text_columns=1):
    """Rows as aligned text: the first `text_columns` columns to the left, the rest (figures) to the right."""
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(str(cell).ljust(w) if i < text_columns else str(cell).rjust(w)
                               for i, (cell, w) in enumerate(zip(row, width))).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in width))
    return "\n".join(lines)


def throughput_report(tp, args):
    """The throughput table, what each traffic model is, and the targets: (text, {target: (figure, met)})."""
    targets = {}
    c = args.concurrency
    rows = [("page", "traffic model", "req/s", "÷ hello", "target"),
            ("hello (bare Flask)", "closed loop", f"{tp['hello_rps']:,.0f}", "1.00", "")]
    for v in tp["variants"].values():
        page, model = v["page"], v["model"]
        ratio = v["ratio"]
        target = ""
        if model == "real traffic" and page in REAL_TRAFFIC_TARGETS:
            minimum = REAL_TRAFFIC_TARGETS[page]
            targets[f"{page} ÷ hello, real traffic"] = (ratio, ratio >= minimum)
            target = f"≥ {minimum}  {verdict(ratio >= minimum)}"
        rows.append((page, model, f"{v['requests_per_second']:,.0f}", f"{ratio:.2f}", target))
    real_home = [v for v in tp["variants"].values() if v["page"] == "parent home" and v["model"] == "real traffic"]
    lines = [
        _table(rows, text_columns=2),
        "",
        f"÷ hello: median over {args.rounds} rounds of the round's req/s ÷ the mean of the hello rounds just"
        " before and after it.",
        f"closed loop:  {c} kept-alive connections, each one signed-in person reloading their own page"
        f" ({c} parents; {c} coordinators, the family page one family of theirs).",
        f"real traffic: the same {c} connections, each request the next signed-in person's cookie in turn:"
        f" {tp['real_parents']:,} parents, none again within {FRESH_SECONDS} s"
        f" (at most {tp['real_traffic_budget']:,} per round);"
        f" {tp['coordinators']} coordinators with {tp['caseload']} families, the family page the next of theirs.",
    ]
    if real_home:
        seconds = statistics.median(v["seconds_per_round"] for v in real_home)
        lines.append(f"Real-traffic home rounds lasted a median {seconds:.1f} s"
                     f" (ended by: {', '.join(sorted({e for v in real_home for e in v['ended_by']}))}).")
        if any("no fresh person" in v["ended_by"] for v in real_home):
            lines.append("WARNING: a real-traffic round ran out of parents not seen in the last minute;"
                         " sign in more (--real-parents).")
    lines.append(f"Home page HTML {tp['page_bytes']['html']:,} bytes, {tp['page_bytes']['html_gzip']:,} gzipped."
                 f" Sign-ins before the timing: {tp['sign_in_seconds']:.0f} s. Load generator used"
                 f" {tp['client_cpu_share']:.0%} of the machine's CPU; {tp['errors']} failed requests.")
    return "\n".join(lines), targets


def main(argv=None):
    args = _parse(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(48)
    started = time.perf_counter()
    revision_before = code_revision()
    load_before = os.getloadavg()[0]
    print("Databases:")
    paths = {families: database(families) for families in sorted({args.small, args.throughput_families, args.large})}
    settings = gunicorn_settings()
    tp = None
    if not args.skip_throughput:
        print(f"Throughput ({args.rounds} rounds of {args.duration:g} s, {args.concurrency} connections,"
              f" gunicorn {settings['worker_class']} {settings['workers']} workers × {settings['threads']} threads,"
              f" {args.throughput_families:,} families):")
        tp = throughput(args, paths[args.throughput_families], secret_key)
    print(f"Render time ({args.renders} renders of each subject's page per database):")
    rt = render_times(args, paths, secret_key)

    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    targets = {}
    if tp:
        text, targets = throughput_report(tp, args)
        print()
        print(text)

    small, large = rt["small"], rt["large"]
    header = ("page (render, ms)", *(f"{families:,}" for families in paths), f"{large:,} ÷ {small:,}", "target",
              "SQL statements", "HTML bytes")
    rows = [header]
    for name, page in rt["pages"].items():
        if name in TARGET_PAGES or name == "parent home":
            ok = page["ratio"] <= SCALE_TARGET
            targets[f"{name} render, {large:,} ÷ {small:,}"] = (page["ratio"], ok)
            target = f"≤ {SCALE_TARGET}  {verdict(ok)}"
        else:
            target = f"({'≤ ' + str(SCALE_TARGET) if page['ratio'] <= SCALE_TARGET else 'over ' + str(SCALE_TARGET)})"
        counts = " / ".join(f"{page['statements'][families]['median']:g}" for families in paths)
        rows.append((name, *(f"{page['ms'][families]:.2f}" for families in paths), f"{page['ratio']:.2f}", target,
                     counts, f"{page['html_bytes']:,}"))
    print()
    print(_table(rows))
    print(f"\nRender time: in-process. Caseload: coordinators with {rt['caseload_families'][large]}"
          f" families ({', '.join(str(rt['pages']['caseload']['subjects'][f]) for f in paths)} coordinators sampled);"
          f" SQL statements are the median per page, per database.")
    revision = code_revision()
    print("\nTargets:")
    for name, (figure, ok) in targets.items():
        print(f"  {name}: {figure:.2f}  {verdict(ok)}")
    print(f"Whole run: {time.perf_counter() - started:.0f} s. Code: {revision}.")
    if revision != revision_before:
        print(f"WARNING: the code changed during the run (it began at {revision_before}): measure again.")

    result = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "code": revision,
        "code_at_start": revision_before,
        "cpus": cpus,
        "load_average": {"before": load_before, "after": load_after},
        "gunicorn": settings,
        "settings": {k: v for k, v in vars(args).items()},
        "throughput": tp,
        "render_time": rt,
        "targets": {"real_traffic_min": REAL_TRAFFIC_TARGETS, "render_ratio_max": SCALE_TARGET,
                    "met": {name: ok for name, (_figure, ok) in targets.items()},
                    "figures": {name: figure for name, (figure, _ok) in targets.items()}},
        "seconds": time.perf_counter() - started,
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
