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
   The leaders' results page ("Alle enheder", the newest ended quarter) is rendered
   too, three times as often: reads/results.py keeps nothing between renders (its
   figures come from the summary of migration m024), so every render is a first one.
   Figure per page: median render time at 10,000 ÷ at 100 families (target ≤ 1.2).
   The SQL statements each page runs are counted too (once per subject, outside the
   timing): a count that grows with the database is a query per row.

Everything runs on loopback only and is bounded in time. Each run works on fresh
copies of the generated databases (bench/out/run-*.db), so what one run writes
(sessions, audit lines, what a coordinator has seen) never changes the next.
Exits 0 even when a target is missed (the summary says MISSED); a JSON result is
written to bench/out/.

The parts, one job each: bench/workload.py (databases, pages, who is sampled),
bench/gunicorn_control.py, bench/http_client.py, bench/traffic.py (the traffic
models), bench/throughput.py (part 1), bench/render_timing.py (part 2) and
bench/report.py (targets and tables). Method and figures: bench/README.md.
"""
import argparse
import json
import os
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gunicorn_control import gunicorn_settings  # noqa: E402
from bench.render_timing import render_times  # noqa: E402
from bench.report import (REAL_TRAFFIC_TARGETS, SCALE_TARGET, code_revision, render_report,  # noqa: E402
                          throughput_report, verdict)
from bench.throughput import throughput  # noqa: E402
from bench.workload import OUT, database  # noqa: E402


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

    text, render_targets = render_report(rt, list(paths))
    targets.update(render_targets)
    print()
    print(text)
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
