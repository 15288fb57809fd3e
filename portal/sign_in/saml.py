"""SAML 2.0 sign-in as a service provider, after OIOSAML 3: MitID through NemLog-in
for parents, and later a municipality's AD FS or KOMBIT Context Handler for staff.

No Flask request state: a view hands in what the browser brought and keeps what comes back.

    url, request_id = start_login(conn, relay_state)          # keep request_id with the browser; redirect
    identity = read_response(conn, request.form["SAMLResponse"],   # at the ACS (HTTP-POST)
                             expected_request_id=request_id, remember_assertion=remember)
    url = start_logout(conn, identity.name_id, identity.session_index)
    url, subject = answer_logout_request(conn, request.query_string)   # the IdP ends a session
    ok = read_logout_response(conn, request.query_string)              # the IdP answers our logout

pysaml2 and the xmlsec1 program check signatures and decrypt; this module then
checks the assertion pysaml2 verified, in the open (saml_checks.py): for us, for
our address, fresh, an answer to our request, at the assurance asked for, not
seen before. Anything else an identity provider or an attacker sends ends in
`Refused(reason)`, never another exception. pysaml2 is imported when sign-in is
first used, so pages pay nothing for it.
"""
import base64
import binascii
import functools
import logging
import os
import re
import shutil
import warnings
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode

from .saml_checks import (LEVELS, NSIS_LOA, REASONS, Refused, check_assertion, check_logout_message,
                          check_outer_response, diagnose, parse)

__all__ = ["Connection", "Identity", "Refused", "REASONS", "LEVELS", "NSIS_LOA", "sp_metadata", "idp_entity_id",
           "start_login", "read_response", "start_logout", "answer_logout_request", "read_logout_response"]

PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
MAX_POSTED_CHARS = 400_000  # a NemLog-in response is 10–30 kB in base64; more is not an answer to us
MAX_XML_BYTES = 300_000  # after base64 or inflating a redirect message
MAX_RELAY_STATE_BYTES = 80  # SAML bindings 3.4.3 and 3.5.3
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


@dataclass(frozen=True)
class Connection:
    """Our registration with one identity provider: NemLog-in, or a staff IdP later."""

    entity_id: str  # our SP entity id, as registered
    acs_url: str  # where the IdP posts its Response (HTTP-POST)
    slo_url: str  # where the IdP sends logout requests and responses (HTTP-Redirect)
    key_file: str  # PEM private key: signs our requests, decrypts assertions
    cert_file: str  # PEM certificate of that key: in our metadata
    idp_metadata_file: str  # the IdP's metadata XML; its signing certificates are the only ones trusted
    min_loa: str | None = "Substantial"  # NSIS level asked for and required; None: the IdP sends none (staff)
    xmlsec_binary: str | None = None  # default: xmlsec1 on PATH
    allowed_clock_skew: int = 60  # seconds
    require_encrypted_assertion: bool = False  # OIOSAML 3: NemLog-in always encrypts; set True for it
    name_id_format: str | None = PERSISTENT  # the NameID format required; None accepts any
    organization: tuple = field(default=())  # (name, display name, url) for our metadata, optional
    contact_email: str | None = None  # our metadata's technical contact, optional

    def __post_init__(self):
        if self.min_loa is not None and self.min_loa not in LEVELS:
            raise ValueError("min_loa must be Low, Substantial, High or None")


@dataclass(frozen=True)
class Identity:
    """Who signed in. `subject` is the IdP's persistent pseudonym for them, kept verbatim."""

    subject: str
    loa: str | None  # "Low", "Substantial", "High", or None when the IdP sends no level
    cpr: str | None  # only when the IdP sends it
    name: str | None  # for display only
    attributes: dict  # attribute name -> list of values, as sent
    name_id: str  # the NameID as XML, for start_logout
    session_index: str | None
    assertion_id: str
    not_on_or_after: str  # the assertion's last moment (UTC, as sent): how long to remember its id


def sp_metadata(conn, *, sign=False):
    """Our SP metadata XML, for NemLog-in's administration portal (or the IdP's admin)."""
    quiet_pysaml2()
    from saml2.metadata import entity_descriptor, metadata_tostring_fix, sign_entity_descriptor
    from saml2.sigver import security_context

    config = _config(conn)
    descriptor = entity_descriptor(config)
    # pysaml2 would list every algorithm xmlsec1 knows, MD5 and SHA-1 among them: we offer none of those.
    descriptor.extensions = None
    xml = None
    if sign:
        descriptor, xml = sign_entity_descriptor(descriptor, None, security_context(config), SIG_RSA_SHA256,
                                                 DIGEST_SHA256)
    xml = metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"}, xml)
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml


