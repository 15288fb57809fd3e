"""Staff sign in with the municipality's single sign-on (portal/sign_in/staff_sso.py).

OpenID Connect goes over real HTTP to the test provider (portal/dev_idp/oidc_mock.py)
on a thread; its ID-token refusals are forged with joserfc. SAML answers come from
an AD FS-like variant of the fake NemLog-in (tests/staff_sso_helpers.py), posted
without cookies as a browser posts them from the IdP's site.
"""
import json
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from conftest import csrf_from
from portal import create_app
from portal import demo as demo_data
from portal.config import ADFS_UPN, ConfigError
from portal.data.changes import SYSTEM
from portal.data.changes import staff as staff_changes
from portal.dev_idp import DEV_IDP_ENTITY_ID, oidc_mock
from portal.sign_in import oidc
from staff_sso_helpers import StaffIdP

pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

METTE = demo_data.COORDINATOR_EMAIL
ANNE = demo_data.ADMIN_EMAIL
JONAS = "jonas.berg@demo-kommune.dk"


@pytest.fixture(scope="module")
def mock():
    with oidc_mock.start(0) as running:
        yield running


@pytest.fixture
def entra(app, mock):
    """The portal set up for OpenID Connect against the mock, as for Microsoft Entra ID."""
    app.config.update(STAFF_SSO="oidc", STAFF_OIDC_ISSUER=mock.issuer, STAFF_OIDC_CLIENT_ID=oidc_mock.STAFF_CLIENT_ID,
                      STAFF_OIDC_CLIENT_SECRET=oidc_mock.CLIENT_SECRET, STAFF_OIDC_MATCH_CLAIM="upn")
    return mock


def leave(client):
    """GET /staff/sso/login: the redirect to the identity provider."""
    response = client.get("/staff/sso/login")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def come_back(client, back):
    assert back.startswith("http://localhost/staff/sso/callback?"), back
    return client.get(back.removeprefix("http://localhost"))


def oidc_sign_in(client, name):
    """The whole OpenID round trip for the mock's person `name` (None: "Afbryd"); the callback's response."""
    url = leave(client)
    return come_back(client, oidc_mock.answer(url, oidc_mock.person(name).subject if name else None))


def staff_id(db, email):
    return db.execute("SELECT id FROM staff WHERE lower(email) = lower(?)", [email]).fetchone()[0]


def live_sessions(db, email):
    return list(db.query("SELECT * FROM sessions WHERE user_kind = 'staff' AND ended_at IS NULL AND user_id = ?",
                         [staff_id(db, email)]))


def audit_actions(db):
    return [row["action"] for row in db.query("SELECT action FROM audit_log ORDER BY id")]


def deactivate(app, db, email):
    """Close a staff account the way an admin does (their families handed to Mette first)."""
    db.execute("UPDATE families SET coordinator_id = ? WHERE coordinator_id = ?",
               [staff_id(db, METTE), staff_id(db, email)])
    db.conn.commit()
    with app.app_context():
        staff_changes.set_staff_active(SYSTEM, staff_id(db, email), None, False)


def signed_in_as_staff(client):
    return client.get("/staff/").status_code == 200


# OpenID Connect ------------------------------------------------------------------------------------------------

def test_a_coordinator_signs_in_with_the_municipalitys_login_to_their_caseload(app, client, entra, db):
    response = oidc_sign_in(client, "Mette Lund")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200 and "Familien Holm" in page.text
    [row] = live_sessions(db, METTE)
    assert (row["level"], row["method"]) == (2, "sso") and row["assured_at"]
    assert "sign_in.sso" in audit_actions(db)


def test_a_signed_in_staff_member_goes_from_the_sign_in_page_to_their_caseload(app, auth, client):
    auth.staff()
    response = client.get("/staff/login")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_the_staff_sign_in_page_offers_the_municipalitys_login_when_it_is_set_up(app, client):
    page = client.get("/staff/login")
    assert page.status_code == 200 and "Log ind med din kommunes login" not in page.text
    assert client.get("/staff/sso/login").status_code == 404  # nothing to leave for
    app.config["STAFF_SSO"] = "oidc"
    page = client.get("/staff/login")
    assert "Log ind med din kommunes login" in page.text and 'href="/staff/sso/login"' in page.text


