"""Things a security review found, kept fixed."""
import pytest

from conftest import Auth, confirm_sessions, csrf_from, deliver
from test_sessions import production_app


def test_forms_work_over_https_without_a_referer(tmp_path):
    """Our pages send no Referer (they carry tokens); HTTPS POSTs must still work."""
    from portal import demo
    from portal.data.db import get_db, migrate

    app = production_app(tmp_path)
    with app.app_context():
        migrate(get_db())
        demo.load()
    client = app.test_client()
    https = "https://familie.example.dk"
    path = Auth(app, client).link()
    page = client.get(path, base_url=https)
    response = client.post(path, data={"csrf_token": csrf_from(page.text)}, base_url=https)
    assert response.status_code == 302, response.text[:300]
    with app.app_context():
        confirm_sessions(get_db(), "parent", demo.PARENT_EMAIL)
    home = client.get("/", base_url=https)
    assert "Din kontaktperson" in home.text


def test_a_parent_who_may_no_longer_sign_in_loses_access_at_once(auth, client, db):
    auth.sign_in()
    unused_link = auth.link()
    db.execute("UPDATE parents SET can_sign_in = 0 WHERE id = 1")
    assert "Din kontaktperson" not in client.get("/").text
    assert client.get(unused_link).status_code == 410


def test_signing_in_again_ends_the_previous_session(auth, client, db):
    auth.sign_in()
    auth.sign_in()
    assert db.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 1


def test_a_link_request_looks_the_same_when_mail_is_down(app, client):
    app.config.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_STARTTLS=False)
    answers = []
    for contact in ("sara.holm@example.dk", "nobody@example.dk"):
        token = csrf_from(client.get("/login").text)
        answers.append(client.post("/login", data={"csrf_token": token, "contact": contact}))
    assert [a.status_code for a in answers] == [200, 200]
    body = lambda a: a.text.split('<main id="indhold">')[1].split("</main>")[0]
    assert body(answers[0]) == body(answers[1])


def test_a_coordinator_is_told_when_a_link_could_not_be_sent(app, auth, client, db):
    app.config.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_STARTTLS=False)
    auth.sign_in("mette.lund@demo-kommune.dk", kind="staff")
    token = csrf_from(client.get("/staff/families/1/members").text)
    response = client.post("/staff/families/1/parents/1/link", data={"csrf_token": token, "channel": "email"})
    assert response.status_code == 200 and "Linket er på vej" in response.text
    from portal.messages.worker import BACKOFF

    for attempt in range(len(BACKOFF) + 1):  # every try fails; the waits between them are skipped
        assert deliver(app) == 0
        db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE failed_at IS NULL")
    page = client.get("/staff/families/1/members").text
    assert "Kunne ikke sendes" in page and f"Prøvet {len(BACKOFF) + 1} gange" in page


@pytest.mark.parametrize("path", [
    "/meetings/99999999999999999999999999/calendar.ics",
    "/staff/families/99999999999999999999999999",
    "/info/" + "a" * 300,
    "/info/" + "æ" * 200,
])
def test_absurd_addresses_get_404_not_a_crash(auth, client, path):
    auth.sign_in()
    assert client.get(path).status_code == 404


def test_absurd_ids_in_posts_get_404(auth, client):
    auth.sign_in()
    token = csrf_from(client.get("/").text)
    response = client.post("/meetings/99999999999999999999999999/agenda", data={"csrf_token": token, "text": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("target", ["/\t/evil.example.com", "/\r\n/x", "/\n/evil.example.com", "//evil.example.com"])
def test_the_language_switch_never_leaves_the_site_or_crashes(client, target):
    token = csrf_from(client.get("/").text)
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_line_break_counts_as_one_character(auth, client):
    auth.sign_in()
    token = csrf_from(client.get("/").text)
    text = ("ab\r\n" * 666) + "ab"  # 2000 characters as typed, 2666 bytes of \r\n text
    assert client.post("/goals", data={"csrf_token": token, "text": text, "for_whom": "family"}).status_code == 302


def test_staff_get_404_on_parent_pages_rather_than_a_sign_in_page(auth, client):
    auth.sign_in("mette.lund@demo-kommune.dk", kind="staff")
    assert client.get("/meetings/1/calendar.ics").status_code == 404
