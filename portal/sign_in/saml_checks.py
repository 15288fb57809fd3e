"""What the SAML service provider (saml.py) checks itself, after OIOSAML 3.

Before pysaml2 sees a Response: its status, Destination, InResponseTo and age,
and that it holds exactly one assertion (check_outer_response). After pysaml2
verified the assertion's signature (and decrypted it): who issued it, for
whom, to which address, in answer to what, until when, about whom and at
which level (check_assertion). A refusal names one of REASONS; `detail` is for
the log and holds no personal data.
"""
import calendar
import time

from . import assurance
from .assurance import LEVELS, NSIS_LOA, level_name

REASONS = ("malformed", "unsigned", "signature", "expired", "audience", "destination", "unknown_request",
           "replayed", "low_assurance", "idp_error", "no_identity")
CPR = "https://data.gov.dk/model/core/eid/cprNumber"
FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
FIRST_NAME = "https://data.gov.dk/model/core/eid/firstName"
LAST_NAME = "https://data.gov.dk/model/core/eid/lastName"
SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
MESSAGE_MAX_AGE = 5 * 60  # seconds a Response or logout message may travel, besides the clock skew
_SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
_DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


class Refused(assurance.Refused):
    """The IdP's message is not accepted; `reason` is one of REASONS, `detail` is for the log only."""

    REASONS = REASONS


def parse(parser, xml):
    """A pysaml2 message class from XML (defusedxml underneath), or Refused("malformed")."""
    try:
        message = parser(xml)
    except Exception as error:  # defusedxml's refusals, ElementTree's ParseError, pysaml2's own
        raise Refused("malformed", type(error).__name__) from None
    if message is None:
        raise Refused("malformed", "not the message expected")
    return message


def check_outer_response(conn, xml, expected_request_id):
    """Refuse a Response by what it says outside the assertion (not yet verified: it can only refuse)."""
    from saml2.samlp import response_from_string

    response = parse(response_from_string, xml)
    if response.version != "2.0":
        raise Refused("malformed", "not SAML 2.0")
    status = response.status.status_code if response.status else None
    if status is None or status.value != SUCCESS:
        second = status.status_code.value if status is not None and status.status_code else None
        raise Refused("idp_error", f"{status.value if status is not None else 'no status'} {second or ''}".strip())
    if response.destination != conn.acs_url:
        raise Refused("destination", "the Response is for another address")
    if response.in_response_to != expected_request_id:
        raise Refused("unknown_request", "the Response answers no request of ours")
    _fresh(conn, response.issue_instant, "the Response")
    count = len(response.assertion) + len(response.encrypted_assertion)
    if count != 1:
        raise Refused("malformed", f"{count} assertions")
    if conn.require_encrypted_assertion and not response.encrypted_assertion:
        raise Refused("malformed", "the assertion is not encrypted")


def check_assertion(conn, response, idp_entity_id, expected_request_id):
    """The Identity in the assertion pysaml2 verified, checked rule by rule."""
    from .saml import Identity

    assertion = response.assertion
    now, skew = time.time(), conn.allowed_clock_skew
    if assertion.issuer is None or (assertion.issuer.text or "").strip() != idp_entity_id:
        raise Refused("signature", "the assertion is not from the IdP in our metadata")
    if assertion.signature is None:
        raise Refused("unsigned", "the assertion is not signed")
    conditions = assertion.conditions
    if conditions is None or not conditions.not_on_or_after:
        raise Refused("malformed", "the assertion has no NotOnOrAfter")
    if conditions.not_before and epoch(conditions.not_before) > now + skew:
        raise Refused("expired", "the assertion is not valid yet")
    if epoch(conditions.not_on_or_after) <= now - skew:
        raise Refused("expired", "the assertion has expired")
    restrictions = conditions.audience_restriction
    if not restrictions or any(conn.entity_id not in [(audience.text or "").strip() for audience in r.audience]
                               for r in restrictions):
        raise Refused("audience", "the assertion is for another service")
    confirmation = _bearer_confirmation(conn, assertion, expected_request_id, now)
    subject = assertion.subject
    name_id = subject.name_id if subject is not None else None
    if name_id is None or not name_id.text or (conn.name_id_format and name_id.format != conn.name_id_format):
        raise Refused("no_identity", "no persistent NameID")
    attributes = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            attributes.setdefault(attribute.name, []).extend(
                (value.text or "").strip() for value in attribute.attribute_value)
    loa = _level(attributes)
    if conn.min_loa and (loa is None or LEVELS[loa] < LEVELS[conn.min_loa]):
        raise Refused("low_assurance", f"level {loa or 'none'}")
    statements = assertion.authn_statement
    last = max((conditions.not_on_or_after, confirmation.not_on_or_after), key=epoch)
    return Identity(
        subject=name_id.text, loa=loa, cpr=_first(attributes, CPR), name=_name(attributes),
        attributes=attributes, name_id=_text(name_id.to_string()),
        session_index=statements[0].session_index if statements else None,
        assertion_id=assertion.id, not_on_or_after=last)


