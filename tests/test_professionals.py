"""What a professional may see: the one rule in portal/data/access.py, and the pages that ask it.

A professional sees a family only while involved in it (scope 'family', not
removed), active, the family open, and a consent in force covering their
organisation; a meeting only when called to it; no item hidden from a parent
unless the coordinator shows it to professionals. Everything else is 404.
"""
import re
import secrets
from datetime import timedelta

import pytest

from conftest import HOLM, METTE, NEXT_NETWORK, NIELSEN_MEETING, SPLIT, csrf_from
from test_access import HOLM_IDS, PUBLIC, family_snapshot, methods, url
from portal.data import access
from portal.data.changes import Actor, professionals
from portal.data.clock import now_text, today
from portal.data.db import get_db
from portal.tokens import hash_id

METTE_ACTS = Actor("staff", METTE)


def professional_id(db, name):
    return db.execute("SELECT id FROM professionals WHERE name = ?", [name]).fetchone()[0]


def involvement(db, name, family_id):
    return db.execute("SELECT p.id FROM people_involved p JOIN professionals pro ON pro.id = p.professional_id"
                      " WHERE pro.name = ? AND p.family_id = ?", [name, family_id]).fetchone()[0]


def sign_in_professional(app, client, professional, level=access.SUBSTANTIAL, method="sso"):
    """A live session for the professional, as single sign-on (phase 2) makes one."""
    sid = secrets.token_urlsafe(32)
    with app.app_context():
        now = now_text()
        get_db()["sessions"].insert({"id_hash": hash_id(sid), "user_kind": "professional", "user_id": professional,
                                     "created_at": now, "last_seen_at": now, "level": level, "method": method,
                                     "assured_at": now if level > access.LINK else None})
    with client.session_transaction() as session:
        session["sid"] = sid


def sees_family(app, professional, family_id):
    with app.app_context():
        return access.professional_may_see_family(professional, family_id) is not None


def sees_meeting(app, professional, meeting_id):
    with app.app_context():
        return access.professional_may_see_meeting(professional, meeting_id) is not None


@pytest.fixture
def pia(db):
    """Pia Holt, Familiehuset: in the split family only, covered by its one consent ("Alle ...")."""
    return professional_id(db, "Pia Holt")


def test_a_professional_sees_a_family_they_are_involved_in_and_whose_consent_covers_them(app, pia):
    assert sees_family(app, pia, SPLIT)


def test_a_professional_never_sees_a_family_they_are_not_in(app, pia):
    assert not sees_family(app, pia, HOLM)
    assert not sees_family(app, pia, 3)


def test_a_consent_that_does_not_cover_their_organisation_shows_them_nothing(app, db, pia):
    db.execute("DELETE FROM consent_organisations WHERE organisation = 'Familiehuset'"
               " AND consent_id IN (SELECT id FROM consents WHERE family_id = ?)", [SPLIT])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)
    # Another organisation's professional in the same family still sees it: the rule is per organisation.
    assert sees_family(app, professional_id(db, "Hanne Bech"), SPLIT)


def test_a_withdrawn_consent_ends_access_at_once(app, db, pia):
    from portal.data.changes import consents

    consent = db.execute("SELECT id, version FROM consents WHERE family_id = ?", [SPLIT]).fetchone()
    with app.test_request_context():
        consents.withdraw_consent(METTE_ACTS, SPLIT, consent[0], consent[1], withdrawn_on=today())
    assert not sees_family(app, pia, SPLIT)


def test_an_expired_consent_shows_them_nothing(app, db, pia):
    db.execute("UPDATE consents SET expires_on = ? WHERE family_id = ?",
               [(today() - timedelta(days=1)).isoformat(), SPLIT])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)


def test_a_consent_given_later_than_today_shows_them_nothing_yet(app, db, pia):
    db.execute("UPDATE consents SET given_on = ? WHERE family_id = ?", [(today() + timedelta(days=1)).isoformat(), SPLIT])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)


@pytest.mark.parametrize("change", ["UPDATE families SET closed_at = '2026-01-01T00:00:00Z' WHERE id = ?",
                                    "UPDATE families SET active = 0 WHERE id = ?"])
def test_a_closed_or_inactive_family_is_seen_by_no_professional(app, db, pia, change):
    db.execute(change, [SPLIT])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)


def test_a_deactivated_professional_sees_nothing_and_loses_their_session(app, client, db, pia):
    sign_in_professional(app, client, pia)
    assert client.get("/fagperson/").status_code == 200
    db.execute("UPDATE professionals SET active = 0 WHERE id = ?", [pia])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)
    assert client.get("/fagperson/").status_code == 302  # signed out: the session is no longer allowed
    assert db.execute("SELECT count(*) FROM sessions WHERE user_kind = 'professional' AND ended_at IS NULL"
                      ).fetchone()[0] == 0


def test_a_removed_involvement_ends_access(app, db, pia):
    db.execute("UPDATE people_involved SET removed_at = ? WHERE id = ?",
               [now_text(), involvement(db, "Pia Holt", SPLIT)])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)


