"""Hostile and unlucky requests: odd ids, huge bodies, private files, links nobody may take away."""
import os
import stat

from conftest import HOLM, SARA, THOMAS, Auth, csrf_from, database_before, deliver

from portal.data.db import connect


def test_ids_with_other_digits_than_ascii_are_not_found(auth, client):
    auth.sign_in()
    assert client.get("/meetings/2").status_code == 200
    for odd in ("١", "٢", "１", "２", "²", "𝟐"):
        assert client.get(f"/meetings/{odd}").status_code == 404, odd
        assert client.get(f"/meetings/{odd}/calendar.ics").status_code == 404, odd
    auth.staff()
    assert client.get("/staff/families/١").status_code == 404


def test_a_huge_request_is_refused_with_a_danish_page_before_it_is_read(client):
    response = client.post("/login", data={"contact": "x" * (300 * 1024)})
    assert response.status_code == 413
    assert "Det, du sendte, var for stort" in response.text


def test_the_largest_real_form_fits_under_the_limit(auth, client, db):
    auth.staff()
    page = client.get("/staff/families/1/meetings/3/summary").text
    emoji = "🙂" * 4000  # every part at its 4,000-character limit, in 4-byte characters
    response = client.post("/staff/families/1/meetings/3/summary", data={
        "csrf_token": csrf_from(page), "version": "", "going_well": emoji, "worries": emoji, "next_steps": emoji})
    assert response.status_code == 302
    assert db.execute("SELECT length(going_well) FROM meeting_summaries WHERE meeting_id = 3").fetchone()[0] == 4000


def test_the_database_its_wal_and_the_outbox_are_private_files(app, auth, client, tmp_path):
    folder = tmp_path / "private"
    database = folder / "data" / "portal.db"
    db = connect(database)
    db.execute("CREATE TABLE t (x)")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("INSERT INTO t VALUES (1)")
    for path in (database, database.with_name("portal.db-wal"), database.with_name("portal.db-shm")):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert stat.S_IMODE(os.stat(database.parent).st_mode) == 0o700
    db.conn.close()
    auth.staff()
    token = csrf_from(client.get("/staff/families/1/members").text)
    client.post("/staff/families/1/parents/1/link", data={"csrf_token": token, "channel": "sms"})
    assert deliver(app) == 1
    outbox = app.config["OUTBOX_DIR"]
    assert stat.S_IMODE(os.stat(outbox).st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(os.path.join(outbox, f)).st_mode) == 0o600 for f in os.listdir(outbox))


def test_the_portal_commits_with_synchronous_full(app):
    with app.app_context():
        from portal.data.db import get_db

        assert get_db().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_an_anonymous_request_never_takes_away_a_link_staff_sent(app, auth, client):
    sent = auth.link(origin="sent", channel="email")  # what the coordinator sent Sara
    stranger = app.test_client()
    for _ in range(3):
        token = csrf_from(stranger.get("/login").text)
        stranger.post("/login", data={"csrf_token": token, "contact": "sara.holm@example.dk"})
    page = client.get(sent)
    assert page.status_code == 200 and "Fortsæt" in page.text
    assert client.post(sent, data={"csrf_token": csrf_from(page.text)}).status_code == 302


def test_a_newer_link_from_staff_still_replaces_the_older_ones(app, auth, client):
    first = auth.link(origin="sent")
    auth.link(origin="sent")
    assert client.get(first).status_code == 410


def test_a_link_asked_for_replaces_no_other_link_it_just_expires(app, auth, client):
    """Anyone who knows the address can ask: a request must not take away a link the parent already has."""
    first = auth.link(origin="requested")
    auth.link(origin="requested")
    assert auth.use(first).status_code == 302