def test_staff_are_matched_on_their_email_in_any_case(app, client, entra, db):
    db.execute("UPDATE staff SET email = 'Mette.Lund@Demo-Kommune.DK' WHERE id = ?", [staff_id(db, METTE)])
    db.conn.commit()
    assert oidc_sign_in(client, "Mette Lund").status_code == 302
    assert signed_in_as_staff(client)


def test_someone_the_portal_does_not_know_gets_a_clear_page_and_no_session(app, client, entra, db):
    response = oidc_sign_in(client, "Kim Ukendt")
    assert response.status_code == 403
    assert "Du er ikke oprettet i Familieportalen" in response.text
    assert not signed_in_as_staff(client)
    assert db.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
    assert "sign_in.sso_unknown" in audit_actions(db)


def test_a_deactivated_staff_member_gets_a_clear_page_and_no_session(app, client, entra, db):
    deactivate(app, db, "peter.friis@demo-kommune.dk")
    response = oidc_sign_in(client, "Peter Friis")
    assert response.status_code == 403 and "Din adgang er lukket" in response.text
    assert not signed_in_as_staff(client)
    assert live_sessions(db, "peter.friis@demo-kommune.dk") == []
    assert "sign_in.sso_deactivated" in audit_actions(db)


def test_deactivating_a_staff_member_ends_their_single_sign_on_session_at_once(app, client, entra, db):
    assert oidc_sign_in(client, "Peter Friis").status_code == 302
    assert signed_in_as_staff(client)
    deactivate(app, db, "peter.friis@demo-kommune.dk")
    assert not signed_in_as_staff(client)
    assert live_sessions(db, "peter.friis@demo-kommune.dk") == []


@pytest.fixture
def boastful_mock(app):
    """A provider that says Mette is an admin and Anne a mere coordinator: the portal must not listen."""
    people = []
    for name, roles in (("Mette Lund", ["admin"]), ("Anne Krogh", ["coordinator"])):
        person = oidc_mock.person(name)
        claims = {**person.claims, "roles": roles, "role": roles[0], "groups": roles}
        people.append(oidc_mock.DemoPerson(person.subject, person.label, claims))
    with oidc_mock.start(0, people=tuple(people)) as running:
        app.config.update(STAFF_SSO="oidc", STAFF_OIDC_ISSUER=running.issuer,
                          STAFF_OIDC_CLIENT_ID=oidc_mock.STAFF_CLIENT_ID,
                          STAFF_OIDC_CLIENT_SECRET=oidc_mock.CLIENT_SECRET, STAFF_OIDC_MATCH_CLAIM="upn")
        yield running


def test_the_role_comes_from_the_portals_staff_table_never_from_the_identity_provider(app, client, boastful_mock):
    assert oidc_sign_in(client, "Mette Lund").status_code == 302
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/accounts/").status_code == 404  # a coordinator, whatever the provider says
    assert oidc_sign_in(client, "Anne Krogh").status_code == 302
    assert client.get("/staff/accounts/").status_code == 200  # an admin, whatever the provider says


def test_cancelling_at_the_identity_provider_gets_a_friendly_page(app, client, entra, db):
    response = oidc_sign_in(client, None)
    assert response.status_code == 400 and "Kommunens login blev afbrudt" in response.text
    assert not signed_in_as_staff(client)
    assert "sign_in.sso_refused" in audit_actions(db)


def test_a_callback_is_used_once_and_only_by_the_browser_that_left(app, client, entra):
    back = oidc_mock.answer(leave(client), oidc_mock.person("Mette Lund").subject)
    stranger = app.test_client()
    assert come_back(stranger, back).status_code == 400  # no key in its cookie: "Det tog for lang tid"
    assert not signed_in_as_staff(stranger)
    assert come_back(client, back).status_code == 302
    client.get("/staff/")
    second = come_back(client, back)  # the same answer again: its request is used up
    assert second.status_code == 400 and "Det tog for lang tid" in second.text


