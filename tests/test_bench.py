"""The benchmark's generator, page list and hello app keep working (no timing is asserted here)."""
import re
import shutil
import sqlite3
import sys
from argparse import Namespace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate, hello_app, http_client, render_timing, report, throughput, traffic, workload  # noqa: E402
from bench.servers import confirm_as_mitid  # noqa: E402
from portal import create_app  # noqa: E402
from portal.data import links  # noqa: E402
from portal.data.db import connect, migrate, migrations  # noqa: E402

FAMILIES = 20
ANCHOR = "2026-11-23"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "families.db"
    counts = generate.generate(path, FAMILIES, anchor_date=ANCHOR)
    return path, counts


def _copy(path, tmp_path):
    """Pages write (sessions, audit lines, what a coordinator has seen): render on a copy."""
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    return copy


def _one(db, sql, params=()):
    return db.execute(sql, params).fetchone()[0]


def test_generator_writes_the_requested_scale_on_the_real_schema(generated):
    path, counts = generated
    db = connect(path)
    try:
        assert list(migrations.pending(db)) == []
        assert db["families"].count == FAMILIES
        assert db["parents"].count == 2 * FAMILIES
        assert db["meetings"].count == 10 * FAMILIES
        assert db["goals"].count == 20 * FAMILIES
        assert db["plan_items"].count >= 8 * FAMILIES
        assert db["plan_updates"].count == 3 * FAMILIES
        assert db["staff"].count_where("role = 'coordinator'") == 1
        assert db["meeting_participants"].count >= db["meetings"].count
        assert FAMILIES <= db["children"].count <= 3 * FAMILIES
        assert db["people_involved"].count >= 4 * FAMILIES
        assert counts["goals"] == 20 * FAMILIES
        assert list(db.execute("PRAGMA foreign_key_check")) == []
        # Every family has meetings ahead and behind, so the pages have both.
        assert _one(db, "SELECT count(*) FROM meetings WHERE status = 'planned'") > 0
        assert _one(db, "SELECT count(*) FROM meetings WHERE status = 'held'") > 0
    finally:
        db.conn.close()


def test_the_schema_is_exactly_the_migrated_one_triggers_included(generated):
    """The generator sets the triggers aside while it loads: they must all be back, unchanged."""
    path, _ = generated
    fresh = connect(":memory:")
    migrate(fresh)
    db = connect(path)
    schema = ("SELECT type, name, tbl_name, sql FROM sqlite_master"
              f" WHERE name NOT LIKE 'sqlite_%' AND name != '{generate.META_TABLE}'")
    try:
        assert set(db.execute(schema).fetchall()) == set(fresh.execute(schema).fetchall())
        # ... and they work: a score out of range is refused (rolled back: other tests read this file).
        db.conn.execute("BEGIN")
        with pytest.raises(sqlite3.IntegrityError, match="score must be 0-10"):
            db.execute("INSERT INTO goal_scores (goal_id, score, noted_on, created_at) SELECT min(id), 11, '2026-01-01', '2026-01-01'"
                       " FROM goals WHERE family_id = 1")
    finally:
        if db.conn.in_transaction:
            db.conn.rollback()
        db.conn.close()
        fresh.conn.close()


def test_the_generated_data_has_what_the_coordinator_workspace_shows(generated):
    path, _ = generated
    db = connect(path)
    try:
        # Meetings are published (parents see only those); a few future ones are drafts.
        assert _one(db, "SELECT count(*) FROM meetings WHERE published_at IS NULL AND starts_at < ?",
                    [ANCHOR]) == 0
        assert _one(db, "SELECT count(*) FROM meetings WHERE published_at IS NOT NULL") > 9 * FAMILIES
        # A network meeting names one responsible for follow-up, and has the parents' consent.
        assert _one(db, """SELECT count(*) FROM meetings m WHERE m.kind = 'network' AND
                           (SELECT count(*) FROM meeting_participants p WHERE p.meeting_id = m.id AND p.follow_up) != 1""") == 0
        assert _one(db, """SELECT count(*) FROM families f WHERE NOT EXISTS (SELECT 1 FROM consents c
                           JOIN consent_givers g ON g.consent_id = c.id WHERE c.family_id = f.id AND c.network_meetings = 1)""") == 0
        assert db["consent_givers"].count >= db["consents"].count
        # Plan items have kinds and someone responsible; some running ones are past their date.
        assert _one(db, "SELECT count(*) FROM plan_items WHERE kind IS NULL") == 0
        assert _one(db, "SELECT count(*) FROM plan_items WHERE responsible_person_id IS NULL"
                        " AND responsible_family = 0") == 0
        assert _one(db, "SELECT count(*) FROM plan_items WHERE status IN ('planned', 'active')"
                        " AND due_on < ?", [ANCHOR]) > 0
        assert db["meeting_summaries"].count > 0 and db["action_points"].count > 0
        assert db["agenda_points"].count > 0 and db["goal_scores"].count > 0
        # The family's story: what the writes would have left, parents' additions among it.
        kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM family_events")}
        assert {"meeting.published", "plan_item.added", "goal.added", "agenda_point.added",
                "plan_update.published", "consent.recorded"} <= kinds
        assert _one(db, "SELECT count(*) FROM family_events WHERE actor_kind = 'parent'") > 0
        assert _one(db, "SELECT max(at) FROM family_events") < ANCHOR
        # Within a family, event ids follow time (staff_family_seen counts by id).
        assert _one(db, """SELECT count(*) FROM family_events a JOIN family_events b
                           ON a.family_id = b.family_id AND a.id < b.id AND a.at > b.at""") == 0
        assert db["staff_family_seen"].count == FAMILIES
    finally:
        db.conn.close()