def test_a_parent_cannot_flood_the_family_with_goals_and_agenda_points(app, auth, client, db):
    db.execute("DELETE FROM rate_limit_hits")  # what the demo loader wrote as Sara
    app.config["PARENT_WRITES_PER_HOUR"] = 5
    auth.sign_in()
    token = csrf_from(client.get("/goals").text)
    for number in range(3):
        assert client.post("/goals", data={"csrf_token": token, "text": f"Mål {number}", "for_whom": "family"}).status_code == 302
    for number in range(2):
        assert client.post("/meetings/2/agenda", data={"csrf_token": token, "text": f"Punkt {number}"}).status_code == 302
    before = (db["goals"].count, db["agenda_points"].count)
    refused = client.post("/goals", data={"csrf_token": token, "text": "Et mål for meget", "for_whom": "family"})
    assert refused.status_code == 400 and "Du har skrevet meget på kort tid" in refused.text
    assert "Et mål for meget" in refused.text  # the typing is kept
    assert client.post("/meetings/2/agenda", data={"csrf_token": token, "text": "x"}).status_code == 400
    assert (db["goals"].count, db["agenda_points"].count) == before
    # Another parent of the family is not held back by it.
    thomas = app.test_client()
    Auth(app, thomas).sign_in("thomas.holm@example.dk")
    assert thomas.post("/goals", data={"csrf_token": csrf_from(thomas.get("/goals").text), "text": "Mit",
                                       "for_whom": "family"}).status_code == 302


def test_a_parent_adds_30_goals_and_agenda_points_an_hour_by_default_and_not_31(app, auth, client, db):
    db.execute("DELETE FROM rate_limit_hits")  # what the demo loader wrote as Sara
    auth.sign_in()
    token = csrf_from(client.get("/goals").text)
    for number in range(15):
        assert client.post("/goals", data={"csrf_token": token, "text": f"Mål {number}",
                                           "for_whom": "family"}).status_code == 302
        assert client.post("/meetings/2/agenda", data={"csrf_token": token, "text": f"Punkt {number}"}).status_code == 302
    refused = client.post("/goals", data={"csrf_token": token, "text": "Mål 31", "for_whom": "family"})
    assert refused.status_code == 400 and "Du har skrevet meget på kort tid" in refused.text


def test_the_write_limit_counts_a_whole_hour(app, auth, client, db, monkeypatch):
    """Writes at minute 0 and minute 59 both count; at minute 61 the first no longer does."""
    from datetime import timedelta

    from portal.data import ratelimit

    db.execute("DELETE FROM rate_limit_hits")
    app.config["PARENT_WRITES_PER_HOUR"] = 2
    auth.sign_in()
    token = csrf_from(client.get("/goals").text)
    # Only the limiter's clock moves: the session keeps real time, so Sara stays signed in.
    start, minutes = ratelimit.utcnow(), [0]
    monkeypatch.setattr(ratelimit, "utcnow", lambda: start + timedelta(minutes=minutes[0]))

    def add_goal_at(minute):
        minutes[0] = minute
        return client.post("/goals", data={"csrf_token": token, "text": f"Mål kl. {minute}", "for_whom": "family"})

    assert add_goal_at(0).status_code == 302
    assert add_goal_at(59).status_code == 302
    refused = add_goal_at(59.5)
    assert refused.status_code == 400 and "Du har skrevet meget på kort tid" in refused.text
    assert add_goal_at(61).status_code == 302  # the write at minute 0 is over an hour ago
    assert add_goal_at(61.5).status_code == 400  # those at minute 59 and 61 still count


def test_refused_writes_do_not_use_up_the_limit(app, auth, client, db):
    db.execute("DELETE FROM rate_limit_hits")
    app.config["PARENT_WRITES_PER_HOUR"] = 2
    auth.sign_in()
    token = csrf_from(client.get("/goals").text)
    for _ in range(5):
        assert client.post("/goals", data={"csrf_token": token, "text": " ", "for_whom": "family"}).status_code == 400
    assert client.post("/goals", data={"csrf_token": token, "text": "Nu", "for_whom": "family"}).status_code == 302


def test_pages_stay_bounded_when_a_family_has_very_many_items(app, auth, client, db):
    for number in range(400):
        db["goals"].insert({"family_id": 1, "text": f"Mål {number} " + "x" * 500, "written_by_parent_id": 1,
                            "status": "active", "created_at": "2026-01-01T00:00:00Z"})
        db["agenda_points"].insert({"meeting_id": 2, "text": f"Punkt {number} " + "y" * 500, "written_by_parent_id": 1,
                                    "created_at": "2026-01-01T00:00:00Z"})
    auth.sign_in()
    for path in ("/goals", "/meetings/2", "/meetings", "/"):
        assert len(client.get(path).data) < 200_000, path


