"""OpenID Connect sign-in (portal/sign_in/oidc.py) against the test provider (portal/dev_idp/oidc_mock.py).

The round trips go over real HTTP to the mock on 127.0.0.1; the refusals of
the ID token are forged with joserfc against a key set these tests hold.
"""
import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from portal.dev_idp import oidc_mock
from portal.sign_in import oidc

# oidc-provider-mock 0.3.4 still configures Authlib the old way; it works, and is no concern of the portal's.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://localhost:5000/sso/callback"


@pytest.fixture(scope="module")
def mock():
    with oidc_mock.start(0) as running:
        yield running


@pytest.fixture
def staff(mock):
    return oidc.Provider(**oidc_mock.provider_settings(mock.issuer, "staff", CALLBACK))


@pytest.fixture
def parents(mock):
    return oidc.Provider(**oidc_mock.provider_settings(mock.issuer, "parents", CALLBACK),
                         client_auth_method="client_secret_post")


def sign_in(provider, name, *, tamper=None):
    """Start, answer the mock's page for the demo person, and finish with what comes back."""
    url, pending = oidc.start(provider)
    back = oidc_mock.answer(url, oidc_mock.person(name).subject if name else None)
    params = dict(parse_qsl(urlsplit(back).query))
    assert back.startswith(CALLBACK + "?")
    if tamper:
        tamper(params, pending)
    return oidc.finish(provider, pending, params)


def refused(call, *args, **kwargs):
    with pytest.raises(oidc.Refused) as caught:
        call(*args, **kwargs)
    return caught.value.reason


# The round trip -------------------------------------------------------------------------------------------------

def test_a_coordinator_signs_in_through_the_mock_and_is_matched_on_upn(staff):
    claims = sign_in(staff, "Mette Lund")
    assert claims.subject == "demo-staff-mette-lund"
    assert claims.match_value == "mette.lund@demo-kommune.dk"
    assert claims.name == "Mette Lund"
    assert claims.loa is None


def test_a_parent_signs_in_through_the_broker_at_substantial(parents):
    claims = sign_in(parents, "Sara Holm")
    assert claims.subject == oidc_mock.person("Sara Holm").subject
    assert claims.subject.startswith("urn:uuid:")
    assert claims.loa == "Substantial"
    assert claims.match_value is None


