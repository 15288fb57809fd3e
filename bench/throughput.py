"""Throughput phase: the portal and the hello app under gunicorn, rounds of each page in each traffic model.

Each round's requests/s is paired with the hello rounds just before and after it;
a page's figure is the median of those ratios.
"""
import gzip
import statistics
import time
from pathlib import Path

from bench.gunicorn_control import HOST, Gunicorn
from bench.http_client import Browser, Jar, sign_in_many
from bench.traffic import FRESH_SECONDS, Rotation, closed_loop, drive, real_round, real_traffic_budget
from bench.workload import (CASELOAD_MARKER, HOME_MARKER, OUT, OVERVIEW_MARKER, bench_app, coordinators_families,
                            families_of_parents, fresh_copy, sample_coordinators, sample_parents)

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
            "home_real": lambda: real_round(real_browsers, home_real, args.duration, HOME_MARKER.encode(), budget),
        }
        runners["caseload_closed"] = lambda: closed_loop(caseload_closed, "/staff/", args.duration,
                                                         CASELOAD_MARKER.encode())
        runners["caseload_real"] = lambda: real_round(staff_real_browsers, caseload_real, args.duration,
                                                       CASELOAD_MARKER.encode())
        runners["overview_closed"] = lambda: drive(overview_closed, lambda number: (None, overview_paths[number]),
                                                   args.duration, OVERVIEW_MARKER.encode())
        runners["overview_real"] = lambda: real_round(staff_real_browsers, overview_real, args.duration,
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