def test_a_professional_called_only_to_meetings_sees_the_meeting_and_not_the_family(app, db, pia):
    split_network = db.execute("SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
                               " WHERE m.family_id = ? AND mp.person_involved_id = ?",
                               [SPLIT, involvement(db, "Pia Holt", SPLIT)]).fetchone()[0]
    assert sees_meeting(app, pia, split_network)
    db.execute("UPDATE people_involved SET scope = 'meeting' WHERE id = ?", [involvement(db, "Pia Holt", SPLIT)])
    db.conn.commit()
    assert not sees_family(app, pia, SPLIT)
    assert sees_meeting(app, pia, split_network)


def test_a_professional_never_sees_a_meeting_they_are_not_called_to(app, db, pia):
    others = [row[0] for row in db.execute(
        "SELECT id FROM meetings WHERE id NOT IN (SELECT mp.meeting_id FROM meeting_participants mp"
        " JOIN people_involved p ON p.id = mp.person_involved_id WHERE p.professional_id = ?)", [pia])]
    assert NEXT_NETWORK in others and NIELSEN_MEETING in others
    assert [m for m in others if sees_meeting(app, pia, m)] == []


def test_a_meeting_they_are_called_to_follows_the_consent_and_the_draft_rule(app, db, pia):
    called = db.execute("SELECT mp.meeting_id FROM meeting_participants mp JOIN people_involved p"
                        " ON p.id = mp.person_involved_id WHERE p.professional_id = ? ORDER BY 1", [pia]).fetchone()[0]
    assert sees_meeting(app, pia, called)
    db.execute("UPDATE meetings SET published_at = NULL WHERE id = ?", [called])
    db.conn.commit()
    assert not sees_meeting(app, pia, called)
    db.execute("UPDATE meetings SET published_at = created_at WHERE id = ?", [called])
    db.execute("UPDATE consents SET withdrawn_on = ? WHERE family_id = ?", [today().isoformat(), SPLIT])
    db.conn.commit()
    assert not sees_meeting(app, pia, called)


def test_an_item_hidden_from_a_parent_is_hidden_from_professionals_unless_shown_to_them(app, db, pia):
    from portal.data.changes import plan

    with app.test_request_context():
        parents = [row[0] for row in get_db().execute("SELECT id FROM parents WHERE family_id = ?", [SPLIT])]
        hidden = plan.add_plan_item(METTE_ACTS, SPLIT, what="Samtaler på krisecentret", responsible="family",
                                    status="active", hidden_from=parents[1:])
        open_item = plan.add_plan_item(METTE_ACTS, SPLIT, what="Lektiehjælp", responsible="family", status="active")
        assert access.professional_may_see_item(pia, "plan_item", open_item)
        assert not access.professional_may_see_item(pia, "plan_item", hidden)
        professionals.show_to_professionals(METTE_ACTS, SPLIT, "plan_item", hidden, True)
        assert access.professional_may_see_item(pia, "plan_item", hidden)


def test_a_hidden_item_they_are_responsible_for_is_still_theirs(app, db, pia):
    from portal.data.changes import plan

    with app.test_request_context():
        parents = [row[0] for row in get_db().execute("SELECT id FROM parents WHERE family_id = ?", [SPLIT])]
        mine = plan.add_plan_item(METTE_ACTS, SPLIT, what="Støtte i klassen", status="active",
                                  responsible=involvement(get_db(), "Pia Holt", SPLIT), hidden_from=parents[1:])
        assert access.professional_may_see_item(pia, "plan_item", mine)


def test_the_two_shapes_of_the_professional_rule_agree_for_every_professional_and_family(app, db):
    with app.app_context():
        database = get_db()
        families = [row[0] for row in database.execute("SELECT id FROM families")]
        for (pro,) in database.execute("SELECT id FROM professionals").fetchall():
            listed = {row[0] for row in database.execute(
                f"SELECT f.id FROM families f WHERE {access.professional_families_sql('f')}",
                {"professional": pro, "today": today().isoformat()})}
            assert listed == {f for f in families if access.professional_may_see_family(pro, f)}, pro


def test_mine_familier_lists_only_the_families_they_may_see(app, client, db, pia):
    sign_in_professional(app, client, pia)
    page = client.get("/fagperson/")
    assert page.status_code == 200
    assert "Familien Yilmaz Andersen" in page.text and "Familien Holm" not in page.text
    db.execute("UPDATE consents SET withdrawn_on = ? WHERE family_id = ?", [today().isoformat(), SPLIT])
    db.conn.commit()
    assert "Familien Yilmaz Andersen" not in client.get("/fagperson/").text


def test_a_professional_with_a_link_alone_gets_no_family_page(app, client, pia):
    sign_in_professional(app, client, pia, level=access.LINK, method="link")
    page = client.get("/fagperson/")
    assert page.status_code == 200 and "Et link alene er ikke nok" in page.text
    assert "Familien" not in page.text.split("<main")[1]
    assert client.get(f"/fagperson/familier/{SPLIT}").status_code == 404


