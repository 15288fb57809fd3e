"""A professional's own plan items: status, a note in their own words, done; overdue notices and escalation;
the overlap with another organisation's effort shown before saving."""
import re
import sqlite3
from datetime import timedelta

import pytest

from conftest import HOLM, METTE, NIELSEN, SPLIT, csrf_from, deliver, main_part
from portal import create_app
from portal.config import ConfigError
from portal.data.changes import Actor, NotFound, professional_plan
from portal.data.changes import overdue
from portal.data.changes import plan as plan_changes
from portal.data.clock import today
from test_professionals import involvement, professional_id, sign_in_professional

METTE_ACTS = Actor("staff", METTE)
KAREN_SAYS = "Familiehuset giver allerede familiebehandling og støtte i hjemmet – tal med Karen Dahl, +45 70 10 10 70."


@pytest.fixture
def hanne(app, client, db):
    """Hanne Bech, Demoby Skole, signed in: responsible for "Støtte til Emil i klassen" in Holm, one in the split family."""
    hanne = professional_id(db, "Hanne Bech")
    sign_in_professional(app, client, hanne)
    return hanne


def item_of(db, what):
    return db.execute("SELECT id FROM plan_items WHERE what LIKE ?", [what + "%"]).fetchone()[0]


@pytest.fixture
def emil(db):
    return item_of(db, "Støtte til Emil i klassen")


def row(db, item_id):
    return next(db.query("SELECT * FROM plan_items WHERE id = ?", [item_id]))


def form_of(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    version = re.search(r'name="version" value="(\d*)"', page.text)
    return {"csrf_token": csrf_from(page.text), "version": version.group(1) if version else ""}


def post_item(client, item_id, **values):
    data = {**form_of(client, f"/fagperson/plan/{item_id}"), "what": "Støtte til Emil i klassen og i frikvarteret",
            "kind": "school", "status": "active", "when_text": "", "due_on": "", "note": "", "action": "save"}
    return client.post(f"/fagperson/plan/{item_id}", data={**data, **values})


def notes(db, item_id):
    return [r[0] for r in db.execute("SELECT body FROM plan_item_notes WHERE plan_item_id = ?", [item_id])]


# My plan items: status, note, done.

def test_a_professional_changes_the_status_and_writes_a_note_the_coordinator_reads(app, auth, client, db, hanne,
                                                                                   emil):
    page = main_part(client.get("/fagperson/plan").text)
    assert "Mine opgaver" in page and f'href="/fagperson/plan/{emil}"' in page and "Familien Holm" in page
    assert f'href="/fagperson/plan/{emil}"' in client.get("/fagperson/").text  # Mine familier links the form
    note = "Emil har haft en god uge.\n  Han leger i frikvarteret."
    response = post_item(client, emil, status="planned", note=note)
    assert response.status_code == 302 and response.headers["Location"] == "/fagperson/plan"
    assert row(db, emil)["status"] == "planned"
    assert notes(db, emil) == [note]  # exactly as written
    assert db.execute("SELECT professional_id FROM plan_item_notes").fetchone()[0] == hanne
    assert db.execute("SELECT actor_kind, actor_id FROM family_events WHERE kind = 'plan_item.changed'"
                      " ORDER BY id DESC").fetchone() == ("professional", hanne)
    staff = app.test_client()
    from conftest import Auth
    Auth(app, staff).staff()
    plan_page = main_part(staff.get(f"/staff/families/{HOLM}/plan").text)
    assert "Emil har haft en god uge." in plan_page and "Note fra Hanne Bech" in plan_page


def test_a_professional_marks_an_item_done(client, db, hanne, emil):
    response = post_item(client, emil, action="done")
    assert response.status_code == 302 and row(db, emil)["status"] == "done"
    assert db.execute("SELECT count(*) FROM family_events WHERE kind = 'plan_item.ended' AND item_id = ?",
                      [emil]).fetchone()[0] == 1
    assert "Støtte til Emil i klassen" not in main_part(client.get("/fagperson/plan").text)


def test_a_professional_adds_an_item_of_their_own_in_a_family_they_may_see(client, db, hanne):
    path = f"/fagperson/familier/{HOLM}/plan/ny"
    response = client.post(path, data={**form_of(client, path), "what": "Læsetræning med Emil", "kind": "other",
                                       "status": "planned", "due_on": "", "when_text": "Hver onsdag",
                                       "note": "Vi starter i januar."})
    assert response.status_code == 302
    new = next(db.query("SELECT * FROM plan_items WHERE what = 'Læsetræning med Emil'"))
    assert new["responsible_person_id"] == involvement(db, "Hanne Bech", HOLM) and new["family_id"] == HOLM
    assert notes(db, new["id"]) == ["Vi starter i januar."]
    assert client.get(f"/fagperson/familier/{NIELSEN}/plan/ny").status_code == 404


# What they may not change: 404, nothing written.

def test_a_professional_cannot_change_another_ones_item(client, db, hanne, emil):
    karens = item_of(db, "Familiebehandling hjemme")  # in Holm, which Hanne sees
    before = row(db, karens)
    token = csrf_from(client.get("/fagperson/plan").text)
    assert client.get(f"/fagperson/plan/{karens}").status_code == 404
    response = client.post(f"/fagperson/plan/{karens}", data={"csrf_token": token, "version": before["version"],
                                                             "what": "x", "kind": "other", "status": "done"})
    assert response.status_code == 404 and row(db, karens) == before and notes(db, karens) == []


def test_an_item_in_a_family_they_may_not_see_is_404(app, client, db, hanne):
    livas = item_of(db, "Støtte til Liva i klassen")  # hers, in the split family
    assert client.get(f"/fagperson/plan/{livas}").status_code == 200
    db.execute("UPDATE consents SET withdrawn_on = ? WHERE family_id = ?", [today().isoformat(), SPLIT])
    assert client.get(f"/fagperson/plan/{livas}").status_code == 404
    assert client.get(f"/fagperson/familier/{SPLIT}/plan/ny").status_code == 404
    nielsen_item = db.execute("SELECT id FROM plan_items WHERE family_id = ?", [NIELSEN]).fetchone()
    if nielsen_item:
        assert client.get(f"/fagperson/plan/{nielsen_item[0]}").status_code == 404
    assert client.get("/fagperson/plan/999999").status_code == 404
    with app.test_request_context():
        with pytest.raises(NotFound):
            professional_plan.update_own_item(Actor("professional", hanne), livas, None, what="x", kind="other",
                                              status="done", when_text=None, due_on=None)


def test_an_item_hidden_from_them_is_404(app, client, db, hanne):
    with app.test_request_context():
        martin = db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]
        omar = involvement(db, "Omar Said", SPLIT)
        hidden = plan_changes.add_plan_item(METTE_ACTS, SPLIT, what="Samtaler på krisecentret", responsible=omar,
                                            status="active", hidden_from=[martin])
    assert client.get(f"/fagperson/plan/{hidden}").status_code == 404