def test_the_authorization_request_carries_state_nonce_and_an_s256_code_challenge(staff):
    url, pending = oidc.start(staff)
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["state"] == pending["state"] and query["nonce"] == pending["nonce"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(pending["code_verifier"].encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == challenge.decode() and query["code_challenge_method"] == "S256"
    assert query["client_id"] == staff.client_id and query["redirect_uri"] == CALLBACK
    assert query["scope"] == "openid profile email"
    assert set(pending) == {"state", "nonce", "code_verifier", "created_at", "issuer"}
    json.dumps(pending)  # the integrator keeps it server-side


def test_a_staff_member_without_the_match_claim_has_no_identity(staff):
    assert refused(sign_in, staff, "Sara Holm") == "no_identity"  # a parent's identity has no upn


def test_a_parent_at_low_assurance_is_refused(parents):
    assert refused(sign_in, parents, "Lav Sikring") == "low_assurance"


def test_the_mocks_page_shows_the_demo_people_and_a_way_back(mock, staff):
    url, pending = oidc.start(staff)
    page = requests.get(url, timeout=5).text
    assert '<html lang="da">' in page and "cdn." not in page
    assert '<button type="submit" name="sub" value="demo-staff-mette-lund">Mette Lund (koordinator)</button>' in page
    assert '<label for="sub">' in page
    assert f'<form method="get" action="{CALLBACK}">' in page
    assert f'<input type="hidden" name="state" value="{pending["state"]}">' in page


def test_the_demo_people_are_the_demos(mock):
    demo = (ROOT / "portal" / "demo.py").read_text(encoding="utf-8")
    for person in oidc_mock.STAFF[:-1]:
        assert f'"{person.claims["email"]}"' in demo
        assert f'name="{person.claims["name"]}"' in demo
    for person in oidc_mock.PARENTS[:5]:
        assert f'name="{person.claims["name"]}"' in demo
    assert f'name="{oidc_mock.STAFF[-1].claims["name"]}"' not in demo  # the one the portal does not know


# Refusals from the callback and the token endpoint --------------------------------------------------------------

def wrong_state(params, pending):
    params["state"] = "x" + params["state"][1:]


def no_state(params, pending):
    del params["state"]


def stale(params, pending):
    pending["created_at"] -= oidc.PENDING_MAX_SECONDS + 1


def other_provider(params, pending):
    pending["issuer"] = "https://login.example.invalid"


@pytest.mark.parametrize("tamper", [wrong_state, no_state, stale, other_provider])
def test_a_callback_that_is_not_ours_is_refused(staff, tamper):
    assert refused(sign_in, staff, "Mette Lund", tamper=tamper) == "state"


def test_the_person_cancelling_at_the_provider_is_an_idp_error(staff):
    assert refused(sign_in, staff, None) == "idp_error"


def test_a_callback_from_another_issuer_is_refused(staff):
    def mixed_up(params, pending):
        params["iss"] = "https://login.example.invalid"

    assert refused(sign_in, staff, "Mette Lund", tamper=mixed_up) == "issuer"


def test_a_code_the_provider_does_not_know_is_refused(staff):
    def bad_code(params, pending):
        params["code"] = "not-a-code"

    assert refused(sign_in, staff, "Mette Lund", tamper=bad_code) == "token_exchange"


@pytest.mark.parametrize("params", [{"state": ["a", "b"]}, {"state": None}, {"code": 1}, "garbage", None, []])
def test_junk_in_the_callback_is_refused(staff, params):
    _, pending = oidc.start(staff)
    assert refused(oidc.finish, staff, pending, params) in ("malformed", "state")


@pytest.mark.parametrize("pending", [None, {}, "state", {"state": "s", "nonce": 1}])
def test_junk_instead_of_what_was_kept_is_refused(staff, pending):
    assert refused(oidc.finish, staff, pending, {"state": "s", "code": "c"}) == "state"


def test_an_unreachable_provider_is_refused():
    nobody = oidc.Provider(issuer="http://127.0.0.1:9", client_id="c", client_secret="s", redirect_uri=CALLBACK,
                           timeout=1)
    with pytest.raises(oidc.Unavailable) as caught:
        oidc.start(nobody)
    assert caught.value.reason == "unreachable"


def test_a_provider_that_goes_away_before_the_code_is_exchanged_is_unreachable():
    mock = oidc_mock.start(0)
    provider = oidc.Provider(**oidc_mock.provider_settings(mock.issuer, "staff", CALLBACK), timeout=1)
    url, pending = oidc.start(provider)
    back = oidc_mock.answer(url, oidc_mock.person("Mette Lund").subject)
    mock.stop()
    assert refused(oidc.finish, provider, pending, dict(parse_qsl(urlsplit(back).query))) == "unreachable"


def test_a_discovery_document_for_another_issuer_is_refused(mock):
    # The same mock under another name: what it says of itself is not what we were told to trust.
    port = urlsplit(mock.issuer).port
    provider = oidc.Provider(issuer=f"http://localhost:{port}", client_id="c", client_secret="s",
                             redirect_uri=CALLBACK, discovery_url=f"{mock.issuer}/.well-known/openid-configuration")
    assert refused(oidc.start, provider) == "issuer"


def test_new_keys_are_fetched_once_when_the_token_names_an_unknown_key(staff, mock):
    oidc.clear_cache()
    oidc.start(staff)
    jwks_uri = f"{mock.issuer}/jwks"
    old = KeySet([RSAKey.generate_key(2048, {"kid": "old"})]).as_dict()
    oidc._cache[jwks_uri] = (time.monotonic(), old)  # keys from before the provider rolled them
    assert sign_in(staff, "Mette Lund").subject == "demo-staff-mette-lund"
    assert oidc._cache[jwks_uri][1] != old


# Refusals of the ID token itself (forged) ----------------------------------------------------------------------

ISSUER = "https://broker.example.dk"
NONCE = "the-nonce"


@pytest.fixture(scope="module")
def keys():
    rsa = RSAKey.generate_key(2048, {"kid": "rsa-1"})
    ec = ECKey.generate_key("P-256", {"kid": "ec-1"})
    return {"rsa": rsa, "ec": ec, "jwks": KeySet([rsa, ec]).as_dict()}


@pytest.fixture
def broker():
    return oidc.Provider(issuer=ISSUER, client_id="portal", client_secret="s", redirect_uri=CALLBACK,
                         loa_claim=oidc.NSIS_LOA, min_loa="Substantial")


@pytest.fixture
def entra():
    return oidc.Provider(issuer=ISSUER, client_id="portal", client_secret="s", redirect_uri=CALLBACK,
                         match_claim="preferred_username")


def claims(**changes):
    now = int(time.time())
    values = {"iss": ISSUER, "aud": "portal", "sub": "pseudonym-1", "iat": now, "exp": now + 300, "nonce": NONCE,
              oidc.NSIS_LOA: f"{oidc.NSIS_LOA}/Substantial", "preferred_username": "Mette.Lund@Demo-Kommune.dk",
              "name": "Sara Holm"}
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def forge(keys, *, key="rsa", alg="RS256", kid=None, **changes):
    signing_key = keys[key] if isinstance(key, str) else key
    header = {"alg": alg, "kid": kid or signing_key.kid}
    return jwt.encode(header, claims(**changes), signing_key, algorithms=[alg])


def unsigned(header, payload, signature=b""):
    def part(value):
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    return ".".join([part(json.dumps(header).encode()), part(json.dumps(payload).encode()), part(signature)])


def validate(provider, token, keys, nonce=NONCE):
    return oidc.validate_id_token(provider, token, nonce=nonce, jwks=keys["jwks"])


@pytest.mark.parametrize("alg,key", [("RS256", "rsa"), ("PS256", "rsa"), ("ES256", "ec")])
def test_a_token_the_providers_key_signed_is_accepted(broker, keys, alg, key):
    accepted = validate(broker, forge(keys, key=key, alg=alg), keys)
    assert (accepted.subject, accepted.loa, accepted.name) == ("pseudonym-1", "Substantial", "Sara Holm")


def test_staff_are_matched_on_the_configured_claim_lower_cased(entra, keys):
    assert validate(entra, forge(keys), keys).match_value == "mette.lund@demo-kommune.dk"
    assert refused(validate, entra, forge(keys, preferred_username=None), keys) == "no_identity"


def test_a_token_from_another_issuer_is_refused(broker, keys):
    assert refused(validate, broker, forge(keys, iss="https://evil.example"), keys) == "issuer"
    assert refused(validate, broker, forge(keys, iss=None), keys) == "issuer"


@pytest.mark.parametrize("aud,azp", [("someone-else", None), (["someone-else"], None), (["portal", "other"], None),
                                     (["portal", "other"], "other"), ("portal", "other"), (None, None)])
def test_a_token_for_another_client_is_refused(broker, keys, aud, azp):
    assert refused(validate, broker, forge(keys, aud=aud, azp=azp), keys) == "audience"


def test_a_token_for_several_audiences_is_accepted_when_we_are_the_authorized_party(broker, keys):
    assert validate(broker, forge(keys, aud=["portal", "other"], azp="portal"), keys).subject == "pseudonym-1"


@pytest.mark.parametrize("nonce", ["another-nonce", None, 42])
def test_a_token_with_another_nonce_is_refused(broker, keys, nonce):
    assert refused(validate, broker, forge(keys, nonce=nonce), keys) == "nonce"


def test_an_expired_token_is_refused_after_the_allowed_skew(broker, keys):
    now = int(time.time())
    skew = broker.allowed_clock_skew
    assert validate(broker, forge(keys, iat=now - 600, exp=now - skew + 5), keys).subject == "pseudonym-1"
    assert refused(validate, broker, forge(keys, iat=now - 600, exp=now - skew - 5), keys) == "expired"


@pytest.mark.parametrize("field", ["iat", "nbf"])
def test_a_token_from_the_future_is_refused(broker, keys, field):
    later = int(time.time()) + broker.allowed_clock_skew + 60
    assert refused(validate, broker, forge(keys, **{field: later}), keys) == "expired"


@pytest.mark.parametrize("field,value", [("exp", None), ("exp", "soon"), ("iat", None), ("iat", True)])
def test_a_token_without_its_times_is_refused(broker, keys, field, value):
    assert refused(validate, broker, forge(keys, **{field: value}), keys) == "malformed"


def test_a_token_signed_by_another_key_is_refused(broker, keys):
    impostor = RSAKey.generate_key(2048, {"kid": "rsa-1"})
    assert refused(validate, broker, forge(keys, key=impostor), keys) == "signature"


def test_a_token_naming_a_key_the_provider_does_not_have_is_refused(broker, keys):
    stranger = RSAKey.generate_key(2048, {"kid": "unknown"})
    assert refused(validate, broker, forge(keys, key=stranger), keys) == "signature"


def test_a_tampered_token_is_refused(broker, keys):
    header, _, signature = forge(keys).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims(sub="someone-else")).encode()).rstrip(b"=").decode()
    assert refused(validate, broker, f"{header}.{payload}.{signature}", keys) == "signature"


