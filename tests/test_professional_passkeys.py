"""External professionals' passkeys: enrolled once from the coordinator's invitation, then link plus passkey.

The rule (portal/sign_in/passkeys.py): the first passkey only from a session
begun by the coordinator's e-mailed invitation, and only while the professional
has none in use; a link they asked for opens passkey sign-in, never enrolment;
"Fjern adgang" that leaves them nothing removes their passkeys.
"""
import json
import re
from pathlib import Path

import pytest

from conftest import HOLM, METTE, SPLIT, Auth, csrf_from, deliver, main_part
from portal.data import links
from test_passkeys import Authenticator, enrol, options_of, post
from test_professionals import involvement, professional_id


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


def open_professional_link(app, client, professional, origin="sent", channel="email", staff_id=METTE):
    """Open a professional's link (the coordinator's invitation unless told otherwise) and press Fortsæt."""
    with app.app_context():
        path = links.issue("professional", professional, origin=origin, channel=channel,
                           issued_by_staff_id=staff_id).removeprefix(app.config["BASE_URL"])
    page = client.get(path)
    assert client.post(path, data={"csrf_token": csrf_from(page.text)}).status_code == 302


def use_passkey(client, phone):
    page = client.get("/passkey", query_string={"next": "/fagperson/"})
    if page.status_code != 200:
        return page
    return post(client, "/passkey", page, phone.get(options_of(page)), next="/fagperson/")


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/fagperson/").text)})


@pytest.fixture
def enrolled(app, client, hanne):
    """Hanne made a passkey from an invitation, then signed out."""
    open_professional_link(app, client, hanne)
    phone = Authenticator()
    assert enrol(client, phone).status_code == 302
    sign_out(client)
    return phone


def session_of(db, professional):
    return db.execute("SELECT level, method FROM sessions WHERE user_kind = 'professional' AND user_id = ?"
                      " AND ended_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1", [professional]).fetchone()


def test_the_invitation_alone_shows_no_family_and_the_passkey_made_from_it_does(app, auth, client, db, hanne):
    auth.staff()
    token = csrf_from(client.get(f"/staff/families/{HOLM}/people").text)
    person = involvement(db, "Hanne Bech", HOLM)
    assert client.post(f"/staff/families/{HOLM}/people/{person}/invite",
                       data={"csrf_token": token}).status_code == 302
    deliver(app)
    [message] = [json.loads(f.read_text()) for f in Path(app.config["OUTBOX_DIR"]).glob("*.json")]
    [path] = re.findall(r"http://localhost(/fagperson/login/\S+)", message["text"])
    teacher = app.test_client()
    teacher.post(path, data={"csrf_token": csrf_from(teacher.get(path).text)})
    home = main_part(teacher.get("/fagperson/").text)
    assert "Familien Holm" not in home and "Lav en adgangsnøgle" in home
    assert teacher.get(f"/fagperson/familier/{HOLM}").status_code == 404
    response = enrol(teacher, Authenticator())
    assert response.status_code == 302 and response.headers["Location"] == "/fagperson/"
    assert tuple(session_of(db, hanne)) == (2, "passkey")
    assert "Familien Holm" in teacher.get("/fagperson/").text
    assert teacher.get(f"/fagperson/familier/{HOLM}").status_code == 200
    assert db.execute("SELECT holder_kind, family_id, parent_id FROM passkeys").fetchall() == [("professional", None,
                                                                                                None)]
    # The coordinator sees that she made one.
    assert "Har lavet en adgangsnøgle." in client.get(f"/staff/families/{HOLM}/people").text


@pytest.mark.parametrize("origin, channel, staff_id", [("requested", "email", None), ("sent", "shown", METTE),
                                                       ("sent", "email", None)])
def test_no_passkey_is_made_from_a_link_that_is_not_the_coordinators_invitation(app, client, db, hanne, origin,
                                                                                channel, staff_id):
    open_professional_link(app, client, hanne, origin=origin, channel=channel, staff_id=staff_id)
    assert "Lav en adgangsnøgle" not in client.get("/fagperson/").text
    assert client.get("/passkey/new").status_code == 403
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 0


def test_an_invitation_enrols_once_later_links_open_only_passkey_sign_in(app, client, db, hanne, enrolled):
    # A new invitation while she has a passkey: no second passkey from it (whoever reads her mail), only sign-in.
    open_professional_link(app, client, hanne)
    home = client.get("/fagperson/").text
    assert "Lav en adgangsnøgle" not in home and "Log ind med din adgangsnøgle" in home
    assert client.get("/passkey/new").status_code == 403
    response = use_passkey(client, enrolled)
    assert response.status_code == 302 and response.headers["Location"] == "/fagperson/"
    assert tuple(session_of(db, hanne)) == (2, "passkey")
    assert "Familien Holm" in client.get("/fagperson/").text
    # Confirmed with her passkey, she may add another (a new phone).
    assert enrol(client, Authenticator()).status_code == 302
    assert db.execute("SELECT count(*) FROM passkeys WHERE removed_at IS NULL").fetchone()[0] == 2


