"""Written input before a meeting, shared with the parents; reminders; the colleague sent instead; caseload (issue 20)."""
import sqlite3
from datetime import date, timedelta

import pytest

from conftest import HOLM, METTE, NIELSEN, Auth, csrf_from, main_part
from portal import demo as demo_data
from portal.data.changes import Actor
from test_meeting_calls import answer, called_meeting, not_called_meeting
from test_professionals import involvement, professional_id, sign_in_professional

WORDS = {"going_well": "Emil læser hver dag.", "worries": "Han er træt om morgenen.", "next_steps": "Et møde med PPR."}


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


@pytest.fixture
def meeting(db):
    """Hanne's first called meeting in Familien Holm, with a deadline a week ahead (whatever day the test runs)."""
    meeting_id = called_meeting(db)
    db.execute("UPDATE meetings SET input_due_on = ? WHERE id = ?",
               [(date.today() + timedelta(days=7)).isoformat(), meeting_id])
    db.conn.commit()
    return meeting_id


def send_input(client, meeting_id, **words):
    token = csrf_from(client.get(f"/fagperson/moeder/{meeting_id}").text)
    return client.post(f"/fagperson/moeder/{meeting_id}/bidrag", data={"csrf_token": token, **words})


def stored(db, meeting_id):
    return db.execute("SELECT going_well, worries, next_steps, shared_at IS NOT NULL FROM meeting_inputs"
                      " WHERE meeting_id = ?", [meeting_id]).fetchall()


def staff_client(app):
    staff = app.test_client()
    Auth(app, staff).staff()
    return staff


def staff_page(staff, meeting_id):
    return main_part(staff.get(f"/staff/families/{HOLM}/meetings/{meeting_id}").text)


def share(staff, meeting_id, shared=True):
    page = staff.get(f"/staff/families/{HOLM}/meetings/{meeting_id}").text
    input_id = page.split('id="bidrag-')[1].split('"')[0]
    return staff.post(f"/staff/families/{HOLM}/meetings/{meeting_id}/inputs/{input_id}/share",
                      data={"csrf_token": csrf_from(page), "shared": "1" if shared else "0"})


def parent_section(app, meeting_id):
    parent = app.test_client()
    Auth(app, parent).sign_in()
    page = main_part(parent.get(f"/meetings/{meeting_id}").text)
    return page.split('id="bidrag"')[1].split("</section>")[0] if 'id="bidrag"' in page else ""


# Writing input.

def test_answering_written_input_leads_to_the_form_and_the_professional_writes_and_changes_it(app, client, db, hanne,
                                                                                             meeting):
    sign_in_professional(app, client, hanne)
    response = answer(client, meeting, answer="sends_written")
    assert response.status_code == 302 and response.headers["Location"].endswith("#bidrag")
    page = main_part(client.get(f"/fagperson/moeder/{meeting}").text)
    assert 'id="bidrag"' in page and 'name="going_well"' in page and "Det er vi bekymrede for" in page
    assert send_input(client, meeting, **WORDS).status_code == 302
    assert stored(db, meeting) == [(*WORDS.values(), 0)]
    changed = {**WORDS, "worries": "  Intet lige nu.\r\nMen se her.  "}
    assert send_input(client, meeting, **changed).status_code == 302
    assert stored(db, meeting) == [(*changed.values(), 0)]  # the words exactly as written
    audit = db.execute("SELECT detail FROM audit_log WHERE action = 'meeting.input_written' AND actor_kind ="
                       " 'professional' AND actor_id = ?", [hanne]).fetchall()
    assert len(audit) == 2 and not any("Emil" in (row[0] or "") for row in audit)


def test_input_needs_at_least_one_part_and_each_part_has_a_limit(app, client, db, hanne, meeting):
    sign_in_professional(app, client, hanne)
    refused = send_input(client, meeting, going_well=" ", worries="", next_steps="\u200b")
    assert refused.status_code == 400 and "Skriv mindst ét af de tre felter." in refused.text
    refused = send_input(client, meeting, going_well="x" * 2001)
    assert refused.status_code == 400 and "Teksten er for lang" in refused.text
    assert stored(db, meeting) == []
    assert send_input(client, meeting, worries="Kun bekymring").status_code == 302
    assert stored(db, meeting) == [("", "Kun bekymring", "", 0)]


