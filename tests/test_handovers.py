"""Hand-over of plan items: a professional (or the coordinator, for one who left) names a successor, who accepts
("Overtag") or declines ("Afvis"); the item stays its owner's until then, and the family sees the new name only after.

A second request for an item that already waits REPLACES the waiting one (its successor no longer sees it)."""
import json
import re

import pytest

from conftest import Auth, HOLM, METTE, NIELSEN, SPLIT, csrf_from, insert_person, main_part
from portal.data import access
from portal.data.changes import Actor, Invalid, NotFound
from portal.data.changes import handovers, plan
from portal.messages.compose import compose
from test_professionals import involvement, professional_id, sign_in_professional

METTE_ACTS = Actor("staff", METTE)
SUPPORT = "Støtte til Emil i klassen og i frikvarteret"  # the demo's item of Hanne Bech (Demoby Skole) in Holm


@pytest.fixture
def people(db):
    """The professionals and involvements the tests use: Hanne (the owner), Rasmus and Karen (colleagues in Holm)."""
    return {
        "hanne": professional_id(db, "Hanne Bech"), "rasmus": professional_id(db, "Rasmus Kjær"),
        "karen": professional_id(db, "Karen Dahl"), "sofie": professional_id(db, "Sofie Lind"),
        "hanne_holm": involvement(db, "Hanne Bech", HOLM), "rasmus_holm": involvement(db, "Rasmus Kjær", HOLM),
        "karen_holm": involvement(db, "Karen Dahl", HOLM), "sofie_nielsen": involvement(db, "Sofie Lind", NIELSEN),
        "item": db.execute("SELECT id FROM plan_items WHERE what = ?", [SUPPORT]).fetchone()[0],
    }


def as_professional(app, professional):
    client = app.test_client()
    sign_in_professional(app, client, professional)
    return client


def responsible(db, item_id):
    return db.execute("SELECT responsible_person_id FROM plan_items WHERE id = ?", [item_id]).fetchone()[0]


def ask(client, family_id, choices, **new):
    page = client.get(f"/fagperson/familier/{family_id}/overdrag")
    token = csrf_from(page.text) if page.status_code == 200 else "x"
    data = {"csrf_token": token, **{f"item-{item}": str(to) for item, to in choices.items()},
            **{f"new_{key}": value for key, value in new.items()}}
    return client.post(f"/fagperson/familier/{family_id}/overdrag", data=data)


def offered_id(db, item_id):
    return db.execute("SELECT id FROM plan_handovers WHERE plan_item_id = ? AND answered_at IS NULL",
                      [item_id]).fetchone()[0]


def answer(client, handover_id, how="overtag", **data):
    home = client.get("/fagperson/")
    return client.post(f"/fagperson/overdragelser/{handover_id}/{how}", data={"csrf_token": csrf_from(home.text), **data})


def who_the_parent_sees(auth, client, what):
    """The "Hvem" of a plan item on the parent's plan page."""
    page = client.get("/plan").text
    [entry] = [part for part in page.split("<li>") if what in part]
    return re.search(r"<dt>Hvem</dt><dd>(.*?)</dd>", entry, re.S).group(1)


def test_a_teacher_hands_an_item_to_a_colleague_and_the_family_sees_the_new_name_only_after_acceptance(
        app, auth, client, db, people):
    hanne = as_professional(app, people["hanne"])
    page = main_part(hanne.get(f"/fagperson/familier/{HOLM}/overdrag").text)
    assert "Overdrag mine opgaver" in page and SUPPORT in page
    assert "Undersøgelse af Emils trivsel" not in page  # Rasmus's item, not hers
    assert ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]}).status_code == 302
    assert responsible(db, people["item"]) == people["hanne_holm"]  # still hers
    assert "Venter på, at Rasmus Kjær overtager den." in hanne.get(f"/fagperson/familier/{HOLM}/overdrag").text

    auth.sign_in()  # Sara, the mother
    assert "Hanne Bech" in who_the_parent_sees(auth, client, SUPPORT)

    mette = app.test_client()
    Auth(app, mette).staff()  # Mette, the coordinator
    assert "Venter på at blive overtaget af Rasmus Kjær" in mette.get(f"/staff/families/{HOLM}/plan").text

    rasmus = as_professional(app, people["rasmus"])
    home = main_part(rasmus.get("/fagperson/").text)
    assert "Til overtagelse" in home and SUPPORT in home and "Fra Hanne Bech" in home
    response = answer(rasmus, offered_id(db, people["item"]))
    assert response.status_code == 302
    assert "Opgaven er nu din" in rasmus.get(response.headers["Location"]).text
    assert responsible(db, people["item"]) == people["rasmus_holm"]

    assert "Rasmus Kjær" in who_the_parent_sees(auth, client, SUPPORT)
    assert "Ny ansvarlig i planen" in client.get("/timeline").text
    event = db.execute("SELECT for_family, actor_kind, actor_id FROM family_events WHERE kind = 'plan_item.handed_over'"
                       " AND item_id = ?", [people["item"]]).fetchone()
    assert tuple(event) == (1, "professional", people["rasmus"])
    assert db.execute("SELECT count(*) FROM audit_log WHERE action IN ('plan_item.handover_asked',"
                      " 'plan_item.handed_over')").fetchone()[0] == 2


