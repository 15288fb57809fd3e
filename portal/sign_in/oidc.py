"""OpenID Connect sign-in: a MitID broker for parents, Microsoft Entra ID for staff.

The authorization-code flow with PKCE (S256), `state` and `nonce`, as a
relying party with no Flask request state:

    url, pending = start(provider)           # keep `pending` server-side, keyed by pending["state"]
    ...the browser signs in at the provider and comes back with ?code=…&state=…
    claims = finish(provider, pending, request.args)

`finish` exchanges the code at the token endpoint (client_secret_basic or
client_secret_post) and accepts the ID token only if the provider's JWKS
signed it (RS256, PS256 or ES256: never "none", never an HMAC keyed with a
public key), it is from the provider's issuer, for our client, fresh, carries
our nonce and, for parents, at least the assurance asked for. Anything else a
provider or an attacker sends ends in `Refused(reason)`, never another
exception.

Authlib, joserfc and requests are imported when sign-in is first used, so pages
pay nothing for them.
"""
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from ..config import is_test_issuer  # what production refuses (config.finish), in one place
from . import assurance
from .assurance import LEVELS, NSIS_LOA, level_name  # noqa: F401  (NSIS_LOA: for a broker's loa_claim)

REASONS = ("state", "idp_error", "token_exchange", "signature", "issuer", "audience", "nonce", "expired",
           "low_assurance", "no_identity", "malformed", "unreachable")
ALGORITHMS = ("RS256", "PS256", "ES256")
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
PENDING_MAX_SECONDS = 15 * 60  # time to sign in at the provider (MitID may wait for the app)
CACHE_SECONDS = 60 * 60  # discovery documents and key sets


class Refused(assurance.Refused):
    """The provider's answer is not accepted; `reason` is one of REASONS, `detail` is for the log only."""

    REASONS = REASONS


class Unavailable(Refused):
    """The provider could not be reached (or answered 5xx): try again later."""

    def __init__(self, detail=""):
        super().__init__("unreachable", detail)


@dataclass(frozen=True)
class Provider:
    """One OpenID provider and our registration with it."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str = "openid"
    discovery_url: str = ""  # default: issuer + "/.well-known/openid-configuration"
    loa_claim: str | None = None  # e.g. "loa" or NSIS_LOA for a NemLog-in broker; None for staff
    min_loa: str | None = None  # "Substantial" for parents; None for staff
    subject_claim: str = "sub"
    match_claim: str | None = None  # staff: "upn", "preferred_username" or "email"
    client_auth_method: str = "client_secret_basic"
    allowed_clock_skew: int = 60
    timeout: float = 5.0  # seconds, each HTTP call

    def __post_init__(self):
        if not self.discovery_url:
            object.__setattr__(self, "discovery_url", self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if "openid" not in self.scopes.split():
            raise ValueError("scopes must include openid")
        if self.client_auth_method not in CLIENT_AUTH_METHODS:
            raise ValueError(f"client_auth_method must be one of {CLIENT_AUTH_METHODS}")
        if self.min_loa is not None and (self.min_loa not in LEVELS or not self.loa_claim):
            raise ValueError("min_loa must be Low, Substantial or High, and needs loa_claim")


@dataclass(frozen=True)
class Claims:
    """Who signed in: `subject` is the provider's stable id for them."""

    subject: str
    loa: str | None  # "Low", "Substantial", "High", or None when the provider sends none
    match_value: str | None  # the staff match claim's value, lower-cased
    name: str | None  # for display only
    claims: dict


def is_dev_provider(provider_or_issuer):
    """True for a provider only development may use: plain http, or this machine (the mock, a test)."""
    issuer = provider_or_issuer if isinstance(provider_or_issuer, str) else provider_or_issuer.issuer
    return is_test_issuer(issuer)


def start(provider):
    """The provider's authorization URL and what to keep until the browser comes back (by its "state").

    Refused when the provider's discovery document cannot be fetched (Unavailable) or is not for its issuer.
    """
    from authlib.integrations.requests_client import OAuth2Session

    metadata = _discovery(provider)
    pending = {"state": secrets.token_urlsafe(32), "nonce": secrets.token_urlsafe(32),
               "code_verifier": secrets.token_urlsafe(64), "created_at": int(time.time()),
               "issuer": provider.issuer}
    with OAuth2Session(provider.client_id, scope=provider.scopes, redirect_uri=provider.redirect_uri,
                       code_challenge_method="S256") as client:
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], state=pending["state"],
                                                 code_verifier=pending["code_verifier"], nonce=pending["nonce"])
    return url, pending


