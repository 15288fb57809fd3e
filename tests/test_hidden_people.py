"""A person involved who is not shown to a parent is never named to that parent, on any page, export or message.

In the demo, Omar Said of Krisecentret Demoby works with Nadia and is not
shown to Martin, the father who lives apart. A probe made Omar responsible
for a plan item Martin could see, and Omar's name, role and organisation
appeared on nine of Martin's pages. Here a hidden person is put into every
place a person can be named (a meeting's participants and its responsible
for follow-up, an action point, a plan item saved by the coordinator, one
written without the rule, and one whose person is hidden only afterwards;
the timeline's lines about all of these), then every page Martin can reach,
his GDPR export, his calendar feed and the messages he is sent are searched
for the person's name, role, organisation and phone.

A summary's author is always a staff member, never a person involved, and
staff are never hidden from parents; what staff write in free text is theirs.
"""
import re
from pathlib import Path

import pytest

from portal.data.changes import Actor, calendar_feeds, meetings, people, plan, summaries
from portal.data.db import get_db
from portal.demo import _at

from conftest import Auth, MARTIN, METTE, NADIA, SPLIT, csrf_from, database_before, deliver
from test_crawl import crawl

METTE_ACTS = Actor("staff", METTE)
OMAR = {"name": "Omar Said", "organisation": "Krisecentret Demoby", "phone": r"70\W*10\W*10\W*80"}
# Two more, with words found nowhere else, so that a match can only be them.
SECRET = {"name": "Ulrikke Zephyrsen", "role": "Voldsrådgiver", "organisation": "Krisecentret Nordlys",
          "phone": r"70\W*99\W*88\W*77"}
LATER = {"name": "Bodil Quistgaard", "role": "Støttekontaktperson", "organisation": "Herberget Solsikken",
         "phone": r"70\W*55\W*44\W*33"}


def omar_id():
    return get_db().execute("SELECT p.id FROM people_involved p JOIN professionals pro ON pro.id = p.professional_id"
                            " WHERE pro.name = 'Omar Said'").fetchone()[0]


def name_a_hidden_person_everywhere(app):
    """Everywhere a person can be named, as the coordinator does it; returns the ids used."""
    with app.test_request_context():
        db = get_db()
        omar = omar_id()
        secret = people.add_person(METTE_ACTS, SPLIT, name=SECRET["name"], role=SECRET["role"],
                                   organisation=SECRET["organisation"], phone="+45 70 99 88 77", show_contact=True,
                                   hidden_from=[MARTIN])
        later = people.add_person(METTE_ACTS, SPLIT, name=LATER["name"], role=LATER["role"],
                                  organisation=LATER["organisation"], phone="+45 70 55 44 33", show_contact=True)
        everyone = [f"parent:{NADIA}", f"parent:{MARTIN}", f"staff:{METTE}"]
        # A coming network meeting both parents take part in: the hidden people take part, one follows up.
        meetings.create_meeting(
            METTE_ACTS, SPLIT, kind="network", starts_at=_at(20, 10), ends_at=_at(20, 11), place="Rådhuset",
            purpose="Næste skridt", participants=[*everyone, f"person:{omar}", f"person:{secret}", f"person:{later}"],
            follow_up=f"person:{secret}", publish=True)
        # A held meeting whose summary is shown: action points with the hidden people responsible.
        held = meetings.create_meeting(
            METTE_ACTS, SPLIT, kind="follow_up", starts_at=_at(-3, 10), ends_at=_at(-3, 11), place="Rådhuset",
            purpose="Opfølgning", participants=[*everyone, f"person:{omar}", f"person:{later}"], publish=True)
        summaries.add_action_point(METTE_ACTS, SPLIT, held, what="Samtale om tryghed", responsible=omar)
        summaries.add_action_point(METTE_ACTS, SPLIT, held, what="Hjælp til at finde bolig", responsible=secret)
        summaries.add_action_point(METTE_ACTS, SPLIT, held, what="Følge Nadia til mødet", responsible=later)
        summaries.save_summary(METTE_ACTS, SPLIT, held, None, going_well="Liva trives i skolen.", publish=True)
        # Plan items the coordinator saves with a hidden person responsible, nobody ticked as not shown to.
        plan.add_plan_item(METTE_ACTS, SPLIT, what="Rådgivning hver uge", kind="treatment", responsible=omar,
                           status="active")
        plan.add_plan_item(METTE_ACTS, SPLIT, what="Tryghedsplan", kind="family_support", responsible=secret,
                           status="active")
        plan.add_plan_item(METTE_ACTS, SPLIT, what="Støttesamtaler", kind="family_support", responsible=later,
                           status="active")
        # One as it was saved before the write side had the rule: the read side alone must hold.
        unruled = plan.add_plan_item(METTE_ACTS, SPLIT, what="Akut ophold", kind="other", responsible=secret,
                                     status="active")
        db.execute("DELETE FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?", [unruled])
        # The third person is hidden from Martin only now, after being named in all of it.
        person = db["people_involved"].get(later)
        people.update_person(METTE_ACTS, SPLIT, later, person["version"], name=LATER["name"], role=LATER["role"],
                             organisation=LATER["organisation"], phone="+45 70 55 44 33", show_contact=True,
                             hidden_from=[MARTIN])
        db.conn.commit()
        return {"omar": omar, "secret": secret, "later": later, "held": held}


