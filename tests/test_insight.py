"""Insight (GDPR art. 15): a parent's and a coordinator's export of everything the portal holds about a family."""
import json

import pytest

from portal.data.changes import SYSTEM, Actor
from portal.data.changes import calendar_feeds
from portal.data.changes import families as family_changes
from portal.data.changes.retention import FAMILY_ROWS, NOT_FAMILY_DATA, family_keys
from portal.data.db import get_db
from portal import demo as demo_data

from conftest import HOLM, METTE, NADIA, SARA, SPLIT, SPLIT_NETWORK, Auth, csrf_from, main_part

PETER_EMAIL = "peter.friis@demo-kommune.dk"
NADIAS_SECRETS = ("Skovbrynet", "nadia.yilmaz@example.dk", "31 32 33 34", "+4531323334", "Krisecentret",
                  "En snak om tryghed", "Samtaler om tryghed", "Omar Said")


def parent_client(app):
    """A second browser, signed in as Sara (staff cannot sign out from the parent's home page)."""
    client = app.test_client()
    Auth(app, client).sign_in()
    return client


def downloads(db, family_id):
    return db.execute("SELECT actor_kind, actor_id, json_extract(detail, '$.format') FROM audit_log"
                      " WHERE action = 'insight.downloaded' AND family_id = ? ORDER BY id", [family_id]).fetchall()


def test_a_parent_sees_everything_about_their_family_on_one_printable_page(auth, client):
    auth.sign_in()
    response = client.get("/insight")
    assert response.status_code == 200
    page = main_part(response.text)
    assert "Det har vi om dig" in page and "databeskyttelsesforordningen, artikel 15" in page
    for part in ("Sara Holm", "sara.holm@example.dk", "Mette Lund", "Møder", "Planen", "Mål", "Samtykker",
                 "Hvem har set jeres oplysninger", "browsers Udskriv"):
        assert part in page, part
    assert 'href="/insight.json"' in page
    assert "<script" not in response.text  # works without JavaScript


def test_the_consents_page_links_to_the_insight(auth, client):
    auth.sign_in()
    assert 'href="/insight"' in main_part(client.get("/consents").text)