def test_generator_is_deterministic_and_reuses_a_matching_database(generated, tmp_path):
    path, _ = generated
    again = tmp_path / "again.db"
    generate.generate(again, FAMILIES, anchor_date=ANCHOR)

    def dump(p):
        db = connect(p)
        try:
            return [row for row in db.conn.iterdump() if "_sqlite_migrations" not in row]
        finally:
            db.conn.close()

    assert dump(path) == dump(again)
    assert generate.ensure(again, FAMILIES, anchor_date=ANCHOR) is False
    assert generate.ensure(again, FAMILIES + 1, anchor_date=ANCHOR) is True
    assert generate.read_params(again)["families"] == FAMILIES + 1


def test_a_generated_parent_can_sign_in_and_see_the_home_page(generated, tmp_path):
    path = _copy(generated[0], tmp_path)
    app = create_app({"TESTING": True, "DATABASE": str(path), "BASE_URL": "http://localhost",
                      "OUTBOX_DIR": str(tmp_path / "outbox")})
    db = connect(path)
    parent = db.execute("SELECT id, name FROM parents WHERE family_id = ? ORDER BY id", [FAMILIES]).fetchone()
    contact = db.execute(
        "SELECT staff.name FROM staff JOIN families ON families.coordinator_id = staff.id WHERE families.id = ?",
        [FAMILIES],
    ).fetchone()[0]
    db.conn.close()
    with app.app_context():
        link = urlsplit(links.issue("parent", parent[0])).path
    client = app.test_client()
    page = client.get(link)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page.text).group(1)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    confirm_as_mitid(path)  # the case pages need MitID: a stand-in, as the benchmarks use
    home = client.get("/")
    assert home.status_code == 200
    assert parent[1].split()[0] in home.text
    assert contact in home.text


def test_every_benchmarked_page_renders_for_a_generated_parent_and_coordinator(generated, tmp_path):
    """The bench's own sign-in and page list on the generated data: each page has its marker."""
    path = _copy(generated[0], tmp_path)
    subjects = render_timing.Subjects(path, "bench-test-secret-key-" + "x" * 24)
    coordinators, caseload = workload.sample_coordinators(path, 3)
    assert coordinators == [1] and caseload == FAMILIES
    (family_id, staff_id), = workload.sample_families(path, 1)
    parent_id, = workload.sample_parents(path, 1)
    leader_id = workload.leader(path)
    for name, kind, template, marker in workload.PAGES:
        client = subjects.client("staff" if kind == "leader" else kind,
                                 {"parent": parent_id, "leader": leader_id,
                                  "professional": workload.bench_professional(path)}.get(kind, staff_id))
        response = client.get(template.format(family=family_id))
        assert response.status_code == 200, name
        assert marker in response.text, name
    # The caseload lists every family of the coordinator, with what is new from the parents.
    caseload_page = subjects.client("staff", staff_id).get("/staff/").text
    assert caseload_page.count('href="/staff/families/') >= FAMILIES
    assert render_timing.count_statements(subjects.client("staff", staff_id), "/staff/") > 0
    # The generated professional sees every family they are in (all of them at this scale: fewer than 40).
    mine = subjects.client("professional", workload.bench_professional(path)).get("/fagperson/").text
    assert mine.count('id="familie-') == min(FAMILIES, generate.PROFESSIONAL_FAMILIES)


def test_render_times_runs_end_to_end_on_two_small_databases(generated, tmp_path):
    path = _copy(generated[0], tmp_path)
    other = tmp_path / "ten.db"
    generate.generate(other, 10, anchor_date=ANCHOR)
    args = Namespace(parents=2, coordinators=1, families=2, renders=1)
    result = render_timing.render_times(args, {10: other, FAMILIES: path}, "bench-test-secret-key-" + "x" * 24)
    assert set(result["pages"]) == {name for name, *_ in workload.PAGES}
    for page in result["pages"].values():
        assert page["ratio"] > 0 and page["statements"][10]["median"] > 0
    text, targets = report.render_report(result, [10, FAMILIES])
    assert text.splitlines()[0].split() == ["page", "(render,", "ms)", "10", "20", "20", "÷", "10", "target", "SQL",
                                            "statements", "HTML", "bytes"]
    assert set(targets) == {f"{name} render, 20 ÷ 10" for name in ("parent home", "caseload", "family overview", "results", "mine familier")}


