"""Professionals answer meeting calls; the coordinator sees every answer, the parents who comes (issue 20)."""
from datetime import timedelta

import pytest

from conftest import HOLM, METTE, NIELSEN, csrf_from, main_part
from portal.data.changes import Actor
from test_professionals import involvement, professional_id, sign_in_professional


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


def called_meeting(db, name="Hanne Bech", family_id=HOLM):
    """An upcoming planned meeting in the family that the professional is called to."""
    return db.execute("SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
                      " WHERE mp.person_involved_id = ? AND m.status = 'planned' AND m.published_at IS NOT NULL"
                      " AND m.starts_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ORDER BY m.starts_at",
                      [involvement(db, name, family_id)]).fetchone()[0]


def not_called_meeting(db, name="Hanne Bech", family_id=HOLM):
    """A published meeting of the family that the professional is not called to."""
    return db.execute(
        "SELECT id FROM meetings WHERE family_id = ? AND published_at IS NOT NULL AND id NOT IN"
        " (SELECT meeting_id FROM meeting_participants WHERE person_involved_id = ?)",
        [family_id, involvement(db, name, family_id)]).fetchone()[0]


def answer(client, meeting_id, **data):
    token = csrf_from(client.get(f"/fagperson/moeder/{meeting_id}").text)
    return client.post(f"/fagperson/moeder/{meeting_id}/svar", data={"csrf_token": token, **data})


def stored(db, meeting_id):
    return db.execute("SELECT answer, reason, colleague FROM meeting_calls WHERE meeting_id = ?",
                      [meeting_id]).fetchall()


