"""The family's timeline (its events as lines, coordinators' marks on them) and the meeting-load flag."""
import re

import pytest

from conftest import HOLM, METTE, NIELSEN, csrf_from, main_part
from portal.data.changes import Actor, Conflict, Invalid
from portal.data.changes import meetings as meeting_changes
from portal.data.changes import timeline as timeline_changes
from portal.data.reads import meeting_load
from portal.demo import _at

STAFF = Actor("staff", METTE)
MARTIN_EMAIL, NADIA_EMAIL, LENE_EMAIL = "martin.andersen@example.dk", "nadia.yilmaz@example.dk", "lene.nielsen@example.dk"
HOLM_MEETING_EVENT = 23  # meeting.published, the held network meeting
HIDDEN_MEETING_EVENT, HIDDEN_PERSON_EVENT, HIDDEN_PLAN_EVENT = 52, 48, 53


def mark(app, family_id, event, version=None, **values):
    with app.test_request_context():
        timeline_changes.mark_event(STAFF, family_id, event, version, **{"significant": True, **values})


def line_ids(html):
    return {int(n) for n in re.findall(r'id="linje-(\d+)"', html)}


def test_the_coordinator_sees_every_line_of_the_familys_story_with_its_source(auth, client, db):
    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/timeline")
    assert page.status_code == 200
    body = main_part(page.text)
    kinds = {row[0] for row in db.execute("SELECT id FROM family_events WHERE family_id = ? AND kind IN"
                                          " ('meeting.published', 'consent.recorded', 'goal.added', 'plan_item.added')",
                                          [HOLM])}
    assert kinds <= line_ids(body)
    assert "Nyt møde: Netværksmøde" in body and "Familien selv" in body and "Børn og Familie" in body
    created = db.execute("SELECT id FROM family_events WHERE family_id = ? AND kind = 'family.created'", [HOLM]).fetchone()
    assert created is not None and created[0] not in line_ids(body)  # family.created is not a line of the story


def test_the_parent_sees_their_familys_timeline_from_the_menu(auth, client):
    auth.sign_in()
    home = client.get("/").text
    assert 'href="/timeline"' in home
    page = client.get("/timeline")
    assert page.status_code == 200 and "Jeres forløb" in page.text
    assert HOLM_MEETING_EVENT in line_ids(page.text)


def test_a_parent_never_sees_a_professionals_note_unless_it_is_marked_for_the_family(app, auth, client):
    mark(app, HOLM, HOLM_MEETING_EVENT, note="Første gang alle var samlet. Emma sagde selv, hvad hun ønskede.")
    mark(app, HOLM, 24, note="Kun til os: skolen var bekymret.")
    auth.sign_in()
    page = main_part(client.get("/timeline").text)
    assert "Kun til os" not in page
    assert "Første gang alle var samlet" not in page
    assert "Betydningsfuld" not in page  # the mark itself is the professionals' until shared
    mark(app, HOLM, HOLM_MEETING_EVENT, version=0, note="Første gang alle var samlet.", note_for_family=True)
    page = main_part(client.get("/timeline").text)
    assert "Første gang alle var samlet." in page and "Betydningsfuld" in page
    assert "Kun til os" not in page


def test_the_coordinator_sees_every_note_and_who_may_read_it(app, auth, client):
    mark(app, HOLM, 24, note="Kun til os: skolen var bekymret.")
    auth.staff()
    page = main_part(client.get(f"/staff/families/{HOLM}/timeline").text)
    assert "Kun til os: skolen var bekymret." in page and "kun for medarbejdere" in page


def test_a_parent_never_sees_lines_hidden_from_them_nor_a_hidden_person_as_a_source(auth, client, db):
    auth.sign_in(MARTIN_EMAIL)
    page = client.get("/timeline").text
    shown = line_ids(page)
    assert not {HIDDEN_MEETING_EVENT, HIDDEN_PERSON_EVENT, HIDDEN_PLAN_EVENT} & shown
    assert "Krisecentret" not in page  # neither as a line's source, a meeting's organisation nor a filter choice
    assert client.get("/timeline?organisation=Krisecentret+Demoby").status_code == 200
    assert HIDDEN_MEETING_EVENT not in line_ids(client.get("/timeline?organisation=Krisecentret+Demoby").text)
    auth.sign_out()
    auth.sign_in(NADIA_EMAIL)
    assert {HIDDEN_MEETING_EVENT, HIDDEN_PERSON_EVENT, HIDDEN_PLAN_EVENT} <= line_ids(client.get("/timeline").text)


def test_a_parent_sees_only_their_own_familys_lines_and_nothing_meant_for_staff(app, auth, client, db):
    with app.test_request_context():
        from portal.data.changes import replies
        replies.answer_meeting(Actor("parent", 1), meeting_row(db, 2), "coming")
    answered = db.execute("SELECT id FROM family_events WHERE kind = 'meeting.answered'").fetchone()[0]
    auth.sign_in(LENE_EMAIL)
    shown = line_ids(client.get("/timeline").text)
    others = {row[0] for row in db.execute("SELECT id FROM family_events WHERE family_id != ?", [NIELSEN])}
    assert shown and not shown & others
    auth.sign_out()
    auth.sign_in()
    assert answered not in line_ids(client.get("/timeline").text)  # for_family = 0: staff only
    assert client.get(f"/staff/families/{HOLM}/timeline").status_code == 404
    assert client.get(f"/staff/families/{NIELSEN}/timeline").status_code == 404


