"""An external professional who lost their way in asks for a new link on the sign-in page, by e-mail."""
import re

import pytest

from conftest import HOLM, METTE, csrf_from
from portal import demo as demo_data
from test_professional_passkeys import enrolled, use_passkey  # noqa: F401  (fixture)
from test_professionals import professional_id
from test_request_link import ask, outbox


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


def body(page):
    return page.text.split('<main id="indhold">')[1].split("</main>")[0]


def open_from_mail(app, message):
    [path] = re.findall(r"http://localhost(/fagperson/login/\S+)", message["text"])
    client = app.test_client()
    client.post(path, data={"csrf_token": csrf_from(client.get(path).text)})
    return client


def test_a_professional_asks_by_email_and_the_link_opens_passkey_sign_in_never_enrolment(app, client, db, hanne,
                                                                                         enrolled):
    page = ask(app.test_client(), demo_data.TEACHER_EMAIL.upper())
    assert page.status_code == 200 and "Se din e-mail" in page.text
    [message] = outbox(app)
    assert message["to"] == demo_data.TEACHER_EMAIL
    for private in ("Holm", "Emil", "Sara", "Demoby Skole", "Hanne"):
        assert private not in message["text"]
    teacher = open_from_mail(app, message)
    assert db.execute("SELECT origin FROM sign_in_links WHERE subject_kind = 'professional' AND used_at IS NOT NULL"
                      " ORDER BY id DESC").fetchone()[0] == "requested"
    home = teacher.get("/fagperson/").text
    assert "Familien Holm" not in home and "Log ind med din adgangsnøgle" in home
    assert teacher.get("/passkey/new").status_code == 403
    assert use_passkey(teacher, enrolled).status_code == 302
    assert teacher.get(f"/fagperson/familier/{HOLM}").status_code == 200


def test_the_answer_is_the_same_for_a_professional_a_parent_and_an_unknown_address(app, db):
    pages = [ask(app.test_client(), address) for address in
             (demo_data.TEACHER_EMAIL, "sara.holm@example.dk", "nobody@example.dk")]
    assert {page.status_code for page in pages} == {200}
    assert body(pages[0]) == body(pages[1]) == body(pages[2])
    # One queued row each, known or not; only the two known addresses get a message.
    assert db.execute("SELECT count(*) FROM outbox WHERE purpose IN ('link_request', 'sign_in_link')"
                      ).fetchone()[0] == 3
    assert sorted(m["to"] for m in outbox(app)) == sorted([demo_data.TEACHER_EMAIL, "sara.holm@example.dk"])


def test_a_professional_without_access_anywhere_gets_no_link(app, db, hanne):
    db.execute("UPDATE people_involved SET scope = 'none' WHERE professional_id = ?", [hanne])
    db.conn.commit()
    assert ask(app.test_client(), demo_data.TEACHER_EMAIL).status_code == 200
    assert outbox(app) == []


def test_a_deactivated_professional_gets_no_link(app, db, hanne):
    db.execute("UPDATE professionals SET active = 0 WHERE id = ?", [hanne])
    db.conn.commit()
    ask(app.test_client(), demo_data.TEACHER_EMAIL)
    assert outbox(app) == []


def test_a_professionals_requests_have_the_parents_limit(app, db):
    client = app.test_client()
    pages = [ask(client, demo_data.TEACHER_EMAIL) for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 5 and body(pages[0]) == body(pages[4])
    assert len(outbox(app)) == app.config["LINK_REQUESTS_PER_IDENTIFIER"] == 3
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.link_request_limited'").fetchone()[0] == 2


def test_a_requested_link_never_revokes_the_invitation(app, db, hanne):
    from portal.data import links

    with app.app_context():
        invitation = links.issue("professional", hanne, origin="sent", channel="email", issued_by_staff_id=METTE)
    ask(app.test_client(), demo_data.TEACHER_EMAIL)
    outbox(app)
    path = invitation.removeprefix("http://localhost")
    assert app.test_client().get(path).status_code == 200  # a stranger's requests never take away the invitation