def test_an_unreachable_provider_gets_a_friendly_page_not_a_500(app, client):
    app.config.update(STAFF_SSO="oidc", STAFF_OIDC_ISSUER="http://127.0.0.1:9", STAFF_OIDC_CLIENT_ID="x",
                      STAFF_OIDC_CLIENT_SECRET="y")
    oidc.clear_cache()
    response = client.get("/staff/sso/login")
    assert response.status_code == 503 and "Kommunens login svarer ikke lige nu" in response.text


# Forged ID tokens reach the friendly page, and sign no one in ------------------------------------------------

@pytest.fixture(scope="module")
def forger_key():
    return RSAKey.generate_key(2048, {"kid": "forger-1"})


@pytest.fixture
def forged(app, client, entra, db, monkeypatch, forger_key):
    """Answer the callback with an ID token we sign (the provider's key set is ours): fields changed as asked."""
    monkeypatch.setattr(oidc, "_jwks", lambda provider, metadata, fresh=False: KeySet([forger_key]).as_dict())

    def answer(**changes):
        back = oidc_mock.answer(leave(client), oidc_mock.person("Mette Lund").subject)
        pending = json.loads(db.execute("SELECT request_id FROM sign_in_requests").fetchone()[0])
        now = int(time.time())
        claims = {"iss": entra.issuer, "aud": oidc_mock.STAFF_CLIENT_ID, "sub": "demo-staff-mette-lund",
                  "iat": now, "exp": now + 300, "nonce": pending["nonce"], "upn": METTE}
        claims.update(changes)
        token = jwt.encode({"alg": "RS256", "kid": "forger-1"}, claims, forger_key, algorithms=["RS256"])
        monkeypatch.setattr(oidc, "_exchange", lambda *args: token)
        return come_back(client, back)
    return answer


def test_a_forged_token_with_every_field_right_signs_in(client, forged):
    """So that the refusals below come from the field each changes, not from the forging."""
    assert forged().status_code == 302
    assert signed_in_as_staff(client)


@pytest.mark.parametrize("changes", [
    {"iss": "https://login.microsoftonline.com/another-tenant/v2.0"},
    {"aud": "another-client"},
    {"nonce": "not-the-nonce"},
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
], ids=["iss", "aud", "nonce", "expired"])
def test_a_token_with_the_wrong_iss_aud_or_nonce_or_expired_gets_the_friendly_page(client, forged, db, changes):
    response = forged(**changes)
    assert response.status_code == 400
    assert "Vi kunne ikke logge dig ind" in response.text
    assert not signed_in_as_staff(client)
    assert db.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
    assert "sign_in.sso_refused" in audit_actions(db)


# Parents and staff stay apart ------------------------------------------------------------------------------------

def test_a_parent_session_cannot_use_the_staff_sign_in_routes_or_staff_pages(app, auth, client, entra):
    auth.sign_in()
    for path in ("/staff/sso/login", "/staff/sso/callback?state=x&code=y", "/staff/", "/staff/accounts/"):
        assert client.get(path).status_code == 404, path


def test_a_staff_session_from_single_sign_on_cannot_open_parent_pages(app, client, entra):
    assert oidc_sign_in(client, "Mette Lund").status_code == 302
    for path in ("/plan", "/meetings", "/goals", "/timeline", "/insight", "/messages"):
        assert client.get(path).status_code == 404, path


def test_with_single_sign_on_set_up_an_admins_staff_link_is_refused(app, auth, client, entra):
    app.config["STAFF_LINKS"] = False
    page = auth.use(auth.link(ANNE, kind="staff"))
    assert page.status_code == 403 and "kommunens eget login" in page.text and 'href="/staff/login"' in page.text
    assert not signed_in_as_staff(client)
    app.config["STAFF_LINKS"] = True  # a municipality that allows them
    assert auth.use(auth.link(ANNE, kind="staff")).status_code == 302


def test_an_sso_session_older_than_step_up_hours_goes_through_the_login_again(app, client, entra, set_clock):
    assert oidc_sign_in(client, "Mette Lund").status_code == 302
    app.config["SESSION_IDLE_MINUTES"] = 24 * 60
    set_clock(app.config["STEP_UP_HOURS"] * 60 + 1)
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/sso/login"


