"""A fake NemLog-in for development and tests: a SAML IdP built on pysaml2's IdP server.

It receives the portal's signed AuthnRequest (HTTP-Redirect), shows a plain
Danish page "Test-MitID" listing the test persons (persons.py) and a level of
assurance, and answers with a Response as NemLog-in does under OIOSAML 3: one
assertion, signed and encrypted for the portal, a persistent pseudonym as the
NameID, and the attributes loa, specVersion, cprNumber (where the person has
one) and the names; "Afbryd" answers with a status that is not Success. It
answers the portal's LogoutRequest, and can send one itself.

    app = create_idp_app(settings)                   # a WSGI app (Flask)
    python -m portal.dev_idp --port 5001 --sp-metadata http://localhost:5000/mitid/metadata

Tests forge each case without a browser:

    url, request_id = saml.start_login(conn, "state")
    form = make_response(settings, url, "sara-holm", tamper="expired")   # {"url", "SAMLResponse", "RelayState"}

Production refuses it by its entity id, DEV_IDP_ENTITY_ID.
"""
import base64
import functools
import logging
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from . import DEV_IDP_ENTITY_ID
from .keys import ensure_keypair
from .persons import PERSONS, TestPerson, person as person_named

PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
NSIS_LOA = "https://data.gov.dk/concept/core/nsis/loa"
ATTRIBUTES = {  # OIOSAML 3 attribute names
    "spec_version": "https://data.gov.dk/model/core/specVersion",
    "loa": NSIS_LOA,
    "cpr": "https://data.gov.dk/model/core/eid/cprNumber",
    "first_name": "https://data.gov.dk/model/core/eid/firstName",
    "last_name": "https://data.gov.dk/model/core/eid/lastName",
    "full_name": "https://data.gov.dk/model/core/eid/fullName",
}
LEVELS = ("Substantial", "Low", "High")  # the page's order: the default first
TAMPERS = ("unsigned", "signature", "other_key", "expired", "audience", "destination", "recipient",
           "in_response_to", "cancel", "unencrypted")
SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
LIFETIME = 5 * 60  # seconds an assertion is valid


@dataclass(frozen=True)
class IdpSettings:
    base_url: str  # where the browser reaches the IdP, e.g. http://127.0.0.1:5001
    key_file: str  # the IdP's signing key and certificate (keys.ensure_keypair)
    cert_file: str
    sp_metadata: str  # the portal's SP metadata: a file, or a URL read at each request
    entity_id: str = DEV_IDP_ENTITY_ID
    xmlsec_binary: str | None = None  # default: xmlsec1 on PATH
    encrypt_assertions: bool = True  # as NemLog-in does


def settings_for(folder, base_url, sp_metadata, **more):
    """IdpSettings with a throwaway key pair kept in `folder` (made when missing)."""
    key_file, cert_file = ensure_keypair(folder, "dev-idp", common_name="Test-MitID (kun til udvikling)")
    return IdpSettings(base_url=base_url.rstrip("/"), key_file=key_file, cert_file=cert_file,
                       sp_metadata=sp_metadata, **more)


def idp_metadata(settings):
    """The IdP's metadata XML: its entity id, signing certificate, SSO and SLO (HTTP-Redirect)."""
    _quiet_pysaml2()
    from saml2.metadata import create_metadata_string

    xml = create_metadata_string(None, config=_config(settings, None), sign=False)
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml


def read_authn_request(settings, params):
    """(AuthnRequest, RelayState) of a redirect the portal signed; ValueError for anything else."""
    params = _params(params)
    _unused, parsed = _signed_redirect(settings, params, "parse_authn_request", "AuthnRequest")
    if parsed is None:
        raise ValueError("not an AuthnRequest")
    return parsed.message, params.get("RelayState", "")