def test_an_unsigned_token_is_refused(broker, keys):
    assert refused(validate, broker, unsigned({"alg": "none"}, claims()), keys) == "signature"
    assert refused(validate, broker, unsigned({"alg": "none", "kid": "rsa-1"}, claims()), keys) == "signature"


def test_a_token_signed_with_the_public_key_as_an_hmac_secret_is_refused(broker, keys):
    public_pem = keys["rsa"].as_pem(private=False)
    header, payload, _ = unsigned({"alg": "HS256", "kid": "rsa-1"}, claims()).split(".")
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert refused(validate, broker, token, keys) == "signature"


@pytest.mark.parametrize("loa", ["Low", f"{oidc.NSIS_LOA}/Low", None, "", "Betydelig", 2])
def test_a_parent_below_substantial_is_refused(broker, keys, loa):
    assert refused(validate, broker, forge(keys, **{oidc.NSIS_LOA: loa}), keys) == "low_assurance"


@pytest.mark.parametrize("loa", ["High", f"{oidc.NSIS_LOA}/High", "substantial"])
def test_a_parent_at_substantial_or_high_is_accepted(broker, keys, loa):
    assert validate(broker, forge(keys, **{oidc.NSIS_LOA: loa}), keys).loa in ("High", "Substantial")


@pytest.mark.parametrize("sub", [None, "", "  ", 17])
def test_a_token_without_a_subject_is_refused(broker, keys, sub):
    assert refused(validate, broker, forge(keys, sub=sub), keys) == "no_identity"


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b", "..", "é.é.é", "x" * 70_000, None, 5,
                                   unsigned({"alg": "RS256", "kid": "rsa-1"}, ["a list"], b"sig")])
