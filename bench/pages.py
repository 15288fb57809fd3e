"""Benchmark the parent home page: throughput under gunicorn, and render time at scale.

    .venv/bin/python bench/home_page.py            # full run, about 1.5 minutes
    .venv/bin/python bench/home_page.py --quick    # smaller and shorter, for a smoke test

1. Throughput. The portal (on the generated Copenhagen-scale database) and a bare
   Flask "hello" app (bench/hello_app.py) are both served by gunicorn on 127.0.0.1
   with the portal's production settings (portal/gunicorn_conf.py: gthread workers).
   Each load-generator thread signs in as a different parent over HTTP, then a
   closed loop of keep-alive requests runs for a fixed time. Rounds alternate
   hello, home, home uncached, hello, ... Each round's home ÷ hello is a paired
   ratio (both measured under the same load); the figure is their median.
   Figure: home requests/s ÷ hello requests/s (target ≥ 0.5).
2. Render time at scale. In-process (Flask's test client, no network), the home
   page of parents spread evenly over a 10,000-family database and a 100-family
   database is rendered many times, interleaved.
   Figure: median render time at 10,000 ÷ at 100 families (target ≤ 1.2).

Everything runs on loopback only and is bounded in time. Exits 0 even when a target
is missed (the summary says MISSED); a JSON result is written to bench/out/.
"""
import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import signal
import socket
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
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per throughput round (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds per app (default 5)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one signed-in parent each (default 8)")
    parser.add_argument("--throughput-families", type=int, default=5000, help="families in the served database (default 5000)")
    parser.add_argument("--small", type=int, default=100, help="families in the small database (default 100)")
    parser.add_argument("--large", type=int, default=10000, help="families in the large database (default 10000)")
    parser.add_argument("--parents", type=int, default=50, help="parents sampled per database for render time (default 50)")
    parser.add_argument("--renders", type=int, default=10, help="renders per sampled parent (default 10)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds, args.concurrency = 2.0, 1, 4
        args.throughput_families, args.small, args.large = 200, 20, 400
        args.parents, args.renders = 10, 3
    args.duration = min(max(args.duration, 0.5), 60.0)
    args.rounds = min(max(args.rounds, 1), 10)
    args.concurrency = min(max(args.concurrency, 1), 64)
    return args


def database(families):
    """The generated database for `families`, built if missing or stale."""
    path = OUT / f"families-{families}.db"
    started = time.perf_counter()
    if generate.ensure(path, families):
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"  reusing {path.name}")
    return path


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


def signed_in_clients(db_path, parent_ids, secret_key):
    """One Flask test client per parent, signed in the way a parent signs in."""
    from portal.sign_in import links

    # Render time means rendering: the page cache is off, so every view queries and renders.
    app = bench_app(db_path, secret_key, f"http://{HOST}", page_cache=False)
    clients = []
    for parent_id in parent_ids:
        with app.app_context():
            path = urlsplit(links.issue("parent", parent_id)).path
        client = app.test_client()
        page = client.get(path)
        client.post(path, data={"csrf_token": CSRF.search(page.text).group(1)})
        home = client.get("/")
        if home.status_code != 200 or HOME_MARKER not in home.text:
            raise RuntimeError(f"parent {parent_id} could not sign in to {db_path.name}")
        clients.append(client)
    return clients


def render_times(args, small_path, large_path, secret_key):
    """Median home page render time for parents in the small and the large database."""
    clients = {
        "small": signed_in_clients(small_path, sample_parents(small_path, args.parents), secret_key),
        "large": signed_in_clients(large_path, sample_parents(large_path, args.parents), secret_key),
    }
    times = {name: [[] for _ in group] for name, group in clients.items()}
    for _ in range(args.renders):
        for name in ("small", "large"):  # interleaved, so drift hits both alike
            for client, samples in zip(clients[name], times[name]):
                t0 = time.perf_counter()
                response = client.get("/")
                samples.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise RuntimeError(f"render failed in {name} database: HTTP {response.status_code}")
    per_parent = {name: [statistics.median(s) for s in groups] for name, groups in times.items()}
    small = statistics.median(per_parent["small"])
    large = statistics.median(per_parent["large"])
    return {"small_ms": 1000 * small, "large_ms": 1000 * large, "ratio": large / small,
            "parents_per_database": args.parents, "renders_per_parent": args.renders}


# --- summary -----------------------------------------------------------------------


def verdict(ok):
    return "met" if ok else "MISSED"


def main():
    args = _parse()
    OUT.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(48)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print("Databases:")
    small = database(args.small)
    large = database(args.large)
    served = database(args.throughput_families)
    settings = gunicorn_settings()
    print(f"Throughput ({args.rounds} × {args.duration:g} s per app, {args.concurrency} connections,"
          f" gunicorn {settings['worker_class']} {settings['workers']} workers × {settings['threads']} threads):")
    tp = throughput(args, served, secret_key)
    print(f"Render time ({args.parents} parents × {args.renders} renders per database):")
    rt = render_times(args, small, large, secret_key)

    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    tp_ok = tp["ratio"] >= THROUGHPUT_TARGET
    rt_ok = rt["ratio"] <= SCALE_TARGET
    client_cpu = statistics.median(r["client_cpu_share"] for runs in tp["rounds"].values() for r in runs)
    rows = [
        ("hello (bare Flask), req/s", f"{tp['hello_rps']:,.0f}", ""),
        (f"home page ({args.throughput_families:,} families), req/s", f"{tp['home_rps']:,.0f}", ""),
        ("home ÷ hello (median of paired rounds)", f"{tp['ratio']:.2f}", f"≥ {THROUGHPUT_TARGET}  {verdict(tp_ok)}"),
        ("home ÷ hello (ratio of medians)", f"{tp['ratio_of_medians']:.2f}", "(for comparison)"),
        ("home, page cache off, req/s", f"{tp['home_uncached_rps']:,.0f}", ""),
        ("home (cache off) ÷ hello", f"{tp['uncached_ratio']:.2f}", "(for information)"),
        (f"render (cache off), {args.small:,} families, ms", f"{rt['small_ms']:.2f}", ""),
        (f"render (cache off), {args.large:,} families, ms", f"{rt['large_ms']:.2f}", ""),
        (f"{args.large:,} ÷ {args.small:,} families", f"{rt['ratio']:.2f}", f"≤ {SCALE_TARGET}  {verdict(rt_ok)}"),
        ("home page HTML / gzip, bytes", f"{tp['page_bytes']['html']:,} / {tp['page_bytes']['html_gzip']:,}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'figure':{width}}  {'value':>15}  target")
    print(f"{'-' * width}  {'-' * 15}  ------")
    for name, value, target in rows:
        print(f"{name:{width}}  {value:>15}  {target}")
    print(f"\nLoad generator used {client_cpu:.0%} of the machine's CPU; {tp['errors']} failed requests."
          f" Whole run: {time.perf_counter() - started:.0f} s.")

    result = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "cpus": cpus,
        "load_average": {"before": load_before, "after": load_after},
        "gunicorn": settings,
        "settings": {k: v for k, v in vars(args).items()},
        "throughput": tp,
        "render_time": rt,
        "targets": {"throughput_ratio_min": THROUGHPUT_TARGET, "render_ratio_max": SCALE_TARGET,
                    "throughput_met": tp_ok, "render_met": rt_ok},
    }
    path = OUT / ("home_page-quick.json" if args.quick else "home_page.json")
    path.write_text(json.dumps(result, indent=2))
    if max(load_before, load_after) > cpus:
        print(f"WARNING: the machine was busy (load average {load_before:.1f} before, {load_after:.1f} after,"
              f" {cpus} CPUs); absolute figures are low and noisy, ratios less so.")
    print(f"Result written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