def test_input_is_locked_after_the_deadline(app, client, db, hanne, meeting):
    sign_in_professional(app, client, hanne)
    assert send_input(client, meeting, **WORDS).status_code == 302
    token = csrf_from(client.get(f"/fagperson/moeder/{meeting}").text)
    db.execute("UPDATE meetings SET input_due_on = ? WHERE id = ?",
               [(date.today() - timedelta(days=1)).isoformat(), meeting])
    db.conn.commit()
    refused = client.post(f"/fagperson/moeder/{meeting}/bidrag",
                          data={"csrf_token": token, **WORDS, "going_well": "Ændret for sent"})
    assert refused.status_code == 400 and "Fristen for skriftlige bidrag er overskredet" in refused.text
    assert stored(db, meeting) == [(*WORDS.values(), 0)]
    page = main_part(client.get(f"/fagperson/moeder/{meeting}").text)
    assert "Fristen for skriftlige bidrag er overskredet" in page and 'name="going_well"' not in page
    assert "Emil læser hver dag." in page  # their input is still shown to them


def test_input_to_a_meeting_not_called_to_or_of_another_family_is_404(app, client, db, hanne):
    from portal.data.changes import meeting_calls, meeting_inputs

    sign_in_professional(app, client, hanne)
    not_called = not_called_meeting(db)
    other = db.execute("SELECT id FROM meetings WHERE family_id = ?", [NIELSEN]).fetchone()[0]
    token = csrf_from(client.get(f"/fagperson/familier/{HOLM}").text)
    for meeting_id in (not_called, other, 99999):
        response = client.post(f"/fagperson/moeder/{meeting_id}/bidrag", data={"csrf_token": token, **WORDS})
        assert response.status_code == 404
    with app.test_request_context(), pytest.raises(meeting_calls.NotCalled):
        meeting_inputs.save_input(Actor("professional", hanne), not_called, **WORDS)
    assert db.execute("SELECT count(*) FROM meeting_inputs").fetchone()[0] == 0


def test_nobody_else_changes_a_professionals_words(app, client, db, hanne, meeting):
    from portal.data.changes import meeting_calls, meeting_inputs

    sign_in_professional(app, client, hanne)
    send_input(client, meeting, **WORDS)
    with app.test_request_context(), pytest.raises(meeting_calls.NotCalled):
        meeting_inputs.save_input(Actor("staff", METTE), meeting, going_well="Skrevet om af koordinatoren")
    assert stored(db, meeting) == [(*WORDS.values(), 0)]
    other = involvement(db, "Rasmus Kjær", HOLM)
    with pytest.raises(sqlite3.IntegrityError, match="stays with its author"):
        db.execute("UPDATE meeting_inputs SET person_involved_id = ? WHERE meeting_id = ?", [other, meeting])
    db.execute("UPDATE meeting_inputs SET shared_at = '2026-01-01T00:00:00Z' WHERE meeting_id = ?", [meeting])
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        db.execute("UPDATE meeting_inputs SET going_well = 'Redigeret' WHERE meeting_id = ?", [meeting])


# The coordinator and the parents.

def test_the_coordinator_sees_answers_and_inputs_and_the_parent_sees_only_shared_input(app, client, db, hanne,
                                                                                       meeting):
    sign_in_professional(app, client, hanne)
    answer(client, meeting, answer="sends_written")
    staff = staff_client(app)
    section = staff_page(staff, meeting).split('id="fagfolk-svar"')[1].split("</section>")[0]
    assert "Sender et skriftligt bidrag" in section and "Bidrag mangler" in section and "Har ikke svaret" in section
    send_input(client, meeting, **WORDS)
    section = staff_page(staff, meeting).split('id="fagfolk-svar"')[1].split("</section>")[0]
    assert "Bidrag sendt" in section and "Emil læser hver dag." in section and "Del med forældrene" in section
    assert parent_section(app, meeting) == ""  # not shared yet
    assert share(staff, meeting).status_code == 302
    shown = parent_section(app, meeting)
    assert "Hanne Bech" in shown and "Emil læser hver dag." in shown and "Et møde med PPR." in shown
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'meeting.input_shared' AND actor_kind = 'staff'"
                      ).fetchone()[0] == 1
    assert "Del ikke længere" in staff_page(staff, meeting)
    assert share(staff, meeting, shared=False).status_code == 302
    assert parent_section(app, meeting) == ""
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'meeting.input_unshared'").fetchone()[0] == 1