def finish(provider, pending, callback_params):
    """Check the browser's return (its query parameters), fetch and validate the ID token: Claims or Refused."""
    params = _single_values(callback_params)
    if not _pending_matches(provider, pending, params.get("state")):
        raise Refused("state")
    if params.get("iss") is not None and params["iss"] != provider.issuer:  # RFC 9207: a mix-up
        raise Refused("issuer", "callback iss")
    if params.get("error") is not None:
        raise Refused("idp_error", f"{params['error'][:100]}: {params.get('error_description', '')[:200]}")
    code = params.get("code")
    if not code:
        raise Refused("malformed", "no code")
    metadata = _discovery(provider)
    id_token = _exchange(provider, metadata, code, pending["code_verifier"])
    try:
        return validate_id_token(provider, id_token, nonce=pending["nonce"], jwks=_jwks(provider, metadata))
    except _UnknownKey:  # the provider may have rolled its keys: fetch them again, once
        return validate_id_token(provider, id_token, nonce=pending["nonce"],
                                 jwks=_jwks(provider, metadata, fresh=True))


def validate_id_token(provider, id_token, *, nonce, jwks, now=None):
    """Claims from an ID token the provider's key set (a JWKS dict or joserfc KeySet) signed, or Refused."""
    from joserfc import jwt
    from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
    from joserfc.jwk import KeySet

    if not isinstance(id_token, str) or not id_token or len(id_token) > 64_000:
        raise Refused("malformed", "id_token")
    try:
        keys = jwks if isinstance(jwks, KeySet) else KeySet.import_key_set(jwks)
    except Exception as error:  # noqa: BLE001 - whatever the provider published
        raise Refused("malformed", f"jwks: {error!r}") from None
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except InvalidKeyIdError as error:
        raise _UnknownKey("signature", str(error)) from None
    except BadSignatureError:
        # Without a "kid" the provider's one key was tried: it may have rolled it since.
        raise (Refused if _names_a_key(id_token) else _UnknownKey)("signature", "bad signature") from None
    except JoseError as error:  # alg none/HS256/unknown, wrong key type, not a JWS, bad JSON
        raise Refused("signature", repr(error)) from None
    except Exception as error:  # noqa: BLE001 - garbage that trips the parser
        raise Refused("malformed", repr(error)) from None
    claims = token.claims
    _check_issuer_and_audience(provider, claims)
    _check_times(provider, claims, time.time() if now is None else now)
    if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], str(nonce)):
        raise Refused("nonce")
    return _claims(provider, claims)


class _UnknownKey(Refused):
    """The token may be signed with a key the provider published after we fetched its key set."""


def _names_a_key(id_token):
    from joserfc import jws

    return "kid" in jws.extract_compact(id_token.encode()).headers()


def _check_issuer_and_audience(provider, claims):
    if claims.get("iss") != provider.issuer:
        raise Refused("issuer", repr(claims.get("iss"))[:200])
    audience = claims.get("aud")
    audience = [audience] if isinstance(audience, str) else audience
    if not isinstance(audience, list) or provider.client_id not in audience:
        raise Refused("audience", repr(claims.get("aud"))[:200])
    if (len(audience) > 1 or "azp" in claims) and claims.get("azp") != provider.client_id:
        raise Refused("audience", "azp")


def _check_times(provider, claims, now):
    skew = provider.allowed_clock_skew
    for name in ("exp", "iat", "nbf"):
        value = claims.get(name)
        if (value is None and name != "nbf") or (value is not None and not _is_number(value)):
            raise Refused("malformed", name)
    if now > claims["exp"] + skew:
        raise Refused("expired", "exp")
    if claims["iat"] > now + skew or ("nbf" in claims and claims["nbf"] > now + skew):
        raise Refused("expired", "not yet valid")


