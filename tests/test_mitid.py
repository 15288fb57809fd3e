"""MitID through NemLog-in, in the portal: a link alone shows nothing of the case; MitID binds, signs in, steps up.

The fake NemLog-in (portal/dev_idp) answers; tests/test_saml.py holds the SAML
checks themselves (signed, fresh, our audience, not replayed, at least Substantial).
"""
import pytest

from conftest import csrf_from
from mitid_helpers import TestMitID
from portal import demo as demo_data
from portal.data import access

MARTIN = demo_data.SPLIT_FAMILY_PARENT_EMAIL


@pytest.fixture
def mitid(app, client):
    return TestMitID(app, client)



@pytest.fixture(autouse=True)
def mitid_gate(app):
    """Parents' case pages need MitID (FAMILIEPORTAL_MITID_GATE); auth.sign_in confirms as MitID would."""
    app.config["MITID_GATE"] = True

def bindings(db):
    return list(db.query("SELECT b.*, p.email FROM identity_bindings b JOIN parents p ON p.id = b.parent_id"))


def session_level(db, email):
    return db.execute("SELECT s.level, s.method FROM sessions s JOIN parents p ON p.id = s.user_id"
                      " WHERE s.user_kind = 'parent' AND p.email = ? AND s.ended_at IS NULL"
                      " ORDER BY s.created_at DESC LIMIT 1", [email]).fetchone()


# --- what a link alone shows ------------------------------------------------------------------------------------

def test_with_a_link_alone_the_home_page_says_only_that_there_is_news_and_how_to_see_it(auth, client):
    auth.sign_in(mitid=False)
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Log ind med MitID for at se det" in text and "70 10 10 10" in text
    assert "Mette" not in text and "Holm" not in text  # not the contact person, not even their own name
    assert 'href="/plan"' not in text and 'class="menu"' not in text


def test_with_a_link_alone_every_page_of_the_case_asks_for_mitid(auth, client):
    auth.sign_in(mitid=False)
    for path in ("/plan", "/meetings", "/goals", "/people", "/consents", "/timeline", "/messages", "/insight",
                 "/insight.json", "/meetings/1", "/meetings/1/calendar.ics"):
        page = client.get(path)
        assert page.status_code == 401, path
        assert "Log ind med MitID" in page.get_data(as_text=True), path
        assert "Holm" not in page.get_data(as_text=True), path


def test_a_link_only_session_cannot_write_either(auth, client, db):
    auth.sign_in(mitid=False)
    home = client.get("/")
    before = db.execute("SELECT count(*) FROM goals").fetchone()[0]
    page = client.post("/goals", data={"csrf_token": csrf_from(home.get_data(as_text=True)), "text": "Et mål"})
    assert page.status_code == 401
    assert db.execute("SELECT count(*) FROM goals").fetchone()[0] == before


# --- the first time: the link, then MitID ---------------------------------------------------------------------

