"""A coordinator closes a family's case after typing its name, may reopen it until it is deleted; closed cases are listed."""
import json
from datetime import time, timedelta, timezone
from pathlib import Path

import pytest

from portal import demo
from portal.data import clock, retention
from portal.data.changes import notices
from portal.data.clock import from_local, today, utcnow
from portal.data.db import get_db

from conftest import HOLM, SARA, THOMAS, Auth, csrf_from, deliver, main_part
from test_request_link import ask, outbox

CLOSE = f"/staff/families/{HOLM}/close"
REOPEN = f"/staff/families/{HOLM}/reopen"
CONFIRMED = {"handed_over": "y", "family_name": "Familien Holm"}


def close_page(client):
    page = client.get(CLOSE)
    assert page.status_code == 200
    return page


def post_close(client, **fields):
    page = close_page(client)
    version = page.text.split('name="version" value="')[1].split('"')[0]
    return client.post(CLOSE, data={"csrf_token": csrf_from(page.text), "version": version, **fields})


def test_the_family_page_offers_to_close_the_case(auth, client):
    auth.staff()
    assert CLOSE in client.get(f"/staff/families/{HOLM}/members").text


def test_the_confirm_page_says_to_hand_the_case_over_first_and_when_it_is_deleted(auth, client):
    auth.staff()
    text = main_part(close_page(client).text)
    assert "sagssystem" in text and "Efter 90 dage sletter Familieportalen" in text
    assert 'type="checkbox"' in text and "<script" not in text


def test_closing_needs_the_handover_ticked(auth, client, db):
    auth.staff()
    refused = post_close(client, family_name="Familien Holm")
    assert refused.status_code == 400
    assert "Læg planen og forløbet over i sagssystemet først" in refused.text
    assert db["families"].get(HOLM)["closed_at"] is None


def test_a_tick_and_a_press_do_not_close_a_case_without_the_familys_name_typed(app, auth, client, db):
    # What a crawler or a slip of the hand does: tick every box, press the button.
    auth.staff()
    for typed in ({}, {"family_name": ""}, {"family_name": "Familien Yilmaz Andersen"}, {"family_name": "Holm"}):
        refused = post_close(client, handed_over="y", **typed)
        assert refused.status_code == 400, typed
        assert "Skriv familiens navn, som det står her: Familien Holm" in refused.text
        assert db["families"].get(HOLM)["closed_at"] is None
    assert outbox(app) == []
    assert 'autocomplete="off"' in close_page(client).text
    closed = post_close(client, handed_over="y", family_name="  familien   HOLM ")  # case and spaces aside
    assert closed.status_code == 302
    assert db["families"].get(HOLM)["closed_at"] is not None


def test_a_coordinator_closes_a_case_and_it_leaves_the_caseload(app, auth, client, db):
    auth.staff()
    done = post_close(client, **CONFIRMED)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/families/{HOLM}/members")
    family_page = client.get(done.headers["Location"])
    assert "Sagen er lukket. Forældrene har fået besked." in family_page.text and REOPEN in family_page.text
    assert "Familien Holm" not in main_part(client.get("/staff/").text)
    assert db["families"].get(HOLM)["closed_at"] is not None
    messages = outbox(app)
    assert {m["to"] for m in messages} == {demo.PARENT_EMAIL, "thomas.holm@example.dk"}
    assert all("kommunens sagssystem" in m["text"] for m in messages)


def test_nothing_on_a_closed_familys_pages_can_be_changed(auth, client, db):
    auth.staff()
    post_close(client, **CONFIRMED)
    members = client.get(f"/staff/families/{HOLM}/members")
    assert "Sagen blev lukket" in members.text and CLOSE not in members.text
    edit = client.get(f"/staff/families/{HOLM}/edit")
    refused = client.post(f"/staff/families/{HOLM}/edit",
                          data={"csrf_token": csrf_from(edit.text), "name": "Familien Andet", "version": "0"})
    assert refused.status_code == 409 and "Sagen er lukket" in refused.text
    assert db["families"].get(HOLM)["name"] == "Familien Holm"
    assert client.get(CLOSE).status_code == 409  # closing twice: the same answer


def test_a_parent_of_a_closed_case_asking_for_a_link_gets_the_neutral_answer_and_no_link(app, auth, client, db):
    staff_client = app.test_client()
    Auth(app, staff_client).staff()
    post_close(staff_client, **CONFIRMED)
    deliver(app)
    before = len(outbox(app))
    known = ask(client, demo.PARENT_EMAIL)
    unknown = ask(client, "nobody@example.dk")
    assert main_part(known.text) == main_part(unknown.text)
    assert len(outbox(app)) == before  # no sign-in link is sent
    assert db.execute("SELECT count(*) FROM sign_in_links WHERE origin = 'requested'").fetchone()[0] == 0