def idp_entity_id(conn):
    """The entity id in the IdP's metadata: production refuses portal.dev_idp.DEV_IDP_ENTITY_ID."""
    quiet_pysaml2()
    return next(iter(_config(conn).metadata.identity_providers()))


def start_login(conn, relay_state, *, force_authn=False):
    """(URL to redirect the browser to, the request's id): a signed AuthnRequest over HTTP-Redirect."""
    quiet_pysaml2()
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.authn_context import requested_authn_context

    if len((relay_state or "").encode("utf-8")) > MAX_RELAY_STATE_BYTES:
        raise ValueError("relay_state is at most 80 bytes")
    client = _client(conn)
    destination = _idp_location(client, "single_sign_on_service")
    extra = {}
    if conn.min_loa:
        # OIOSAML 3: the level as an AuthnContextClassRef, compared as "minimum" (OIO-SP-06).
        extra["requested_authn_context"] = requested_authn_context(
            f"{NSIS_LOA}/{conn.min_loa}", comparison="minimum")
    request_id, request = client.create_authn_request(
        destination, binding=BINDING_HTTP_POST, nameid_format=conn.name_id_format, allow_create="true",
        force_authn=force_authn, sign=False, assertion_consumer_service_url=conn.acs_url, **extra)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, relay_state or "",
                                sign=True, sigalg=SIG_RSA_SHA256)
    return _location(info), request_id


def read_response(conn, saml_response_b64, *, expected_request_id, remember_assertion):
    """The Identity in the IdP's Response, or Refused(reason).

    `remember_assertion(assertion_id, not_on_or_after_text) -> bool` records the
    assertion's id and says False when it was seen before; it is called last,
    only for an assertion that passed every other check.
    """
    quiet_pysaml2()
    from saml2 import BINDING_HTTP_POST
    from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse
    from saml2.sigver import CertificateError, SigverError
    from saml2.validate import ResponseLifetimeExceed, ToEarly

    xml = _decode_posted(saml_response_b64)
    if not expected_request_id:
        raise Refused("unknown_request", "no request of ours is waiting for an answer")
    check_outer_response(conn, xml, expected_request_id)
    client = _client(conn)
    try:
        response = client.parse_authn_request_response(xml, BINDING_HTTP_POST,
                                                       outstanding={expected_request_id: "-"})
    except StatusError as error:
        raise Refused("idp_error", str(error)[:200]) from error
    except UnsolicitedResponse as error:
        raise Refused("unknown_request", str(error)[:200]) from error
    except (ResponseLifetimeExceed, ToEarly) as error:
        raise Refused("expired", str(error)[:200]) from error
    except (SigverError, IncorrectlySigned, CertificateError) as error:
        raise Refused(diagnose(conn, client, xml, expected_request_id, default="signature"),
                      type(error).__name__) from error
    except Exception as error:  # pysaml2 says what it disliked only in words: look for ourselves
        raise Refused(diagnose(conn, client, xml, expected_request_id, default="malformed"),
                      f"{type(error).__name__}: {str(error)[:200]}") from error
    if response is None or response.assertion is None:
        raise Refused(diagnose(conn, client, xml, expected_request_id, default="malformed"), "no assertion")
    identity = check_assertion(conn, response, _idp_entity_id(client), expected_request_id)
    if not remember_assertion(identity.assertion_id, identity.not_on_or_after):
        raise Refused("replayed", identity.assertion_id)
    return identity


def start_logout(conn, identity_name_id, session_index):
    """URL to redirect the browser to: a signed LogoutRequest over HTTP-Redirect (SP-initiated)."""
    quiet_pysaml2()
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import name_id_from_string

    client = _client(conn)
    destination = _idp_location(client, "single_logout_service")
    name_id = name_id_from_string(identity_name_id)
    if name_id is None:
        raise ValueError("identity_name_id is not a NameID")
    _, request = client.create_logout_request(
        destination, _idp_entity_id(client), name_id=name_id,
        session_indexes=[session_index] if session_index else None, sign=False)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "",
                                sign=True, sigalg=SIG_RSA_SHA256)
    return _location(info)