def test_an_item_of_an_involvement_that_was_removed_is_404(client, db, hanne, emil):
    old = involvement(db, "Hanne Bech", HOLM)
    db.execute("UPDATE people_involved SET removed_at = '2026-01-01T00:00:00Z' WHERE id = ?", [old])
    # Involved again (a new involvement): she sees the family, but the item is still the old involvement's.
    db.execute("INSERT INTO people_involved (family_id, professional_id, role, organisation)"
               " SELECT family_id, professional_id, role, organisation FROM people_involved WHERE id = ?", [old])
    assert client.get(f"/fagperson/familier/{HOLM}").status_code == 200
    assert client.get(f"/fagperson/plan/{emil}").status_code == 404


# A stale form.

def test_a_stale_form_gets_a_friendly_error_and_keeps_the_typing(app, client, db, hanne, emil):
    data = form_of(client, f"/fagperson/plan/{emil}")
    with app.test_request_context():
        item = row(db, emil)
        plan_changes.update_plan_item(METTE_ACTS, HOLM, emil, item["version"], what=item["what"], kind="school",
                                      responsible=item["responsible_person_id"], status="planned",
                                      when_text="Fra januar", due_on=None)
    note = "Min note, som ikke må gå tabt"
    response = client.post(f"/fagperson/plan/{emil}", data={
        **data, "what": "Støtte til Emil, også i idræt", "kind": "school", "status": "active", "note": note,
        "action": "save"})
    assert response.status_code == 409
    page = main_part(response.text)
    assert "Nogen har ændret punktet, mens du skrev" in page
    assert note in page and "Støtte til Emil, også i idræt" in page  # the typing kept
    assert notes(db, emil) == [] and row(db, emil)["status"] == "planned"  # nothing of it saved
    # Saving once more keeps theirs.
    again = re.search(r'name="version" value="(\d+)"', response.text).group(1)
    response = client.post(f"/fagperson/plan/{emil}", data={
        **data, "version": again, "what": "Støtte til Emil, også i idræt", "kind": "school", "status": "active",
        "note": note, "action": "save"})
    assert response.status_code == 302 and notes(db, emil) == [note] and row(db, emil)["status"] == "active"