def test_a_professional_cannot_hand_over_another_professionals_item(app, db, people):
    hanne = as_professional(app, people["hanne"])
    rasmus_item = db.execute("SELECT id FROM plan_items WHERE responsible_person_id = ?",
                             [people["rasmus_holm"]]).fetchone()[0]
    assert ask(hanne, HOLM, {rasmus_item: people["karen_holm"]}).status_code == 404
    their_item_in_split = db.execute("SELECT id FROM plan_items WHERE family_id = ? AND responsible_person_id != ?",
                                     [SPLIT, involvement(db, "Hanne Bech", SPLIT)]).fetchone()[0]
    assert ask(hanne, HOLM, {their_item_in_split: people["karen_holm"]}).status_code == 404
    assert db.execute("SELECT count(*) FROM plan_handovers").fetchone()[0] == 0


def test_a_family_they_may_not_see_is_404_on_the_page_and_in_the_change(app, db, people):
    hanne = as_professional(app, people["hanne"])
    assert hanne.get(f"/fagperson/familier/{NIELSEN}/overdrag").status_code == 404
    sofie = as_professional(app, people["sofie"])  # involved in Nielsen, whose consent does not cover her
    assert sofie.get(f"/fagperson/familier/{NIELSEN}/overdrag").status_code == 404
    item = db.execute("INSERT INTO plan_items (family_id, what, responsible_person_id, status, created_at, updated_at)"
                      " VALUES (?, 'Sofies opgave', ?, 'active', '2026-01-01', '2026-01-01')",
                      [NIELSEN, people["sofie_nielsen"]]).lastrowid
    db.conn.commit()
    with app.test_request_context(), pytest.raises(NotFound):
        handovers.hand_over(Actor("professional", people["sofie"]), NIELSEN, [people["sofie_nielsen"]], {item: ""})


@pytest.mark.parametrize("successor, message", [
    ("removed", "Vælg en fagperson fra listen."),
    ("other_family", "Vælg en fagperson fra listen."),
    ("not_covered", "forældrenes samtykke ikke dækker"),
    ("herself", "Opgaven er allerede din."),
    ("nonsense", "Vælg en fagperson fra listen."),
])
def test_the_successor_must_be_a_professional_who_may_see_the_family(app, db, people, successor, message):
    to = {
        "removed": lambda: insert_person(db, HOLM, "Lene Gammel", "Lærer", "Demoby Skole",
                                         removed_at="2026-01-01T00:00:00Z", email="lene@example.dk"),
        "other_family": lambda: people["sofie_nielsen"],
        "not_covered": lambda: insert_person(db, HOLM, "Per Privat", "Psykolog", "Privat Praksis", email="per@example.dk"),
        "herself": lambda: people["hanne_holm"],
        "nonsense": lambda: "alle",
    }[successor]()
    db.conn.commit()
    hanne = as_professional(app, people["hanne"])
    response = ask(hanne, HOLM, {people["item"]: to})
    assert response.status_code == 400 and message in response.text
    assert db.execute("SELECT count(*) FROM plan_handovers").fetchone()[0] == 0


def test_choosing_nothing_is_a_friendly_error(app, db, people):
    response = ask(as_professional(app, people["hanne"]), HOLM, {people["item"]: ""})
    assert response.status_code == 400 and "Vælg mindst én opgave" in response.text


