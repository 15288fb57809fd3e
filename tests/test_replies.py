"""A parent answers a meeting: "Jeg kommer" or "Jeg kan ikke komme" (portal/data/changes/replies.py)."""
import json
from pathlib import Path

import pytest

from conftest import deliver
from conftest import (
    CANCELLED_VISIT, FOLLOW_UP, HELD_NETWORK, HIDDEN_FROM_MARTIN, METTE, NEXT_NETWORK, NIELSEN_MEETING, SARA,
    csrf_from, deliver, main_part,
)

REASON = "Jeg er på arbejde 🙁\nKan vi tage det over telefonen?"


def answer(client, meeting_id, answer, reason="", token=None):
    token = token or csrf_from(client.get(f"/meetings/{meeting_id}").text)
    return client.post(f"/meetings/{meeting_id}/reply", data={"csrf_token": token, "answer": answer, "reason": reason})


def replies(db):
    return list(db.query("SELECT meeting_id, parent_id, answer, reason FROM meeting_replies ORDER BY id"))


def meeting_reply_mails(db, app=None):
    """The coordinator's e-mails about answers, as queued, with the text they were sent with (once delivered)."""
    rows = list(db.query("SELECT * FROM outbox WHERE purpose = 'meeting_reply' ORDER BY id"))
    if app is not None:
        deliver(app)
        for row in rows:
            sent = Path(app.config["OUTBOX_DIR"]) / f"{row['id']:05d}-email.json"
            row["subject"], row["body"] = (json.loads(sent.read_text())[key] for key in ("subject", "text"))
    return rows


def test_a_parent_answers_that_they_come_and_can_change_it_until_the_meeting_starts(auth, client, db):
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{NEXT_NETWORK}").text)
    assert "Kommer du?" in page and 'value="coming"' in page and 'value="not_coming"' in page
    response = answer(client, NEXT_NETWORK, "coming")
    assert response.status_code == 302 and response.headers["Location"].endswith("answered=1#svar")
    page = main_part(client.get(f"/meetings/{NEXT_NETWORK}?answered=1").text)
    assert "Tak for dit svar" in page and "<strong>Jeg kommer</strong>" in page
    assert answer(client, NEXT_NETWORK, "not_coming", REASON).status_code == 302
    assert replies(db) == [{"meeting_id": NEXT_NETWORK, "parent_id": SARA, "answer": "not_coming", "reason": REASON}]
    assert "Du kan ikke komme" in main_part(client.get("/meetings").text)


