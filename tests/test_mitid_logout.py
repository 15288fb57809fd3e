"""Single logout with NemLog-in: signing out here offers signing out of MitID too, and NemLog-in's own
LogoutRequest ends the parent's sessions here. The fake NemLog-in (portal/dev_idp) signs both ways."""
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from mitid_helpers import TestMitID
from portal import demo as demo_data
from portal.dev_idp import DEV_IDP_URL, nemlogin
from portal.dev_idp.persons import person

SARA, MARTIN = "sara-holm", "martin-andersen"


@pytest.fixture
def mitid(app, client):
    app.config["MITID_GATE"] = True
    return TestMitID(app, client)


def live_sessions(db, email):
    return db.execute("SELECT count(*) FROM sessions s JOIN parents p ON p.id = s.user_id"
                      " WHERE s.user_kind = 'parent' AND p.email = ? AND s.ended_at IS NULL", [email]).fetchone()[0]


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_signing_out_of_a_mitid_session_offers_signing_out_of_mitid_and_completes_the_round_trip(auth, client,
                                                                                                   mitid):
    auth.sign_in(mitid=False)
    mitid.sign_in(SARA)
    signed_out = client.get(auth.sign_out().headers["Location"]).get_data(as_text=True)
    assert "Du er logget ud" in signed_out and "Log også ud af MitID" in signed_out
    leave = client.get("/mitid/logout/start")
    assert leave.status_code == 302 and leave.headers["Location"].startswith(f"{DEV_IDP_URL}/slo?SAMLRequest=")
    # NemLog-in checks our signature and answers; we check its signature and say "signed out".
    back = nemlogin.answer_logout_request(mitid.settings(), leave.headers["Location"])
    done = client.get(path_of(back))
    assert done.status_code == 302 and done.headers["Location"].endswith("/logged-out?reason=signed_out")
    assert "Log også ud af MitID" not in client.get(done.headers["Location"]).get_data(as_text=True)  # once


def test_a_link_session_signs_out_here_only(auth, client, mitid):
    auth.sign_in(mitid=False)
    signed_out = client.get(auth.sign_out().headers["Location"]).get_data(as_text=True)
    assert "Du er logget ud" in signed_out and "Log også ud af MitID" not in signed_out
    assert client.get("/mitid/logout/start").headers["Location"].endswith("/logged-out?reason=signed_out")


def test_nemlogins_logout_request_ends_the_parents_sessions_here(app, auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in(SARA)
    assert live_sessions(db, demo_data.PARENT_EMAIL) == 1
    answer = client.get(path_of(nemlogin.logout_request_url(mitid.settings(), person(SARA).pseudonym)))
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"{DEV_IDP_URL}/slo?SAMLResponse=")
    assert live_sessions(db, demo_data.PARENT_EMAIL) == 0
    assert client.get("/plan").status_code == 302  # signed out: back to the sign-in page
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.mitid_logout'").fetchone()[0] == 1


def test_a_logout_request_for_someone_else_ends_no_one_elses_sessions(auth, client, mitid, db):
    auth.sign_in(mitid=False)
    mitid.sign_in(SARA)
    answer = client.application.test_client().get(path_of(nemlogin.logout_request_url(mitid.settings(), person(MARTIN).pseudonym)))
    assert answer.status_code == 302  # NemLog-in is told "done": Martin has no MitID session here
    assert live_sessions(db, demo_data.PARENT_EMAIL) == 1 and client.get("/plan").status_code == 200


@pytest.mark.parametrize("forge", ["signature", "unsigned"])
def test_a_forged_logout_request_is_refused_and_ends_nothing(auth, client, mitid, db, forge):
    auth.sign_in(mitid=False)
    mitid.sign_in(SARA)
    url = urlsplit(nemlogin.logout_request_url(mitid.settings(), person(SARA).pseudonym))
    params = parse_qs(url.query)
    if forge == "unsigned":
        query = "&".join(f"{k}={quote(v[0], safe='')}" for k, v in params.items() if k not in ("Signature", "SigAlg"))
    else:  # the signature of another message: one byte of the request changed after signing
        request = params["SAMLRequest"][0]
        params["SAMLRequest"] = [request[:20] + ("A" if request[20] != "A" else "B") + request[21:]]
        query = "&".join(f"{k}={quote(v[0], safe='')}" for k, v in params.items())
    refused = client.application.test_client().get(f"{url.path}?{query}")
    assert refused.status_code == 400 and "MitID" in refused.get_data(as_text=True)
    assert live_sessions(db, demo_data.PARENT_EMAIL) == 1
