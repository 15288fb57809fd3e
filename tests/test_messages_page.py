"""The parent's "Beskeder" page and the coordinator's view of each parent's choice and what was sent."""
from datetime import time, timedelta

from portal.data import clock
from portal.data.changes import Actor, families, notices, plan
from portal.data import links

from conftest import HOLM, METTE, NADIA, SARA, THOMAS, confirm_sessions, csrf_from, main_part


def choose(client, channel, token=None):
    token = token or csrf_from(client.get("/messages").text)
    return client.post("/messages", data={"csrf_token": token, "notices_by": channel})


def test_a_parent_sees_sms_chosen_by_default_and_what_will_be_sent(auth, client):
    auth.sign_in()
    page = main_part(client.get("/messages").text)
    assert 'value="sms" checked' in page and 'value="email"' in page and 'value="none"' in page
    assert "kl. 21 og kl. 8" in page and "et kvarter" in page and "Dagen før et møde" in page
    assert "Vi har ikke sendt dig nogen beskeder endnu." in page


def test_the_menu_leads_to_the_messages_page(auth, client):
    auth.sign_in()
    assert 'href="/messages"' in client.get("/").text


def test_a_parent_can_choose_email_or_no_messages(auth, client, db):
    auth.sign_in()
    response = choose(client, "email")
    assert response.status_code == 302 and "saved=1" in response.headers["Location"]
    assert db["parents"].get(SARA)["notices_by"] == "email"
    assert 'value="email" checked' in client.get("/messages").text
    choose(client, "none")
    assert db["parents"].get(SARA)["notices_by"] == "none"
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'parent.notices_chosen'").fetchone()[0] == 2


def test_a_parent_is_offered_only_the_channels_they_have_an_address_for(app, auth, client, db):
    with app.test_request_context():
        nadia = db["parents"].get(NADIA)
        families.update_parent(Actor("staff", METTE), nadia["family_id"], NADIA, nadia["version"],
                               **{**{k: nadia[k] for k in families.PARENT_FIELDS}, "email": None})
    with app.app_context():
        url = links.issue("parent", NADIA)
    assert auth.use(url.removeprefix(app.config["BASE_URL"])).status_code == 302
    confirm_sessions(db, "parent", user_id=NADIA)
    page = main_part(client.get("/messages").text)
    assert 'value="sms"' in page and 'value="email"' not in page
    response = choose(client, "email")
    assert response.status_code == 400
    assert "Vælg SMS, e-mail eller ingen beskeder." in response.text
    assert db["parents"].get(NADIA)["notices_by"] is None


def test_choosing_without_the_forms_token_changes_nothing(auth, client, db):
    auth.sign_in()
    response = choose(client, "none", token="forged")
    assert response.status_code == 400
    assert db["parents"].get(SARA)["notices_by"] is None


def test_a_parent_who_chose_none_gets_no_message_and_sees_why(app, auth, client, db):
    auth.sign_in()
    choose(client, "none")
    with app.test_request_context():
        plan.add_plan_item(Actor("staff", METTE), HOLM, what="Lektiehjælp", kind="school", responsible="family",
                           when_text="Hver tirsdag", status="active")
        notices.collect()
        noon = clock.from_local(clock.today() + timedelta(days=1), time(12))
        assert notices.release(noon) == 1  # Thomas only
    assert [row["parent_id"] for row in db.query("SELECT parent_id FROM outbox WHERE purpose = 'notice'")] == [THOMAS]
    page = main_part(client.get("/messages").text)
    assert "Nyt i planen" in page and "Ikke sendt: valgt fra" in page


def test_the_coordinator_sees_each_parents_choice_and_where_notices_stand(app, auth, client, db):
    with app.test_request_context():
        notices.choose_channel(Actor("parent", SARA), SARA, "email")
        plan.add_plan_item(Actor("staff", METTE), HOLM, what="Lektiehjælp", kind="school", responsible="family",
                           when_text="Hver tirsdag", status="active")
        notices.collect()
    auth.staff()
    page = main_part(client.get(f"/staff/families/{HOLM}/members").text)
    section = page.split('id="besked-valg"')[1].split("</section>")[0]
    sara_row, thomas_row = section.split("Sara Holm")[1], section.split("Thomas Holm")[1]
    assert sara_row.split("</tr>")[0].count("E-mail") == 1
    assert "SMS" in thomas_row.split("</tr>")[0] and "ikke valgt selv" in thomas_row.split("</tr>")[0]
    assert "Nyt i planen" in section and "Venter – sendes snart" in section
    with app.test_request_context():
        notices.release(clock.from_local(clock.today() + timedelta(days=1), time(12)))
    db.execute("UPDATE outbox SET failed_at = '2026-01-01T00:00:00Z', attempts = 6 WHERE parent_id = ?", [THOMAS])
    db.execute("UPDATE outbox SET sent_at = '2026-01-01T00:00:00Z' WHERE parent_id = ?", [SARA])
    section = main_part(client.get(f"/staff/families/{HOLM}/members").text).split('id="besked-valg"')[1]
    assert "Sendt" in section.split("Thomas Holm")[0]
    assert "Kunne ikke sendes" in section.split("Thomas Holm")[1] and "Prøvet 6 gange." in section
