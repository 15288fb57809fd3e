"""A professional's own pages: single sign-on, Mine familier, a family, a meeting; audited; told to parents."""
import pytest

from conftest import HOLM, METTE, SPLIT, csrf_from, main_part
from portal import demo as demo_data
from portal.data.changes import Actor
from portal.data.clock import today
from portal.dev_idp import oidc_mock
from test_professionals import involvement, professional_id, sign_in_professional
from test_staff_sso import entra, mock, oidc_sign_in  # noqa: F401  (fixtures)

METTE_ACTS = Actor("staff", METTE)


@pytest.fixture
def hanne(db):
    """Hanne Bech, Demoby Skole: the demo's teacher, one professional in the Holm and the split family."""
    return professional_id(db, "Hanne Bech")


def test_the_demo_teacher_is_one_professional_in_two_families(db, hanne):
    assert {row[0] for row in db.execute("SELECT family_id FROM people_involved WHERE professional_id = ?",
                                         [hanne])} == {HOLM, SPLIT}


def test_a_teacher_signs_in_with_the_municipalitys_login_and_sees_mine_familier(app, client, entra, db, hanne):
    response = oidc_sign_in(client, "Hanne Bech")
    assert response.status_code == 302 and response.headers["Location"] == "/fagperson/"
    [session] = db.query("SELECT * FROM sessions WHERE user_kind = 'professional' AND ended_at IS NULL")
    assert (session["user_id"], session["level"], session["method"]) == (hanne, 2, "sso")
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.sso' AND actor_kind = 'professional'"
                      " AND actor_id = ?", [hanne]).fetchone()[0] == 1
    page = main_part(client.get("/fagperson/").text)
    assert "Familien Holm" in page and "Familien Yilmaz Andersen" in page and "Familien Nielsen" not in page
    # Her open plan item in Holm, the others involved with their phone, her next meeting.
    assert "Støtte til Emil i klassen" in page
    assert "Karen Dahl" in page and "+45 70 10 10 70" in page
    assert 'href="/fagperson/moeder/' in page


def test_staff_are_matched_before_a_professional_with_the_same_email(app, client, entra, db, hanne):
    db.execute("UPDATE professionals SET email = 'mette.lund@demo-kommune.dk' WHERE id = ?", [hanne])
    db.conn.commit()
    assert oidc_sign_in(client, "Mette Lund").headers["Location"] == "/staff/"


def test_a_deactivated_professional_gets_the_clear_page_from_the_municipalitys_login(app, client, entra, db, hanne):
    db.execute("UPDATE professionals SET active = 0 WHERE id = ?", [hanne])
    db.conn.commit()
    response = oidc_sign_in(client, "Hanne Bech")
    assert response.status_code == 403 and "Din adgang er lukket" in response.text
    assert db.execute("SELECT count(*) FROM sessions WHERE user_kind = 'professional'").fetchone()[0] == 0


def test_people_hidden_from_a_parent_are_colleagues_but_no_parents_details_are_shown(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    page = main_part(client.get(f"/fagperson/familier/{SPLIT}").text)
    assert "Omar Said" in page  # hidden from Martin, still a colleague
    for parent in db.query("SELECT email, phone, address FROM parents WHERE family_id = ?", [SPLIT]):
        for value in parent.values():
            assert not value or value not in page


def test_the_family_page_leaves_out_plan_items_hidden_from_a_parent(app, client, db, hanne):
    from portal.data.changes import plan, professionals

    with app.test_request_context():
        martin = db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]
        hidden = plan.add_plan_item(METTE_ACTS, SPLIT, what="Samtaler på krisecentret", responsible="family",
                                    status="active", hidden_from=[martin])
    sign_in_professional(app, client, hanne)
    assert "Samtaler på krisecentret" not in client.get(f"/fagperson/familier/{SPLIT}").text
    with app.test_request_context():
        professionals.show_to_professionals(METTE_ACTS, SPLIT, "plan_item", hidden, True)
    assert "Samtaler på krisecentret" in client.get(f"/fagperson/familier/{SPLIT}").text


