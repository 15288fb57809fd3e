"""Signing in with a link: what a parent can do, and what nobody else can."""
import threading

import pytest
from itsdangerous import URLSafeTimedSerializer

from portal import tokens
from portal.data import links

from conftest import csrf_from


def link_rows(db):
    return list(db.query("SELECT used_at, revoked_at FROM sign_in_links ORDER BY id"))


def session_count(db):
    return db.execute("SELECT count(*) FROM sessions").fetchone()[0]


def test_opening_a_link_shows_masked_name_and_continue_button(auth, client):
    page = client.get(auth.link())
    assert page.status_code == 200
    assert "Log ind som S*** H***" in page.text
    assert "Sara" not in page.text and "Holm" not in page.text
    assert "Fortsæt" in page.text
    assert 'method="post"' in page.text


def test_get_and_head_never_sign_in_or_use_up_the_link(auth, client, db):
    path = auth.link()
    for _ in range(3):
        assert client.get(path).status_code == 200
        assert client.head(path).status_code == 200
    assert all(row["used_at"] is None for row in link_rows(db))
    assert session_count(db) == 0
    assert client.get("/").status_code == 200
    assert "Velkommen til Familieportalen" in client.get("/").text
    # The link still works afterwards.
    assert auth.use(path).headers["Location"] == "/"


def test_pressing_continue_signs_in_and_lands_on_home(app, auth, client):
    app.config["MITID_GATE"] = True
    response = auth.use(auth.link())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    # A link alone: the home page says there is news and how to see it (tests/test_mitid.py goes on from here).
    assert "Log ind med MitID for at se det" in home.text and "Mette Lund" not in home.text


def test_post_without_csrf_token_does_not_use_the_link(auth, client, db):
    path = auth.link()
    client.get(path)
    response = client.post(path, data={})
    assert response.status_code == 400
    assert "Siden var for gammel" in response.text
    assert link_rows(db)[-1]["used_at"] is None
    assert session_count(db) == 0


def test_a_link_works_only_once(auth, client, app):
    path = auth.link()
    auth.use(path)
    auth.sign_out()
    page = client.get(path)
    assert page.status_code == 410
    assert "Linket er allerede brugt" in page.text
    assert "Send mig et nyt link" in page.text


def test_two_simultaneous_presses_give_exactly_one_session(app, auth, db):
    path = auth.link()
    clients = [app.test_client() for _ in range(2)]
    tokens_ = [csrf_from(c.get(path).text) for c in clients]
    barrier = threading.Barrier(2)
    results = [None, None]

    def press(i):
        barrier.wait()
        results[i] = clients[i].post(path, data={"csrf_token": tokens_[i]}).status_code

    threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [302, 410]
    assert session_count(db) == 1


def test_a_tampered_link_gets_a_friendly_page(auth, client):
    path = auth.link()
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    page = client.get(tampered)
    assert page.status_code == 400
    assert "Linket er ikke helt rigtigt" in page.text
    assert "Traceback" not in page.text
    assert client.get("/login/not-a-token").status_code == 400


def test_a_parent_link_does_not_work_as_a_staff_link(auth, client):
    path = auth.link()
    token = path.rsplit("/", 1)[1]
    assert client.get(f"/staff/login/{token}").status_code == 400


def test_an_expired_link_says_so_and_offers_a_new_one(auth, client, db):
    path = auth.link()
    db.execute("UPDATE sign_in_links SET expires_at = '2020-01-01T00:00:00Z'")
    page = client.get(path)
    assert page.status_code == 410
    assert "Linket er for gammelt" in page.text
    assert "Send mig et nyt link" in page.text