def test_garbage_is_refused_and_nothing_else(broker, keys, token):
    assert refused(validate, broker, token, keys) in ("malformed", "signature")


@pytest.mark.parametrize("jwks", [{}, {"keys": []}, {"keys": [{"kty": "RSA"}]}, None, "x"])
def test_a_broken_key_set_is_refused(broker, keys, jwks):
    assert refused(oidc.validate_id_token, broker, forge(keys), nonce=NONCE, jwks=jwks) == "malformed"


# Configuration -------------------------------------------------------------------------------------------------

def test_the_mock_and_this_machine_are_development_providers_only(mock, staff):
    assert oidc.is_dev_provider(staff) and oidc.is_dev_provider(mock.issuer)
    for issuer in ("http://idp.kommune.dk", "https://localhost/x", "https://127.0.0.1:8443", "https://[::1]/",
                   "https://idp.kommune.invalid", "https://test-idp.familieportalen.invalid/oidc"):
        assert oidc.is_dev_provider(issuer), issuer
    for issuer in ("https://login.microsoftonline.com/0f1e/v2.0", "https://broker.kommune.dk"):
        assert not oidc.is_dev_provider(issuer), issuer


@pytest.mark.parametrize("changes", [{"scopes": "profile"}, {"client_auth_method": "none"},
                                     {"min_loa": "Substantial"}, {"min_loa": "Betydelig", "loa_claim": "loa"}])
def test_a_provider_is_configured_sensibly(changes):
    with pytest.raises(ValueError):
        oidc.Provider(issuer=ISSUER, client_id="c", client_secret="s", redirect_uri=CALLBACK, **changes)


def test_the_discovery_address_defaults_to_the_well_known_one():
    provider = oidc.Provider(issuer=ISSUER + "/", client_id="c", client_secret="s", redirect_uri=CALLBACK)
    assert provider.discovery_url == ISSUER + "/.well-known/openid-configuration"


def test_pages_do_not_pay_for_the_oidc_libraries():
    code = ("import sys, portal.sign_in.oidc, portal.dev_idp.oidc_mock;"
            "print(sorted({'authlib', 'joserfc', 'requests', 'oidc_provider_mock'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
