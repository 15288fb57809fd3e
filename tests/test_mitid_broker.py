"""MitID through a broker that speaks OpenID Connect (FAMILIEPORTAL_MITID_OIDC_ISSUER): the same binding,
the same levels, the same pages as through NemLog-in's SAML. The OIDC mock (portal/dev_idp/oidc_mock) answers;
tests/test_oidc.py holds the token checks themselves (iss, aud, nonce, expiry, signature)."""
from urllib.parse import urlsplit

import pytest

from portal import demo as demo_data
from portal.data import access
from portal.dev_idp import oidc_mock
from portal.sign_in import oidc

SARA = oidc_mock.person("Sara Holm")
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")  # the mock's Authlib use


@pytest.fixture(scope="module")
def broker():
    with oidc_mock.start(0) as running:
        yield running


@pytest.fixture(autouse=True)
def use_broker(app, broker):
    oidc.clear_cache()
    app.config.update(MITID_GATE=True, MITID_OIDC_ISSUER=broker.issuer,
                      MITID_OIDC_CLIENT_ID=oidc_mock.PARENT_CLIENT_ID,
                      MITID_OIDC_CLIENT_SECRET=oidc_mock.CLIENT_SECRET, MITID_OIDC_LOA_CLAIM=oidc_mock.LOA_CLAIM)


def round_trip(client, person, next_path=None):
    """Leave for the broker, answer as `person` (None: cancel), come back: the callback's response."""
    leave = client.get("/mitid/login", query_string={"next": next_path} if next_path else None)
    assert leave.status_code == 302
    back = urlsplit(oidc_mock.answer(leave.headers["Location"], person.subject if person else None))
    assert back.path == "/mitid/callback"
    return client.get(f"{back.path}?{back.query}")


def bindings(db):
    return db.execute("SELECT p.email, b.issuer, b.subject FROM identity_bindings b"
                      " JOIN parents p ON p.id = b.parent_id WHERE b.removed_at IS NULL").fetchall()


def session_level(db, email):
    return tuple(db.execute("SELECT s.level, s.method FROM sessions s JOIN parents p ON p.id = s.user_id"
                            " WHERE s.user_kind = 'parent' AND p.email = ? AND s.ended_at IS NULL", [email]).fetchone())


def test_first_visit_binds_the_brokers_pseudonym_and_opens_the_page(auth, client, broker, db):
    auth.sign_in(mitid=False)
    back = round_trip(client, SARA, next_path="/plan")
    assert back.status_code == 302 and back.headers["Location"] == "/plan"
    assert client.get("/plan").status_code == 200
    assert bindings(db) == [(demo_data.PARENT_EMAIL, broker.issuer, SARA.subject)]
    assert session_level(db, demo_data.PARENT_EMAIL) == (access.SUBSTANTIAL, "mitid")


def test_after_that_log_ind_med_mitid_works_without_a_link(auth, client, db):
    auth.sign_in(mitid=False)
    round_trip(client, SARA)
    auth.sign_out()
    assert round_trip(client, SARA).status_code == 302
    assert "Din kontaktperson" in client.get("/").get_data(as_text=True)


def test_a_broker_identity_bound_to_another_parent_is_refused(auth, client, db):
    auth.sign_in(mitid=False)
    round_trip(client, SARA)
    auth.sign_out()
    auth.sign_in(demo_data.SPLIT_FAMILY_PARENT_EMAIL, mitid=False)
    refused = round_trip(client, SARA)
    assert refused.status_code == 403 and "allerede" in refused.get_data(as_text=True)
    assert session_level(db, demo_data.SPLIT_FAMILY_PARENT_EMAIL) == (access.LINK, "link")


def test_level_low_from_the_broker_gets_the_page_that_says_what_to_do(auth, client, db):
    auth.sign_in(mitid=False)
    low = round_trip(client, oidc_mock.person("Lav Sikring"))
    assert low.status_code == 403 and "Dit MitID er ikke sikkert nok" in low.get_data(as_text=True)
    assert bindings(db) == [] and session_level(db, demo_data.PARENT_EMAIL) == (access.LINK, "link")


def test_cancelling_at_the_broker_says_so(auth, client, db):
    auth.sign_in(mitid=False)
    cancelled = round_trip(client, None)
    assert cancelled.status_code == 400 and bindings(db) == []


def test_the_answer_is_used_only_by_the_browser_that_asked(app, auth, client, db):
    auth.sign_in(mitid=False)
    leave = client.get("/mitid/login")
    back = urlsplit(oidc_mock.answer(leave.headers["Location"], SARA.subject))
    other = app.test_client()
    stolen = other.get(f"{back.path}?{back.query}")
    assert stolen.status_code == 400 and bindings(db) == []
    assert client.get(f"{back.path}?{back.query}").status_code == 302  # the browser that asked still may


def test_no_broker_configured_means_no_callback(app, client):
    app.config["MITID_OIDC_ISSUER"] = None
    assert client.get("/mitid/callback?code=x&state=y").status_code == 404


def test_a_broker_out_of_reach_gets_a_try_later_page(app, auth, client):
    app.config["MITID_OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens there
    auth.sign_in(mitid=False)
    down = client.get("/mitid/login")
    assert down.status_code == 503 and "MitID" in down.get_data(as_text=True)