# SAML (AD FS, KOMBIT's Context Handler) ---------------------------------------------------------------------

@pytest.fixture
def adfs(app, tmp_path):
    idp = StaffIdP(tmp_path / "adfs")
    app.config.update(idp.portal_config)
    metadata = app.test_client().get("/staff/sso/metadata")
    assert metadata.status_code == 200
    idp.learn_sp_metadata(metadata.text)
    return idp


def saml_sign_in(app, client, idp, attributes=None, **forge):
    """Leave, let the IdP answer (posted without cookies), and come back; the last response."""
    form = idp.respond(leave(client), {ADFS_UPN: METTE} if attributes is None else attributes, **forge)
    assert urlsplit(form["url"]).path == "/staff/sso/acs"
    posted = app.test_client().post("/staff/sso/acs", data={"SAMLResponse": form["SAMLResponse"],
                                                            "RelayState": form["RelayState"]})
    if posted.status_code != 303:
        return posted
    return client.get(posted.headers["Location"])


def test_a_coordinator_signs_in_through_ad_fs(app, client, adfs, db):
    response = saml_sign_in(app, client, adfs)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert signed_in_as_staff(client)
    [row] = live_sessions(db, METTE)
    assert (row["level"], row["method"]) == (2, "sso")


def test_the_request_to_the_staff_idp_asks_for_no_nsis_level(app, client, adfs):
    from portal.dev_idp import nemlogin

    request, _relay = nemlogin.read_authn_request(adfs._settings(str(adfs.sp_metadata_file)), leave(client))
    assert request.requested_authn_context is None and request.name_id_policy is None


def test_an_encrypted_assertion_is_read_too(app, client, adfs):
    assert saml_sign_in(app, client, adfs, encrypt=True).status_code == 302
    assert signed_in_as_staff(client)


def test_the_saml_match_is_on_the_configured_attribute_in_any_case(app, client, adfs):
    email = "https://data.gov.dk/model/core/eid/email"
    app.config["STAFF_SAML_MATCH_ATTRIBUTE"] = email  # as for KOMBIT's Context Handler
    refused = saml_sign_in(app, client, adfs, {ADFS_UPN: METTE})  # not the attribute configured
    assert refused.status_code == 400 and "Vi kunne ikke logge dig ind" in refused.text
    assert saml_sign_in(app, client, adfs, {email: "METTE.LUND@demo-kommune.dk"}).status_code == 302
    assert signed_in_as_staff(client)


def test_through_saml_too_the_role_comes_from_the_portals_staff_table(app, client, adfs):
    role = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
    assert saml_sign_in(app, client, adfs, {ADFS_UPN: METTE, role: "admin"}).status_code == 302
    assert client.get("/staff/").status_code == 200 and client.get("/staff/accounts/").status_code == 404
    assert saml_sign_in(app, client, adfs, {ADFS_UPN: ANNE, role: "coordinator"}).status_code == 302
    assert client.get("/staff/accounts/").status_code == 200


def test_someone_unknown_through_saml_gets_the_clear_page(app, client, adfs, db):
    response = saml_sign_in(app, client, adfs, {ADFS_UPN: "kim.ukendt@demo-kommune.dk"})
    assert response.status_code == 403 and "Du er ikke oprettet i Familieportalen" in response.text
    assert not signed_in_as_staff(client)


def test_a_deactivated_staff_member_through_saml_gets_the_clear_page(app, client, adfs, db):
    deactivate(app, db, "peter.friis@demo-kommune.dk")
    response = saml_sign_in(app, client, adfs, {ADFS_UPN: "peter.friis@demo-kommune.dk"})
    assert response.status_code == 403 and "Din adgang er lukket" in response.text
    assert not signed_in_as_staff(client)