def test_a_professional_answers_each_way_and_can_change_it_and_it_is_audited(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    assert "Dit svar på indkaldelsen" in client.get(f"/fagperson/moeder/{meeting}").text
    response = answer(client, meeting, answer="coming")
    assert response.status_code == 302, response.text
    assert stored(db, meeting) == [("coming", None, None)]
    assert answer(client, meeting, answer="sends_colleague", colleague="  Bo   Berg ",
                  colleague_email="bo.berg@demoby-skole.dk").status_code == 302
    assert stored(db, meeting) == [("sends_colleague", None, "Bo Berg")]
    assert answer(client, meeting, answer="sends_written").status_code == 302
    assert stored(db, meeting) == [("sends_written", None, None)]
    assert answer(client, meeting, answer="not_coming", reason="Syg").status_code == 302
    assert stored(db, meeting) == [("not_coming", "Syg", None)]
    page = main_part(client.get(f"/fagperson/moeder/{meeting}?answered=1").text)
    assert "Jeg kan ikke komme" in page and "Syg" in page and "Tak for dit svar" in page
    actions = db.execute("SELECT count(*) FROM audit_log WHERE action = 'meeting.call_answered'"
                         " AND actor_kind = 'professional' AND actor_id = ?", [hanne]).fetchone()[0]
    assert actions == 4


def test_a_reason_is_required_and_a_colleague_must_be_named(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    refused = answer(client, meeting, answer="not_coming", reason="   ")
    assert refused.status_code == 400 and "Skriv, hvorfor du ikke kan komme." in refused.text
    refused = answer(client, meeting, answer="sends_colleague", colleague="")
    assert refused.status_code == 400 and "Vælg den kollega, der kommer i stedet for dig" in refused.text
    refused = answer(client, meeting)
    assert refused.status_code == 400 and "Vælg et af svarene." in refused.text
    refused = answer(client, meeting, answer="maybe")
    assert refused.status_code == 400
    assert stored(db, meeting) == []


def test_without_the_csrf_token_nothing_is_saved(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    response = client.post(f"/fagperson/moeder/{meeting}/svar", data={"answer": "coming"})
    assert response.status_code == 400 and stored(db, meeting) == []


def test_a_meeting_they_are_not_called_to_is_404(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    not_called = not_called_meeting(db)
    token = csrf_from(client.get(f"/fagperson/familier/{HOLM}").text)
    response = client.post(f"/fagperson/moeder/{not_called}/svar", data={"csrf_token": token, "answer": "coming"})
    assert response.status_code == 404
    assert stored(db, not_called) == []


def test_the_change_refuses_a_meeting_they_are_not_called_to(app, db, hanne):
    from portal.data.changes import meeting_calls

    not_called = not_called_meeting(db)
    with app.test_request_context(), pytest.raises(meeting_calls.NotCalled):
        meeting_calls.answer_call(Actor("professional", hanne), not_called, "coming")


def test_another_familys_meeting_is_404(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    other = db.execute("SELECT id FROM meetings WHERE family_id = ?", [NIELSEN]).fetchone()[0]
    token = csrf_from(client.get(f"/fagperson/familier/{HOLM}").text)
    assert client.post(f"/fagperson/moeder/{other}/svar",
                       data={"csrf_token": token, "answer": "coming"}).status_code == 404
    assert stored(db, other) == []


def test_after_the_start_the_answer_is_refused(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    token = csrf_from(client.get(f"/fagperson/moeder/{meeting}").text)
    db.execute("UPDATE meetings SET starts_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute') WHERE id = ?",
               [meeting])
    db.conn.commit()
    response = client.post(f"/fagperson/moeder/{meeting}/svar", data={"csrf_token": token, "answer": "coming"})
    assert response.status_code == 400 and "Mødet er begyndt eller holdt" in response.text
    assert stored(db, meeting) == []


def _move(app, meeting_id, days=2):
    from portal.data.changes import meetings
    from portal.data.clock import from_db_time
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    with app.test_request_context():
        row = meeting_reads.meeting(HOLM, meeting_id)
        values = MeetingForm.data_from(row)
        meetings.update_meeting(
            Actor("staff", METTE), HOLM, meeting_id, row["version"],
            **{key: values[key] for key in ("kind", "place", "purpose", "participants", "follow_up", "hidden_from")},
            starts_at=from_db_time(row["starts_at"]) + timedelta(days=days),
            ends_at=from_db_time(row["ends_at"]) + timedelta(days=days) if row["ends_at"] else None)


def test_a_moved_meeting_clears_the_answers(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    answer(client, meeting, answer="coming")
    assert stored(db, meeting) == [("coming", None, None)]
    _move(app, meeting)
    assert stored(db, meeting) == []


def test_the_coordinator_sees_every_called_professionals_answer_or_that_they_have_not_answered(app, auth, client,
                                                                                               db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    answer(client, meeting, answer="not_coming", reason="Skolebestyrelsesmøde")
    staff = app.test_client()
    from conftest import Auth

    Auth(app, staff).staff()
    page = main_part(staff.get(f"/staff/families/{HOLM}/meetings/{meeting}").text)
    section = page.split('id="fagfolk-svar"')[1].split("</section>")[0]
    assert "Hanne Bech" in section and "Kan ikke komme" in section and "Skolebestyrelsesmøde" in section
    others = db.execute("SELECT count(*) FROM meeting_participants mp JOIN people_involved inv"
                        " ON inv.id = mp.person_involved_id WHERE mp.meeting_id = ? AND inv.id != ?",
                        [meeting, involvement(db, "Hanne Bech", HOLM)]).fetchone()[0]
    assert section.count("Har ikke svaret") == others


def _parent_section(app, meeting):
    from conftest import Auth

    parent = app.test_client()
    Auth(app, parent).sign_in()
    page = main_part(parent.get(f"/meetings/{meeting}").text)
    assert page.count("<h1") == 1
    return page.split('id="fagfolk"')[1].split("</section>")[0] if 'id="fagfolk"' in page else ""


def test_the_parent_sees_which_professionals_said_they_come(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    assert "Hanne Bech" not in _parent_section(app, meeting)
    answer(client, meeting, answer="coming")
    assert "Hanne Bech" in _parent_section(app, meeting)
    answer(client, meeting, answer="sends_written")
    assert "Hanne Bech" not in _parent_section(app, meeting)


def test_a_professional_hidden_from_the_parent_is_never_shown_as_coming(app, client, db, hanne):
    from portal import demo as demo_data

    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    answer(client, meeting, answer="coming")
    assert "Hanne Bech" in _parent_section(app, meeting)
    sara = db.execute("SELECT id FROM parents WHERE email = ?", [demo_data.PARENT_EMAIL]).fetchone()[0]
    db["hidden_from_parents"].insert({"family_id": HOLM, "item_kind": "person",
                                      "item_id": involvement(db, "Hanne Bech", HOLM), "parent_id": sara})
    db.conn.commit()
    assert "Hanne Bech" not in _parent_section(app, meeting)


def test_an_answer_goes_when_the_professional_is_no_longer_called_and_stays_on_other_changes(app, client, db, hanne):
    from portal.data.changes import meetings
    from portal.data.clock import from_db_time
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    answer(client, meeting, answer="coming")
    hanne_key = f"person:{involvement(db, 'Hanne Bech', HOLM)}"

    def save(**changes):
        with app.test_request_context():
            row = meeting_reads.meeting(HOLM, meeting)
            values = MeetingForm.data_from(row)
            keys = ("kind", "place", "purpose", "participants", "follow_up", "hidden_from", "starts_at", "ends_at")
            values = {key: values[key] for key in keys}
            values["starts_at"] = from_db_time(row["starts_at"])
            values["ends_at"] = from_db_time(row["ends_at"]) if row["ends_at"] else None
            meetings.update_meeting(Actor("staff", METTE), HOLM, meeting, row["version"], **{**values, **changes})
            return values

    values = save(place="Et andet lokale")
    assert stored(db, meeting) == [("coming", None, None)]
    assert hanne_key in values["participants"]
    save(participants=[p for p in values["participants"] if p != hanne_key])
    assert stored(db, meeting) == []
    assert client.get(f"/fagperson/moeder/{meeting}").status_code == 404


def test_a_cancelled_meeting_cannot_be_answered(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    meeting = called_meeting(db)
    token = csrf_from(client.get(f"/fagperson/moeder/{meeting}").text)
    db.execute("UPDATE meetings SET status = 'cancelled' WHERE id = ?", [meeting])
    db.conn.commit()
    response = client.post(f"/fagperson/moeder/{meeting}/svar", data={"csrf_token": token, "answer": "coming"})
    assert response.status_code == 400 and "Mødet er aflyst" in response.text
    assert stored(db, meeting) == []


def changed_mails(db):
    """The meeting_changed e-mails queued so far: (recipient, meeting_id)."""
    return db.execute("SELECT recipient, meeting_id FROM outbox WHERE purpose = 'meeting_changed' ORDER BY id").fetchall()


def test_a_moved_meeting_emails_each_called_professional_without_case_details(app, db, hanne):
    from portal.messages.compose import compose

    meeting = called_meeting(db)
    email = db.execute("SELECT email FROM professionals WHERE id = ?", [hanne]).fetchone()[0]
    _move(app, meeting)
    assert (email, meeting) in changed_mails(db)
    with app.test_request_context():
        mail = compose(next(db.query("SELECT * FROM outbox WHERE purpose = 'meeting_changed' AND recipient = ?",
                                     [email])))
    assert mail["subject"] == "Et møde er ændret i Familieportalen" and f"/fagperson/moeder/{meeting}" in mail["body"]
    place = db.execute("SELECT place FROM meetings WHERE id = ?", [meeting]).fetchone()[0]
    for secret in ("Holm", "Emil", "Sara", place):
        assert secret not in mail["body"] and secret not in mail["subject"]


def test_a_cancelled_meeting_emails_them_too_and_an_unmoved_change_does_not(app, db, hanne):
    from portal.data.changes import meetings

    meeting = called_meeting(db)
    _move(app, meeting, days=0)  # saved again at the same time: nothing to tell
    assert changed_mails(db) == []
    with app.test_request_context():
        version = db.execute("SELECT version FROM meetings WHERE id = ?", [meeting]).fetchone()[0]
        meetings.cancel_meeting(Actor("staff", METTE), HOLM, meeting, version, reason="Lokalet er optaget.")
    email = db.execute("SELECT email FROM professionals WHERE id = ?", [hanne]).fetchone()[0]
    assert (email, meeting) in changed_mails(db)


def test_a_professional_who_may_not_see_the_meeting_is_not_told(app, db, hanne):
    db.execute("DELETE FROM consent_organisations WHERE organisation = 'Demoby Skole'")
    db.conn.commit()
    meeting = called_meeting(db)
    _move(app, meeting)
    email = db.execute("SELECT email FROM professionals WHERE id = ?", [hanne]).fetchone()[0]
    assert email not in [recipient for recipient, _meeting in changed_mails(db)]