def test_a_link_she_asked_for_and_her_passkey_sign_her_in(app, client, db, hanne, enrolled):
    open_professional_link(app, client, hanne, origin="requested", staff_id=None)
    assert client.get(f"/fagperson/familier/{HOLM}").status_code == 404
    assert use_passkey(client, enrolled).status_code == 302
    assert client.get(f"/fagperson/familier/{HOLM}").status_code == 200


def test_another_professionals_passkey_does_not_sign_her_in(app, client, db, hanne, enrolled):
    pia = professional_id(db, "Pia Holt")
    open_professional_link(app, client, pia, origin="requested", staff_id=None)
    assert client.get("/passkey").status_code == 403  # Pia has none
    assert session_of(db, pia)[0] == 1


def test_fjern_adgang_that_leaves_her_nothing_removes_her_passkey(app, client, db, hanne, enrolled):
    staff = app.test_client()
    Auth(app, staff).staff()
    for family_id in (SPLIT, HOLM):
        token = csrf_from(staff.get(f"/staff/families/{family_id}/people").text)
        person = involvement(db, "Hanne Bech", family_id)
        assert staff.post(f"/staff/families/{family_id}/people/{person}/end-access",
                          data={"csrf_token": token}).status_code == 302
    assert db.execute("SELECT count(*) FROM passkeys WHERE removed_at IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'passkey.removed'").fetchone()[0] == 1
    open_professional_link(app, client, hanne, origin="requested", staff_id=None)
    assert use_passkey(client, enrolled).status_code == 403
    assert session_of(db, hanne)[0] == 1
    assert "Har lavet en adgangsnøgle." not in staff.get(f"/staff/families/{HOLM}/people").text


def test_fjern_adgang_in_one_family_keeps_the_passkey_for_the_other(app, client, db, hanne, enrolled):
    staff = app.test_client()
    Auth(app, staff).staff()
    token = csrf_from(staff.get(f"/staff/families/{SPLIT}/people").text)
    person = involvement(db, "Hanne Bech", SPLIT)
    assert staff.post(f"/staff/families/{SPLIT}/people/{person}/end-access",
                      data={"csrf_token": token}).status_code == 302
    open_professional_link(app, client, hanne, origin="requested", staff_id=None)
    assert use_passkey(client, enrolled).status_code == 302
    assert client.get(f"/fagperson/familier/{HOLM}").status_code == 200
    assert client.get(f"/fagperson/familier/{SPLIT}").status_code == 404


def test_after_step_up_hours_a_family_page_asks_for_the_passkey_again(app, client, db, hanne, enrolled, set_clock):
    app.config["SESSION_IDLE_MINUTES"] = 24 * 60
    app.config["SESSION_MAX_HOURS"] = 48
    open_professional_link(app, client, hanne, origin="requested", staff_id=None)
    assert use_passkey(client, enrolled).status_code == 302
    set_clock(app.config["STEP_UP_HOURS"] * 60 + 1)
    again = client.get(f"/fagperson/familier/{HOLM}")
    assert again.status_code == 302 and again.headers["Location"] == f"/passkey?next=/fagperson/familier/{HOLM}"
    page = client.get(again.headers["Location"])
    assert post(client, "/passkey", page, enrolled.get(options_of(page)),
                next=f"/fagperson/familier/{HOLM}").headers["Location"] == f"/fagperson/familier/{HOLM}"
    assert client.get(f"/fagperson/familier/{HOLM}").status_code == 200


def test_fjern_adgangsnoegle_for_a_lost_phone_keeps_her_access_and_a_new_invitation_enrols_anew(app, client, db,
                                                                                                hanne, enrolled):
    staff = app.test_client()
    Auth(app, staff).staff()
    token = csrf_from(staff.get(f"/staff/families/{HOLM}/people").text)
    person = involvement(db, "Hanne Bech", HOLM)
    path = f"/staff/families/{HOLM}/people/{person}/remove-passkeys"
    assert staff.post(path, data={"csrf_token": token}).status_code == 302
    assert db.execute("SELECT count(*) FROM passkeys WHERE removed_at IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'person.passkeys_removed'").fetchone()[0] == 1
    # Pressed again: a clear answer, not a 500.
    again = staff.post(path, data={"csrf_token": token})
    assert again.status_code == 400 and "Personen har ingen adgangsnøgle" in again.text
    open_professional_link(app, client, hanne, origin="requested", staff_id=None)
    assert use_passkey(client, enrolled).status_code == 403
    sign_out(client)
    open_professional_link(app, client, hanne)
    assert enrol(client, Authenticator()).status_code == 302
    assert client.get(f"/fagperson/familier/{SPLIT}").status_code == 200
