"""Sessions: new at sign-in, end on time or on sign-out, cookies locked down."""
import time

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.data.db import get_db, migrate
from portal import demo as demo_data

from conftest import Auth, csrf_from, deliver


def cookie(client, name="familieportal"):
    found = client.get_cookie(name)
    return found.value if found else None


def test_signing_in_gives_a_new_session_id(auth, client):
    client.get(auth.link())  # an anonymous cookie with a CSRF token
    before = cookie(client)
    auth.sign_in()
    after = cookie(client)
    assert before and after and before != after


def test_signing_out_ends_the_session_on_the_server(auth, client, db):
    auth.sign_in()
    stolen = cookie(client)
    auth.sign_out()
    assert db.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
    client.set_cookie("familieportal", stolen)
    response = client.get("/")
    assert "Din kontaktperson" not in response.text


def test_an_idle_session_ends_after_30_minutes(auth, client, db):
    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 minutes')")
    response = client.get("/")
    assert "Din kontaktperson" not in response.text
    goals = client.get("/goals")
    assert goals.status_code == 302 and "/logged-out" in goals.headers["Location"]


def test_a_session_ends_after_12_hours_however_active(auth, client, db):
    auth.sign_in()
    db.execute("UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-13 hours')")
    assert "Din kontaktperson" not in client.get("/").text


def test_an_active_session_stays_signed_in(auth, client, db):
    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-20 minutes')")
    assert "Din kontaktperson" in client.get("/").text


def test_typing_is_kept_when_the_session_ended_before_saving(auth, client, db):
    auth.sign_in()
    token = csrf_from(client.get("/").text)
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 minutes')")
    response = client.post("/goals", data={"csrf_token": token, "text": "Mit mål 🙂", "for_whom": "family"},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 401 and "Mit mål 🙂" in response.text


def test_typing_sent_from_another_site_is_never_shown_back(auth, client, db):
    """Another site must not be able to put words on the portal's pages."""
    auth.sign_in()
    token = csrf_from(client.get("/").text)
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 minutes')")
    words = "Ring til 11 22 33 44 for at beholde dit barn"
    # Even with a valid token (as if it had leaked), a cross-site post gets no words back.
    leaked = client.post("/goals", data={"csrf_token": token, "text": words}, headers={"Sec-Fetch-Site": "cross-site"})
    assert leaked.status_code == 302 and words not in leaked.text
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}, {}):
        expired = client.post("/goals", data={"text": words}, headers=headers)
        assert words not in expired.text
        no_token = client.post("/meetings/2/agenda", data={"text": words}, headers=headers)
        assert no_token.status_code in (302, 400, 401) and words not in no_token.text
    assert words in client.post("/goals", data={"text": words}, headers={"Sec-Fetch-Site": "same-origin"}).text


def production_app(tmp_path, **extra):
    config = {
        "PRODUCTION": True,
        "SECRET_KEY": "x" * 48,
        "DATABASE": str(tmp_path / "prod.db"),
        "BASE_URL": "https://familie.example.dk",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    config.update(extra)
    return create_app(config)


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FAMILIEPORTAL_PRODUCTION", "1")
    monkeypatch.delenv("FAMILIEPORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("FAMILIEPORTAL_SECRET_KEY", "development-only-not-secret")
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("FAMILIEPORTAL_SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("FAMILIEPORTAL_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("FAMILIEPORTAL_BASE_URL", "https://familie.example.dk")
    assert create_app().config["PRODUCTION"] is True


def test_production_cookies_are_host_only_secure_httponly_lax(tmp_path):
    app = production_app(tmp_path)
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    client = app.test_client()
    page = client.get(Auth(app, client).link(), base_url="https://familie.example.dk")
    assert page.status_code == 200
    set_cookie = page.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-familieportal=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in set_cookie
    assert "Domain" not in set_cookie
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_rejects_a_wrong_host_header(tmp_path):
    app = production_app(tmp_path)
    client = app.test_client()
    assert client.get("/", base_url="https://evil.example.com").status_code == 400
    assert client.get("/", base_url="https://familie.example.dk").status_code == 200


def test_links_use_the_configured_base_url_not_the_host_header(app, client):
    evil = "http://evil.example.com"
    token = csrf_from(client.get("/login", base_url=evil).text)
    answer = client.post("/login", data={"csrf_token": token, "contact": "sara.holm@example.dk"}, base_url=evil)
    assert answer.status_code == 200
    import json
    from pathlib import Path

    assert deliver(app) == 1
    message = json.loads(next(Path(app.config["OUTBOX_DIR"]).glob("*.json")).read_text())
    assert "http://localhost/login/" in message["text"]
    assert "evil" not in message["text"]


# Session touches written behind (a server process): see sessions.Touches.


@pytest.fixture
def behind(app):
    """Touches as a gunicorn worker has them: held in memory, written by a thread (here: slowly)."""
    from portal.sign_in import sessions

    sessions.touches.start(app, interval=3600)
    yield sessions.touches
    sessions.touches.stop(app)


def _last_seen(db):
    return db.execute("SELECT last_seen_at FROM sessions WHERE ended_at IS NULL").fetchone()[0]


def test_a_touch_waits_in_memory_and_is_written_by_the_next_flush(app, auth, client, db, behind):
    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes')")
    old = _last_seen(db)
    assert client.get("/").status_code == 200
    assert _last_seen(db) == old  # not written yet: no other connection's cache was thrown away
    with app.app_context():
        behind.flush(get_db())
    assert _last_seen(db) > old


def test_a_session_touched_in_memory_is_not_ended_as_idle(app, auth, client, db, behind):
    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-29 minutes')")
    assert client.get("/").status_code == 200  # a touch, held in memory
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 minutes')")
    assert "Hej Sara" in client.get("/").text  # the database alone would call this session idle


def test_a_late_flush_never_moves_last_seen_back_or_touches_an_ended_session(app, auth, client, db, behind):
    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes')")
    assert client.get("/").status_code == 200  # held: "now"
    db.execute("UPDATE sessions SET last_seen_at = '2999-01-01T00:00:00Z'")  # written later elsewhere
    with app.app_context():
        behind.flush(get_db())
    assert _last_seen(db) == "2999-01-01T00:00:00Z"
    assert client.get("/").status_code == 200
    token = csrf_from(client.get("/").text)
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes')")
    client.get("/")  # held again
    client.post("/logout", data={"csrf_token": token})
    ended = db.execute("SELECT last_seen_at FROM sessions WHERE ended_at IS NOT NULL ORDER BY ended_at DESC").fetchone()[0]
    with app.app_context():
        behind.flush(get_db())
    assert db.execute("SELECT last_seen_at FROM sessions WHERE ended_at IS NOT NULL ORDER BY ended_at DESC"
                      ).fetchone()[0] == ended


def test_the_thread_writes_touches_within_its_interval(app, auth, client, db):
    from portal.sign_in import sessions

    auth.sign_in()
    db.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes')")
    old = _last_seen(db)
    sessions.touches.start(app, interval=0.05)
    try:
        assert client.get("/").status_code == 200
        deadline = time.monotonic() + 5
        while _last_seen(db) == old and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _last_seen(db) > old
    finally:
        sessions.touches.stop(app)


def test_the_first_page_after_signing_in_does_not_set_the_cookie_again(auth, client):
    # The CSRF token is made with the session at sign-in: the landing page only reads the cookie.
    response = auth.sign_in()
    assert "Set-Cookie" in response.headers
    home = client.get("/")
    assert "Hej Sara" in home.text and "Set-Cookie" not in home.headers
    token = csrf_from(home.text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