def test_first_visit_binds_the_parents_mitid_and_opens_the_page_they_were_going_to(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    cookie_before = client.get_cookie("familieportal").value
    back = mitid.sign_in("sara-holm", next_path="/plan")
    assert back.status_code == 302 and back.headers["Location"] == "/plan"
    assert client.get("/plan").status_code == 200
    [binding] = bindings(db)
    assert binding["email"] == demo_data.PARENT_EMAIL and binding["removed_at"] is None
    assert binding["subject"].startswith("https://data.gov.dk/model/core/eid/person/uuid/")
    assert binding["cpr"] is None  # only where the municipality turns it on
    assert tuple(session_level(db, demo_data.PARENT_EMAIL)) == (access.SUBSTANTIAL, "mitid")
    # A new session id: whoever learnt the link session's id gets nothing from it.
    assert client.get_cookie("familieportal").value != cookie_before
    assert db.execute("SELECT level, ended_at IS NOT NULL FROM sessions WHERE user_kind = 'parent'"
                      " ORDER BY created_at, rowid").fetchall() == [(1, 1), (2, 0)]


def test_a_first_visit_stays_a_first_visit_when_the_parent_confirms_with_mitid(auth, client, mitid):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    home = client.get("/").get_data(as_text=True)
    assert "Det nyeste" in home and "Nyt siden sidst" not in home  # not "new since" the link session just ended


def test_the_cpr_number_is_bound_only_where_the_municipality_turns_it_on(app, auth, client, mitid, db):
    app.config["BIND_CPR"] = True
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    assert bindings(db)[0]["cpr"] == "1203854128"


def test_after_that_log_ind_med_mitid_works_without_a_link(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    auth.sign_out()
    assert "Log ind med MitID" in client.get("/").get_data(as_text=True)
    back = mitid.sign_in("sara-holm")
    assert back.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Din kontaktperson" in home and "Mette Lund" in home


def test_a_mitid_no_parent_has_used_is_told_to_use_the_link_first(client, mitid, db):
    page = mitid.sign_in("ny-person")
    assert page.status_code == 403
    assert "Vi kender ikke dit MitID endnu" in page.get_data(as_text=True)
    assert client.get("/plan").status_code == 302  # still signed out


def test_a_mitid_bound_to_another_parent_is_refused(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    auth.sign_out()
    auth.sign_in(MARTIN, mitid=False)
    page = mitid.sign_in("sara-holm")  # Sara's MitID, on Martin's link
    assert page.status_code == 403
    assert "hører til en anden" in page.get_data(as_text=True)
    assert [b["email"] for b in bindings(db)] == [demo_data.PARENT_EMAIL]
    assert client.get("/plan").status_code == 401  # Martin's session stays a link session


def test_a_parent_with_a_mitid_bound_cannot_use_another(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    auth.sign_out()
    auth.sign_in(mitid=False)
    page = mitid.sign_in("ny-person")
    assert page.status_code == 403 and "Det er ikke dit MitID" in page.get_data(as_text=True)
    assert len(bindings(db)) == 1


# --- the round trip cannot be taken over ------------------------------------------------------------------

def test_an_answer_is_used_only_by_the_browser_that_asked(app, auth, client, mitid, db):
    auth.sign_in(mitid=False)
    posted = mitid.answer(mitid.leave("/plan"), "sara-holm")
    assert posted.status_code == 303
    stranger = app.test_client()
    assert stranger.get(posted.headers["Location"]).status_code == 400  # no key in its cookie
    assert client.get(posted.headers["Location"]).status_code == 302  # the parent's browser: in
    assert client.get(posted.headers["Location"]).status_code == 400  # and only once


def test_an_answer_to_no_request_of_ours_is_refused(app, mitid, db):
    mitid.settings()
    redirect = mitid.leave()
    form_posted = mitid.answer(redirect, "sara-holm")
    assert form_posted.status_code == 303
    again = app.test_client().post("/mitid/acs", data={"SAMLResponse": "x", "RelayState": "not-a-key"})
    assert again.status_code == 400 and "Vi kunne ikke logge dig ind" in again.get_data(as_text=True)


@pytest.mark.parametrize("tamper", ["unsigned", "signature", "expired", "audience"])
def test_a_forged_answer_is_refused_and_signs_no_one_in(auth, client, mitid, db, tamper):
    auth.sign_in(mitid=False)
    page = mitid.sign_in("sara-holm", tamper=tamper)
    assert page.status_code == 400
    assert bindings(db) == []
    assert client.get("/plan").status_code == 401
    assert db.execute("SELECT json_extract(detail, '$.reason') FROM audit_log WHERE action = 'sign_in.mitid_refused'"
                      ).fetchone()[0] in {tamper, "signature", "unsigned", "expired", "audience"}


def test_mitid_at_level_low_gets_a_page_that_says_what_to_do(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    page = mitid.sign_in("sara-holm", loa="Low")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "ikke sikkert nok" in text and "mitid.dk" in text
    assert bindings(db) == [] and client.get("/plan").status_code == 401


def test_cancelling_at_mitid_says_so(auth, client, mitid):
    auth.sign_in(mitid=False)
    page = mitid.sign_in("sara-holm", tamper="cancel")
    assert page.status_code == 400 and "Du afbrød MitID" in page.get_data(as_text=True)


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/mitid/finish"])
def test_mitid_never_sends_the_browser_elsewhere(auth, client, mitid, next_path):
    auth.sign_in(mitid=False)
    back = mitid.sign_in("sara-holm", next_path=next_path)
    assert back.status_code == 302 and back.headers["Location"] == "/"


# --- sessions ---------------------------------------------------------------------------------------------

def test_sensitive_pages_ask_for_mitid_again_after_step_up_hours(app, auth, client, mitid, set_clock):
    app.config["SESSION_IDLE_MINUTES"] = 24 * 60
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    assert client.get("/plan").status_code == 200
    set_clock(minutes=app.config["STEP_UP_HOURS"] * 60 + 1)
    assert client.get("/plan").status_code == 401
    assert client.get("/").status_code == 200


def test_staff_pages_refuse_a_parent_session_and_parent_pages_a_staff_session(auth, client):
    auth.sign_in()
    assert client.get("/staff/").status_code == 404
    assert client.get("/staff/families/1").status_code == 404
    auth.sign_out()
    auth.staff()
    assert client.get("/plan").status_code == 404
    assert client.get("/mitid/login").status_code == 404


def test_in_production_staff_links_are_off_unless_allowed(app, auth, client):
    app.config["STAFF_LINKS"] = False
    page = auth.use(auth.link(demo_data.COORDINATOR_EMAIL, kind="staff"))
    assert page.status_code == 403 and "kommunens eget login" in page.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # not signed in
    # The first admin signs in with a link while no single sign-on is set up.
    assert auth.use(auth.link(demo_data.ADMIN_EMAIL, kind="staff")).status_code == 302
    assert client.get("/staff/").status_code == 200


# --- the coordinator removes a binding --------------------------------------------------------------------

def test_a_coordinator_removes_a_parents_mitid_and_the_parent_sees_it(app, auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    auth.sign_out()
    auth.staff()
    members = client.get("/staff/families/1/members").get_data(as_text=True)
    assert "Fjern MitID" in members
    [binding] = bindings(db)
    removed = client.post(f"/staff/families/1/identities/{binding['id']}/remove",
                          data={"csrf_token": csrf_from(members)})
    assert removed.status_code == 303
    assert bindings(db)[0]["removed_at"] is not None
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'identity.removed' AND actor_kind = 'staff'"
                      ).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM sessions WHERE user_kind = 'parent' AND ended_at IS NULL").fetchone()[0] == 0
    client.post("/logout", data={"csrf_token": csrf_from(members)})
    # Her new MitID binds the next time she uses a link; her insight shows what happened.
    auth.sign_in(mitid=False)
    assert mitid.sign_in("ny-person").status_code == 302
    insight = client.get("/insight").get_data(as_text=True)
    assert "Fjernet" in insight and "Mette Lund" in insight


def test_a_binding_of_another_family_cannot_be_removed(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in("sara-holm")
    auth.sign_out()
    auth.staff("peter.friis@demo-kommune.dk")
    [binding] = bindings(db)
    page = client.get("/staff/")
    own_family = db.execute("SELECT id FROM families WHERE coordinator_id ="
                            " (SELECT id FROM staff WHERE email = 'peter.friis@demo-kommune.dk')").fetchone()[0]
    response = client.post(f"/staff/families/{own_family}/identities/{binding['id']}/remove",
                           data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 404
    assert bindings(db)[0]["removed_at"] is None


def test_metadata_is_served_at_our_entity_id(app, client):
    page = client.get("/mitid/metadata")
    assert page.status_code == 200 and page.content_type == "application/samlmetadata+xml"
    text = page.get_data(as_text=True)
    assert f'entityID="{app.config["MITID_ENTITY_ID"]}"' in text and "/mitid/acs" in text
