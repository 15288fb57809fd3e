"""What the page benchmark measures, and on whom: the generated databases, the pages, the people sampled.

The databases come from bench/generate.py; each run works on a fresh copy
(bench/out/run-*.db). The samplers pick parents, coordinators with a full caseload
and families spread evenly over a database. bench_app() is the portal in this
process, configured like the served one.
"""
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

OUT = REPO / "bench" / "out"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
HOME_MARKER = 'id="kontakt"'  # only the signed-in home page has this section
CASELOAD_MARKER = 'id="familier"'
OVERVIEW_MARKER = 'id="nyt"'

# (name, who signs in, path, a text only the right page has). {family} is a family id.
PAGES = [
    ("parent home", "parent", "/", HOME_MARKER),
    ("caseload", "staff", "/staff/", 'id="familier"'),
    ("family overview", "staff", "/staff/families/{family}", 'id="nyt"'),
    ("family meetings", "staff", "/staff/families/{family}/meetings", 'id="kommende"'),
    ("family plan", "staff", "/staff/families/{family}/plan", 'class="page-title"'),
    ("results", "leader", "/staff/resultater", 'id="resultater"'),
    ("mine familier", "professional", "/fagperson/", 'id="familie-'),
]
LEADER_EMAIL = "bench.leader@example.dk"


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


def leader(path):
    """The id of the database's leader (who sees the results page): added the first time (the bench works on a copy)."""
    db = generate.connect(path)
    try:
        row = db.execute("SELECT id FROM staff WHERE email = ?", [LEADER_EMAIL]).fetchone()
        if row:
            return row[0]
        cursor = db.execute("INSERT INTO staff (name, email, role, department, created_at)"
                            " VALUES ('Bench Leader', ?, 'leader', 'Ledelsen', '2025-01-01T08:00:00Z')", [LEADER_EMAIL])
        db.conn.commit()
        return cursor.lastrowid
    finally:
        db.conn.close()


def bench_professional(path):
    """The id of the generated professional in PROFESSIONAL_FAMILIES families (bench/generate.py)."""
    db = generate.connect(path)
    try:
        return db.execute("SELECT id FROM professionals WHERE email = ?", [generate.PROFESSIONAL_EMAIL]).fetchone()[0]
    finally:
        db.conn.close()


def coordinators_families(path, staff_ids):
    """Each coordinator's active families, in id order."""
    db = generate.connect(path)
    try:
        return {staff_id: [row[0] for row in db.execute(
            "SELECT id FROM families WHERE coordinator_id = ? AND active = 1 ORDER BY id", [staff_id])]
            for staff_id in staff_ids}
    finally:
        db.conn.close()


def bench_app(db_path, secret_key, base_url):
    """The portal in this process, configured like the served one whatever the shell exports."""
    from portal import create_app

    return create_app({"DATABASE": str(db_path), "SECRET_KEY": secret_key, "BASE_URL": base_url,
                       "PRODUCTION": False, "PROXY_COUNT": 0, "OUTBOX_DIR": str(OUT / "outbox")})


def issue_links(db_path, parent_ids, base_url, secret_key):
    """Sign-in URLs for these parents, made by the portal's own link code."""
    from portal.data import links

    app = bench_app(db_path, secret_key, base_url)
    with app.app_context():
        return [links.issue("parent", parent_id) for parent_id in parent_ids]