def _claims(provider, claims):
    subject = claims.get(provider.subject_claim)
    if not isinstance(subject, str) or not subject.strip():
        raise Refused("no_identity", provider.subject_claim)
    loa = _level(claims.get(provider.loa_claim)) if provider.loa_claim else None
    if provider.min_loa and (loa is None or LEVELS[loa] < LEVELS[provider.min_loa]):
        raise Refused("low_assurance", repr(claims.get(provider.loa_claim))[:100])
    match_value = None
    if provider.match_claim:
        match_value = claims.get(provider.match_claim)
        if not isinstance(match_value, str) or not match_value.strip():
            raise Refused("no_identity", provider.match_claim)
        match_value = match_value.strip().lower()
    name = claims.get("name")
    if not isinstance(name, str):
        parts = [claims.get(part) for part in ("given_name", "family_name")]
        name = " ".join(part for part in parts if isinstance(part, str)) or None
    return Claims(subject=subject, loa=loa, match_value=match_value, name=name, claims=dict(claims))


def _level(value):
    return level_name(value, any_case=True)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _single_values(callback_params):
    """The callback's parameters as str -> str; a repeated or non-text parameter is malformed."""
    try:
        if hasattr(callback_params, "getlist"):  # werkzeug's MultiDict: request.args
            items = {key: callback_params.getlist(key) for key in callback_params}
            if any(len(values) != 1 for values in items.values()):
                raise Refused("malformed", "repeated parameter")
            params = {key: values[0] for key, values in items.items()}
        else:
            params = dict(callback_params)
    except Refused:
        raise
    except Exception as error:  # noqa: BLE001
        raise Refused("malformed", repr(error)) from None
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in params.items()):
        raise Refused("malformed", "parameters")
    return params


def _pending_matches(provider, pending, state):
    if not isinstance(pending, dict) or not isinstance(state, str) or not state:
        return False
    fields = ("state", "nonce", "code_verifier", "issuer")
    if not all(isinstance(pending.get(name), str) for name in fields) or not _is_number(pending.get("created_at")):
        return False
    return (hmac.compare_digest(pending["state"].encode(), state.encode())
            and pending["issuer"] == provider.issuer
            and time.time() - pending["created_at"] <= PENDING_MAX_SECONDS)


def _exchange(provider, metadata, code, code_verifier):
    """The ID token for an authorization code, from the token endpoint."""
    import requests
    from authlib.integrations.requests_client import OAuth2Session

    try:
        with OAuth2Session(provider.client_id, provider.client_secret, redirect_uri=provider.redirect_uri,
                           token_endpoint_auth_method=provider.client_auth_method) as client:
            token = client.fetch_token(metadata["token_endpoint"], grant_type="authorization_code", code=code,
                                       code_verifier=code_verifier, timeout=provider.timeout)
    except requests.RequestException as error:  # no connection, a timeout, or 5xx
        raise Unavailable(repr(error)) from None
    except Exception as error:  # noqa: BLE001 - an OAuth error answer, or not JSON
        raise Refused("token_exchange", repr(error)[:300]) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise Refused("token_exchange", "no id_token")
    return id_token


_cache = {}
_cache_lock = threading.Lock()


def clear_cache():
    """Forget every fetched discovery document and key set."""
    with _cache_lock:
        _cache.clear()


def _discovery(provider):
    """The provider's metadata, fetched at most once an hour; its issuer must be the one configured."""
    from authlib.common.security import is_secure_transport

    metadata = _fetch_json(provider, provider.discovery_url)
    if metadata.get("issuer") != provider.issuer:
        _forget(provider.discovery_url)
        raise Refused("issuer", "discovery document")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(name), str) or not is_secure_transport(metadata[name]):
            _forget(provider.discovery_url)
            raise Refused("malformed", f"discovery {name}")
    return metadata


def _jwks(provider, metadata, *, fresh=False):
    if fresh:
        _forget(metadata["jwks_uri"])
    return _fetch_json(provider, metadata["jwks_uri"])


def _forget(url):
    with _cache_lock:
        _cache.pop(url, None)


def _fetch_json(provider, url):
    import requests

    with _cache_lock:
        cached = _cache.get(url)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=provider.timeout, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise Unavailable(repr(error)) from None
    if response.status_code != 200:
        raise Unavailable(f"{url} answered {response.status_code}")
    try:
        document = response.json()
    except ValueError:
        raise Refused("malformed", f"{url} is not JSON") from None
    if not isinstance(document, dict):
        raise Refused("malformed", f"{url} is not a JSON object")
    with _cache_lock:
        _cache[url] = (time.monotonic(), document)
    return document