def _signed_redirect(settings, params, parse, what):
    """(server, the parsed message) of a signed HTTP-Redirect message from the SP; ValueError for anything else."""
    _quiet_pysaml2()
    from saml2 import BINDING_HTTP_REDIRECT

    server = _server(settings)
    try:
        parsed = getattr(server, parse)(params["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                        relay_state=params.get("RelayState"), sigalg=params.get("SigAlg"),
                                        signature=params.get("Signature"))
    except Exception as error:
        raise ValueError(f"not a signed {what} from the SP: {type(error).__name__}") from None
    return server, parsed


def make_response(settings, authn_request_or_params, person, loa="Substantial", tamper=None):
    """The form the browser posts to the SP's ACS: {"url", "SAMLResponse", "RelayState"}.

    `authn_request_or_params` is the redirect URL from start_login, its query
    parameters, or an AuthnRequest read_authn_request already verified (then
    RelayState is empty). `tamper` forges one fault (TAMPERS) for a test.
    """
    _quiet_pysaml2()
    from saml2 import class_name, saml, samlp
    from saml2.s_utils import sid
    from saml2.sigver import pre_encrypt_assertion, pre_signature_part, signed_instance_factory

    if tamper is not None and tamper not in TAMPERS:
        raise ValueError(f"tamper must be one of {TAMPERS}")
    if isinstance(authn_request_or_params, samlp.AuthnRequest):
        request, relay_state = authn_request_or_params, ""
    else:
        request, relay_state = read_authn_request(settings, authn_request_or_params)
    person = person if isinstance(person, TestPerson) else person_named(person)
    server = _server(settings)
    sp_entity_id, acs_url = request.issuer.text.strip(), _acs_url(server, request)
    now = time.time()
    destination = "https://elsewhere.invalid/acs" if tamper == "destination" else acs_url
    in_response_to = "_not-our-request" if tamper == "in_response_to" else request.id
    status = samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_SUCCESS))
    response = samlp.Response(id=sid(), version="2.0", issue_instant=_instant(now), destination=destination,
                              in_response_to=in_response_to, issuer=saml.Issuer(text=settings.entity_id),
                              status=status)
    if tamper == "cancel":
        response.status = samlp.Status(
            status_code=samlp.StatusCode(value=samlp.STATUS_RESPONDER,
                                         status_code=samlp.StatusCode(value=samlp.STATUS_AUTHN_FAILED)),
            status_message=samlp.StatusMessage(text="Brugeren afbrød"))
        return _form(acs_url, str(response), relay_state)
    ends = now - 600 if tamper == "expired" else now + LIFETIME
    recipient = "https://elsewhere.invalid/acs" if tamper in ("destination", "recipient") else acs_url
    audience = "https://another-service.invalid" if tamper == "audience" else sp_entity_id
    assertion = saml.Assertion(
        id=sid(), version="2.0", issue_instant=_instant(now), issuer=saml.Issuer(text=settings.entity_id),
        subject=saml.Subject(
            name_id=saml.NameID(format=PERSISTENT, text=person.pseudonym),
            subject_confirmation=[saml.SubjectConfirmation(
                method="urn:oasis:names:tc:SAML:2.0:cm:bearer",
                subject_confirmation_data=saml.SubjectConfirmationData(
                    in_response_to=in_response_to, recipient=recipient, not_on_or_after=_instant(ends)))]),
        conditions=saml.Conditions(
            not_before=_instant(now - 60 if tamper != "expired" else now - 900), not_on_or_after=_instant(ends),
            audience_restriction=[saml.AudienceRestriction(audience=[saml.Audience(text=audience)])]),
        authn_statement=[saml.AuthnStatement(
            authn_instant=_instant(now), session_index=sid(),
            authn_context=saml.AuthnContext(authn_context_class_ref=saml.AuthnContextClassRef(
                text=f"{NSIS_LOA}/{loa}")))],
        attribute_statement=[saml.AttributeStatement(attribute=_attributes(person, loa))])
    if tamper not in ("unsigned",):
        assertion.signature = pre_signature_part(assertion.id, server.sec.my_cert, 1, sign_alg=SIG_RSA_SHA256,
                                                 digest_alg=DIGEST_SHA256)
    response.assertion = assertion
    encrypt = settings.encrypt_assertions and tamper != "unencrypted"
    if encrypt:  # the assertion declares its own namespaces: decrypted, it stands alone
        tag = assertion._to_element_tree().tag
        xml = pre_encrypt_assertion(response).get_xml_string_with_self_contained_assertion_within_encrypted_assertion(
            tag)
    else:
        xml = str(response)
    if tamper == "other_key":
        stranger_key, _ = ensure_keypair(Path(settings.key_file).parent, "dev-idp-stranger")
        xml = server.sec.sign_statement(xml, class_name(assertion), key_file=stranger_key, node_id=assertion.id)
    elif tamper != "unsigned":
        xml = signed_instance_factory(xml, server.sec, [(class_name(assertion), assertion.id)])
    if tamper == "signature":  # after signing: the pseudonym of someone else
        xml = xml.replace(person.pseudonym, person_named("ny-person" if person.key != "ny-person"
                                                         else "sara-holm").pseudonym)
    if encrypt:
        xml = _encrypt(server, sp_entity_id, xml)
    return _form(acs_url, xml, relay_state)