def everything_a_parent_is_shown(app, email):
    """Every page the parent can reach, their GDPR export, their calendar feed, and the messages they were sent."""
    client = app.test_client()
    Auth(app, client).sign_in(email)
    texts = {path: response.get_data(as_text=True) for path, response in crawl(client, ["/"]).items()}
    with app.test_request_context():
        parent = get_db()["parents"].get(MARTIN if email == "martin.andersen@example.dk" else NADIA)
        token = calendar_feeds.new_calendar_feed(Actor("parent", parent["id"]), parent)
    for path in ("/insight.json", "/plan", "/timeline", f"/calendar/{token}.ics"):
        texts[path] = client.get(path).get_data(as_text=True)
    deliver(app)
    for message in Path(app.config["OUTBOX_DIR"]).glob("**/*"):
        if message.is_file():
            texts[f"outbox:{message.name}"] = message.read_text(errors="replace")
    return texts


def named(texts, person):
    """[(where, what)] for each place the texts name the person."""
    found = []
    for where, text in texts.items():
        for what, pattern in person.items():
            if re.search(pattern if what == "phone" else re.escape(pattern), text):
                found.append((where, what))
    return found


@pytest.fixture
def named_everywhere(app):
    return name_a_hidden_person_everywhere(app)


def test_a_person_hidden_from_a_parent_is_named_nowhere_that_parent_can_look(app, named_everywhere):
    texts = everything_a_parent_is_shown(app, "martin.andersen@example.dk")
    assert len(texts) >= 15  # the walk reached his pages, not only the start page
    assert named(texts, OMAR) == []
    assert named(texts, SECRET) == []
    assert named(texts, LATER) == []
    # Nor the item whose hiding only the read side knows of, nor its line in his timeline.
    assert [where for where, text in texts.items() if "Akut ophold" in text] == []
    # What is not about them is still there for him: the meetings, the summary, his other plan items.
    everything = "".join(texts.values())
    assert "Næste skridt" in everything and "Liva trives i skolen." in everything
    assert "Støtte til Liva i klassen" in texts["/plan"]


def test_the_parent_the_person_works_with_still_sees_them_everywhere(app, named_everywhere):
    texts = everything_a_parent_is_shown(app, "nadia.yilmaz@example.dk")
    for person in (OMAR, SECRET, LATER):
        places = {where for where, _what in named(texts, person)}
        assert {"/plan", "/people", "/insight.json"} <= places, person["name"]
    assert "Akut ophold" in texts["/plan"]


def test_saving_a_plan_item_for_a_hidden_person_hides_the_item_from_that_parent_and_says_so(app, auth, client, db):
    auth.staff()
    with app.app_context():
        omar = omar_id()
    form = client.get(f"/staff/families/{SPLIT}/plan/new")
    assert "Er den ansvarlige skjult for en forælder, vises indsatsen heller ikke for den forælder." in form.text
    token = csrf_from(form.text)
    saved = client.post(f"/staff/families/{SPLIT}/plan/new", data={
        "csrf_token": token, "what": "Rådgivning hver uge", "kind": "treatment", "responsible": str(omar),
        "status": "active"})
    assert saved.status_code == 302
    item = db.execute("SELECT id FROM plan_items WHERE what = 'Rådgivning hver uge'").fetchone()[0]
    assert [row[0] for row in db.execute(
        "SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?", [item])] == [MARTIN]
    plan_page = client.get(f"/staff/families/{SPLIT}/plan").text
    assert re.search(r"Rådgivning hver uge.*?Vises ikke for: Martin Andersen", plan_page, re.S)


def test_hiding_a_person_hides_the_plan_items_they_are_responsible_for(app, named_everywhere, db):
    later = named_everywhere["later"]
    items = [row[0] for row in db.execute("SELECT id FROM plan_items WHERE responsible_person_id = ?", [later])]
    assert len(items) == 2  # the one saved in the plan, and the action point that went into it
    for item in items:
        assert [row[0] for row in db.execute(
            "SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?",
            [item])] == [MARTIN]


def test_the_coordinator_sees_which_action_points_a_parent_is_not_shown(app, auth, client, named_everywhere):
    auth.staff()
    page = client.get(f"/staff/families/{SPLIT}/meetings/{named_everywhere['held']}").text
    assert re.search(r"Samtale om tryghed.*?Vises ikke for: Martin Andersen", page, re.S)


def test_plan_items_saved_before_the_rule_are_marked_hidden_when_the_database_is_migrated(tmp_path):
    from portal.data.db import migrate

    db = database_before(tmp_path / "old.db", "m016_plan_items_hidden_with_their_person")
    now = "2026-11-01T10:00:00Z"
    for parent_id, name in ((1, "Mor"), (2, "Far")):
        db["parents"].insert({"id": parent_id, "family_id": 1, "name": name, "created_at": now})
    db["people_involved"].insert({"id": 1, "family_id": 1, "name": "Omar", "role": "Rådgiver", "organisation": "K"})
    db["hidden_from_parents"].insert({"family_id": 1, "item_kind": "person", "item_id": 1, "parent_id": 2})
    for item_id, person in ((1, 1), (2, None)):
        db["plan_items"].insert({"id": item_id, "family_id": 1, "what": "x", "responsible_person_id": person,
                                 "status": "active", "created_at": now, "updated_at": now})
    assert "m016_plan_items_hidden_with_their_person" in migrate(db)
    assert db.execute("SELECT item_id, parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item'"
                      ).fetchall() == [(1, 2)]
