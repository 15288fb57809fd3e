"""The benchmark's generator and hello app keep working (no timing is asserted here)."""
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate, hello_app  # noqa: E402
from portal import create_app  # noqa: E402
from portal.sign_in import links  # noqa: E402
from portal.data.db import connect, migrations  # noqa: E402

FAMILIES = 20


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "families.db"
    counts = generate.generate(path, FAMILIES, anchor_date="2026-11-23")
    return path, counts


def test_generator_writes_the_requested_scale_on_the_real_schema(generated):
    path, counts = generated
    db = connect(path)
    try:
        assert list(migrations.pending(db)) == []
        assert db["families"].count == FAMILIES
        assert db["parents"].count == 2 * FAMILIES
        assert db["meetings"].count == 10 * FAMILIES
        assert db["goals"].count == 20 * FAMILIES
        assert db["staff"].count_where("role = 'coordinator'") == 1
        assert db["meeting_participants"].count >= db["meetings"].count
        assert FAMILIES <= db["children"].count <= 3 * FAMILIES
        assert db["people_involved"].count >= 4 * FAMILIES
        assert counts["goals"] == 20 * FAMILIES
        assert list(db.execute("PRAGMA foreign_key_check")) == []
        # Every family has meetings ahead and behind, so the home page has both.
        assert db.execute("SELECT count(*) FROM meetings WHERE status = 'planned'").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM meetings WHERE status = 'held'").fetchone()[0] > 0
    finally:
        db.conn.close()


def test_generator_is_deterministic_and_reuses_a_matching_database(generated, tmp_path):
    path, _ = generated
    again = tmp_path / "again.db"
    generate.generate(again, FAMILIES, anchor_date="2026-11-23")

    def dump(p):
        db = connect(p)
        try:
            return [row for row in db.conn.iterdump() if "_sqlite_migrations" not in row]
        finally:
            db.conn.close()

    assert dump(path) == dump(again)
    assert generate.ensure(again, FAMILIES, anchor_date="2026-11-23") is False
    assert generate.ensure(again, FAMILIES + 1, anchor_date="2026-11-23") is True
    assert generate.read_params(again)["families"] == FAMILIES + 1


def test_a_generated_parent_can_sign_in_and_see_the_home_page(generated, tmp_path):
    path, _ = generated
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
    home = client.get("/")
    assert home.status_code == 200
    assert parent[1].split()[0] in home.text
    assert contact in home.text


def test_the_hello_baseline_says_hello():
    assert hello_app.app.test_client().get("/").text == "Hello"
