"""Time the leaders' results figures uncached at 100 and 10,000 families, and check them against a direct count.

    .venv/bin/python bench/results_figures.py              # three runs, about a minute once the databases exist
    .venv/bin/python bench/results_figures.py --runs 1 --small 20 --large 400   # a smoke test

Each run, the two databases taking turns at every read (fresh copies of bench/generate.py's,
as bench/pages.py uses), for the newest ended quarter and "Alle enheder":
- each figure as the page reads it: the summary's counts (reads/results.counts, the
  rows of every unit for the quarter, migration m024) added up over the units, and the
  figure made from them; the median of --repeat reads;
- the whole results page: results.figures() (every unit too, for the small-group rule)
  and the page itself, GET /staff/resultater, signed in as a leader;
- for comparison, each figure counted straight from the families (DIRECT: the SQL the
  page ran before m024, a query over the quarter's families, meetings, goals and plan
  items); the median of --direct-repeat.
Nothing is kept between reads: reads/results.py has no cache. Figure: 10,000 ÷ 100 of the
median time; the target (≤ 1.2, as in bench/pages.py) is the page's. A figure's read is
a few rows per organisation unit: it grows with the units (the 100-family database has
2 departments with families, the 10,000 one 3), not with the families. The direct count and the
summary must give the same figures (each unit and all): a MISMATCH line says where not.
Run it on a quiet machine.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gunicorn_control import HOST  # noqa: E402
from bench.workload import bench_app, database, leader  # noqa: E402

TARGET = 1.2

# The families that count: of the unit (:unit, or every unit when NULL), open during [:from, :until).
DIRECT_FAMILIES = """
    WITH fam AS (
        SELECT f.id, f.created_at FROM families f JOIN staff contact ON contact.id = f.coordinator_id
        WHERE (:unit IS NULL OR coalesce(contact.department, '') = :unit)
          AND f.created_at < :until AND (f.closed_at IS NULL OR f.closed_at >= :from)
    )
"""
# Each figure counted straight from the families (reads/results.py's definitions), keyed by the figure's key.
DIRECT = {
    "netvaerksmoeder": """
        SELECT (SELECT count(*) FROM fam) AS families, coalesce(sum(m.kind = 'network'), 0) AS network,
               count(m.id) AS held
        FROM meetings m JOIN fam ON fam.id = m.family_id
        WHERE m.status = 'held' AND m.starts_at >= :from AND m.starts_at < :until""",
    "aflyste": """
        SELECT count(DISTINCT m.family_id) AS families, count(*) AS meetings,
               coalesce(sum(m.status = 'cancelled'), 0) AS cancelled,
               coalesce(sum(m.status = 'cancelled' AND julianday(m.starts_at) - julianday(m.updated_at) < 2), 0) AS late
        FROM meetings m JOIN fam ON fam.id = m.family_id
        WHERE m.starts_at >= :from AND m.starts_at < :until""",
    "fagpersoner": """
        , per_family AS (
            SELECT count(DISTINCT p.id) AS people, count(DISTINCT lower(trim(p.organisation))) AS organisations
            FROM fam LEFT JOIN people_involved p ON p.family_id = fam.id
                 AND (p.removed_at IS NULL OR p.removed_at >= :from)
            GROUP BY fam.id)
        SELECT count(*) AS families, round(avg(people), 1) AS people, round(avg(organisations), 1) AS organisations
        FROM per_family""",
    "foerste-netvaerksmoede": """
        , firsts AS (
            SELECT fam.created_at, min(m.starts_at) AS first_at FROM fam
            JOIN meetings m ON m.family_id = fam.id AND m.kind = 'network' AND m.status = 'held'
            GROUP BY fam.id HAVING first_at >= :from AND first_at < :until
        ), ranked AS (
            SELECT min(max(round(julianday(first_at) - julianday(created_at)), 0), 4095) AS days,
                   row_number() OVER (ORDER BY min(max(round(julianday(first_at) - julianday(created_at)), 0), 4095))
                       AS place,
                   count(*) OVER () AS n
            FROM firsts)
        SELECT (SELECT count(*) FROM firsts) AS families,
               (SELECT avg(days) FROM ranked WHERE place IN ((n + 1) / 2, (n + 2) / 2)) AS median""",
    "maal": """
        , per_goal AS (
            SELECT g.family_id,
                   (SELECT s.score FROM goal_scores s WHERE s.goal_id = g.id ORDER BY s.noted_on, s.id LIMIT 1) AS first,
                   (SELECT s.score FROM goal_scores s WHERE s.goal_id = g.id AND s.noted_on < :until
                    ORDER BY s.noted_on DESC, s.id DESC LIMIT 1) AS latest
            FROM goals g JOIN fam ON fam.id = g.family_id
            WHERE EXISTS (SELECT 1 FROM goal_scores s WHERE s.goal_id = g.id
                          AND s.noted_on >= :from AND s.noted_on < :until)
              AND (SELECT count(*) FROM goal_scores s WHERE s.goal_id = g.id AND s.noted_on < :until) >= 2)
        SELECT count(DISTINCT family_id) AS families, count(*) AS goals, coalesce(sum(latest > first), 0) AS rising
        FROM per_goal""",
    "planen": """
        SELECT count(DISTINCT p.family_id) AS families, count(*) AS items,
               coalesce(sum(p.status = 'done' AND (
                   SELECT max(e.at) FROM family_events e
                   WHERE e.family_id = p.family_id AND e.kind = 'plan_item.ended'
                     AND e.item_kind = 'plan_item' AND e.item_id = p.id) < date(p.due_on, '+1 day')), 0) AS on_time
        FROM plan_items p JOIN fam ON fam.id = p.family_id
        WHERE p.due_on >= :from AND p.due_on < :until""",
}


def direct_row(db, quarter, unit, key):
    """One figure's counts straight from the families (unit None: every unit)."""
    params = {"unit": unit, "from": f"{quarter['from']}-01", "until": f"{quarter['until']}-01"}
    cursor = db.execute(DIRECT_FAMILIES + DIRECT[key], params)
    return dict(zip([column[0] for column in cursor.description], cursor.fetchone()))