def meeting_row(db, meeting_id):
    return dict(next(db.query("SELECT * FROM meetings WHERE id = ?", [meeting_id])))


def test_a_coordinator_of_another_family_gets_404(auth, client):
    auth.staff("peter.friis@demo-kommune.dk")
    assert client.get(f"/staff/families/{HOLM}/timeline").status_code == 404
    assert client.get(f"/staff/families/{HOLM}/timeline/{HOLM_MEETING_EVENT}/mark").status_code == 404


def test_a_line_of_another_family_cannot_be_marked_in_this_familys_page(app, auth, client, db):
    auth.staff()
    assert client.get(f"/staff/families/{HOLM}/timeline/{HIDDEN_MEETING_EVENT}/mark").status_code == 404
    token = csrf_from(client.get(f"/staff/families/{HOLM}/timeline").text)
    response = client.post(f"/staff/families/{HOLM}/timeline/{HIDDEN_MEETING_EVENT}/mark",
                           data={"csrf_token": token, "significant": "y", "note": "x"})
    assert response.status_code == 404
    assert db.execute("SELECT count(*) FROM timeline_marks").fetchone()[0] == 0
    with pytest.raises(Exception) as refused:
        mark(app, HOLM, HIDDEN_MEETING_EVENT)
    assert type(refused.value).__name__ == "NotFound"