def check_logout_message(conn, message, idp_entity_id):
    """Refuse a LogoutRequest or LogoutResponse (its signature already verified) not meant for us now."""
    if message.version != "2.0":
        raise Refused("malformed", "not SAML 2.0")
    if message.destination != conn.slo_url:
        raise Refused("destination", "the message is for another address")
    if message.issuer is None or (message.issuer.text or "").strip() != idp_entity_id:
        raise Refused("signature", "the message is not from the IdP in our metadata")
    _fresh(conn, message.issue_instant, "the message")
    not_on_or_after = getattr(message, "not_on_or_after", None)
    if not_on_or_after and epoch(not_on_or_after) <= time.time() - conn.allowed_clock_skew:
        raise Refused("expired", "the LogoutRequest has expired")
    name_id = getattr(message, "name_id", None)
    return name_id.text if name_id is not None else None


def diagnose(conn, client, xml, expected_request_id, *, default):
    """The reason a Response pysaml2 refused was refused, read from it (decrypted if need be)."""
    from defusedxml.ElementTree import fromstring

    try:
        if "EncryptedAssertion" in xml:
            xml = client.sec.decrypt_keys(xml)
        assertion = next(fromstring(xml.encode("utf-8")).iter(f"{_SAML}Assertion"), None)
    except Exception:
        return default
    if assertion is None:
        return default
    if assertion.find(f"{_DSIG}Signature") is None:
        return "unsigned"
    if default == "signature":
        return default
    now, skew = time.time(), conn.allowed_clock_skew
    try:
        audiences = [(element.text or "").strip() for element in assertion.iter(f"{_SAML}Audience")]
        if conn.entity_id not in audiences:
            return "audience"
        for element in [*assertion.iter(f"{_SAML}Conditions"), *assertion.iter(f"{_SAML}SubjectConfirmationData")]:
            if element.get("NotOnOrAfter") and epoch(element.get("NotOnOrAfter")) <= now - skew:
                return "expired"
            if element.get("NotBefore") and epoch(element.get("NotBefore")) > now + skew:
                return "expired"
        for data in assertion.iter(f"{_SAML}SubjectConfirmationData"):
            if data.get("InResponseTo") != expected_request_id:
                return "unknown_request"
            if data.get("Recipient") != conn.acs_url:
                return "destination"
    except Refused:
        return "malformed"
    return default


def epoch(text):
    """Seconds since 1970 of a SAML time (UTC); Refused("malformed") for anything else."""
    from saml2.time_util import str_to_time

    try:
        return calendar.timegm(str_to_time(text))
    except Exception:
        raise Refused("malformed", "not a time") from None


def _fresh(conn, issue_instant, what):
    if not issue_instant:
        raise Refused("malformed", f"{what} has no IssueInstant")
    issued, now = epoch(issue_instant), time.time()
    if issued > now + conn.allowed_clock_skew or issued < now - conn.allowed_clock_skew - MESSAGE_MAX_AGE:
        raise Refused("expired", f"{what} was not issued just now")


def _bearer_confirmation(conn, assertion, expected_request_id, now):
    """The bearer SubjectConfirmationData that holds: our ACS, our request, still valid."""
    skew = conn.allowed_clock_skew
    reason = Refused("malformed", "no bearer SubjectConfirmation")
    subject = assertion.subject
    for confirmation in subject.subject_confirmation if subject is not None else []:
        data = confirmation.subject_confirmation_data
        if confirmation.method != BEARER or data is None:
            continue
        if data.recipient != conn.acs_url:
            reason = Refused("destination", "the assertion is for another address")
        elif data.in_response_to != expected_request_id:
            reason = Refused("unknown_request", "the assertion answers no request of ours")
        elif not data.not_on_or_after or epoch(data.not_on_or_after) <= now - skew:
            reason = Refused("expired", "the subject confirmation has expired")
        elif data.not_before and epoch(data.not_before) > now + skew:
            reason = Refused("expired", "the subject confirmation is not valid yet")
        else:
            return data
    raise reason


def _level(attributes):
    return level_name(_first(attributes, NSIS_LOA))


def _first(attributes, name):
    values = [value for value in attributes.get(name, []) if value]
    return values[0] if values else None


def _name(attributes):
    full = _first(attributes, FULL_NAME)
    if full:
        return full
    parts = [_first(attributes, FIRST_NAME), _first(attributes, LAST_NAME)]
    return " ".join(part for part in parts if part) or None


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value