def test_a_token_older_than_any_lifetime_fails_its_signature_check(app, monkeypatch):
    with app.test_request_context():
        token = tokens.sign("parent-sign-in", "some-id")
        real = URLSafeTimedSerializer.loads

        def loads_later(self, s, max_age=None, **kw):
            assert max_age is not None, "loads() must always be given max_age"
            return real(self, s, max_age=max_age, **kw)

        monkeypatch.setattr(URLSafeTimedSerializer, "loads", loads_later)
        import time as time_module

        later = time_module.time() + 73 * 3600
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
        with pytest.raises(tokens.TokenExpired):
            tokens.verify("parent-sign-in", token, max_age=links.MAX_LIFETIME.total_seconds())


def test_a_revoked_link_says_so(app, auth, client, db):
    path = auth.link()
    with app.app_context():  # as when her contact details change or her access is withdrawn
        links.revoke_unused("parent", 1)
    page = client.get(path)
    assert page.status_code == 410
    assert "Linket er lukket" in page.text


def test_a_newer_link_makes_older_unused_links_invalid(auth, client):
    first = auth.link()
    second = auth.link()
    assert client.get(first).status_code == 410
    assert auth.use(second).status_code == 302


def test_tokens_carry_a_random_id_and_only_its_hash_is_stored(auth, db):
    path = auth.link()
    token = path.rsplit("/", 1)[1]
    stored = db.execute("SELECT token_hash FROM sign_in_links").fetchone()[0]
    assert token not in stored and stored not in token
    assert len(stored) == 64  # sha256 hex
    payload = token.split(".")[0]
    import base64, json

    random_id = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert len(base64.urlsafe_b64decode(random_id + "=" * (-len(random_id) % 4))) * 8 >= 128
    assert tokens.hash_id(random_id) == stored


def test_salts_differ_per_purpose():
    assert len(set(tokens.PURPOSES.values())) == len(tokens.PURPOSES)


def test_link_lifetimes_default_to_15_minutes_requested_and_72_hours_sent(app):
    with app.app_context():
        assert links.lifetime("requested").total_seconds() == 15 * 60
        assert links.lifetime("sent").total_seconds() == 72 * 3600


def test_sent_link_lifetime_never_exceeds_72_hours(tmp_path):
    from portal import create_app

    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "x.db"), "SENT_LINK_HOURS": 500})
    with app.app_context():
        assert links.lifetime("sent").total_seconds() == 72 * 3600


def test_a_requested_link_never_lives_longer_than_the_hour_a_rate_limit_counts(tmp_path):
    from portal import create_app

    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "x.db"), "REQUESTED_LINK_MINUTES": 500})
    with app.app_context():
        assert links.lifetime("requested").total_seconds() == 3600


def test_sign_in_events_are_audited(auth, client, db):
    path = auth.link()
    auth.use(path)
    auth.sign_out()
    client.post("/login/garbage", data={"csrf_token": csrf_from(client.get("/login").text)})
    actions = [r["action"] for r in db.query("SELECT action FROM audit_log ORDER BY id")]
    for action in ("sign_in.link_issued", "sign_in.link_used", "sign_in.signed_out", "sign_in.link_rejected"):
        assert action in actions
    db.execute("UPDATE sign_in_links SET expires_at = '2020-01-01T00:00:00Z'")
    path = auth.link()
    db.execute("UPDATE sign_in_links SET expires_at = '2020-01-01T00:00:00Z'")
    client.post(path, data={"csrf_token": csrf_from(client.get("/login").text)})
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.link_expired'").fetchone()[0] == 1
    # No token anywhere in the audit log.
    token = path.rsplit("/", 1)[1]
    assert not any(token in (r["detail"] or "") for r in db.query("SELECT detail FROM audit_log"))


def test_staff_sign_in_lands_on_their_families(auth, client):
    auth.sign_in("mette.lund@demo-kommune.dk", kind="staff")
    page = client.get("/staff/")
    assert "Familien Holm" in page.text and "Familien Nielsen" not in page.text


def test_signed_in_pages_are_not_cached(auth, client):
    auth.sign_in()
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get(auth.link()).headers["Cache-Control"] == "no-store"
