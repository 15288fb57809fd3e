"""Render time at scale: in-process (Flask's test client), the same pages in databases of different sizes.

Renders are interleaved between the databases; each page's SQL statements are
counted once per subject, outside the timing.
"""
import random
import sqlite3
import statistics
import time
from urllib.parse import urlsplit

from bench.gunicorn_control import HOST
from bench.servers import confirm_as_mitid
from bench.workload import (CSRF, PAGES, bench_app, bench_professional, leader, sample_coordinators, sample_families,
                            sample_parents)


class Subjects:
    """Signed-in test clients on one database: parents and coordinators, signed in the way they sign in."""

    def __init__(self, db_path, secret_key):
        self.path = db_path
        self.app = bench_app(db_path, secret_key, f"http://{HOST}")
        self.clients = {}

    def client(self, kind, user_id):
        from portal.data import links

        key = (kind, user_id)
        if key not in self.clients and kind == "professional":
            self.clients[key] = self._professional(user_id)
        if key not in self.clients:
            with self.app.app_context():
                path = urlsplit(links.issue(kind, user_id)).path
            client = self.app.test_client()
            page = client.get(path)
            response = client.post(path, data={"csrf_token": CSRF.search(page.text).group(1)})
            if response.status_code != 302:
                raise RuntimeError(f"{kind} {user_id} could not sign in to {self.path.name}")
            if kind == "parent":
                confirm_as_mitid(self.path, user_id)
            self.clients[key] = client
        return self.clients[key]


    def _professional(self, professional_id):
        """A professional's session as single sign-on leaves it (Substantial, 'sso'), its id in the client's cookie."""
        import secrets

        from portal.data.clock import now_text
        from portal.tokens import hash_id

        sid = secrets.token_urlsafe(32)
        conn = sqlite3.connect(str(self.path), timeout=30)
        with conn:
            now = now_text()
            conn.execute("INSERT INTO sessions (id_hash, user_kind, user_id, created_at, last_seen_at, level, method,"
                         " assured_at) VALUES (?, 'professional', ?, ?, ?, 2, 'sso', ?)",
                         [hash_id(sid), professional_id, now, now, now])
        conn.close()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["sid"] = sid
        return client


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
        # The leaders' results: the same page for the whole municipality (all units, the last ended quarter).
        jobs["results"].append((subjects.client("staff", leader(path)), "/staff/resultater", None))
        # One professional in 40 families, at every scale: "Mine familier" must not grow with the database.
        jobs["mine familier"].append((subjects.client("professional", bench_professional(path)), "/fagperson/", None))
        for family_id, staff_id in sample_families(path, args.families):
            client = subjects.client("staff", staff_id)
            for name, kind, template, _marker in PAGES:
                if "{family}" not in template:
                    continue
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
            for _ in range(3 if name in ("caseload", "results", "mine familier") else 1):
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
            "renders_per_subject": args.renders * (3 if name in ("caseload", "results", "mine familier") else 1),
            "statements": statements[name],
            "html_bytes": sizes[name],
        }
    return {"pages": result, "caseload_families": caseload_size, "small": small, "large": large}