@pytest.mark.parametrize("tamper", ["unsigned", "other_key", "expired", "audience", "in_response_to"])
def test_a_forged_saml_answer_gets_the_friendly_page_and_signs_no_one_in(app, client, adfs, db, tamper):
    response = saml_sign_in(app, client, adfs, tamper=tamper)
    assert response.status_code == 400 and "Vi kunne ikke logge dig ind" in response.text
    assert not signed_in_as_staff(client)
    assert "sign_in.sso_refused" in audit_actions(db)


def test_cancelling_at_the_saml_idp_says_so(app, client, adfs):
    response = saml_sign_in(app, client, adfs, tamper="cancel")
    assert response.status_code == 400 and "Kommunens login blev afbrudt" in response.text


def test_a_saml_answer_is_accepted_once(app, client, adfs):
    form = adfs.respond(leave(client), {ADFS_UPN: METTE})
    data = {"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]}
    assert app.test_client().post("/staff/sso/acs", data=data).status_code == 303
    assert app.test_client().post("/staff/sso/acs", data=data).status_code == 400


def test_the_saml_idp_signs_a_staff_member_out(app, client, adfs, db):
    from portal.dev_idp import nemlogin

    assert saml_sign_in(app, client, adfs).status_code == 302
    url = nemlogin.logout_request_url(adfs._settings(str(adfs.sp_metadata_file)), "S-1-5-21-demo")
    assert url.startswith("http://localhost/staff/sso/logout?SAMLRequest=")
    tampered = url.replace("Signature=", "Signature=AAAA")
    refused = client.get(tampered.removeprefix("http://localhost"))
    assert refused.status_code == 400 and signed_in_as_staff(client)
    answered = client.get(url.removeprefix("http://localhost"))
    assert answered.status_code == 302 and answered.headers["Location"].startswith(f"{adfs.base_url}/slo?SAMLResponse=")
    assert not signed_in_as_staff(client)
    assert live_sessions(db, METTE) == [] and "sign_in.sso_signed_out" in audit_actions(db)


def test_saml_metadata_is_served_only_when_saml_is_set_up(app, client, adfs):
    assert f'entityID="{app.config["STAFF_SAML_ENTITY_ID"]}"' in client.get("/staff/sso/metadata").text
    assert app.config["STAFF_SAML_ENTITY_ID"].endswith("/staff/sso/metadata")
    app.config["STAFF_SSO"] = "oidc"
    assert client.get("/staff/sso/metadata").status_code == 404


# Configuration -----------------------------------------------------------------------------------------------

PRODUCTION = {"PRODUCTION": True, "SECRET_KEY": "x" * 40, "BASE_URL": "https://familie.example-kommune.dk"}


def test_staff_sso_must_be_a_protocol_we_speak_with_its_provider_named():
    with pytest.raises(ConfigError, match="oidc, saml or empty"):
        create_app({"STAFF_SSO": "ldap"})
    with pytest.raises(ConfigError, match="FAMILIEPORTAL_STAFF_OIDC_ISSUER"):
        create_app({"STAFF_SSO": "oidc", "STAFF_OIDC_CLIENT_ID": "x", "STAFF_OIDC_CLIENT_SECRET": "y"})
    with pytest.raises(ConfigError, match="FAMILIEPORTAL_STAFF_SAML_IDP_METADATA"):
        create_app({"STAFF_SSO": "saml"})


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:5002", "http://localhost:5002", "https://idp.test"])
@pytest.mark.parametrize("setting", ["STAFF_OIDC_ISSUER", "MITID_OIDC_ISSUER"])
def test_production_refuses_to_start_with_a_test_openid_provider(tmp_path, setting, issuer):
    config = {**PRODUCTION, "DATABASE": str(tmp_path / "p.db"), setting: issuer}
    if setting == "STAFF_OIDC_ISSUER":
        config.update(STAFF_SSO="oidc", STAFF_OIDC_CLIENT_ID="x", STAFF_OIDC_CLIENT_SECRET="y")
    else:
        config.update(MITID_OIDC_CLIENT_ID="x", MITID_OIDC_CLIENT_SECRET="y")
    with pytest.raises(ConfigError, match="test identity provider"):
        create_app(config)
    config[setting] = "https://login.microsoftonline.com/tenant/v2.0"
    assert create_app(config).config[setting].startswith("https://login.")


@pytest.mark.parametrize("setting", ["MITID_IDP_METADATA", "STAFF_SAML_IDP_METADATA"])
def test_production_refuses_to_start_with_the_test_mitids_metadata(tmp_path, setting):
    test_idp, real_idp = tmp_path / "test-idp.xml", tmp_path / "real-idp.xml"
    test_idp.write_text(f'<EntityDescriptor entityID="{DEV_IDP_ENTITY_ID}"/>')
    real_idp.write_text('<EntityDescriptor entityID="https://saml.nemlog-in.dk"/>')
    config = {**PRODUCTION, "DATABASE": str(tmp_path / "p.db"), setting: str(test_idp)}
    if setting == "STAFF_SAML_IDP_METADATA":
        config.update(STAFF_SSO="saml", STAFF_SAML_KEY_FILE="k", STAFF_SAML_CERT_FILE="c")
    with pytest.raises(ConfigError, match="test MitID"):
        create_app(config)
    config[setting] = str(real_idp)
    assert create_app(config).config[setting] == str(real_idp)
    config[setting] = str(tmp_path / "missing.xml")
    with pytest.raises(ConfigError, match="cannot read"):
        create_app(config)


def test_development_may_use_the_test_identity_providers(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "d.db"), "STAFF_SSO": "oidc", "STAFF_OIDC_ISSUER": "http://127.0.0.1:5002",
                      "STAFF_OIDC_CLIENT_ID": "x", "STAFF_OIDC_CLIENT_SECRET": "y"})
    assert app.config["STAFF_SSO"] == "oidc"