def direct_figures(db, quarter, unit):
    """{figure key: (families, rows)} of the figures over families, made from the direct counts."""
    from portal.data.reads import results

    shown = {}
    for figure in results.FIGURES[:-1]:  # the last, the parents' answers, is read straight from them anyway
        key = figure(results.NOTHING).key
        row = direct_row(db, quarter, unit, key)
        summary = {**results.NOTHING.summary, **row, "open_families": row["families"],
                   "meeting_families": row["families"], "goal_families": row["families"],
                   "item_families": row["families"]}
        if "people" in row:
            summary["people"] = round((row["people"] or 0) * row["families"])
            summary["organisations"] = round((row["organisations"] or 0) * row["families"])
        waits = results.Waits(row["families"], lambda row=row: row.get("median"))
        fig = figure(results.Counts(summary, waits, results.NOTHING.verdicts))
        shown[fig.key] = (row["families"], fig.rows)
    return shown


def summary_figures(quarter, unit):
    """{figure key: (families, rows)} as the page reads them from the summary, before suppression."""
    from portal.data.reads import results

    chosen = results.counts_for(quarter, unit)
    return {fig.key: (fig.families, fig.rows) for fig in (figure(chosen) for figure in results.FIGURES[:-1])}


def _interleaved_ms(measured, make, repeat):
    """Median ms of make(one)() in each database, the databases taking turns at every repetition."""
    times = {one.families: [] for one in measured}
    for index in range(repeat):
        for one in (measured if index % 2 == 0 else measured[::-1]):
            function = make(one)
            with one.app.app_context():
                started = time.perf_counter()
                function()
                times[one.families].append(time.perf_counter() - started)
    return {families: 1000 * statistics.median(values) for families, values in times.items()}


class Measured:
    """One database: the portal in this process, a signed-in leader, the newest ended quarter."""

    def __init__(self, families, secret_key):
        from urllib.parse import urlsplit

        from portal.data import links
        from portal.data.reads import results

        self.families = families
        self.path = database(families)
        self.app = bench_app(self.path, secret_key, f"http://{HOST}")
        leader_id = leader(self.path)
        with self.app.app_context():
            self.quarter = results.quarters()[0]
            path = urlsplit(links.issue("staff", leader_id)).path
        self.client = self.app.test_client()
        from bench.workload import CSRF
        page = self.client.get(path)
        self.client.post(path, data={"csrf_token": CSRF.search(page.text).group(1)})
        assert self.client.get("/staff/resultater").status_code == 200

    def check(self):
        """Where the summary and the direct count differ: [] when they agree for all units and each."""
        from portal.data.db import get_db
        from portal.data.reads import results

        with self.app.app_context():
            return [unit for unit in [None, *results.units()]
                    if summary_figures(self.quarter, unit) != direct_figures(get_db(), self.quarter, unit)]



def measure(measured, args):
    """{name: {families: median ms}} of each figure, the whole figures(), the page, and each direct count."""
    from portal.data.db import get_db
    from portal.data.reads import results

    ms = {}
    for figure in results.FIGURES:
        key = figure(results.NOTHING).key
        ms[key] = _interleaved_ms(
            measured, lambda one, figure=figure: lambda: figure(results.counts_for(one.quarter, None)), args.repeat)
    ms["figures(), all units"] = _interleaved_ms(
        measured, lambda one: lambda: results.figures(one.quarter, None), args.repeat)
    ms["page /staff/resultater"] = _interleaved_ms(
        measured, lambda one: lambda: one.client.get("/staff/resultater"), args.repeat)
    for key in DIRECT:
        ms[f"{key} (direct)"] = _interleaved_ms(
            measured, lambda one, key=key: lambda: direct_row(get_db(), one.quarter, None, key), args.direct_repeat)
    return ms


def main(argv=None):
    import secrets

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=200, help="reads per figure, database and run (default 200)")
    parser.add_argument("--direct-repeat", type=int, default=3, help="direct counts per figure and run (default 3)")
    args = parser.parse_args(argv)
    print("Databases:")
    secret_key = secrets.token_urlsafe(48)
    measured = [Measured(families, secret_key) for families in (args.small, args.large)]
    for one in measured:
        wrong = one.check()
        print(f"  {one.families:,} families, {one.quarter['key']}: summary = direct count"
              + ("" if not wrong else f"  MISMATCH for {wrong}"))
    ratios = {}
    small, large = args.small, args.large
    for run in range(args.runs):
        ms = measure(measured, args)
        print(f"\nRun {run + 1}: median ms at {small:,} / {large:,} families, and the ratio")
        for name, times in ms.items():
            ratio = times[large] / times[small]
            ratios.setdefault(name, []).append(ratio)
            target = ("  ok" if ratio <= TARGET else "  MISSED") if name.startswith("page") else ""
            print(f"  {name:36} {times[small]:9.3f} {times[large]:10.3f}   {ratio:7.2f}{target}")
    print(f"\nRatios {args.large:,} ÷ {args.small:,} over {args.runs} runs (target for the page ≤ {TARGET}):")
    for name, values in ratios.items():
        print(f"  {name:36} " + " ".join(f"{value:7.2f}" for value in values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