def test_a_parent_downloads_it_as_a_json_file_with_english_keys_and_utc_times(auth, client):
    auth.sign_in()
    response = client.get("/insight.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="familieportalen-indsigt-')
    assert response.headers["Cache-Control"] == "no-store"
    assert "Børn og Familie" in response.get_data(as_text=True)  # not \u00f8
    data = json.loads(response.get_data(as_text=True))
    assert data["kind"] == "parent" and data["you"]["name"] == "Sara Holm"
    assert data["generated_at"].endswith("Z")
    assert all(m["starts_at"].endswith("Z") for m in data["meetings"])
    assert {"meetings", "plan_items", "goals", "consents", "audit", "children", "contact_person"} <= set(data)
    assert any(goal["scores"] for goal in data["goals"])


def test_a_parent_gets_only_their_own_family(auth, client):
    auth.sign_in()
    for path in ("/insight", "/insight.json"):
        text = client.get(path).get_data(as_text=True)
        for other in ("Yilmaz", "Martin Andersen", "Liva", "Nielsen", "Noah"):
            assert other not in text, (path, other)


def test_a_fathers_export_holds_nothing_hidden_from_him_nor_the_mothers_protected_details(auth, client):
    auth.sign_in(demo_data.SPLIT_FAMILY_PARENT_EMAIL)
    for path in ("/insight", "/insight.json"):
        text = client.get(path).get_data(as_text=True)
        for secret in NADIAS_SECRETS:
            assert secret not in text, (path, secret)
    data = client.get("/insight.json").json
    assert [p["name"] for p in data["other_parents"]] == ["Nadia Yilmaz"]  # her name, never her details
    assert any(m["place_withheld"] for m in data["meetings"])


def test_the_mother_gets_her_own_protected_address_and_what_is_hidden_from_the_father(auth, client):
    auth.sign_in("nadia.yilmaz@example.dk")
    text = client.get("/insight.json").get_data(as_text=True)
    for hers in ("Skovbrynet 12", "En snak om tryghed", "Samtaler om tryghed for Nadia", "Omar Said"):
        assert hers in text, hers
    assert "Havnegade" not in text and "41 42 43 44" not in text and "+4541424344" not in text


def test_a_parent_never_gets_another_parents_contact_details(auth, client):
    auth.sign_in()
    for path in ("/insight", "/insight.json"):
        text = client.get(path).get_data(as_text=True)
        for detail in ("thomas.holm@example.dk", "+4560708090", "60 70 80 90"):
            assert detail not in text, (path, detail)


def test_the_export_shows_which_staff_looked_at_the_family_when_and_where(app, auth, client):
    auth.staff()
    client.get(f"/staff/families/{HOLM}/meetings")
    client = parent_client(app)
    lines = client.get("/insight.json").json["audit"]
    viewed = [line for line in lines if line["action"] == "family.viewed"]
    assert viewed and viewed[0]["actor_name"] == "Mette Lund" and viewed[0]["actor_department"] == "Børn og Familie"
    assert viewed[0]["page"] == "staff.family.meetings" and viewed[0]["at"].endswith("Z")
    page = main_part(client.get("/insight").text)
    assert "Mette Lund" in page and "(Børn og Familie)" in page and "så siden Møder" in page


def test_each_parent_download_leaves_an_audit_line_with_its_format(auth, client, db):
    auth.sign_in()
    client.get("/insight")
    client.get("/insight.json")
    client.get("/insight.json")
    assert downloads(db, HOLM) == [("parent", SARA, "html"), ("parent", SARA, "json"), ("parent", SARA, "json")]


def test_each_coordinator_download_leaves_an_audit_line_with_its_format(auth, client, db):
    auth.staff()
    assert client.get(f"/staff/families/{SPLIT}/insight").status_code == 200
    assert client.get(f"/staff/families/{SPLIT}/insight.json").status_code == 200
    assert downloads(db, SPLIT) == [("staff", METTE, "html"), ("staff", METTE, "json")]


def test_staff_of_another_family_get_404_and_nothing_is_logged(auth, client, db):
    auth.staff(PETER_EMAIL)
    for path in (f"/staff/families/{HOLM}/insight", f"/staff/families/{HOLM}/insight.json",
                 "/staff/families/999/insight.json"):
        assert client.get(path).status_code == 404, path
    assert downloads(db, HOLM) == []
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'insight.downloaded'").fetchone()[0] == 0


def test_signed_out_visitors_get_no_insight(client, db):
    for path in ("/insight", "/insight.json", f"/staff/families/{HOLM}/insight.json"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/logged-out?reason=required", path
        assert "Sara" not in response.get_data(as_text=True), path
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'insight.downloaded'").fetchone()[0] == 0


def test_the_coordinators_export_holds_every_row_of_every_family_table(app, auth, client):
    auth.staff()
    response = client.get(f"/staff/families/{HOLM}/insight.json")
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="familie-{HOLM}-indsigt-')
    data = response.json
    with app.app_context():
        db = get_db()
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        # A table that holds family data and is missing here fails: FAMILY_ROWS is the one list (test_retention.py).
        assert sorted(tables - set(NOT_FAMILY_DATA)) == sorted(data["tables"])
        keys = family_keys(HOLM)
        for table, condition in FAMILY_ROWS.items():
            count = db.execute(f"SELECT count(*) FROM [{table}] WHERE {condition}", keys).fetchone()[0]
            # The audit log has one line more now: this download's own.
            assert len(data["tables"][table]) == count - (table == "audit_log"), table
    for table in ("parents", "children", "meetings", "goals", "goal_scores", "plan_items", "consents", "audit_log"):
        assert data["tables"][table], table
    assert {p["email"] for p in data["tables"]["parents"]} >= {"sara.holm@example.dk", "thomas.holm@example.dk"}
    assert any(line["actor_department"] == "Børn og Familie" for line in data["audit"])
    page = main_part(client.get(f"/staff/families/{HOLM}/insight").text)
    assert "thomas.holm@example.dk" in page and "goal_scores" in page


def test_no_export_holds_a_token_hash_session_id_feed_seed_or_message_body(app, auth, client):
    auth.sign_in()
    token = csrf_from(client.get("/meetings").text)
    assert client.post("/calendar-feed", data={"csrf_token": token}).status_code == 302
    auth.sign_out()
    auth.staff()
    token = csrf_from(client.get(f"/staff/families/{HOLM}/members").text)
    client.post(f"/staff/families/{HOLM}/parents/{SARA}/link", data={"csrf_token": token, "channel": "sms"})
    with app.app_context():
        db = get_db()
        secrets = [row[0] for sql in ("SELECT token_hash FROM sign_in_links", "SELECT id_hash FROM sessions",
                                      "SELECT seed FROM calendar_feeds", "SELECT token_hash FROM calendar_feeds",
                                      "SELECT body FROM outbox WHERE body != ''")
                   for row in db.execute(sql)]
    assert len(secrets) >= 5
    staff_exports = [client.get(f"/staff/families/{HOLM}/insight{end}").get_data(as_text=True) for end in ("", ".json")]
    client = parent_client(app)
    parent_exports = [client.get(f"/insight{end}").get_data(as_text=True) for end in ("", ".json")]
    for text in staff_exports + parent_exports:
        for secret in secrets:
            assert secret not in text
    for column in ("token_hash", "id_hash", "seed"):
        assert f'"{column}"' not in staff_exports[1]


def test_the_close_page_links_to_the_coordinators_export_for_the_case_file(auth, client):
    auth.staff()
    page = main_part(client.get(f"/staff/families/{HOLM}/close").text)
    assert f'href="/staff/families/{HOLM}/insight"' in page and f'href="/staff/families/{HOLM}/insight.json"' in page


def test_a_closed_case_can_still_be_exported_for_an_aktindsigt(app, auth, client, db):
    with app.app_context():
        version = get_db()["families"].get(SPLIT)["version"]
        family_changes.close_family(Actor("staff", METTE), SPLIT, version)
    auth.staff()
    assert client.get(f"/staff/families/{SPLIT}/insight.json").json["tables"]["families"][0]["closed_at"]
    assert downloads(db, SPLIT) == [("staff", METTE, "json")]


def test_a_parents_audit_lines_are_staff_looking_and_their_own_actions_never_the_other_parents(app, auth, client, db):
    from portal.data.changes import replies

    with app.app_context():
        meeting = get_db()["meetings"].get(SPLIT_NETWORK)
        replies.answer_meeting(Actor("parent", NADIA), meeting, "not_coming", reason="Jeg er på krisecentret den dag")
    auth.staff()
    client.get(f"/staff/families/{SPLIT}/plan")
    client = Auth(app, app.test_client())
    client.sign_in(demo_data.SPLIT_FAMILY_PARENT_EMAIL)
    data = client.client.get("/insight.json").json
    # Staff changed things and Nadia acted in this family: none of those lines are his.
    assert db.execute("SELECT count(*) FROM audit_log WHERE family_id = ? AND actor_kind = 'parent' AND actor_id = ?",
                      [SPLIT, NADIA]).fetchone()[0] >= 2
    assert db.execute("SELECT count(*) FROM audit_log WHERE family_id = ? AND actor_kind = 'staff'"
                      " AND action NOT IN ('family.viewed', 'insight.downloaded')", [SPLIT]).fetchone()[0] > 0
    assert any(line["action"] == "family.viewed" and line["actor_name"] == "Mette Lund" for line in data["audit"])
    for line in data["audit"]:
        assert (line["actor_kind"] == "staff" and line["action"] in ("family.viewed", "insight.downloaded")) \
            or line["actor_name"] == "Martin Andersen", line
    assert data["meeting_replies"] == []
    assert "krisecentret den dag" not in json.dumps(data, ensure_ascii=False)