def test_staff_see_the_closed_cases_they_may_see_with_the_day_each_is_deleted(app, auth, client):
    auth.staff()
    post_close(client, **CONFIRMED)
    page = client.get("/staff/closed/")  # the coordinator: their own
    assert page.status_code == 200
    assert "Familien Holm" in page.text and "Slettes" in page.text and REOPEN in page.text
    assert "/staff/closed/" in client.get("/staff/").text
    admin = app.test_client()
    Auth(app, admin).staff(demo.ADMIN_EMAIL)
    assert "Familien Holm" in admin.get("/staff/closed/").text
    other = app.test_client()
    Auth(app, other).staff("peter.friis@demo-kommune.dk")
    assert "Familien Holm" not in other.get("/staff/closed/").text
    assert other.get(REOPEN).status_code == 404


def reopen(client):
    page = client.get(REOPEN)
    assert page.status_code == 200
    version = page.text.split('name="version" value="')[1].split('"')[0]
    return client.post(REOPEN, data={"csrf_token": csrf_from(page.text), "version": version})


def test_a_closed_case_is_reopened_as_it_was_and_the_parents_are_told(app, auth, client, db):
    auth.staff()
    post_close(client, **CONFIRMED)
    page = client.get(REOPEN)
    assert "Forældrene kan logge ind igen" in main_part(page.text) and "<script" not in page.text
    version = page.text.split('name="version" value="')[1].split('"')[0]
    done = client.post(REOPEN, data={"csrf_token": csrf_from(page.text), "version": version})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/families/{HOLM}/members")
    family = db["families"].get(HOLM)
    assert family["closed_at"] is None and family["active"] == 1
    again = client.post(REOPEN, data={"csrf_token": csrf_from(page.text), "version": version})  # pressed twice
    assert again.status_code == 302 and db["families"].get(HOLM)["version"] == family["version"]
    assert "Sagen er åben." in client.get(REOPEN).text
    assert "Familien Holm" in main_part(client.get("/staff/").text)  # on the caseload again
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'family.reopened' AND family_id = ?"
                      " AND actor_kind = 'staff'", [HOLM]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM family_events WHERE kind = 'family.reopened' AND family_id = ?",
                      [HOLM]).fetchone()[0] == 1
    # The parents hear of it like any news: one notice each, with a fresh link.
    noon_tomorrow = from_local(today() + timedelta(days=1), time(12)).astimezone(timezone.utc)
    with app.app_context():
        notices.collect()
        notices.release(noon_tomorrow)
    told = db.execute("SELECT parent_id, id FROM outbox WHERE family_id = ? AND purpose = 'notice' ORDER BY parent_id",
                      [HOLM]).fetchall()
    assert [parent for parent, _ in told] == [SARA, THOMAS]
    with pytest.MonkeyPatch.context() as later:  # sent at noon tomorrow, not in the SMS-free night
        later.setattr(clock, "utcnow", lambda: noon_tomorrow)
        deliver(app)
    for _parent, outbox_id in told:
        sent = json.loads(next(Path(app.config["OUTBOX_DIR"]).glob(f"{outbox_id:05d}-*.json")).read_text())["text"]
        assert sent.startswith("Jeres sag i Familieportalen er åbnet igen")
    # A parent who could sign in before can again; retention no longer deletes the family.
    parent = app.test_client()
    Auth(app, parent).sign_in()
    assert parent.get("/").status_code == 200
    with app.app_context():
        retention.run(utcnow() + timedelta(days=1000))
    assert db["families"].count_where("id = ?", [HOLM]) == 1


def test_a_family_that_was_inactive_when_closed_is_inactive_when_reopened(app, auth, client, db):
    auth.staff()
    members = client.get(f"/staff/families/{HOLM}/members").text
    version = db["families"].get(HOLM)["version"]
    client.post(f"/staff/families/{HOLM}/active", data={"csrf_token": csrf_from(members), "version": version,
                                                         "active": "0"})
    assert db["families"].get(HOLM)["active"] == 0
    post_close(client, **CONFIRMED)
    assert reopen(client).status_code == 302
    family = db["families"].get(HOLM)
    assert family["closed_at"] is None and family["active"] == 0


def test_a_case_due_for_deletion_cannot_be_reopened(app, auth, client, db):
    auth.staff()
    post_close(client, **CONFIRMED)
    version = db["families"].get(HOLM)["version"]
    with app.app_context():
        closed_at = from_local(today() - timedelta(days=91), time(12)).astimezone(timezone.utc)
        get_db().execute("UPDATE families SET closed_at = ? WHERE id = ?", [closed_at.strftime("%Y-%m-%dT%H:%M:%SZ"), HOLM])
    page = client.get(REOPEN)
    assert "Slettefristen er gået" in page.text and 'name="version"' not in page.text
    assert REOPEN not in client.get(f"/staff/families/{HOLM}/members").text
    refused = client.post(REOPEN, data={"csrf_token": csrf_from(client.get("/staff/").text), "version": version})
    assert refused.status_code == 400 and "Slettefristen er gået" in refused.text
    assert db["families"].get(HOLM)["closed_at"] == closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_notice_of_a_reopened_case_says_so_even_with_other_news_in_it(app):
    from portal.messages import texts

    with app.app_context():
        _, body = texts.notice("changes", ["meeting", "case", "plan"], "{link}")
    assert body.startswith("Jeres sag i Familieportalen er åbnet igen. I kan logge ind igen.\n")