def test_each_database_puts_back_its_own_coordinators_seen_state_before_an_overview(generated, tmp_path, monkeypatch):
    """Every overview render, in every database, comes after a reset of that database (the same "Nyt fra familien")."""
    path = _copy(generated[0], tmp_path)
    other = tmp_path / "ten.db"
    generate.generate(other, 10, anchor_date=ANCHOR)
    reset_in = []
    put_back = render_timing.SeenReset.__call__
    monkeypatch.setattr(render_timing.SeenReset, "__call__", lambda self, *ids: (reset_in.append(self.path), put_back(self, *ids)))
    args = Namespace(parents=1, coordinators=1, families=2, renders=2)
    render_timing.render_times(args, {10: other, FAMILIES: path}, "bench-test-secret-key-" + "x" * 24)
    # Per database: 2 families x (a check, a statement count with its own first render, 2 timed renders).
    assert {p: reset_in.count(p) for p in (other, path)} == {other: 2 * 5, path: 2 * 5}


def test_sampled_groups_of_parents_share_no_family(generated):
    path, _ = generated
    closed = workload.sample_parents(path, 4)
    real = workload.sample_parents(path, 100, skip_families=workload.families_of_parents(path, closed))
    assert len(closed) == 4 and len(real) == FAMILIES - 4
    assert not set(workload.families_of_parents(path, closed)) & set(workload.families_of_parents(path, real))
    assert len(set(real)) == len(real)


def test_the_real_traffic_rotation_hands_out_each_person_in_turn_and_never_again_within_a_minute():
    jars = [http_client.Jar({}, who) for who in "abc"]
    rotation = traffic.Rotation([(jar, "/") for jar in jars], fresh_after=traffic.FRESH_SECONDS)
    rotation.start_round(budget=2)
    assert [rotation.take()[0].who for _ in range(2)] == ["a", "b"]
    assert rotation.take() is None and rotation.ended_by() == "budget"
    rotation.start_round()
    assert rotation.take()[0].who == "c"
    # "a" was here a moment ago: the round ends rather than show it a page it may have cached.
    assert rotation.take() is None and rotation.ended_by() == "no fresh person"
    # The staff pages: the next coordinator every time, each time the next of their families.
    staff = [http_client.Jar({}, who) for who in (7, 8)]
    families = {7: [1, 2], 8: [3, 4]}
    overview = traffic.Rotation([(jar, f"/staff/families/{families[jar.who][k]}") for k in range(2) for jar in staff])
    assert [overview.take()[1] for _ in range(5)] == [f"/staff/families/{f}" for f in (1, 3, 2, 4, 1)]
    # A budget that keeps a pool's people a minute apart: rounds 20 s apart come back every third round.
    assert traffic.real_traffic_budget(2000, 5, 20) == 666
    assert traffic.real_traffic_budget(2000, 5, 40) == 1000
    assert traffic.real_traffic_budget(2000, 1, 40) == 2000


def test_throughput_runs_both_traffic_models_end_to_end(generated, tmp_path, monkeypatch):
    """Real gunicorn servers on loopback, a handful of people, very short rounds: the code runs (no speed asserted)."""
    path = _copy(generated[0], tmp_path)
    before = path.read_bytes()
    monkeypatch.setenv("FAMILIEPORTAL_WORKERS", "1")
    monkeypatch.setenv("FAMILIEPORTAL_THREADS", "4")
    args = Namespace(concurrency=2, real_parents=4, sign_in_threads=4, rounds=2, duration=0.2)
    out = tmp_path / "out"
    out.mkdir()
    result = throughput.throughput(args, path, "bench-test-secret-key-" + "x" * 24, out=out)
    # The servers signed people in and wrote their visits into a copy: the render times
    # that follow on `path` start from the same data as in the other databases.
    assert path.read_bytes() == before and not Path(f"{path}-wal").exists()
    written = sqlite3.connect(out / f"throughput-{path.name}")
    try:
        assert _one(written, "SELECT count(*) FROM sessions") > 0
    finally:
        written.close()
    assert set(result["variants"]) == {key for key, _page, _model in throughput.HOME_VARIANTS + throughput.STAFF_VARIANTS}
    assert len(result["hello_rounds"]) == 2 * args.rounds + 1
    assert result["real_parents"] == 4 and result["coordinators"] == 1 and result["caseload"] == FAMILIES
    assert result["errors"] == 0
    for key, variant in result["variants"].items():
        assert variant["requests_per_second"] > 0 and variant["ratio"] > 0, key
        assert len(variant["paired_ratios"]) == args.rounds
    # Real traffic: the budget kept every parent to one request in the run (4 parents, 2 rounds of 2).
    assert result["real_traffic_budget"] == 2
    assert result["variants"]["home_real"]["ended_by"] == ["budget"]
    assert sum(run["ok"] for run in result["variants"]["home_real"]["rounds"]) == 4
    text, targets = report.throughput_report(result, args)
    assert "real traffic" in text and "closed loop" in text
    assert set(targets) == {"parent home ÷ hello, real traffic", "family overview ÷ hello, real traffic"}


def test_the_hello_baseline_says_hello():
    assert hello_app.app.test_client().get("/").text == "Hello"