def test_a_new_successor_is_added_to_the_family_and_invited(app, db, people):
    hanne = as_professional(app, people["hanne"])
    response = ask(hanne, HOLM, {people["item"]: "new"}, name="Jens Vang", email="jens.vang@example.dk",
                   organisation="Demoby Skole")
    assert response.status_code == 302, response.text
    jens = db.execute("SELECT inv.id, inv.role, pro.id AS pro FROM people_involved inv JOIN professionals pro"
                      " ON pro.id = inv.professional_id WHERE pro.email = 'jens.vang@example.dk'").fetchone()
    role = db.execute("SELECT role FROM people_involved WHERE id = ?", [people["hanne_holm"]]).fetchone()[0]
    assert jens[1] == role  # the leaver's role in the family
    assert db.execute("SELECT to_person_id FROM plan_handovers WHERE answered_at IS NULL").fetchone()[0] == jens[0]
    invitation = db.execute("SELECT recipient FROM outbox WHERE purpose = 'sign_in_link'"
                            " AND recipient = 'jens.vang@example.dk'").fetchone()
    assert invitation is not None
    assert responsible(db, people["item"]) == people["hanne_holm"]


def test_a_new_successor_whose_organisation_the_consent_does_not_cover_is_refused_and_nothing_is_kept(app, db, people):
    hanne = as_professional(app, people["hanne"])
    response = ask(hanne, HOLM, {people["item"]: "new"}, name="Per Privat", email="per@example.dk",
                   organisation="Privat Praksis")
    assert response.status_code == 400 and "samtykke ikke dækker" in response.text
    assert db.execute("SELECT count(*) FROM professionals WHERE email = 'per@example.dk'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM outbox WHERE recipient = 'per@example.dk'").fetchone()[0] == 0
    response = ask(hanne, HOLM, {people["item"]: "new"}, name="Jens Vang", organisation="Demoby Skole")
    assert response.status_code == 400 and "Skriv personens egen e-mail" in response.text


def test_a_decline_leaves_the_item_with_its_owner_who_is_told_on_their_page_and_by_email(app, auth, client, db, people):
    hanne = as_professional(app, people["hanne"])
    ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]})
    rasmus = as_professional(app, people["rasmus"])
    handover_id = offered_id(db, people["item"])
    page = rasmus.get(f"/fagperson/overdragelser/{handover_id}/afvis")
    assert page.status_code == 200 and SUPPORT in page.text
    response = rasmus.post(f"/fagperson/overdragelser/{handover_id}/afvis",
                           data={"csrf_token": csrf_from(page.text), "reason": "Jeg har ikke timer til det"})
    assert response.status_code == 302
    assert responsible(db, people["item"]) == people["hanne_holm"]
    assert SUPPORT not in main_part(rasmus.get("/fagperson/").text)
    home = main_part(hanne.get("/fagperson/").text)
    assert "Rasmus Kjær har sagt nej til at overtage den." in home and "Jeg har ikke timer til det" in home
    mail = dict(db.query("SELECT * FROM outbox WHERE purpose = 'handover_declined'").__next__())
    hanne_email = db.execute("SELECT email FROM professionals WHERE id = ?", [people["hanne"]]).fetchone()[0]
    assert mail["recipient"] == hanne_email and mail["family_id"] is None
    with app.app_context():
        sent = compose(mail)
    assert "/fagperson/" in sent["body"]
    for secret in (SUPPORT, "Emil", "Holm", "Rasmus", "timer"):
        assert secret not in sent["body"] + sent["subject"]
    event = db.execute("SELECT for_family, detail FROM family_events WHERE kind = 'plan_item.handover_declined'").fetchone()
    assert event[0] == 0 and "timer" not in (event[1] or "")
    auth.sign_in()
    timeline = client.get("/timeline")
    assert timeline.status_code == 200 and "nej til at overtage" not in timeline.text
    # Asked again, to someone else: a new request.
    assert ask(hanne, HOLM, {people["item"]: people["karen_holm"]}).status_code == 302


def test_a_second_request_for_the_same_item_replaces_the_waiting_one(app, db, people):
    hanne = as_professional(app, people["hanne"])
    ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]})
    first = offered_id(db, people["item"])
    assert ask(hanne, HOLM, {people["item"]: people["karen_holm"]}).status_code == 302
    assert db.execute("SELECT answer FROM plan_handovers WHERE id = ?", [first]).fetchone()[0] == "replaced"
    rasmus = as_professional(app, people["rasmus"])
    assert SUPPORT not in main_part(rasmus.get("/fagperson/").text)
    assert answer(rasmus, first).status_code == 404
    karen = as_professional(app, people["karen"])
    assert SUPPORT in main_part(karen.get("/fagperson/").text)
    assert answer(karen, offered_id(db, people["item"])).status_code == 302
    assert responsible(db, people["item"]) == people["karen_holm"]