def test_marking_a_line_is_saved_audited_and_leaves_the_event_untouched(auth, client, db):
    before = list(db.query("SELECT * FROM family_events ORDER BY id"))
    auth.staff()
    form = client.get(f"/staff/families/{HOLM}/timeline/{HOLM_MEETING_EVENT}/mark")
    assert form.status_code == 200 and "Nyt møde" in form.text
    response = client.post(f"/staff/families/{HOLM}/timeline/{HOLM_MEETING_EVENT}/mark",
                           data={"csrf_token": csrf_from(form.text), "version": "", "significant": "y",
                                 "note": "Første netværksmøde.", "note_for_family": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#linje-{HOLM_MEETING_EVENT}")
    saved = dict(next(db.query("SELECT * FROM timeline_marks")))
    assert (saved["event_id"], saved["family_id"], saved["significant"], saved["note"], saved["note_for_family"],
            saved["by_staff_id"]) == (HOLM_MEETING_EVENT, HOLM, 1, "Første netværksmøde.", 1, METTE)
    audit = db.execute("SELECT actor_kind, actor_id, family_id, detail FROM audit_log WHERE action = 'timeline.marked'"
                       ).fetchall()
    assert len(audit) == 1 and audit[0][:3] == ("staff", METTE, HOLM)
    assert f"family_event:{HOLM_MEETING_EVENT}" in audit[0][3] and "Første" not in audit[0][3]
    assert list(db.query("SELECT * FROM family_events ORDER BY id")) == before


def test_a_mark_saved_over_a_newer_one_is_a_conflict(app, auth, client, db):
    auth.staff()
    form = client.get(f"/staff/families/{HOLM}/timeline/{HOLM_MEETING_EVENT}/mark")
    mark(app, HOLM, HOLM_MEETING_EVENT, note="Skrevet af en kollega imens.")
    response = client.post(f"/staff/families/{HOLM}/timeline/{HOLM_MEETING_EVENT}/mark",
                           data={"csrf_token": csrf_from(form.text), "version": "", "significant": "y", "note": "Min"})
    assert response.status_code == 409
    assert db.execute("SELECT note FROM timeline_marks").fetchone()[0] == "Skrevet af en kollega imens."
    with pytest.raises(Conflict):
        mark(app, HOLM, HOLM_MEETING_EVENT, version=5, note="Gammel")


def test_a_note_for_the_family_must_have_text_and_fit(app):
    with pytest.raises(Invalid) as refused:
        mark(app, HOLM, HOLM_MEETING_EVENT, note="  ", note_for_family=True)
    assert "note_for_family" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        mark(app, HOLM, HOLM_MEETING_EVENT, note="x" * 1001)
    assert "note" in refused.value.errors


def test_filter_by_organisation_month_and_significance(app, auth, client, db):
    auth.staff()
    base = f"/staff/families/{HOLM}/timeline"
    everything = line_ids(client.get(base).text)
    family_only = line_ids(client.get(base + "?organisation=family").text)
    parents_did = {row[0] for row in db.execute(
        "SELECT id FROM family_events WHERE family_id = ? AND actor_kind = 'parent'", [HOLM])}
    assert family_only == parents_did & everything and family_only
    school = line_ids(client.get(base + "?organisation=Demoby+Skole").text)
    assert school and school < everything
    month = db.execute("SELECT substr(at, 1, 7) FROM family_events WHERE id = ?", [HOLM_MEETING_EVENT]).fetchone()[0]
    assert HOLM_MEETING_EVENT in line_ids(client.get(base + f"?from={month}&to={month}").text)
    assert not line_ids(client.get(base + "?from=2001-01&to=2001-12").text)
    mark(app, HOLM, HOLM_MEETING_EVENT)
    assert line_ids(client.get(base + "?significant=1").text) == {HOLM_MEETING_EVENT}


@pytest.mark.parametrize("query, message", [("from=januar", "Skriv måneden sådan"), ("from=2026-13", "Skriv måneden sådan"),
                                            ("from=2026-05&to=2026-01", "Til-måneden ligger før fra-måneden")])
def test_a_bad_month_gets_a_friendly_danish_message_and_the_rest_still_shows(auth, client, query, message):
    auth.sign_in()
    page = client.get(f"/timeline?{query}")
    assert page.status_code == 400
    assert message in page.text and 'aria-invalid="true"' in page.text
    assert HOLM_MEETING_EVENT in line_ids(page.text)


def test_a_month_written_the_danish_way_is_understood(auth, client, db):
    auth.sign_in()
    year, month = db.execute("SELECT substr(at, 1, 4), substr(at, 6, 2) FROM family_events WHERE id = ?",
                             [HOLM_MEETING_EVENT]).fetchone()
    page = client.get(f"/timeline?from={month}-{year}&to={month}/{year}")
    assert page.status_code == 200 and HOLM_MEETING_EVENT in line_ids(page.text)


def coming_meetings(app, family_id):
    with app.test_request_context():
        return meeting_load.for_family(family_id)


def add_meetings(app, family_id, count, kind="conversation"):
    with app.test_request_context():
        for n in range(count):
            meeting_changes.create_meeting(STAFF, family_id, kind=kind, starts_at=_at(1 + n % 10, 8 + n), participants=[])


def test_the_meeting_load_flag_shows_from_the_threshold_and_not_below(app, auth, client):
    load = coming_meetings(app, HOLM)
    assert load["threshold"] == 5 and load["days"] == 14
    add_meetings(app, HOLM, load["threshold"] - 1 - load["coming"])
    add_meetings(app, HOLM, 3, kind="professionals")  # among professionals only: no meeting for the family
    auth.staff()
    flag = "møder på 14 dage – kan nogle samles?"
    assert flag not in client.get("/staff/").text
    assert flag not in client.get(f"/staff/families/{HOLM}/timeline").text
    add_meetings(app, HOLM, 1)
    caseload = client.get("/staff/").text
    assert "5 møder på 14 dage – kan nogle samles?" in caseload
    assert caseload.count(flag) == 1  # Familien Holm only
    assert "5 møder på 14 dage – kan nogle samles?" in client.get(f"/staff/families/{HOLM}/timeline").text


def test_the_threshold_comes_from_the_municipalitys_settings(app, auth, client, monkeypatch):
    from portal import settings
    monkeypatch.setattr(settings, "meeting_load", lambda: {"days": 30, "meetings": 2})
    auth.staff()
    assert "møder på 30 dage – kan nogle samles?" in client.get("/staff/").text


def test_the_family_page_counts_the_last_90_days(app, auth, client, db):
    db.execute("UPDATE meetings SET starts_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days') WHERE id IN (2, 3)")
    load = coming_meetings(app, HOLM)
    held = db.execute("SELECT count(*) FROM meetings WHERE family_id = ? AND status != 'cancelled'"
                      " AND kind != 'professionals' AND starts_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                      " AND starts_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-90 days')", [HOLM]).fetchone()[0]
    network = db.execute("SELECT count(*) FROM meetings WHERE family_id = ? AND kind = 'network' AND id IN (1, 2)",
                         [HOLM]).fetchone()[0]
    assert load["meetings"] == held >= 2
    assert load["network_share"] == round(100 * network / held)
    assert load["professionals"] >= 1 and load["organisations"] >= 1
    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/timeline").text
    assert "De sidste 90 dage" in page and f"{load['network_share']} % var netværksmøder" in page


def test_marking_a_closed_familys_line_is_refused(app, auth, client, db):
    db.execute("UPDATE families SET closed_at = '2026-01-01T00:00:00Z' WHERE id = ?", [HOLM])
    with pytest.raises(Invalid):
        mark(app, HOLM, HOLM_MEETING_EVENT, note="x")
    assert db.execute("SELECT count(*) FROM timeline_marks").fetchone()[0] == 0


def test_the_caseload_shows_each_familys_last_90_days_as_the_family_page_does(app, auth, client, db):
    db.execute("UPDATE meetings SET starts_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days') WHERE id IN (2, 3)")
    load = coming_meetings(app, HOLM)
    auth.staff()
    row = next(row for row in client.get("/staff/").text.split("<tr>") if "Familien Holm" in row)
    assert "De sidste 90 dage:" in row and f"{load['meetings']} møder" in row
    assert f"{load['network_share']} % var netværksmøder" in row
    with app.test_request_context():
        assert meeting_load.stats([HOLM])[HOLM] == {key: load[key] for key in (
            "meetings", "network", "professionals", "organisations", "network_share", "stats_days")}