def test_text_parents_write_is_isolated_wherever_staff_read_it(app, auth, client):
    """A right-to-left override in a parent's words must not reorder the page around it."""
    import re as regex

    words = "Vigtigt \u202eikke dette\u202c og \u05e9\u05dc\u05d5\u05dd"
    sara = app.test_client()
    Auth(app, sara).sign_in()
    token = csrf_from(sara.get("/goals").text)
    sara.post("/goals", data={"csrf_token": token, "text": words, "for_whom": "family"})
    sara.post("/meetings/3/agenda", data={"csrf_token": token, "text": words})
    auth.staff()
    goal_id = max(int(i) for i in regex.findall(r"/staff/families/1/goals/(\d+)\"", client.get("/staff/families/1/goals").text))
    pages = ["/staff/families/1", "/staff/families/1/goals", f"/staff/families/1/goals/{goal_id}",
             "/staff/families/1/meetings/3"]
    for path in pages:
        html = client.get(path).text
        found = [m.start() for m in regex.finditer(regex.escape(words), html)]
        assert found, path
        for start in found:
            opening = list(regex.finditer(r"<(\w+)([^>]*)>", html[:start]))[-1]
            assert opening.group(1) == "bdi" or 'dir="auto"' in opening.group(2), (path, opening.group(0))


def test_a_percent_sign_in_names_and_texts_never_breaks_a_page(app, auth, client, db):
    """Names, goals and consents are data: they must never be run through a translation's % formatting."""
    from portal.data.changes import Actor, consents, goals, people

    with app.test_request_context():
        person = people.add_person(Actor("staff", 2), 1, name="Kim 50% Hansen", role="Lærer 100%",
                                   organisation="Skole %(name)s")
        goals.add_goal(Actor("parent", 1), 1, text="Fravær under 10%")
        consent = consents.record_consent(Actor("staff", 2), 1, given_by=[1], information="Fravær over 10%",
                                          shared_between="Skolen %s")
    auth.staff()
    for path in (f"/staff/families/1/people/{person}/edit", "/staff/families/1/plan/new", "/staff/families/1/meetings/new",
                 f"/staff/families/1/consents/{consent}/withdraw", "/staff/families/1/people", "/staff/families/1/goals",
                 "/staff/families/1/consents", "/staff/families/1/plan/1/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Kim 50% Hansen" in client.get(f"/staff/families/1/people/{person}/edit").text
    assert "Fravær over 10%" in client.get(f"/staff/families/1/consents/{consent}/withdraw").text
    assert "Fravær under 10%" in client.get("/staff/families/1/plan/new").text


def test_a_sessions_touch_skips_the_disk_wait_but_leaves_the_connection_synchronous_full(app, auth, client, db):
    """The once-a-minute last_seen_at write is unsynced; every write after it must be FULL again."""
    auth.sign_in()
    db.execute("UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes'),"
               " last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 minutes') WHERE ended_at IS NULL")
    before = db.execute("SELECT max(last_seen_at) FROM sessions WHERE ended_at IS NULL").fetchone()[0]
    assert client.get("/").status_code == 200
    with app.app_context():
        from portal.data.db import get_db

        # The request's connection (one per thread, reused): touched, and FULL again.
        assert get_db().execute("SELECT max(last_seen_at) FROM sessions WHERE ended_at IS NULL").fetchone()[0] > before
        assert get_db().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_links_built_once_still_follow_where_the_portal_is_mounted(client):
    """Constant links (menu, style sheet) are built once per mount point, not once for all."""
    for prefix in ("/a", "/b", ""):
        page = client.get("/", base_url=f"http://localhost{prefix}/").text
        assert f'href="{prefix}/static/portal.css"' in page
        assert f'<a href="{prefix}/">' in page


def test_a_database_from_before_m010_loses_the_page_cache_triggers_and_keeps_its_data(tmp_path):
    from portal.data.db import migrate

    db = database_before(tmp_path / "old.db", "m010_no_page_cache")
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%data_version%'"
                      ).fetchone()[0] > 10
    assert migrate(db)[0] == "m010_no_page_cache"  # and the later ones
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%data_version%'").fetchone()[0] == 0
    assert "data_version" not in db["families"].columns_dict
    assert db.execute("SELECT name FROM families").fetchall() == [("Familien Holm",)]
    db["goals"].insert({"family_id": 1, "text": "Mål", "created_at": "2026-01-01T00:00:00Z"}, alter=False)