def test_only_the_successor_who_may_see_the_family_answers(app, db, people):
    hanne = as_professional(app, people["hanne"])
    ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]})
    handover_id = offered_id(db, people["item"])
    assert answer(as_professional(app, people["karen"]), handover_id).status_code == 404
    assert answer(hanne, handover_id).status_code == 404
    assert answer(hanne, handover_id, "afvis").status_code == 404
    assert answer(as_professional(app, people["rasmus"]), handover_id + 1000).status_code == 404
    db.execute("UPDATE consent_organisations SET organisation = 'Andet' WHERE organisation LIKE 'PPR%'")
    db.conn.commit()
    rasmus = as_professional(app, people["rasmus"])
    assert SUPPORT not in rasmus.get("/fagperson/").text
    home = rasmus.get("/fagperson/")
    assert rasmus.post(f"/fagperson/overdragelser/{handover_id}/overtag",
                       data={"csrf_token": csrf_from(home.text)}).status_code == 404
    assert responsible(db, people["item"]) == people["hanne_holm"]


def test_accepting_an_item_that_changed_owner_meanwhile_is_a_friendly_error(app, db, people):
    hanne = as_professional(app, people["hanne"])
    ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]})
    handover_id = offered_id(db, people["item"])
    # Meanwhile, in a transaction that has not yet ended the request, the item gets another owner.
    db.execute("UPDATE plan_items SET responsible_person_id = ? WHERE id = ?", [people["karen_holm"], people["item"]])
    db.conn.commit()
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        handovers.accept(Actor("professional", people["rasmus"]), handover_id)
    assert "fået en anden ansvarlig" in refused.value.errors["handover"]
    assert responsible(db, people["item"]) == people["karen_holm"]


@pytest.mark.parametrize("change", ["another owner", "ended"])
def test_the_coordinator_giving_the_item_to_someone_else_or_ending_it_ends_the_waiting_request(
        app, db, people, change):
    hanne = as_professional(app, people["hanne"])
    ask(hanne, HOLM, {people["item"]: people["rasmus_holm"]})
    handover_id = offered_id(db, people["item"])
    owner, status = (people["karen_holm"], "active") if change == "another owner" else (people["hanne_holm"], "done")
    with app.test_request_context():
        plan.update_plan_item(METTE_ACTS, HOLM, people["item"], None, what=SUPPORT, kind="school",
                              responsible=owner, status=status)
    assert db.execute("SELECT answer FROM plan_handovers WHERE id = ?", [handover_id]).fetchone()[0] == "replaced"
    rasmus = as_professional(app, people["rasmus"])
    assert SUPPORT not in main_part(rasmus.get("/fagperson/").text)
    assert answer(rasmus, handover_id).status_code == 404
    assert responsible(db, people["item"]) == owner


def test_an_offer_that_is_over_no_longer_shows_a_hidden_item_to_the_successor(app, db, people):
    martin = db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]
    hanne_split, pia_split = involvement(db, "Hanne Bech", SPLIT), involvement(db, "Pia Holt", SPLIT)
    pia = professional_id(db, "Pia Holt")
    with app.test_request_context():
        item = plan.add_plan_item(METTE_ACTS, SPLIT, what="Samtaler om skolevejen", responsible=hanne_split,
                                  status="active", hidden_from=[martin])
        handovers.hand_over(Actor("professional", people["hanne"]), SPLIT, [hanne_split], {item: str(pia_split)})
        assert access.professional_may_see_item(pia, "plan_item", item)
        plan.update_plan_item(METTE_ACTS, SPLIT, item, None, what="Samtaler om skolevejen", responsible=hanne_split,
                              status="stopped", hidden_from=[martin])
        assert not access.professional_may_see_item(pia, "plan_item", item)


def test_the_coordinator_hands_over_for_a_professional_who_left_and_hears_of_a_decline(app, auth, client, db, people):
    db.execute("UPDATE professionals SET active = 0 WHERE id = ?", [people["hanne"]])
    db.conn.commit()
    auth.staff()
    plan_page = client.get(f"/staff/families/{HOLM}/plan").text
    assert "Overdrag opgaver fra Hanne Bech" in plan_page and "stoppet" in plan_page
    url = f"/staff/families/{HOLM}/plan/overdrag/{people['hanne_holm']}"
    page = client.get(url)
    assert page.status_code == 200 and SUPPORT in page.text
    response = client.post(url, data={"csrf_token": csrf_from(page.text), f"item-{people['item']}": people["rasmus_holm"]})
    assert response.status_code == 302
    assert "Venter på at blive overtaget af Rasmus Kjær" in client.get(f"/staff/families/{HOLM}/plan").text
    assert db.execute("SELECT asked_by_kind, asked_by_id FROM plan_handovers").fetchone() == ("staff", METTE)
    rasmus = as_professional(app, people["rasmus"])
    answer(rasmus, offered_id(db, people["item"]), "afvis")
    mail = db.execute("SELECT recipient, staff_id FROM outbox WHERE purpose = 'handover_declined'").fetchone()
    assert mail[1] == METTE and mail[0] == db.execute("SELECT email FROM staff WHERE id = ?", [METTE]).fetchone()[0]
    assert "Rasmus Kjær har sagt nej til at overtage den." in client.get(f"/staff/families/{HOLM}/plan").text
    assert "En fagperson har sagt nej til at overtage en opgave" in client.get(f"/staff/families/{HOLM}/timeline").text