def logout_request_url(settings, subject, session_index=None):
    """URL that brings the browser to the SP with the IdP's signed LogoutRequest for `subject`."""
    _quiet_pysaml2()
    from saml2 import BINDING_HTTP_REDIRECT, saml

    server = _server(settings)
    sp_entity_id = _sp_entity_id(server)
    endpoints = server.metadata.single_logout_service(sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")
    if not endpoints:
        raise ValueError("the SP's metadata has no single logout service for HTTP-Redirect")
    destination = endpoints[0]["location"]
    _, request = server.create_logout_request(
        destination, sp_entity_id, name_id=saml.NameID(format=PERSISTENT, text=subject),
        session_indexes=[session_index] if session_index else None, sign=False)
    info = server.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True,
                                sigalg=SIG_RSA_SHA256)
    return dict(info["headers"])["Location"]


def answer_logout_request(settings, params):
    """URL back to the SP with a signed LogoutResponse (Success) to its signed LogoutRequest."""
    from saml2 import BINDING_HTTP_REDIRECT

    params = _params(params)
    server, parsed = _signed_redirect(settings, params, "parse_logout_request", "LogoutRequest")
    response = server.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = server.apply_binding(BINDING_HTTP_REDIRECT, str(response), response.destination,
                                params.get("RelayState", ""), response=True, sign=True, sigalg=SIG_RSA_SHA256)
    return dict(info["headers"])["Location"]


def create_idp_app(settings):
    """The fake NemLog-in as a WSGI app (Flask): the pages are in views.py."""
    from .views import create_app

    return create_app(settings)