def answer_logout_request(conn, query_string_or_params):
    """(URL to redirect the browser to, the subject to sign out) for the IdP's LogoutRequest.

    The subject is the NameID's value, the same as Identity.subject: end every
    session of it. The request's redirect signature is checked over the query
    string as it arrived, so pass the raw query string where you can.
    """
    quiet_pysaml2()
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.samlp import logout_request_from_string

    client = _client(conn)
    xml, relay_state = _verified_redirect(client, query_string_or_params, "SAMLRequest")
    request = parse(logout_request_from_string, xml)
    subject = check_logout_message(conn, request, _idp_entity_id(client))
    if request.name_id is None or not (request.name_id.text or "").strip():
        raise Refused("no_identity", "the LogoutRequest names no one")
    response = client.create_logout_response(request, [BINDING_HTTP_REDIRECT], sign=False)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), response.destination, relay_state,
                                response=True, sign=True, sigalg=SIG_RSA_SHA256)
    return _location(info), subject


def read_logout_response(conn, query_string_or_params):
    """True when the IdP's LogoutResponse says Success, False when it says otherwise; Refused if not its."""
    quiet_pysaml2()
    from saml2.samlp import STATUS_SUCCESS, logout_response_from_string

    client = _client(conn)
    xml, _ = _verified_redirect(client, query_string_or_params, "SAMLResponse")
    response = parse(logout_response_from_string, xml)
    check_logout_message(conn, response, _idp_entity_id(client))
    status = response.status.status_code.value if response.status and response.status.status_code else None
    return status == STATUS_SUCCESS



# --- pysaml2's client, made from a Connection ----------------------------------------------------------------

def _client(conn):
    """A fresh pysaml2 client (it keeps per-user state we do not want shared) on a cached configuration."""
    from saml2.client import Saml2Client

    class Client(Saml2Client):
        @staticmethod
        def unravel(txt, binding, msgtype="response"):
            # read_response decoded the posted text itself: strictly, bounded, never inflated.
            return txt

    return Client(config=_config(conn))


def _config(conn):
    try:
        stamp = os.stat(conn.idp_metadata_file).st_mtime_ns  # a new metadata file is read again
    except OSError as error:
        raise ValueError(f"cannot read the IdP metadata {conn.idp_metadata_file!r}") from error
    return _cached_config(conn, stamp)


@functools.cache
def quiet_pysaml2():
    """Import pysaml2 without its warning about cryptography's moved ciphers, and keep its log quiet:
    its error lines can hold a whole assertion (names, CPR), and Refused.detail says what went wrong."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*has been moved to cryptography.hazmat.decrepit")
        import saml2.cryptography.symmetric  # noqa: F401
    logging.getLogger("saml2").setLevel(logging.CRITICAL)


@functools.lru_cache(maxsize=8)
def _cached_config(conn, _stamp):
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.config import SPConfig

    xmlsec = conn.xmlsec_binary or shutil.which("xmlsec1")
    if not xmlsec:
        raise RuntimeError("xmlsec1 is not installed (Debian: apt-get install xmlsec1)")
    settings = {
        "entityid": conn.entity_id,
        "xmlsec_binary": xmlsec,
        "key_file": conn.key_file,
        "cert_file": conn.cert_file,
        "encryption_keypairs": [{"key_file": conn.key_file, "cert_file": conn.cert_file}],
        "metadata": {"local": [conn.idp_metadata_file]},
        "accepted_time_diff": conn.allowed_clock_skew,
        "only_use_keys_in_metadata": True,
        "allow_unknown_attributes": True,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "delete_tmpfiles": True,
        "service": {"sp": {
            "endpoints": {
                "assertion_consumer_service": [(conn.acs_url, BINDING_HTTP_POST)],
                "single_logout_service": [(conn.slo_url, BINDING_HTTP_REDIRECT)],
            },
            "allow_unsolicited": False,
            "authn_requests_signed": True,
            "logout_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,  # OIOSAML 3: the assertion is signed, the response SHOULD NOT be
            "name_id_format": [conn.name_id_format] if conn.name_id_format else [],
        }},
    }
    if conn.organization:
        name, display_name, url = conn.organization
        settings["organization"] = {"name": name, "display_name": display_name, "url": url}
    if conn.contact_email:
        settings["contact_person"] = [{"contact_type": "technical", "email_address": [conn.contact_email]}]
    config = SPConfig()
    config.load(settings)
    providers = list(config.metadata.identity_providers())
    if len(providers) != 1:
        raise ValueError(f"{conn.idp_metadata_file} must describe exactly one IdP, not {len(providers)}")
    return config


def _idp_entity_id(client):
    return next(iter(client.metadata.identity_providers()))


def _idp_location(client, service):
    from saml2 import BINDING_HTTP_REDIRECT

    endpoints = getattr(client.metadata, service)(_idp_entity_id(client), BINDING_HTTP_REDIRECT, "idpsso")
    if not endpoints:
        raise ValueError(f"the IdP's metadata has no {service} for HTTP-Redirect")
    return endpoints[0]["location"]


def _location(info):
    return dict(info["headers"])["Location"]


# --- what the browser brings: decoded strictly, bounded --------------------------------------------------------

def _decode_posted(text):
    """The XML of a posted SAMLResponse (HTTP-POST binding: base64, never deflated)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise Refused("malformed", "not ASCII") from None
    if not isinstance(text, str) or not text or len(text) > MAX_POSTED_CHARS:
        raise Refused("malformed", "empty or too long")
    compact = "".join(text.split())
    if not _BASE64.fullmatch(compact):
        raise Refused("malformed", "not base64")
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("malformed", "not base64") from None
    return _xml_text(data)


