"""How big the database grows in a year of activity, without and with `familieportal retention`.

    python bench/db_size.py                 # 500 families, a year, retention weekly: ~15 s
    python bench/db_size.py --families 5000 --days 365

It generates a database (bench/generate.py), copies it twice and plays the same
year of bookkeeping into both: parents signing in (a link, its message, a
session, audit lines), parents asking for links (rate-limit rows), coordinators
viewing families (an audit line each), and a share of cases closed every month.
One copy is left alone; the other runs portal.data.retention (the code behind
`familieportal retention`) every `--every` days at the simulated date. It prints
both sizes next to the generated one: the file, and the bytes in use (the file
less its free pages, which SQLite reuses before it grows the file).

Rows are written with plain INSERTs at simulated times, so a year takes seconds.
"""
import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402
from portal import create_app  # noqa: E402
from portal.data import retention  # noqa: E402
from portal.data.db import connect, get_db  # noqa: E402

# Per family and day, on average.
SIGN_INS = 0.15  # a family's parents sign in about once a week between them
VIEWS = 0.4  # a coordinator opens a family's pages about three times a week
LINK_REQUESTS = 0.03
CLOSED_PER_MONTH = 0.02  # cases closed each month (about one in four a year)


def _text(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sizes(path):
    """(file bytes, bytes in use) of a database, after a checkpoint."""
    db = connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size, pages, free = (db.execute(f"PRAGMA {name}").fetchone()[0]
                                  for name in ("page_size", "page_count", "freelist_count"))
    finally:
        db.conn.close()
    return Path(path).stat().st_size, (pages - free) * page_size


def counts(path, tables=("families", "sessions", "sign_in_links", "outbox", "rate_limit_hits", "audit_log")):
    db = connect(path)
    try:
        return {table: db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in tables}
    finally:
        db.conn.close()


def one_day(db, day, rng, serial):
    """A day's bookkeeping for the open families, at simulated times."""
    families = [row for row in db.execute(
        "SELECT f.id, f.coordinator_id, p.id FROM families f JOIN parents p ON p.family_id = f.id"
        " WHERE f.closed_at IS NULL GROUP BY f.id")]
    if not families:
        return
    links, outbox, sessions, audit, hits = [], [], [], [], []
    for family_id, coordinator_id, parent_id in rng.sample(families, round(len(families) * SIGN_INS)):
        at = day + timedelta(seconds=rng.randrange(7 * 3600, 22 * 3600))
        serial[0] += 1
        links.append((f"bench-{serial[0]}", parent_id, coordinator_id, _text(at), _text(at + timedelta(hours=72)),
                      _text(at + timedelta(minutes=5))))
        outbox.append(("email", f"parent{parent_id}@example.dk", family_id, parent_id, _text(at),
                       _text(at + timedelta(hours=72)), _text(at), _text(at + timedelta(seconds=1))))
        sessions.append((f"bench-{serial[0]}", parent_id, _text(at + timedelta(minutes=5)),
                         _text(at + timedelta(minutes=12))))
        audit.append((_text(at), "staff", coordinator_id, "sign_in.link_issued", family_id))
        audit.append((_text(at + timedelta(minutes=5)), "parent", parent_id, "sign_in.link_used", family_id))
    for family_id, coordinator_id, _ in rng.sample(families, min(len(families), round(len(families) * VIEWS))):
        audit.append((_text(day + timedelta(seconds=rng.randrange(8 * 3600, 16 * 3600))), "staff", coordinator_id,
                      "family.viewed", family_id))
    for family_id, _, parent_id in rng.sample(families, round(len(families) * LINK_REQUESTS)):
        at = _text(day + timedelta(seconds=rng.randrange(86400)))
        hits += [("ip:10.0.0.1", at), (f"id:parent{parent_id}@example.dk", at)]
    if day.day == 1:
        for family_id, _, _ in rng.sample(families, round(len(families) * CLOSED_PER_MONTH)):
            db.execute("UPDATE families SET active = 0, closed_at = ? WHERE id = ?", [_text(day), family_id])
    conn = db.conn
    conn.executemany("INSERT INTO sign_in_links (token_hash, subject_kind, subject_id, origin, channel,"
                     " issued_by_staff_id, created_at, expires_at, used_at) VALUES (?, 'parent', ?, 'sent', 'email',"
                     " ?, ?, ?, ?)", links)
    conn.executemany("INSERT INTO outbox (channel, recipient, purpose, family_id, parent_id, created_at, expires_at,"
                     " attempts, next_attempt_at, sent_at) VALUES (?, ?, 'sign_in_link', ?, ?, ?, ?, 1, ?, ?)", outbox)
    conn.executemany("INSERT INTO sessions (id_hash, user_kind, user_id, created_at, last_seen_at)"
                     " VALUES (?, 'parent', ?, ?, ?)", sessions)
    conn.executemany("INSERT INTO audit_log (at, actor_kind, actor_id, action, family_id) VALUES (?, ?, ?, ?, ?)",
                     audit)
    conn.executemany("INSERT INTO rate_limit_hits (bucket, at) VALUES (?, ?)", hits)


def play_year(path, start, days, *, prune_every=None, seed=1):
    """Play `days` of activity into the database at `path`; with prune_every, run retention that often."""
    app = create_app({"DATABASE": str(path), "TESTING": True})
    rng = random.Random(seed)
    serial = [0]
    seconds = []
    with app.app_context():
        db = get_db()
        db.execute("PRAGMA synchronous = OFF")  # speed only: a benchmark's throw-away copy
        for number in range(days):
            day = start + timedelta(days=number)
            with db.atomic():
                one_day(db, day, rng, serial)
            if prune_every and (number + 1) % prune_every == 0:
                started = time.perf_counter()
                retention.run(now=day + timedelta(hours=23))
                seconds.append(time.perf_counter() - started)
    return seconds


def _mb(size):
    return f"{size / 1e6:7.1f} MB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--every", type=int, default=7, help="run retention every this many days (default 7)")
    parser.add_argument("--out", help="folder for the databases (default: a temporary folder)")
    args = parser.parse_args(argv)

    folder = Path(args.out or tempfile.mkdtemp(prefix="familieportal-db-size-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    start = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    base = folder / "base.db"
    generate.generate(base, args.families, anchor_date=start.date().isoformat())
    without, with_pruning = folder / "without.db", folder / "with_retention.db"
    for copy in (without, with_pruning):
        shutil.copyfile(base, copy)
    play_year(without, start, args.days)
    runs = play_year(with_pruning, start, args.days, prune_every=args.every)

    print(f"{args.families} families, {args.days} days of activity; retention every {args.every} days")
    print(f"{'':28} {'file':>10} {'in use':>10}")
    rows = {}
    for label, path in (("generated", base), (f"{args.days} days, no retention", without),
                        (f"{args.days} days, with retention", with_pruning)):
        size, used = sizes(path)
        rows[label] = used
        print(f"{label:28} {_mb(size)} {_mb(used)}")
    print("rows:", "  ".join(f"{t} {a}->{b}" for (t, a), b in zip(counts(without).items(),
                                                                      counts(with_pruning).values())))
    if runs:
        print(f"retention: {len(runs)} runs, slowest {max(runs):.2f} s, median {sorted(runs)[len(runs) // 2]:.2f} s")
    kept, grown = rows[f"{args.days} days, with retention"], rows[f"{args.days} days, no retention"]
    print(f"with retention the database in use is {kept / rows['generated']:.2f}x the "
          f"generated one, without {grown / rows['generated']:.2f}x "
          f"({time.perf_counter() - started:.1f} s)")
    if not args.out:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