def main(argv=None):
    """python -m portal.dev_idp --port 5001 --sp-metadata http://localhost:5000/mitid/metadata"""
    import argparse

    from werkzeug.serving import run_simple

    from . import DEV_IDP_PORT

    parser = argparse.ArgumentParser(prog="python -m portal.dev_idp",
                                     description="A fake NemLog-in for development and tests only.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEV_IDP_PORT)
    parser.add_argument("--base-url", help="the address the browser reaches it at (default http://HOST:PORT)")
    parser.add_argument("--sp-metadata", required=True, help="the portal's SP metadata: a URL or a file")
    parser.add_argument("--keys", default="instance/dev_idp", help="folder for its throwaway key pair")
    parser.add_argument("--metadata-out", help="write the IdP's metadata here (default KEYS/idp-metadata.xml)")
    args = parser.parse_args(argv)
    settings = settings_for(args.keys, args.base_url or f"http://{args.host}:{args.port}", args.sp_metadata)
    out = Path(args.metadata_out or Path(args.keys) / "idp-metadata.xml")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(idp_metadata(settings), encoding="utf-8")
    print(f"Test-MitID (kun til udvikling): {settings.base_url}  metadata: {out}", flush=True)
    run_simple(args.host, args.port, create_idp_app(settings), threaded=True)


# --- pysaml2's IdP server, made from the settings --------------------------------------------------------------

def _server(settings):
    """A Server on the SP's metadata as it is now (read at each request: the portal may have new keys)."""
    from saml2.server import Server

    return Server(config=_config(settings, _sp_metadata_text(settings.sp_metadata)))


def _config(settings, sp_metadata_xml):
    import shutil

    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig

    xmlsec = settings.xmlsec_binary or shutil.which("xmlsec1")
    if not xmlsec:
        raise RuntimeError("xmlsec1 is not installed (Debian: apt-get install xmlsec1)")
    config = IdPConfig()
    config.load({
        "entityid": settings.entity_id,
        "xmlsec_binary": xmlsec,
        "key_file": settings.key_file,
        "cert_file": settings.cert_file,
        "metadata": {"inline": [sp_metadata_xml]} if sp_metadata_xml else {},
        "accepted_time_diff": 60,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "delete_tmpfiles": True,
        "service": {"idp": {
            "endpoints": {
                "single_sign_on_service": [(f"{settings.base_url}/sso", BINDING_HTTP_REDIRECT)],
                "single_logout_service": [(f"{settings.base_url}/slo", BINDING_HTTP_REDIRECT)],
            },
            "want_authn_requests_signed": True,
            "name_id_format": [PERSISTENT],
        }},
    })
    return config


@functools.cache
def _quiet_pysaml2():
    """As portal.sign_in.saml.quiet_pysaml2 (a layer above, so not imported here)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*has been moved to cryptography.hazmat.decrepit")
        import saml2.cryptography.symmetric  # noqa: F401
    logging.getLogger("saml2").setLevel(logging.CRITICAL)


def _sp_metadata_text(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=5) as answer:  # noqa: S310 (development only)
            return answer.read(1_000_000).decode("utf-8")
    return Path(source).read_text(encoding="utf-8")


def _sp_entity_id(server):
    providers = list(server.metadata.service_providers())
    if len(providers) != 1:
        raise ValueError("the SP metadata must describe exactly one SP")
    return providers[0]


def _acs_url(server, request):
    """The ACS the request names, if the SP's metadata lists it for HTTP-POST; else the first listed."""
    from saml2 import BINDING_HTTP_POST

    listed = [endpoint["location"] for endpoint in
              server.metadata.assertion_consumer_service(request.issuer.text.strip(), BINDING_HTTP_POST)]
    if not listed:
        raise ValueError("the SP's metadata has no assertion consumer service for HTTP-POST")
    wanted = request.assertion_consumer_service_url
    return wanted if wanted in listed else listed[0]


def _encrypt(server, sp_entity_id, xml):
    """The response with its assertion encrypted for the SP's certificate (AES-256-GCM, RSA-OAEP)."""
    from saml2.sigver import ASSERT_XPATH, get_pem_wrapped_unwrapped, pre_encryption_part

    certs = server.metadata.certs(sp_entity_id, "spsso", "encryption")
    if not certs:
        raise ValueError("the SP's metadata has no encryption certificate")
    wrapped, unwrapped = get_pem_wrapped_unwrapped(certs[0][1])
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as pem:
        pem.write(wrapped)
        pem.flush()
        template = pre_encryption_part(msg_enc=AES256_GCM, encrypt_cert=unwrapped)
        return server.sec.encrypt_assertion(xml, pem.name, template, key_type="aes-256", node_xpath=ASSERT_XPATH)


def _attributes(person, loa):
    from saml2 import saml

    values = {"spec_version": "OIO-SAML-3.0", "loa": loa, "cpr": person.cpr, "first_name": person.first_name,
              "last_name": person.last_name, "full_name": person.name}
    return [saml.Attribute(name=ATTRIBUTES[key], name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                           attribute_value=[saml.AttributeValue(text=value)])
            for key, value in values.items() if value]


def _params(params):
    if isinstance(params, str):
        params = dict(parse_qsl(urlsplit(params).query if "?" in params or "://" in params else params))
    if not isinstance(params, Mapping) or "SAMLRequest" not in params:
        raise ValueError("no SAMLRequest")
    return {key: params[key] for key in ("SAMLRequest", "RelayState", "SigAlg", "Signature") if key in params}


def _form(url, xml, relay_state):
    return {"url": url, "SAMLResponse": base64.b64encode(xml.encode("utf-8")).decode("ascii"),
            "RelayState": relay_state}


def _instant(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


__all__ = ["DEV_IDP_ENTITY_ID", "IdpSettings", "PERSONS", "LEVELS", "TAMPERS", "settings_for", "idp_metadata",
           "read_authn_request", "make_response", "logout_request_url", "answer_logout_request", "create_idp_app",
           "main"]
