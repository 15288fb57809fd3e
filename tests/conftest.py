"""Shared fixtures: each test gets its own temporary database with the demo families."""
import importlib.util
import re
import shutil
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from portal import create_app
from portal.data.db import connect, get_db, migrate
from portal import demo as demo_data
from portal.data import clock
from portal.data import links

ROOT = Path(__file__).resolve().parent.parent

# The demo's rows, as tests refer to them (see portal/demo.py).
HOLM, SPLIT, NIELSEN = 1, 2, 3  # families
SARA, THOMAS, NADIA, MARTIN, LENE = 1, 2, 3, 4, 5  # parents
JONAS, METTE, ANNE, PETER = 1, 2, 3, 4  # staff: Jonas covers for Mette, Anne is admin
# Holm meetings: held network, next network, follow-up, conversation, cancelled home visit;
# split family: network, home visit at Nadia's protected home, conversation hidden from Martin; Nielsen.
HELD_NETWORK, NEXT_NETWORK, FOLLOW_UP, CONVERSATION, CANCELLED_VISIT = 1, 2, 3, 4, 5
SPLIT_NETWORK, PROTECTED_HOME_VISIT, HIDDEN_FROM_MARTIN = 6, 7, 8
NIELSEN_MEETING = 9


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The migrated demo database, built once; each test gets its own copy.

    The portal commits with synchronous=FULL: building the demo anew for
    every test would cost hundreds of fsyncs.
    """
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    template = create_app({"TESTING": True, "DATABASE": str(path), "BASE_URL": "http://localhost"})
    with template.app_context():
        db = get_db()
        migrate(db)
        demo_data.load()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def pytest_generate_tests(metafunc):
    """A module marked both_frameworks runs each test on the portal with its overrides and on the plain framework.

    A test that parametrizes plain_framework itself (one that is about one of them) keeps its own.
    """
    chosen = any("plain_framework" in marker.args[0] for marker in metafunc.definition.iter_markers("parametrize"))
    if (metafunc.definition.get_closest_marker("both_frameworks") and "plain_framework" in metafunc.fixturenames
            and not chosen):
        metafunc.parametrize("plain_framework", [False, True], ids=["overrides", "plain"])


def pytest_configure(config):
    config.addinivalue_line("markers", "both_frameworks: run with and without the overrides of portal/web/framework.py")


@pytest.fixture
def plain_framework():
    """None: as FAMILIEPORTAL_PLAIN_FRAMEWORK says (off unless set); both_frameworks modules get False and True."""
    return None


@pytest.fixture
def app(tmp_path, demo_database, plain_framework):
    database = tmp_path / "test.db"
    shutil.copyfile(demo_database, database)
    database.chmod(0o600)
    config = {
        "TESTING": True,
        "DATABASE": str(database),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "BASE_URL": "http://localhost",
    }
    if plain_framework is not None:
        config["PLAIN_FRAMEWORK"] = plain_framework
    yield create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def deliver(app):
    """Run the outbox worker once, as the thread in each web worker does every second."""
    from portal.messages import worker

    with app.app_context():
        return worker.deliver_due(limit=10_000)


@pytest.fixture
def set_clock(monkeypatch):
    """Move the portal's clock to `minutes` after the test began: every module that took `utcnow` reads it."""
    real = clock.utcnow
    started = real()
    modules = set()

    def move_to(minutes):
        moment = started + timedelta(minutes=minutes)
        modules.update(module for name, module in list(sys.modules.items())
                       if name.startswith("portal") and getattr(module, "utcnow", None) is real)
        for module in modules:
            monkeypatch.setattr(module, "utcnow", lambda: moment)
        return moment
    return move_to


def database_before(path, migration):
    """A database migrated up to (not including) `migration`, with a coordinator and Familien Holm (id 1)."""
    from portal.data.db import migrations

    db = connect(path)
    migrations.apply(db, stop_before=migration)
    db["staff"].insert({"id": 1, "name": "Mette", "email": "m@example.dk", "role": "coordinator",
                        "created_at": "2026-01-01T00:00:00Z"})
    db["families"].insert({"id": 1, "name": "Familien Holm", "coordinator_id": 1, "created_at": "2026-01-01T00:00:00Z"})
    return db


def insert_person(db, family_id, name, role, organisation, *, removed_at=None, phone=None, email=None):
    """A person involved in a family as the tests' raw SQL makes one: a professional and their involvement."""
    professional = db.execute("INSERT INTO professionals (name, phone, email, organisation, created_at)"
                              " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')", [name, phone, email, organisation]).lastrowid
    return db.execute("INSERT INTO people_involved (family_id, professional_id, role, organisation, removed_at)"
                      " VALUES (?, ?, ?, ?, ?)", [family_id, professional, role, organisation, removed_at]).lastrowid


def main_part(html):
    return html.split('<main id="indhold">')[1].split("</main>")[0]


def load_script(name):
    """A script from scripts/ as a module (scripts are not a package): tests call its functions."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def csrf_from(html):
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def confirm_sessions(db, kind, email=None, user_id=None):
    """Raise a person's live sessions to Substantial, confirmed now (a test's stand-in for MitID)."""
    table = "parents" if kind == "parent" else "staff"
    if user_id is None:
        user_id = db.execute(f"SELECT id FROM {table} WHERE email = ?", [email]).fetchone()[0]
    db.execute("UPDATE sessions SET level = 2, method = 'mitid', assured_at = ? WHERE user_kind = ?"
               " AND ended_at IS NULL AND user_id = ?", [clock.now_text(), kind, user_id])


class Auth:
    """Sign in the way a person does: open the link, press Fortsæt."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def link(self, email=demo_data.PARENT_EMAIL, kind="parent", **kwargs):
        with self.app.app_context():
            table = "parents" if kind == "parent" else "staff"
            person = next(get_db()[table].rows_where("email = ?", [email]))
            url = links.issue(kind, person["id"], **kwargs)
        return url.removeprefix(self.app.config["BASE_URL"])

    def use(self, path):
        page = self.client.get(path)
        if page.status_code != 200:
            return page
        return self.client.post(path, data={"csrf_token": csrf_from(page.text)})

    def sign_in(self, email=demo_data.PARENT_EMAIL, kind="parent", mitid=True):
        """Sign in with a link; then, unless mitid=False, as if they had confirmed with MitID.

        tests/test_mitid.py takes the real way through the test MitID; here the
        session row is raised directly, so the other tests need no SAML.
        """
        response = self.use(self.link(email, kind))
        assert response.status_code == 302, response.text
        if mitid and kind == "parent":
            with self.app.app_context():
                confirm_sessions(get_db(), kind, email)
        return response

    def staff(self, email=demo_data.COORDINATOR_EMAIL):
        return self.sign_in(email, kind="staff")

    def sign_out(self):
        home = self.client.get("/")
        return self.client.post("/logout", data={"csrf_token": csrf_from(home.text)})


@pytest.fixture
def auth(app, client):
    return Auth(app, client)


@pytest.fixture
def db(app):
    """A separate connection for reading what the app wrote."""
    database = connect(app.config["DATABASE"])
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The portal with the demo data on a real loopback server, for a browser module."""
    from browser import serve

    folder = tmp_path_factory.mktemp("live")
    app = create_app({"DATABASE": str(folder / "live.db"), "OUTBOX_DIR": str(folder / "outbox"),
                      "BASE_URL": "http://127.0.0.1:0"})
    server = serve(app)
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    yield app
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per browser module."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