def test_a_change_by_the_author_unshares_it_so_parents_see_only_what_was_shared(app, client, db, hanne, meeting):
    sign_in_professional(app, client, hanne)
    send_input(client, meeting, **WORDS)
    staff = staff_client(app)
    share(staff, meeting)
    assert "Emil læser hver dag." in parent_section(app, meeting)
    send_input(client, meeting, **{**WORDS, "going_well": "Nyt efter deling"})
    assert parent_section(app, meeting) == ""
    assert stored(db, meeting) == [("Nyt efter deling", WORDS["worries"], WORDS["next_steps"], 0)]


def test_a_parent_never_sees_input_whose_author_is_hidden_from_them(app, client, db, hanne, meeting):
    sign_in_professional(app, client, hanne)
    send_input(client, meeting, **WORDS)
    share(staff_client(app), meeting)
    assert "Emil læser hver dag." in parent_section(app, meeting)
    sara = db.execute("SELECT id FROM parents WHERE email = ?", [demo_data.PARENT_EMAIL]).fetchone()[0]
    db["hidden_from_parents"].insert({"family_id": HOLM, "item_kind": "person",
                                      "item_id": involvement(db, "Hanne Bech", HOLM), "parent_id": sara})
    db.conn.commit()
    assert parent_section(app, meeting) == ""


def test_sharing_an_input_of_another_meeting_changes_nothing(app, client, db, hanne, meeting):
    sign_in_professional(app, client, hanne)
    send_input(client, meeting, **WORDS)
    staff = staff_client(app)
    page = staff.get(f"/staff/families/{HOLM}/meetings/{meeting}").text
    input_id = page.split('id="bidrag-')[1].split('"')[0]
    other = db.execute("SELECT id FROM meetings WHERE family_id = ? AND id != ?", [HOLM, meeting]).fetchone()[0]
    response = staff.post(f"/staff/families/{HOLM}/meetings/{other}/inputs/{input_id}/share",
                          data={"csrf_token": csrf_from(page), "shared": "1"})
    assert response.status_code == 400
    assert stored(db, meeting) == [(*WORDS.values(), 0)]


# Reminders.

def remind(staff, meeting_id):
    page = staff.get(f"/staff/families/{HOLM}/meetings/{meeting_id}").text
    return staff.post(f"/staff/families/{HOLM}/meetings/{meeting_id}/remind", data={"csrf_token": csrf_from(page)})


def reminders(db):
    return sorted(row[0] for row in db.execute("SELECT recipient FROM outbox WHERE purpose = 'call_reminder'"))


def test_the_reminder_goes_only_to_those_who_have_not_answered_and_at_most_once_a_day(app, client, db, hanne,
                                                                                     meeting, set_clock):
    db.execute("UPDATE professionals SET email = 'rasmus.kjaer@demo-kommune.dk' WHERE name = 'Rasmus Kjær'")
    db.conn.commit()
    sign_in_professional(app, client, hanne)
    answer(client, meeting, answer="coming")
    staff = staff_client(app)
    assert "Påmind dem, der ikke har svaret" in staff_page(staff, meeting)
    assert remind(staff, meeting).status_code == 302
    assert reminders(db) == ["rasmus.kjaer@demo-kommune.dk"]  # Hanne answered; nobody else has an e-mail
    page = staff_page(staff, meeting)
    assert "Sidst påmindet" in page and "Du kan påminde igen" in page
    assert "Påmind dem, der ikke har svaret</button>" not in page
    refused = remind(staff, meeting)
    assert refused.status_code == 400 and "Du kan kun påminde én gang i døgnet" in refused.text
    assert reminders(db) == ["rasmus.kjaer@demo-kommune.dk"]
    set_clock(23 * 60 + 50)  # a new day's sign-in (sessions end at the moved clock too)
    assert remind(staff_client(app), meeting).status_code == 400
    set_clock(24 * 60 + 1)
    assert remind(staff_client(app), meeting).status_code == 302
    assert reminders(db) == ["rasmus.kjaer@demo-kommune.dk"] * 2
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'meeting.call_reminder_sent'").fetchone()[0] == 2