def test_the_closed_families_index_holds_only_closed_families(db):
    # A full index on closed_at made a caseload read every open family ("closed_at IS NULL"): m015.
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'idx_families_closed_at'").fetchone()[0]
    assert "WHERE closed_at IS NOT NULL" in sql
    plan = " ".join(row[3] for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM families f WHERE f.coordinator_id = 1 AND f.closed_at IS NULL"))
    assert "idx_families_closed_at" not in plan


def test_csrf_tokens_signed_without_the_zlib_attempt_work_as_before_and_forged_ones_do_not(app, auth, client):
    from flask_wtf.csrf import validate_csrf
    from itsdangerous import URLSafeTimedSerializer

    auth.sign_in()
    token = csrf_from(client.get("/goals").text)  # signed by signing.UncompressedSerializer
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    with app.test_request_context():
        from flask import session as request_session
        request_session["csrf_token"] = raw
        validate_csrf(token)  # raises if not valid
    # A token signed by the stock serializer (e.g. on a page shown before an upgrade) still works,
    # also one it compressed (it does when that is shorter; a random token seldom is, so one that is).
    compressible = "0" * 40
    with client.session_transaction() as session:
        session["csrf_token"] = compressible
    stock = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(compressible)
    assert stock.startswith(".")  # itsdangerous' mark of a compressed payload
    response = client.post("/logout", data={"csrf_token": stock})
    assert response.status_code == 302
    # And a token signed with another key does not.
    auth.sign_in()
    forged = URLSafeTimedSerializer("another key" * 4, salt="wtf-csrf-token").dumps(raw)
    assert client.post("/logout", data={"csrf_token": forged}).status_code == 400


PLAN_ITEM = {"what": "Lektiehjælp", "kind": "other", "responsible": "family", "status": "planned"}


def test_a_choice_a_browser_cannot_send_is_refused_not_dropped_and_nothing_is_saved(auth, client, db):
    # "Vis ikke indsatsen for" with a value that is no id: dropping it saved the item visible to everyone.
    auth.staff()
    path = f"/staff/families/{HOLM}/plan/new"
    goal = db.execute("SELECT id FROM goals WHERE family_id = ? ORDER BY id", [HOLM]).fetchone()[0]
    before = db["plan_items"].count
    for odd in ({"hidden_from": f"{THOMAS}\x00"}, {"hidden_from": "abc"}, {"hidden_from": [str(SARA), "٢"]},
                {"goal_id": [str(goal), "abc"]}):
        refused = client.post(path, data={"csrf_token": csrf_from(client.get(path).text), **PLAN_ITEM, **odd})
        assert refused.status_code == 400, odd
        assert "står ikke på listen" in refused.text, odd
        assert db["plan_items"].count == before
    saved = client.post(path, data={"csrf_token": csrf_from(client.get(path).text), **PLAN_ITEM,
                                    "hidden_from": str(THOMAS), "goal_id": str(goal)})
    assert saved.status_code == 302
    item = db.execute("SELECT max(id) FROM plan_items").fetchone()[0]
    assert db.execute("SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?",
                      [item]).fetchall() == [(THOMAS,)]


def test_every_checkbox_and_id_field_refuses_what_is_not_among_its_choices(app):
    from flask_wtf import FlaskForm

    from portal.web.forms import CheckboxesField, IdChoiceField

    class Form(FlaskForm):
        participants = CheckboxesField("Hvem deltager")
        responsible = IdChoiceField("Hvem har ansvaret")

    def errors(data):
        with app.test_request_context("/", method="POST", data=data):
            form = Form(meta={"csrf": False})
            form.participants.choices = [("parent:1", "Sara"), ("staff:2", "Mette")]
            form.responsible.choices = [("", "Vælg"), ("family", "Familien"), (7, "Lars")]
            form.validate()
            return {name: bool(messages) for name, messages in form.errors.items()}

    assert errors({"participants": ["parent:1", "staff:2"], "responsible": "family"}) == {}
    assert errors({"participants": "staff:2", "responsible": "7"}) == {}
    assert errors({"participants": ["parent:1", "parent:1\x00"], "responsible": "familie"}) == {
        "participants": True, "responsible": True}