def test_a_family_or_meeting_they_may_not_see_is_404(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    assert client.get("/fagperson/familier/3").status_code == 404
    assert client.get("/fagperson/familier/999999").status_code == 404
    nielsen_meeting = db.execute("SELECT id FROM meetings WHERE family_id = 3").fetchone()[0]
    assert client.get(f"/fagperson/moeder/{nielsen_meeting}").status_code == 404
    not_called = db.execute(
        "SELECT id FROM meetings WHERE family_id = ? AND published_at IS NOT NULL AND id NOT IN"
        " (SELECT meeting_id FROM meeting_participants WHERE person_involved_id = ?)",
        [HOLM, involvement(db, "Hanne Bech", HOLM)]).fetchone()[0]
    assert client.get(f"/fagperson/moeder/{not_called}").status_code == 404


def test_a_meeting_they_are_called_to_shows_time_place_who_comes_and_the_agenda(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    called = db.execute("SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
                        " WHERE mp.person_involved_id = ? AND m.status = 'planned' AND m.starts_at > datetime('now')"
                        " ORDER BY m.starts_at", [involvement(db, "Hanne Bech", HOLM)]).fetchone()[0]
    page = main_part(client.get(f"/fagperson/moeder/{called}").text)
    assert "Hvem kommer" in page and "Sara Holm" in page and "Dagsorden" in page


def test_every_view_is_audited_and_the_parents_insight_names_who_looked(app, auth, client, db, hanne):
    sign_in_professional(app, client, hanne)
    client.get(f"/fagperson/familier/{HOLM}")
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'family.viewed' AND actor_kind = 'professional'"
                      " AND actor_id = ? AND family_id = ?", [hanne, HOLM]).fetchone()[0] == 1
    parent = app.test_client()
    from conftest import Auth

    Auth(app, parent).sign_in()
    page = main_part(parent.get("/insight").text)
    assert "Hanne Bech" in page and "Demoby Skole" in page and "så jeres sag" in page


def test_a_withdrawn_consent_tells_the_coordinator_whose_access_ended(app, auth, client, db):
    auth.staff()
    consent = db.execute("SELECT id, version FROM consents WHERE family_id = ?", [SPLIT]).fetchone()
    path = f"/staff/families/{SPLIT}/consents/{consent[0]}/withdraw"
    token = csrf_from(client.get(path).text)
    response = client.post(path, data={"csrf_token": token, "version": consent[1],
                                       "withdrawn_on": today().strftime("%d-%m-%Y"), "withdraw": "1"},
                           follow_redirects=True)
    assert response.status_code == 200, response.text
    assert "Pia Holt (Familiehuset) kan ikke længere se familien." in response.text
    assert "Hanne Bech (Demoby Skole) kan ikke længere se familien." in response.text


def test_a_meeting_in_a_protected_home_never_shows_its_address_to_a_professional(app, client, db):
    from conftest import PROTECTED_HOME_VISIT

    pia = professional_id(db, "Pia Holt")
    sign_in_professional(app, client, pia)
    address = db.execute("SELECT place FROM meetings WHERE id = ?", [PROTECTED_HOME_VISIT]).fetchone()[0]
    assert address
    page = client.get(f"/fagperson/moeder/{PROTECTED_HOME_VISIT}")
    assert page.status_code == 200
    assert address not in page.text and "Stedet får du at vide af din kontaktperson" in page.text
    for path in ("/fagperson/", f"/fagperson/familier/{SPLIT}"):
        assert address not in client.get(path).text


def test_a_removed_colleague_is_no_longer_listed(app, client, db, hanne):
    sign_in_professional(app, client, hanne)
    def people_section():
        return client.get(f"/fagperson/familier/{HOLM}").text.split('id="hvem"')[1]

    assert "Karen Dahl" in people_section()
    db.execute("UPDATE people_involved SET removed_at = '2026-01-01T00:00:00Z' WHERE id = ?",
               [involvement(db, "Karen Dahl", HOLM)])
    db.conn.commit()
    assert "Karen Dahl" not in people_section()


# Inviting and ending access, from "Hvem er med".

def _post_on_people_page(client, path):
    token = csrf_from(client.get(f"/staff/families/{HOLM}/people").text)
    return client.post(path, data={"csrf_token": token})


def test_the_coordinator_invites_a_professional_by_email_and_the_link_opens_only_mine_familier(app, auth, client, db,
                                                                                             hanne):
    import json
    import re
    from pathlib import Path

    from conftest import deliver

    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/people").text
    assert "Inviter til Familieportalen" in page
    person = involvement(db, "Hanne Bech", HOLM)
    response = _post_on_people_page(client, f"/staff/families/{HOLM}/people/{person}/invite")
    assert response.status_code == 302
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'person.invited'").fetchone()[0] == 1
    deliver(app)
    [message] = [json.loads(f.read_text()) for f in Path(app.config["OUTBOX_DIR"]).glob("*.json")]
    assert demo_data.TEACHER_EMAIL in json.dumps(message)
    text = message["text"]
    # No case details: no family, child, parent or organisation.
    for word in ("Holm", "Emil", "Sara", "Demoby Skole", "Hanne"):
        assert word not in text, word
    [path] = re.findall(r"http://localhost(/fagperson/login/\S+)", text)
    teacher = app.test_client()
    confirm = teacher.get(path)
    assert confirm.status_code == 200
    assert teacher.post(path, data={"csrf_token": csrf_from(confirm.text)}).headers["Location"] == "/fagperson/"
    home = teacher.get("/fagperson/")
    assert home.status_code == 200 and "Familien Holm" not in home.text  # a link alone is one factor
    assert teacher.get(f"/fagperson/familier/{HOLM}").status_code == 404
    assert app.test_client().get(path).status_code == 410  # single use


def test_an_invitation_needs_the_professionals_own_email(app, auth, client, db):
    auth.staff()
    person = involvement(db, "Lars Østergaard", HOLM)
    response = _post_on_people_page(client, f"/staff/families/{HOLM}/people/{person}/invite")
    assert response.status_code == 400 and "Skriv personens egen e-mail først" in response.text
    assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'sign_in_link'").fetchone()[0] == 0


def test_ending_access_keeps_them_on_the_list_and_ends_their_sessions_when_no_family_is_left(app, auth, client, db,
                                                                                           hanne):
    from conftest import Auth

    pia = professional_id(db, "Pia Holt")
    holm_meeting = db.execute("SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
                              " WHERE mp.person_involved_id = ? ORDER BY m.id", [involvement(db, "Hanne Bech", HOLM)]
                              ).fetchone()[0]
    pia_client, hanne_client = app.test_client(), app.test_client()
    sign_in_professional(app, pia_client, pia)
    sign_in_professional(app, hanne_client, hanne)
    assert hanne_client.get(f"/fagperson/moeder/{holm_meeting}").status_code == 200
    staff = app.test_client()
    Auth(app, staff).staff()
    for family_id, name in ((SPLIT, "Pia Holt"), (HOLM, "Hanne Bech")):
        token = csrf_from(staff.get(f"/staff/families/{family_id}/people").text)
        response = staff.post(f"/staff/families/{family_id}/people/{involvement(db, name, family_id)}/end-access",
                              data={"csrf_token": token})
        assert response.status_code == 302, response.text
    # Pia had only the split family: signed out. Hanne still sees the split family, not Holm.
    assert pia_client.get("/fagperson/").status_code == 302
    assert hanne_client.get(f"/fagperson/familier/{HOLM}").status_code == 404
    assert hanne_client.get(f"/fagperson/familier/{SPLIT}").status_code == 200
    assert hanne_client.get(f"/fagperson/moeder/{holm_meeting}").status_code == 404  # nor its meetings
    people = staff.get(f"/staff/families/{HOLM}/people").text
    assert "Hanne Bech" in people and "Har ikke adgang til familien." in people
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'person.access_ended'").fetchone()[0] == 2


def test_run_sh_prints_a_professionals_sign_in_link(app):
    from portal import cli

    with app.test_request_context():
        printed = dict(cli._demo_links())
    [url] = [url for who, url in printed.items() if who.startswith("professional Hanne Bech")]
    assert "/fagperson/login/" in url