def test_the_reminder_mail_says_only_that_there_is_a_call_and_links_to_the_meeting(app, db, meeting):
    from portal.data.changes import meeting_inputs
    from portal.data.db import get_db
    from portal.messages import compose

    db.execute("UPDATE professionals SET email = 'rasmus.kjaer@demo-kommune.dk' WHERE name = 'Rasmus Kjær'")
    db.conn.commit()
    with app.test_request_context():
        assert meeting_inputs.remind_not_answered(Actor("staff", METTE), HOLM, meeting) >= 1
        row = get_db().execute("SELECT * FROM outbox WHERE purpose = 'call_reminder'").fetchone()
        message = compose.compose(dict(zip([c[0] for c in get_db().execute("SELECT * FROM outbox").description], row)))
    assert message["subject"] == "Du har et mødekald i Familieportalen"
    assert f"/fagperson/moeder/{meeting}" in message["body"]
    for secret in ("Holm", "Emil", "Sara", "Hanne", "Rasmus"):
        assert secret not in message["body"] and secret not in message["subject"]


# "Jeg sender en anden": a colleague of the same organisation.

def _professional(db, name, organisation, email=None, active=1):
    pid = db.execute("INSERT INTO professionals (name, email, organisation, active, created_at)"
                     " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')", [name, email, organisation, active]).lastrowid
    db.conn.commit()
    return pid


def test_a_colleague_chosen_from_the_same_organisation_is_called_and_sees_the_meeting(app, client, db, hanne,
                                                                                      meeting):
    from portal.data import access

    bo = _professional(db, "Bo Berg", "Demoby Skole", "bo.berg@demoby-skole.dk")
    sign_in_professional(app, client, hanne)
    page = main_part(client.get(f"/fagperson/moeder/{meeting}").text)
    assert "Bo Berg" in page and "Pia Holt" not in page  # the list: Hanne's organisation only
    assert answer(client, meeting, answer="sends_colleague", colleague_id=str(bo)).status_code == 302
    assert db.execute("SELECT answer, colleague FROM meeting_calls WHERE meeting_id = ?",
                      [meeting]).fetchall() == [("sends_colleague", "Bo Berg")]
    scope, = db.execute("SELECT scope FROM people_involved WHERE professional_id = ? AND family_id = ?",
                        [bo, HOLM]).fetchone()
    assert scope == "meeting"
    page = main_part(client.get(f"/fagperson/moeder/{meeting}").text)
    assert f'<option value="{bo}" selected>Bo Berg</option>' in page  # the answer as given, to change
    with app.test_request_context():
        assert access.professional_may_see_meeting(bo, meeting) is not None
        assert access.professional_may_see_family(bo, HOLM) is None  # the meeting only


def test_a_colleague_from_another_organisation_is_refused(app, client, db, hanne, meeting):
    pia = professional_id(db, "Pia Holt")  # Familiehuset
    other_school = _professional(db, "Ulla Ravn", "Nordskolen", "ulla@nordskolen.dk")
    sign_in_professional(app, client, hanne)
    for data in ({"colleague_id": str(pia)}, {"colleague_id": str(hanne)},
                 {"colleague": "Ulla Ravn", "colleague_email": "ULLA@nordskolen.dk"}):
        refused = answer(client, meeting, answer="sends_colleague", **data)
        assert refused.status_code == 400 and "Vælg en kollega fra din egen organisation." in refused.text, data
    assert db.execute("SELECT count(*) FROM meeting_calls WHERE meeting_id = ?", [meeting]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM people_involved WHERE professional_id IN (?, ?) AND family_id = ?",
                      [pia, other_school, HOLM]).fetchone()[0] == 0


def test_a_new_colleague_by_name_and_email_becomes_a_professional_of_the_same_organisation(app, client, db, hanne,
                                                                                          meeting):
    sign_in_professional(app, client, hanne)
    refused = answer(client, meeting, answer="sends_colleague", colleague="Ny Lærer", colleague_email="ikke-en-mail")
    assert refused.status_code == 400 and "Skriv kollegaens e-mail" in refused.text
    assert answer(client, meeting, answer="sends_colleague", colleague=" Ny  Lærer ",
                  colleague_email="ny.laerer@demoby-skole.dk").status_code == 302
    new = db.execute("SELECT id, name, organisation, active FROM professionals WHERE email = ?",
                     ["ny.laerer@demoby-skole.dk"]).fetchone()
    assert new[1:] == ("Ny Lærer", "Demoby Skole", 1)
    called = db.execute("SELECT count(*) FROM meeting_participants mp JOIN people_involved inv"
                        " ON inv.id = mp.person_involved_id WHERE mp.meeting_id = ? AND inv.professional_id = ?",
                        [meeting, new[0]]).fetchone()[0]
    assert called == 1