def test_the_coordinator_cannot_hand_over_in_a_family_not_theirs_nor_for_a_person_of_another_family(
        app, auth, client, db, people):
    auth.staff()
    assert client.get(f"/staff/families/{NIELSEN}/plan/overdrag/{people['sofie_nielsen']}").status_code == 404
    assert client.get(f"/staff/families/{HOLM}/plan/overdrag/{people['sofie_nielsen']}").status_code == 404
    with app.test_request_context(), pytest.raises(NotFound):
        handovers.hand_over(METTE_ACTS, NIELSEN, [people["sofie_nielsen"]], {1: "1"})


def test_an_item_hidden_from_a_parent_is_seen_by_the_successor_it_is_offered_to(app, db, people):
    martin = db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]
    hanne_split = involvement(db, "Hanne Bech", SPLIT)
    pia_split = involvement(db, "Pia Holt", SPLIT)
    pia = professional_id(db, "Pia Holt")
    with app.test_request_context():
        item = plan.add_plan_item(METTE_ACTS, SPLIT, what="Samtaler om skolevejen", responsible=hanne_split,
                                  status="active", hidden_from=[martin])
        assert not access.professional_may_see_item(pia, "plan_item", item)
        handovers.hand_over(Actor("professional", people["hanne"]), SPLIT, [hanne_split], {item: str(pia_split)})
        assert access.professional_may_see_item(pia, "plan_item", item)
        handovers.accept(Actor("professional", pia), offered_id(db, item))
        assert access.professional_may_see_item(pia, "plan_item", item)
    assert martin in [row[0] for row in db.execute(
        "SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?", [item])]
    assert json.loads(db.execute("SELECT detail FROM family_events WHERE kind = 'plan_item.handed_over'").fetchone()[0])[
        "to_person"] == pia_split


def test_a_too_long_reason_is_a_friendly_error_and_nothing_is_declined(app, db, people):
    ask(as_professional(app, people["hanne"]), HOLM, {people["item"]: people["rasmus_holm"]})
    rasmus = as_professional(app, people["rasmus"])
    handover_id = offered_id(db, people["item"])
    page = rasmus.get(f"/fagperson/overdragelser/{handover_id}/afvis")
    response = rasmus.post(f"/fagperson/overdragelser/{handover_id}/afvis",
                           data={"csrf_token": csrf_from(page.text), "reason": "x" * 501})
    assert response.status_code == 400 and "Din begrundelse er for lang" in response.text
    assert db.execute("SELECT answered_at FROM plan_handovers WHERE id = ?", [handover_id]).fetchone()[0] is None


def test_a_professional_with_a_link_alone_cannot_hand_over_nor_answer(app, db, people):
    hanne = app.test_client()
    sign_in_professional(app, hanne, people["hanne"], level=access.LINK, method="link")
    assert hanne.get(f"/fagperson/familier/{HOLM}/overdrag").status_code == 404
    ask(as_professional(app, people["hanne"]), HOLM, {people["item"]: people["rasmus_holm"]})
    rasmus = app.test_client()
    sign_in_professional(app, rasmus, people["rasmus"], level=access.LINK, method="link")
    assert SUPPORT not in rasmus.get("/fagperson/").text
    assert rasmus.get(f"/fagperson/overdragelser/{offered_id(db, people['item'])}/afvis").status_code == 404
    assert answer(rasmus, offered_id(db, people["item"])).status_code == 404
    assert responsible(db, people["item"]) == people["hanne_holm"]


def test_the_coordinators_timeline_has_a_line_for_the_acceptance(app, auth, client, db, people):
    ask(as_professional(app, people["hanne"]), HOLM, {people["item"]: people["rasmus_holm"]})
    answer(as_professional(app, people["rasmus"]), offered_id(db, people["item"]))
    auth.staff()
    timeline = client.get(f"/staff/families/{HOLM}/timeline").text
    assert "Ny ansvarlig i planen" in timeline and SUPPORT in timeline