def test_the_reason_is_kept_exactly_as_written_and_dropped_when_the_parent_comes_after_all(auth, client, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming", "  " + REASON + "\r\n")
    assert replies(db)[0]["reason"] == "  " + REASON + "\r\n"
    answer(client, NEXT_NETWORK, "coming", "ignored")
    assert replies(db)[0]["reason"] is None


def test_cannot_come_sends_the_coordinator_one_email_that_names_nothing_about_the_case(app, auth, client, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming", REASON)
    answer(client, NEXT_NETWORK, "not_coming", "Et andet svar")  # only the reason changed: no second e-mail
    mails = meeting_reply_mails(db, app)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["recipient"] == "mette.lund@demo-kommune.dk" and mail["staff_id"] == METTE
    assert mail["family_id"] is None  # not one of the messages to the family's parents
    assert f"http://localhost/staff/families/1/meetings/{NEXT_NETWORK}" in mail["body"]
    assert "kan ikke komme" in mail["body"]
    for private in ("Sara", "Holm", "Emil", "Netværksmøde", "Familiehuset", "arbejde", "Et andet svar", "10:00",
                    "kl."):
        assert private not in mail["body"] + mail["subject"], private
    assert deliver(app) == 0  # sent once, above
    sent = [json.loads(path.read_text()) for path in Path(app.config["OUTBOX_DIR"]).glob("*.json")]
    assert [message["to"] for message in sent] == ["mette.lund@demo-kommune.dk"]


def test_coming_again_and_then_not_sends_a_new_email(auth, client, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming")
    answer(client, NEXT_NETWORK, "coming")
    assert len(meeting_reply_mails(db)) == 1
    answer(client, NEXT_NETWORK, "not_coming")
    assert len(meeting_reply_mails(db)) == 2


def test_the_answer_and_its_email_are_saved_together_or_not_at_all(app, auth, client, db, monkeypatch):
    from portal.data.changes import replies as reply_changes

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is gone")

    monkeypatch.setattr(reply_changes, "queue_cannot_come", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    auth.sign_in()
    token = csrf_from(client.get(f"/meetings/{NEXT_NETWORK}").text)
    with pytest.raises(RuntimeError):
        answer(client, NEXT_NETWORK, "not_coming", REASON, token=token)
    assert replies(db) == []
    assert db.execute("SELECT count(*) FROM family_events WHERE kind = 'meeting.answered'").fetchone()[0] == 0


def test_a_parent_cannot_answer_another_familys_meeting_or_one_hidden_from_them(auth, client, db):
    auth.sign_in("lene.nielsen@example.dk")
    token = csrf_from(client.get("/meetings").text)
    assert answer(client, NEXT_NETWORK, "not_coming", token=token).status_code == 404
    auth.sign_in("martin.andersen@example.dk")
    token = csrf_from(client.get("/meetings").text)
    assert answer(client, HIDDEN_FROM_MARTIN, "not_coming", token=token).status_code == 404
    assert replies(db) == [] and meeting_reply_mails(db) == []


def test_a_parent_put_on_another_familys_meeting_still_cannot_answer_it(auth, client, db):
    db.execute("INSERT INTO meeting_participants (meeting_id, parent_id, follow_up) VALUES (?, ?, 0)",
               [NIELSEN_MEETING, SARA])
    auth.sign_in()
    response = answer(client, NIELSEN_MEETING, "not_coming", token=csrf_from(client.get("/meetings").text))
    assert response.status_code == 404
    assert replies(db) == [] and meeting_reply_mails(db) == []


def test_a_parent_who_does_not_take_part_cannot_answer(auth, client, db):
    auth.sign_in("thomas.holm@example.dk")
    page = main_part(client.get(f"/meetings/{FOLLOW_UP}").text)
    assert "Kommer du?" not in page  # Sara's meeting with the school; Thomas sees it but is not asked
    response = answer(client, FOLLOW_UP, "coming", token=csrf_from(client.get("/meetings").text))
    assert response.status_code == 400
    assert "Du står ikke på listen over deltagere" in response.text
    assert replies(db) == []


@pytest.mark.parametrize("meeting_id, message", [
    (CANCELLED_VISIT, "Mødet er aflyst, så du kan ikke svare på det."),
    (HELD_NETWORK, "Mødet er begyndt eller holdt, så du kan ikke længere svare på det."),
])
def test_a_cancelled_or_past_meeting_cannot_be_answered(auth, client, db, meeting_id, message):
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{meeting_id}").text)
    assert message in page and 'value="not_coming"' not in page
    response = answer(client, meeting_id, "not_coming", "x", token=csrf_from(client.get("/meetings").text))
    assert response.status_code == 400 and message in main_part(response.text)
    assert replies(db) == []


def test_a_meeting_cancelled_while_the_parent_answers_is_not_answered(app, db):
    """The page (and the view) read the meeting as planned; the change reads it again in its transaction."""
    from portal.data.changes import Actor, Invalid
    from portal.data.changes import replies as reply_changes
    from portal.data.db import get_db

    with app.test_request_context():
        seen = get_db()["meetings"].get(NEXT_NETWORK)
        db.execute("UPDATE meetings SET status = 'cancelled' WHERE id = ?", [NEXT_NETWORK])
        with pytest.raises(Invalid) as refused:
            reply_changes.answer_meeting(Actor("parent", SARA), seen, "not_coming")
    assert "Mødet er aflyst" in refused.value.errors["answer"]
    assert replies(db) == [] and meeting_reply_mails(db) == []


def test_a_meeting_that_has_begun_cannot_be_answered(auth, client, db):
    auth.sign_in()
    token = csrf_from(client.get(f"/meetings/{NEXT_NETWORK}").text)
    db.execute("UPDATE meetings SET starts_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-10 minutes') WHERE id = ?",
               [NEXT_NETWORK])
    response = answer(client, NEXT_NETWORK, "coming", token=token)
    assert response.status_code == 400 and "Mødet er begyndt" in response.text
    assert replies(db) == []


@pytest.mark.parametrize("reason, message", [
    ("x" * 501, "Der er plads til 500 tegn, og du har skrevet 501"),
    ("Jeg kan\x00 ikke", "Teksten indeholder tegn, som vi ikke kan gemme"),
])
def test_a_reason_follows_the_rules_for_own_words_and_is_never_lost(auth, client, db, reason, message):
    auth.sign_in()
    response = answer(client, NEXT_NETWORK, "not_coming", reason)
    assert response.status_code == 400
    assert message in response.text
    if "\x00" not in reason:
        assert reason in response.text  # the text is shown back to be shortened
    assert replies(db) == []


def test_invisible_characters_count_as_no_reason(auth, client, db):
    auth.sign_in()
    assert answer(client, NEXT_NETWORK, "not_coming", "\u200b \u3164\n").status_code == 302
    assert replies(db)[0]["reason"] is None


def test_an_answer_without_a_choice_or_csrf_token_is_refused(auth, client, db):
    auth.sign_in()
    assert answer(client, NEXT_NETWORK, "maybe").status_code == 400
    assert client.post(f"/meetings/{NEXT_NETWORK}/reply", data={"answer": "coming"}).status_code == 400
    assert replies(db) == []


def test_the_other_parent_never_sees_the_answer_or_the_reason(auth, client):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming", REASON)
    auth.sign_in("thomas.holm@example.dk")
    for path in (f"/meetings/{NEXT_NETWORK}", "/meetings", "/"):
        page = main_part(client.get(path).text)
        assert "arbejde" not in page and "Du kan ikke komme" not in page and "Jeg kan ikke komme</strong>" not in page


def test_the_coordinator_sees_each_parents_answer_and_the_caseload_count(auth, client, app):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming", REASON)
    staff = app.test_client()
    from conftest import Auth

    Auth(app, staff).staff()
    page = main_part(staff.get(f"/staff/families/1/meetings/{NEXT_NETWORK}").text)
    answers = page.split('id="svar"')[1].split("</section>")[0]
    assert "Sara Holm" in answers and "Kan ikke komme" in answers and "Jeg er på arbejde" in answers
    assert "Thomas Holm" in answers and "Har ikke svaret" in answers
    assert "1 kan ikke komme" in main_part(staff.get("/staff/").text)


def test_the_caseload_counts_only_meetings_still_to_come(auth, client, app, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming")
    answer(client, FOLLOW_UP, "not_coming")
    from conftest import Auth

    staff = app.test_client()
    Auth(app, staff).staff()
    assert "2 kan ikke komme" in staff.get("/staff/").text
    db.execute("UPDATE meetings SET status = 'cancelled' WHERE id = ?", [FOLLOW_UP])
    assert "1 kan ikke komme" in staff.get("/staff/").text
    db.execute("UPDATE meetings SET starts_at = '2020-01-01T10:00:00Z' WHERE id = ?", [NEXT_NETWORK])
    assert "kan ikke komme" not in staff.get("/staff/").text


def save_meeting_as_staff(app, meeting_id, move_days=0, drop_participant=None):
    """Save a meeting as the coordinator's form would, moved by `move_days` and without `drop_participant`."""
    from datetime import timedelta

    from portal.data.changes import Actor
    from portal.data.changes import meetings
    from portal.data.clock import from_db_time
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    with app.test_request_context():
        row = meeting_reads.meeting(1, meeting_id)
        values = MeetingForm.data_from(row)
        fields = {key: values[key] for key in ("kind", "place", "purpose", "follow_up", "hidden_from")}
        moved = timedelta(days=move_days)
        meetings.update_meeting(Actor("staff", METTE), 1, meeting_id, row["version"], **fields,
                                participants=[key for key in values["participants"] if key != drop_participant],
                                starts_at=from_db_time(row["starts_at"]) + moved,
                                ends_at=from_db_time(row["ends_at"]) + moved)


def test_moving_a_meeting_asks_the_parents_to_answer_again(app, auth, client, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "coming")
    save_meeting_as_staff(app, NEXT_NETWORK)
    assert len(replies(db)) == 1  # saved without moving: the answer holds
    save_meeting_as_staff(app, NEXT_NETWORK, move_days=1)
    assert replies(db) == []


def test_a_parent_taken_off_a_meeting_loses_their_answer(app, auth, client, db):
    auth.sign_in()
    answer(client, NEXT_NETWORK, "not_coming")
    save_meeting_as_staff(app, NEXT_NETWORK, drop_participant=f"parent:{SARA}")
    assert replies(db) == []
    staff_page = app.test_client()
    from conftest import Auth

    Auth(app, staff_page).staff()
    assert "kan ikke komme" not in staff_page.get("/staff/").text


def test_answers_count_towards_a_parents_hourly_writes(app, auth, client, db):
    already = db.execute("SELECT count(*) FROM rate_limit_hits WHERE bucket = ?", [f"writes:parent:{SARA}"]).fetchone()[0]
    app.config["PARENT_WRITES_PER_HOUR"] = already + 1
    auth.sign_in()
    assert answer(client, NEXT_NETWORK, "coming").status_code == 302
    response = answer(client, NEXT_NETWORK, "not_coming", "Jeg er syg")
    assert response.status_code == 400 and "Du har skrevet meget på kort tid" in response.text
    assert "Jeg er syg" in response.text  # kept in the form
    assert replies(db)[0]["answer"] == "coming" and meeting_reply_mails(db) == []