def test_bad_input_gets_a_friendly_error(client, db, hanne, emil):
    response = post_item(client, emil, what="", due_on="32-13-2026", status="nonsense")
    assert response.status_code == 400 and "Der er noget, du skal rette" in response.text
    assert notes(db, emil) == []


# The note is the professional's.

def test_the_note_is_never_edited_by_the_coordinator(app, auth, client, db, hanne, emil):
    post_item(client, emil, note="Mine egne ord")
    note_id = db.execute("SELECT id FROM plan_item_notes").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE plan_item_notes SET body = 'Rettet' WHERE id = ?", [note_id])
    with app.test_request_context():
        with pytest.raises(NotFound):  # the change function is a professional's only
            professional_plan.update_own_item(METTE_ACTS, emil, None, what="x", kind="other", status="active",
                                              when_text=None, due_on=None, note="Koordinatorens ord")
    # The coordinator's form changes the item, never the note (it has no note field, and no route edits notes).
    staff = app.test_client()
    from conftest import Auth
    Auth(app, staff).staff()
    path = f"/staff/families/{HOLM}/plan/{emil}/edit"
    page = staff.get(path).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = staff.post(path, data={"csrf_token": csrf_from(page), "version": version, "what": "Ny tekst",
                                      "kind": "school", "responsible": involvement(db, "Hanne Bech", HOLM),
                                      "status": "active", "note": "Rettet", "body": "Rettet"})
    assert response.status_code == 302
    assert notes(db, emil) == ["Mine egne ord"]
    assert not [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.") and "note" in rule.rule]


# Overdue: flagged to the owner, one notice, escalation after N days.

def due(db, item_id, day):
    db.execute("UPDATE plan_items SET due_on = ? WHERE id = ?", [day.isoformat(), item_id])


def test_an_overdue_item_is_flagged_to_its_owner_first(client, db, hanne, emil):
    due(db, emil, today() - timedelta(days=1))
    home = main_part(client.get("/fagperson/").text)
    assert "Over tid" in home
    plan = main_part(client.get("/fagperson/plan").text)
    assert "Over tid" in plan and plan.index("Familien Holm") < plan.index("Familien Yilmaz Andersen")
    assert "Over tid" in main_part(client.get(f"/fagperson/plan/{emil}").text)


def test_an_overdue_item_gets_one_email_without_case_details(app, client, db, hanne, emil):
    due(db, emil, today() - timedelta(days=1))
    livas = item_of(db, "Støtte til Liva i klassen")
    due(db, livas, today() - timedelta(days=3))
    due(db, item_of(db, "Undersøgelse af Emils"), today() + timedelta(days=3))  # not yet due: not told
    with app.app_context():
        assert overdue.notify() == 2
        assert overdue.notify() == 0  # once per item and due date
    [message] = list(db.query("SELECT * FROM outbox WHERE purpose = 'plan_overdue'"))  # one e-mail for both
    assert message["professional_id"] == hanne and message["recipient"] == "hanne.bech@demo-kommune.dk"
    assert message["family_id"] is None
    assert deliver(app) >= 1
    sent = next(db.query("SELECT * FROM outbox WHERE id = ?", [message["id"]]))
    assert sent["sent_at"] and not sent["failed_at"]
    # A new due date, passed too, earns one more notice.
    due(db, emil, today() - timedelta(days=2))
    with app.app_context():
        assert overdue.notify() == 1
        assert overdue.notify() == 0
    # Done items are not overdue.
    db.execute("UPDATE plan_items SET status = 'done' WHERE id = ?", [livas])
    due(db, livas, today() - timedelta(days=5))
    with app.app_context():
        assert overdue.notify() == 0


def test_the_overdue_email_says_nothing_of_the_family(app, db):
    from portal.messages import texts
    with app.test_request_context():
        subject, body = texts.plan_overdue("https://portal.example/fagperson/plan")
    for secret in ("Holm", "Emil", "klassen", "Demoby Skole"):
        assert secret not in subject + body
    assert "https://portal.example/fagperson/plan" in body


def test_the_worker_round_tells_owners_at_most_once_a_minute(app, db, hanne, emil, set_clock):
    due(db, emil, today() - timedelta(days=1))
    with app.app_context():
        assert overdue.step() == 1
        due(db, item_of(db, "Støtte til Liva i klassen"), today() - timedelta(days=1))
        assert overdue.step() == 0  # checked a moment ago
        set_clock(2)
        assert overdue.step() == 1


def caseload_of(app):
    staff = app.test_client()
    from conftest import Auth
    Auth(app, staff).staff()
    return re.sub(r"<[^>]+>", "", main_part(staff.get("/staff/").text))  # the text, as read


def test_an_overdue_item_reaches_the_caseload_only_after_the_escalation_days(app, db, hanne, emil, set_clock):
    due(db, emil, today())
    db.execute("UPDATE plan_items SET due_on = NULL WHERE family_id = ? AND id != ?", [HOLM, emil])
    set_clock(6 * 24 * 60 + 60)  # six days overdue (and an hour)
    assert "forsinke" not in caseload_of(app)
    set_clock(7 * 24 * 60 + 60)  # seven: FAMILIEPORTAL_OVERDUE_ESCALATION_DAYS
    page = caseload_of(app)
    assert "Hanne Bech: 1 forsinket" in page
    due(db, item_of(db, "Afklaring af praktik for Sara"), today() - timedelta(days=3))  # Ali: not long enough
    due(db, item_of(db, "Undersøgelse af Emils"), today() - timedelta(days=30))
    page = caseload_of(app)
    assert "Hanne Bech: 1 forsinket" in page and "Rasmus Kjær: 1 forsinket" in page and "Ali Hassan" not in page


def test_the_caseload_reads_the_owners_in_one_query(app, db):
    from portal.data.reads import caseload
    statements = []
    with app.test_request_context():
        from portal.data.db import get_db
        get_db().conn.set_trace_callback(statements.append)
        caseload.caseload(METTE)
        get_db().conn.set_trace_callback(None)
    assert sum("JOIN professionals pro ON pro.id = owner.professional_id" in s for s in statements) == 1


@pytest.mark.parametrize("value, expected", [("3", 3), ("0", 0), (" 7 ", 7), ("abc", None), ("-1", None),
                                             ("366", None), ("1.5", None), ("٣", None)])
def test_the_escalation_days_setting_is_checked(tmp_path, value, expected):
    config = {"TESTING": True, "DATABASE": str(tmp_path / "x.db"), "OVERDUE_ESCALATION_DAYS": value}
    if expected is None:
        with pytest.raises(ConfigError, match="OVERDUE_ESCALATION_DAYS"):
            create_app(config)
    else:
        assert create_app(config).config["OVERDUE_ESCALATION_DAYS"] == expected


# Overlap, shown before saving.

def test_a_professional_sees_who_runs_the_same_kind_before_saving_and_can_save_anyway(client, db, hanne, emil):
    before = row(db, emil)
    response = post_item(client, emil, kind="family_support", note="Jeg vil hjælpe med morgenerne")
    assert response.status_code == 200
    page = main_part(response.text)
    assert KAREN_SAYS in page and "Lars Østergaard" in page  # Børn og Familie runs it too
    assert "Gem alligevel" in page and "Tilbage" in page
    assert "Jeg vil hjælpe med morgenerne" in page  # the typing kept
    assert row(db, emil) == before and notes(db, emil) == []  # nothing saved yet
    # Tilbage: the form again, nothing saved.
    data = {"what": before["what"], "kind": "family_support", "status": "active", "note": "Jeg vil hjælpe med morgenerne"}
    back = client.post(f"/fagperson/plan/{emil}", data={**form_of(client, f"/fagperson/plan/{emil}"), **data,
                                                         "action": "back"})
    assert back.status_code == 200 and KAREN_SAYS not in back.text and row(db, emil) == before
    # Gem alligevel.
    saved = client.post(f"/fagperson/plan/{emil}", data={**form_of(client, f"/fagperson/plan/{emil}"), **data,
                                                          "overlap_seen": "family_support"})
    assert saved.status_code == 302 and row(db, emil)["kind"] == "family_support"
    # A kind changed on the warning page is warned of again.


def test_saving_anyway_for_another_kind_warns_again(client, db, hanne, emil):
    response = post_item(client, emil, kind="family_support", overlap_seen="assessment")
    assert response.status_code == 200 and KAREN_SAYS in response.text and row(db, emil)["kind"] == "school"


def test_no_overlap_is_shown_for_the_same_organisation(app, client, db, hanne, emil):
    colleague = db.execute("INSERT INTO professionals (name, phone, organisation, created_at)"
                           " VALUES ('Ole Lærer', '+45 11 22 33 44', 'Demoby Skole', '2026-01-01T00:00:00Z')").lastrowid
    person = db.execute("INSERT INTO people_involved (family_id, professional_id, role, organisation)"
                        " VALUES (?, ?, 'Lærer', ' demoby skole')", [HOLM, colleague]).lastrowid
    db.execute("INSERT INTO plan_items (family_id, what, kind, status, responsible_person_id, created_at)"
               " VALUES (?, 'Motion i frikvarteret', 'health', 'active', ?, '2026-01-01T00:00:00Z')", [HOLM, person])
    response = post_item(client, emil, kind="health")
    assert response.status_code == 302 and row(db, emil)["kind"] == "health"


def test_no_overlap_is_shown_for_a_change_that_starts_nothing_new(client, db, hanne, emil):
    db.execute("UPDATE plan_items SET kind = 'family_support' WHERE id = ?", [emil])
    response = post_item(client, emil, kind="family_support", status="planned", note="Bare en status")
    assert response.status_code == 302 and notes(db, emil) == ["Bare en status"]


def test_a_hidden_item_is_not_named_in_the_overlap(app, client, db, hanne):
    with app.test_request_context():
        martin = db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]
        plan_changes.add_plan_item(METTE_ACTS, SPLIT, what="Familiesamtaler", kind="family_support",
                                   responsible=involvement(db, "Omar Said", SPLIT), status="active",
                                   hidden_from=[martin])
    livas = item_of(db, "Støtte til Liva i klassen")
    response = client.post(f"/fagperson/plan/{livas}", data={
        **form_of(client, f"/fagperson/plan/{livas}"), "what": "Støtte til Liva", "kind": "family_support",
        "status": "active", "action": "save"})
    assert response.status_code == 302 and "Omar Said" not in response.text