# Caseload and the deadline.

def _expected_counts(db, family_id):
    """Counted the slow way: every upcoming published planned meeting, every called involvement."""
    unanswered = missing = 0
    meetings = db.execute("SELECT id FROM meetings WHERE family_id = ? AND status = 'planned' AND published_at IS NOT"
                          " NULL AND starts_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [family_id]).fetchall()
    for (meeting_id,) in meetings:
        for (person,) in db.execute("SELECT mp.person_involved_id FROM meeting_participants mp JOIN people_involved"
                                    " inv ON inv.id = mp.person_involved_id WHERE mp.meeting_id = ?"
                                    " AND inv.removed_at IS NULL AND inv.scope != 'none'", [meeting_id]).fetchall():
            call = db.execute("SELECT answer FROM meeting_calls WHERE meeting_id = ? AND person_involved_id = ?",
                              [meeting_id, person]).fetchone()
            if call is None:
                unanswered += 1
            elif call[0] == "sends_written" and not db.execute(
                    "SELECT 1 FROM meeting_inputs WHERE meeting_id = ? AND person_involved_id = ?",
                    [meeting_id, person]).fetchone():
                missing += 1
    return unanswered, missing


def test_the_caseload_counts_unanswered_calls_and_missing_input(app, client, db, hanne, meeting):
    from portal.data.reads import caseload

    def counts():
        with app.test_request_context():
            rows, _total = caseload.caseload(METTE)
        row = next(r for r in rows if r["id"] == HOLM)
        return row["unanswered_calls"], row["missing_inputs"]

    before = counts()
    assert before == _expected_counts(db, HOLM) and before[0] >= 2 and before[1] == 0
    sign_in_professional(app, client, hanne)
    answer(client, meeting, answer="sends_written")
    assert counts() == (before[0] - 1, 1) == _expected_counts(db, HOLM)
    page = main_part(staff_client(app).get("/staff/").text)
    assert "1 bidrag mangler" in page and f"{before[0] - 1} har ikke svaret" in page
    send_input(client, meeting, **WORDS)
    assert counts() == (before[0] - 1, 0)


def test_the_default_deadline_is_two_working_days_before_the_meeting():
    from portal.data.changes.meeting_inputs import working_days_before

    assert working_days_before(date(2026, 12, 7), 2) == date(2026, 12, 3)  # Monday -> Thursday
    assert working_days_before(date(2026, 12, 9), 2) == date(2026, 12, 7)  # Wednesday -> Monday
    assert working_days_before(date(2026, 12, 13), 2) == date(2026, 12, 10)  # Sunday -> Thursday


def test_the_coordinator_sets_the_deadline_on_the_meeting_form_never_after_the_meeting(app, db, meeting):
    from portal.data.changes import Invalid, meetings
    from portal.data.clock import from_db_time, local
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    with app.test_request_context():
        row = meeting_reads.meeting(HOLM, meeting)
        values = MeetingForm.data_from(row)
        keys = ("kind", "place", "purpose", "participants", "follow_up", "hidden_from")
        values = {key: values[key] for key in keys}
        values["starts_at"] = from_db_time(row["starts_at"])
        values["ends_at"] = from_db_time(row["ends_at"]) if row["ends_at"] else None
        day = local(row["starts_at"]).date()
        with pytest.raises(Invalid) as refused:
            meetings.update_meeting(Actor("staff", METTE), HOLM, meeting, row["version"], **values,
                                    input_due_on=day + timedelta(days=1))
        assert "input_due_on" in refused.value.errors
        meetings.update_meeting(Actor("staff", METTE), HOLM, meeting, row["version"], **values,
                                input_due_on=day - timedelta(days=1))
    assert db.execute("SELECT input_due_on FROM meetings WHERE id = ?", [meeting]).fetchone()[0] == str(
        day - timedelta(days=1))
