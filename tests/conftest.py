"""Shared fixtures: each test gets its own temporary database with the demo families."""
import re

import pytest

from portal import create_app
from portal.data.db import connect, get_db, migrate
from portal import demo as demo_data
from portal.sign_in import links


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "test.db"),
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "BASE_URL": "http://localhost",
        }
    )
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html):
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


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

    def sign_in(self, email=demo_data.PARENT_EMAIL, kind="parent"):
        response = self.use(self.link(email, kind))
        assert response.status_code == 302, response.text
        return response

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