def staff_form(client, path):
    page = client.get(path).text
    version = re.search(r'name="version" value="(\d*)"', page)
    return {"csrf_token": csrf_from(page), "version": version.group(1) if version else ""}


def test_the_coordinator_sees_the_overlap_before_saving_too(app, auth, client, db):
    auth.staff()
    path = f"/staff/families/{HOLM}/plan/new"
    data = {"what": "Hjælp til morgenerne fra skolen", "kind": "family_support",
            "responsible": involvement(db, "Hanne Bech", HOLM), "status": "planned", "due_on": "", "goal_id": ""}
    response = client.post(path, data={**staff_form(client, path), **data})
    assert response.status_code == 200
    assert KAREN_SAYS in main_part(response.text) and "Gem alligevel" in response.text
    assert db.execute("SELECT count(*) FROM plan_items WHERE what = ?", [data["what"]]).fetchone()[0] == 0
    response = client.post(path, data={**staff_form(client, path), **data, "overlap_seen": "family_support"})
    assert response.status_code == 302
    assert db.execute("SELECT count(*) FROM plan_items WHERE what = ?", [data["what"]]).fetchone()[0] == 1


def test_the_coordinator_gets_no_overlap_for_the_same_organisation(auth, client, db):
    auth.staff()
    path = f"/staff/families/{HOLM}/plan/new"
    data = {"what": "Jobsamtaler", "kind": "employment", "responsible": involvement(db, "Ali Hassan", HOLM),
            "status": "planned", "due_on": "", "goal_id": ""}
    response = client.post(path, data={**staff_form(client, path), **data})
    assert response.status_code == 302


def test_a_professionals_change_is_in_the_familys_story_and_the_note_is_never_shown_to_parents(app, client, db,
                                                                                              hanne, emil):
    post_item(client, emil, status="planned", note="Kun til koordinatoren og mig")
    from conftest import Auth
    staff = app.test_client()
    Auth(app, staff).staff()
    assert staff.get(f"/staff/families/{HOLM}/timeline").status_code == 200
    parent = app.test_client()
    Auth(app, parent).sign_in()
    for path in ("/", "/plan", "/timeline"):
        response = parent.get(path)
        assert response.status_code == 200 and "Kun til koordinatoren og mig" not in response.text