def _xml_text(data):
    if len(data) > MAX_XML_BYTES:
        raise Refused("malformed", "too large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("malformed", "not UTF-8") from None
    if not text.lstrip().startswith("<"):
        raise Refused("malformed", "not XML")
    return text


def _inflate(data):
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, MAX_XML_BYTES + 1)
    except zlib.error:
        raise Refused("malformed", "not deflated") from None
    if len(out) > MAX_XML_BYTES or inflater.unconsumed_tail:
        raise Refused("malformed", "too large")
    return _xml_text(out)




# --- HTTP-Redirect signatures, checked over the query string as it arrived ------------------------------------

_REDIRECT_ALGORITHMS = {  # SigAlg -> (hash, PSS?)
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("SHA256", False),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("SHA384", False),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("SHA512", False),
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1": ("SHA256", True),
    "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1": ("SHA384", True),
    "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1": ("SHA512", True),
}


def _verified_redirect(client, query, kind):
    """(XML, RelayState) of a redirect message the IdP signed with a key in its metadata (bindings 3.4.4.1)."""
    raw = _raw_query(query)
    if kind not in raw:
        raise Refused("malformed", f"no {kind}")
    if "Signature" not in raw or "SigAlg" not in raw:
        raise Refused("unsigned", f"the {kind} is not signed")
    signed = "&".join(f"{key}={raw[key]}" for key in (kind, "RelayState", "SigAlg") if key in raw)
    algorithm = _REDIRECT_ALGORITHMS.get(unquote_plus(raw["SigAlg"]))
    if algorithm is None:
        raise Refused("signature", "signature algorithm not accepted")
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
        message = base64.b64decode(unquote_plus(raw[kind]), validate=True)
    except (binascii.Error, ValueError):
        raise Refused("malformed", "not base64") from None
    if not any(_verifies(cert, algorithm, signature, signed.encode("ascii", "replace"))
               for cert in _idp_signing_certs(client)):
        raise Refused("signature", f"the {kind} signature does not verify")
    return _inflate(message), unquote_plus(raw.get("RelayState", ""))


def _raw_query(query):
    if isinstance(query, bytes):
        query = query.decode("latin-1")
    if not isinstance(query, str):  # a mapping: encode it as pysaml2 and most IdPs do
        keys = ("SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature")
        query = "&".join(urlencode({key: query[key]}) for key in keys if key in query)
    if len(query) > MAX_POSTED_CHARS:
        raise Refused("malformed", "too long")
    raw = {}
    for part in query.lstrip("?").split("&"):
        key, _, value = part.partition("=")
        if key in raw:
            raise Refused("malformed", f"{key} twice")
        raw[key] = value
    return raw


def _idp_signing_certs(client):
    from cryptography import x509

    certs = []
    for _name, text in client.metadata.certs(_idp_entity_id(client), "idpsso", "signing"):
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode("".join(text.split()))))
        except ValueError:
            continue
    return certs


def _verifies(cert, algorithm, signature, data):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    hash_name, pss = algorithm
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    digest = getattr(hashes, hash_name)()
    pad = padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.AUTO) if pss else padding.PKCS1v15()
    try:
        key.verify(signature, data, pad, digest)
    except InvalidSignature:
        return False
    return True