def test_two_accounts_that_differ_only_in_case_are_never_guessed_between(app, client, entra, db):
    db.execute("UPDATE staff SET email = 'Mette.Lund@demo-kommune.dk' WHERE email = ?", [JONAS])
    db.conn.commit()
    response = oidc_sign_in(client, "Mette Lund")
    assert response.status_code == 403 and "Du er ikke oprettet i Familieportalen" in response.text
    assert not signed_in_as_staff(client)


@pytest.mark.parametrize("path", ["/staff/sso/callback", "/staff/sso/callback?state=x&code=y",
                                  "/staff/sso/callback?error=access_denied", "/staff/sso/finish"])
def test_arriving_at_the_way_back_without_having_left_gets_a_friendly_page(app, client, entra, path):
    app.config["STAFF_SSO"] = "saml" if "finish" in path else "oidc"
    response = client.get(path)
    assert response.status_code == 400 and "Det tog for lang tid" in response.text


def test_junk_posted_to_the_saml_acs_gets_a_friendly_page(app, adfs):
    poster = app.test_client()
    for data in ({}, {"RelayState": "x", "SAMLResponse": "PHg+"}, {"SAMLResponse": "not base64"}):
        response = poster.post("/staff/sso/acs", data=data)
        assert response.status_code == 400 and "Vi kunne ikke logge dig ind" in response.text


def test_a_copied_cookie_cannot_use_an_openid_request_twice(app, client, entra):
    url = leave(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    back = oidc_mock.answer(url, oidc_mock.person("Mette Lund").subject)
    assert come_back(client, back).status_code == 302
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain="localhost")
    second = come_back(copy, back)
    assert second.status_code == 400 and "Det tog for lang tid" in second.text
    assert not signed_in_as_staff(copy)


def test_a_saml_answer_for_another_round_trip_is_refused(app, client, adfs):
    form = adfs.respond(leave(client), {ADFS_UPN: METTE})
    posted = app.test_client().post("/staff/sso/acs", data={"SAMLResponse": form["SAMLResponse"],
                                                              "RelayState": "another-key"})
    assert posted.status_code == 400 and "Vi kunne ikke logge dig ind" in posted.text
    assert client.get("/staff/sso/finish").status_code == 400
    assert not signed_in_as_staff(client)


def test_staff_whose_session_ended_find_their_way_to_the_municipalitys_login(app, client, entra):
    page = client.get("/staff/", follow_redirects=True)
    assert 'href="/staff/login"' in page.text
    assert "Log ind med din kommunes login" in client.get("/staff/login").text