def test_professional_pages_are_404_for_parents_and_staff_and_ask_others_to_sign_in(app, auth, client):
    assert client.get("/fagperson/").status_code == 302
    auth.sign_in()
    assert client.get("/fagperson/").status_code == 404
    auth.sign_out()
    auth.staff()
    assert client.get("/fagperson/").status_code == 404


def test_every_page_but_their_own_is_404_for_a_professional(app, client, db, pia):
    """The whole URL map, every method: outside /fagperson and the public pages, a professional gets 404."""
    sign_in_professional(app, client, pia)
    token = csrf_from(client.get("/fagperson/").text)
    before = family_snapshot(db)
    ids = {**HOLM_IDS, "family_id": SPLIT, "staff_id": METTE, "meeting_id": NEXT_NETWORK}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(("professional.", "passkey.")) or rule.endpoint in (
                "sign_in.sign_out", "static"):  # the passkey pages are theirs too (test_professional_passkeys.py)
            continue
        for method in methods(rule):
            response = client.open(url(rule, ids), method=method, data={"csrf_token": token, "version": "0",
                                                                        "active": "0", "text": "x"})
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            checked += 1
    assert checked > 100
    assert family_snapshot(db) == before
    assert client.get("/fagperson/").status_code == 200  # still signed in: the 404s were the rule's


def test_deleting_a_family_deletes_its_professionals_unless_they_are_in_another_family(app, db):
    from portal.data.changes.retention import delete_family

    with app.test_request_context():
        database = get_db()
        shared = database.execute("SELECT professional_id FROM people_involved WHERE family_id = ?"
                                  " ORDER BY id LIMIT 1", [HOLM]).fetchone()[0]
        # Holm's first professional works with the Nielsen family too.
        database.execute("INSERT INTO people_involved (family_id, professional_id, role, organisation)"
                         " VALUES (3, ?, 'Sagsbehandler', 'Børn og Familie')", [shared])
        only_holm = {row[0] for row in database.execute(
            "SELECT professional_id FROM people_involved WHERE family_id = ? AND professional_id NOT IN"
            " (SELECT professional_id FROM people_involved WHERE family_id != ?)", [HOLM, HOLM])}
        assert only_holm
        database.execute("UPDATE families SET closed_at = '2020-01-01T00:00:00Z' WHERE id = ?", [HOLM])
        delete_family(HOLM)
        left = {row[0] for row in database.execute("SELECT id FROM professionals")}
    assert shared in left and not only_holm & left


def test_adding_a_known_email_makes_the_same_professional_involved_in_another_family(app, db):
    from portal.data.changes import Invalid, people

    with app.test_request_context():
        first = people.add_person(METTE_ACTS, HOLM, name="Karen Bo", role="Lærer", organisation="Demoby Skole",
                                  email="karen.bo@skole.dk")
        second = people.add_person(METTE_ACTS, SPLIT, name="karen bo", role="Lærer", organisation="Demoby Skole",
                                   email=" Karen.Bo@Skole.dk ")
        with pytest.raises(Invalid) as refused:
            people.add_person(METTE_ACTS, SPLIT, name="Lars Bo", role="Lærer", organisation="Demoby Skole",
                              email="karen.bo@skole.dk")
        assert "en anden fagperson" in str(refused.value.errors["email"])
        with pytest.raises(Invalid):  # once per family
            people.add_person(METTE_ACTS, SPLIT, name="Karen Bo", role="Lærer", organisation="Demoby Skole",
                              email="karen.bo@skole.dk")
    rows = db.execute("SELECT professional_id FROM people_involved WHERE id IN (?, ?)", [first, second]).fetchall()
    assert rows[0] == rows[1]
    assert db.execute("SELECT count(*) FROM professionals WHERE lower(email) = 'karen.bo@skole.dk'").fetchone()[0] == 1


def test_a_consent_covers_only_organisations_of_the_family(app, db):
    from portal.data.changes import Invalid, consents

    with app.test_request_context():
        with pytest.raises(Invalid) as refused:
            consents.record_consent(METTE_ACTS, SPLIT, given_by=[3], information="x", shared_between="y",
                                    organisations=["Demoby Skole", "Et andet sted"])
        assert "organisations" in refused.value.errors
        consent = consents.record_consent(METTE_ACTS, SPLIT, given_by=[3], information="x", shared_between="y",
                                          organisations=["Demoby Skole"])
    assert db.execute("SELECT organisation FROM consent_organisations WHERE consent_id = ?",
                      [consent]).fetchall() == [("Demoby Skole",)]


def test_the_consent_form_offers_the_familys_organisations(auth, client):
    auth.staff()
    page = client.get(f"/staff/families/{SPLIT}/consents/new").text
    assert 'value="Demoby Skole"' in page and 'value="Familiehuset"' in page
