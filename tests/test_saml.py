"""SAML sign-in (portal/sign_in/saml.py) against the fake NemLog-in (portal/dev_idp/).

The keys, both parties' metadata and the fake IdP are made once for the module.
Each bad answer is forged by nemlogin.make_response, as an attacker or a broken
IdP would send it, and must end in Refused with its reason: never in an
identity, never in another exception.
"""
import base64
import html
import re
import subprocess
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.dev_idp import DEV_IDP_ENTITY_ID, keys, nemlogin, persons
from portal.dev_idp.views import create_app
from portal.sign_in import saml

ROOT = Path(__file__).resolve().parent.parent
PORTAL = "http://localhost:5000"
IDP = "http://127.0.0.1:5001"
PSS = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


@pytest.fixture(scope="module")
def parties(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml")
    key_file, cert_file = keys.ensure_keypair(folder, "sp")
    settings = nemlogin.settings_for(folder, IDP, str(folder / "sp-metadata.xml"))
    (folder / "idp-metadata.xml").write_text(nemlogin.idp_metadata(settings))
    conn = saml.Connection(entity_id=f"{PORTAL}/mitid/metadata", acs_url=f"{PORTAL}/mitid/acs",
                           slo_url=f"{PORTAL}/mitid/logout", key_file=key_file, cert_file=cert_file,
                           idp_metadata_file=str(folder / "idp-metadata.xml"), require_encrypted_assertion=True)
    (folder / "sp-metadata.xml").write_text(saml.sp_metadata(conn))
    return SimpleNamespace(conn=conn, settings=settings, folder=folder, idp=create_app(settings).test_client())


class Remember:
    """The integrator's replay table, in memory: says False for an id seen before."""

    def __init__(self):
        self.seen = {}

    def __call__(self, assertion_id, not_on_or_after):
        if assertion_id in self.seen:
            return False
        self.seen[assertion_id] = not_on_or_after
        return True


def answer(parties, person="sara-holm", *, conn=None, **forge):
    """(the posted form, the request id): start_login, then the fake IdP answers for `person`."""
    url, request_id = saml.start_login(conn or parties.conn, "relay-1")
    return nemlogin.make_response(parties.settings, url, person, **forge), request_id


def sign_in(parties, person="sara-holm", *, conn=None, remember=None, **forge):
    form, request_id = answer(parties, person, conn=conn, **forge)
    return saml.read_response(conn or parties.conn, form["SAMLResponse"], expected_request_id=request_id,
                              remember_assertion=remember or Remember())


def reason(call, *args, **kwargs):
    with pytest.raises(saml.Refused) as caught:
        call(*args, **kwargs)
    return caught.value.reason


# --- a parent signs in ---------------------------------------------------------------------------------------

def test_a_parent_signs_in_through_the_test_mitid(parties):
    sara = persons.person("Sara Holm")
    remember = Remember()
    identity = sign_in(parties, "sara-holm", remember=remember)
    assert identity.subject == sara.pseudonym
    assert identity.subject.startswith("https://data.gov.dk/model/core/eid/person/uuid/")
    assert (identity.loa, identity.cpr, identity.name) == ("Substantial", sara.cpr, "Sara Holm")
    assert identity.attributes["https://data.gov.dk/model/core/specVersion"] == ["OIO-SAML-3.0"]
    assert identity.session_index and identity.assertion_id
    assert sara.pseudonym in identity.name_id and "nameid-format:persistent" in identity.name_id
    # The id is remembered only for an accepted assertion, until it could no longer be accepted.
    assert remember.seen == {identity.assertion_id: identity.not_on_or_after}
    assert time.strptime(identity.not_on_or_after, "%Y-%m-%dT%H:%M:%SZ") > time.gmtime()


def test_the_relay_state_and_the_portals_address_come_back(parties):
    form, _ = answer(parties)
    assert (form["url"], form["RelayState"]) == (f"{PORTAL}/mitid/acs", "relay-1")


def test_the_authn_request_is_signed_and_asks_for_substantial_at_least(parties):
    url, request_id = saml.start_login(parties.conn, "state", force_authn=True)
    params = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(f"{IDP}/sso?")
    assert params["SigAlg"] == RSA_SHA256 and params["Signature"] and params["RelayState"] == "state"
    xml = zlib.decompress(base64.b64decode(params["SAMLRequest"]), -15).decode()
    assert f'ID="{request_id}"' in xml and 'ForceAuthn="true"' in xml
    assert f'AssertionConsumerServiceURL="{PORTAL}/mitid/acs"' in xml
    assert re.search(r'RequestedAuthnContext[^>]*Comparison="minimum"', xml)
    assert ">https://data.gov.dk/concept/core/nsis/loa/Substantial<" in xml
    assert 'Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"' in xml
    # The fake IdP verifies the signature, and refuses the request when it is not ours.
    assert nemlogin.read_authn_request(parties.settings, url)[0].id == request_id
    with pytest.raises(ValueError):
        nemlogin.read_authn_request(parties.settings, url.replace("RelayState=state", "RelayState=other"))
    with pytest.raises(ValueError):
        saml.start_login(parties.conn, "x" * 81)


def test_a_person_without_a_cpr_number_signs_in_without_one(parties):
    identity = sign_in(parties, "uden-cpr")
    assert identity.cpr is None and identity.name == "Amal Haddad"
    assert identity.subject == persons.person("uden-cpr").pseudonym


def test_every_test_person_has_a_fixed_pseudonym_of_their_own():
    pseudonyms = [person.pseudonym for person in persons.PERSONS]
    assert len(set(pseudonyms)) == len(pseudonyms)
    assert pseudonyms == [person.pseudonym for person in persons.PERSONS]  # the same every time
    names = {person.name for person in persons.PERSONS}
    assert {"Sara Holm", "Thomas Holm", "Nadia Yilmaz", "Martin Andersen", "Lene Nielsen"} <= names
    assert any(person.cpr is None for person in persons.PERSONS)


# --- what is refused, and why ----------------------------------------------------------------------------------

@pytest.mark.parametrize("tamper, expected", [
    ("unsigned", "unsigned"),
    ("signature", "signature"),  # a pseudonym changed after signing
    ("other_key", "signature"),  # signed by a key not in the IdP's metadata
    ("expired", "expired"),
    ("audience", "audience"),
    ("destination", "destination"),
    ("recipient", "destination"),  # the Response's Destination is right, the assertion's Recipient is not
    ("in_response_to", "unknown_request"),
    ("cancel", "idp_error"),  # the user pressed "Afbryd" at MitID
    ("unencrypted", "malformed"),  # NemLog-in always encrypts: a plain assertion is not its
])
def test_a_forged_or_failed_answer_is_refused_with_its_reason(parties, tamper, expected):
    remember = Remember()
    assert reason(sign_in, parties, tamper=tamper, remember=remember) == expected
    assert remember.seen == {}  # the replay table hears only of otherwise valid assertions


def test_an_answer_to_another_request_is_refused(parties):
    form, _ = answer(parties)
    _, other_request = saml.start_login(parties.conn, "")
    for expected_request_id in (other_request, None, ""):
        assert reason(saml.read_response, parties.conn, form["SAMLResponse"], expected_request_id=expected_request_id,
                      remember_assertion=Remember()) == "unknown_request"


def test_a_replayed_assertion_is_refused(parties):
    form, request_id = answer(parties)
    remember = Remember()
    first = saml.read_response(parties.conn, form["SAMLResponse"], expected_request_id=request_id,
                               remember_assertion=remember)
    assert first.subject == persons.person("sara-holm").pseudonym
    assert reason(saml.read_response, parties.conn, form["SAMLResponse"], expected_request_id=request_id,
                  remember_assertion=remember) == "replayed"


def test_assurance_low_is_refused_and_high_is_accepted(parties):
    assert reason(sign_in, parties, loa="Low") == "low_assurance"
    assert sign_in(parties, loa="High").loa == "High"


def test_a_connection_without_a_level_accepts_any_and_asks_for_none(parties):
    staff_like = replace(parties.conn, min_loa=None, require_encrypted_assertion=False)
    url, _ = saml.start_login(staff_like, "")
    xml = zlib.decompress(base64.b64decode(dict(parse_qsl(urlsplit(url).query))["SAMLRequest"]), -15).decode()
    assert "RequestedAuthnContext" not in xml
    assert sign_in(parties, conn=staff_like, loa="Low", tamper="unencrypted").loa == "Low"


def test_a_connection_refuses_a_level_it_does_not_know():
    with pytest.raises(ValueError):
        saml.Connection("e", "a", "s", "k", "c", "m", min_loa="Betydelig")


def _bomb():
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};">' for i in range(1, 12))
    return f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e0 "lol">{entities}]><r>&e11;</r>'


@pytest.mark.parametrize("posted", [
    "", "   ", "!!!!", "é", b"\xff\xfe", "A" * 1_000_001, "YWJj====", base64.b64encode(b"\x00" * 50).decode(),
    base64.b64encode(b"<samlp:Response").decode(), base64.b64encode(b"<a>not saml</a>").decode(),
    base64.b64encode(_bomb().encode()).decode(),
    base64.b64encode(b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>').decode(),
    base64.b64encode(zlib.compress(b"<" + b" " * 5_000_000)).decode(),  # deflated: never inflated
    base64.b64encode(b"<" + b" " * 400_000).decode(),
    base64.b64encode('<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'.encode()).decode(),
], ids=lambda value: repr(value[:20]))
def test_junk_is_refused_quickly_and_never_raises_anything_else(parties, posted):
    started = time.monotonic()
    assert reason(saml.read_response, parties.conn, posted, expected_request_id="_x",
                  remember_assertion=Remember()) == "malformed"
    assert time.monotonic() - started < 2


def test_a_response_with_its_xml_changed_anywhere_is_refused_not_crashed(parties):
    form, request_id = answer(parties, tamper="unencrypted")
    xml = base64.b64decode(form["SAMLResponse"]).decode()
    conn = replace(parties.conn, require_encrypted_assertion=False)
    for cut in (len(xml) // 3, len(xml) // 2, len(xml) - 40):
        broken = base64.b64encode((xml[:cut] + xml[cut + 7:]).encode()).decode()
        assert reason(saml.read_response, conn, broken, expected_request_id=request_id,
                      remember_assertion=Remember()) in saml.REASONS


# --- single logout ---------------------------------------------------------------------------------------------

def test_single_logout_started_by_the_portal(parties):
    identity = sign_in(parties, "martin-andersen")
    url = saml.start_logout(parties.conn, identity.name_id, identity.session_index)
    params = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(f"{IDP}/slo?") and params["SigAlg"] == RSA_SHA256 and params["Signature"]
    back = parties.idp.get("/slo?" + urlsplit(url).query)
    assert back.status_code == 303 and back.headers["Location"].startswith(f"{PORTAL}/mitid/logout?SAMLResponse=")
    assert saml.read_logout_response(parties.conn, urlsplit(back.headers["Location"]).query) is True


def test_single_logout_started_by_the_idp(parties):
    identity = sign_in(parties, "nadia-yilmaz")
    url = nemlogin.logout_request_url(parties.settings, identity.subject, identity.session_index)
    assert url.startswith(f"{PORTAL}/mitid/logout?SAMLRequest=")
    back, subject = saml.answer_logout_request(parties.conn, urlsplit(url).query)
    assert subject == identity.subject
    assert back.startswith(f"{IDP}/slo?SAMLResponse=")
    assert parties.idp.get("/slo?" + urlsplit(back).query).status_code == 200
    # The same, handed in as a mapping (a view's request.args).
    assert saml.answer_logout_request(parties.conn, dict(parse_qsl(urlsplit(url).query)))[1] == identity.subject


def test_a_logout_request_not_signed_by_the_idp_is_refused(parties):
    query = urlsplit(nemlogin.logout_request_url(parties.settings, persons.person("sara-holm").pseudonym)).query
    unsigned = "&".join(part for part in query.split("&") if not part.startswith("Signature="))
    assert reason(saml.answer_logout_request, parties.conn, unsigned) == "unsigned"
    assert reason(saml.answer_logout_request, parties.conn, query.replace("SigAlg=", "RelayState=x&SigAlg=")) \
        == "signature"
    forged = dict(parse_qsl(query))
    forged["SAMLRequest"] = base64.b64encode(zlib.compress(b"<x/>")[2:-4]).decode()
    assert reason(saml.answer_logout_request, parties.conn, forged) == "signature"
    for junk in ("", "SAMLRequest=%%%", "SAMLRequest=a&SAMLRequest=b", "x" * 500_000):
        assert reason(saml.answer_logout_request, parties.conn, junk) in ("malformed", "unsigned")
    assert reason(saml.read_logout_response, parties.conn, "SAMLResponse=abc") == "unsigned"


def test_a_logout_message_for_another_address_or_from_another_issuer_or_too_old_is_refused(parties):
    from saml2 import saml as assertion_ns, samlp
    from portal.sign_in import saml_checks

    def message(**changes):
        fields = {"id": "_l", "version": "2.0", "issue_instant": nemlogin._instant(time.time()),
                  "destination": parties.conn.slo_url, "issuer": assertion_ns.Issuer(text=DEV_IDP_ENTITY_ID),
                  "name_id": assertion_ns.NameID(text="someone")}
        fields.update(changes)
        return samlp.LogoutRequest(**fields)

    check = saml_checks.check_logout_message
    assert check(parties.conn, message(), DEV_IDP_ENTITY_ID) == "someone"
    assert reason(check, parties.conn, message(destination="https://elsewhere.invalid/slo"), DEV_IDP_ENTITY_ID) \
        == "destination"
    assert reason(check, parties.conn, message(issuer=assertion_ns.Issuer(text="https://other.invalid")),
                  DEV_IDP_ENTITY_ID) == "signature"
    assert reason(check, parties.conn, message(issue_instant=nemlogin._instant(time.time() - 3600)),
                  DEV_IDP_ENTITY_ID) == "expired"
    assert reason(check, parties.conn, message(not_on_or_after=nemlogin._instant(time.time() - 600)),
                  DEV_IDP_ENTITY_ID) == "expired"


# --- metadata --------------------------------------------------------------------------------------------------

def test_sp_metadata_parses_and_names_our_acs_slo_and_certificate(parties):
    from saml2.md import entity_descriptor_from_string

    descriptor = entity_descriptor_from_string(saml.sp_metadata(parties.conn))
    assert descriptor.entity_id == f"{PORTAL}/mitid/metadata"
    sp = descriptor.spsso_descriptor[0]
    assert (sp.authn_requests_signed, sp.want_assertions_signed) == ("true", "true")
    assert [(acs.location, acs.binding) for acs in sp.assertion_consumer_service] == [
        (f"{PORTAL}/mitid/acs", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")]
    assert [slo.location for slo in sp.single_logout_service] == [f"{PORTAL}/mitid/logout"]
    assert [name.text for name in sp.name_id_format] == ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"]
    ours = "".join(Path(parties.conn.cert_file).read_text().splitlines()[1:-1])
    certs = {(key.use, "".join(key.key_info.x509_data[0].x509_certificate.text.split())) for key in sp.key_descriptor}
    assert certs == {("signing", ours), ("encryption", ours)}
    with_contact = saml.sp_metadata(replace(parties.conn, contact_email="it@demo-kommune.invalid",
                                            organization=("Demo Kommune", "Demo Kommune", "https://demo.invalid")))
    contact = entity_descriptor_from_string(with_contact).contact_person[0]
    assert (contact.contact_type, contact.email_address[0].text) == ("technical", "it@demo-kommune.invalid")
    # No weak algorithm is offered; certificates left out (a random certificate's base64 may hold "md5").
    without_certificates = re.sub(r"X509Certificate>[^<]*<", "X509Certificate><", with_contact)
    assert "X509Certificate><" in without_certificates
    assert not re.search(r"md5|rsa-sha1|#sha1|dsa-", without_certificates)


def test_signed_sp_metadata_verifies_with_our_certificate(parties, tmp_path):
    signed = tmp_path / "signed.xml"
    signed.write_text(saml.sp_metadata(parties.conn, sign=True))
    checked = subprocess.run(["xmlsec1", "--verify", "--pubkey-cert-pem", parties.conn.cert_file, "--id-attr:ID",
                              "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", str(signed)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_the_fake_idp_names_itself_so_production_can_refuse_it(parties):
    assert DEV_IDP_ENTITY_ID.startswith("https://") and ".invalid/" in DEV_IDP_ENTITY_ID
    metadata = parties.idp.get("/metadata")
    assert metadata.status_code == 200 and f'entityID="{DEV_IDP_ENTITY_ID}"' in metadata.get_data(as_text=True)
    assert saml.idp_entity_id(parties.conn) == DEV_IDP_ENTITY_ID


# --- RSASSA-PSS: what Debian's xmlsec1 does with NemLog-in's signature method ----------------------------------

def xmlsec1_version():
    out = subprocess.run(["xmlsec1", "--version"], capture_output=True, text=True).stdout  # "xmlsec1 1.2.37 (openssl)"
    return tuple(int(part) for part in out.split()[1].split("."))


def resign_with_pss(xml, key_file, cert_file):
    """The response with its assertion signed as NemLog-in signs: sha256-rsa-MGF1 (RSASSA-PSS)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    # xmlsec1 shows the canonical SignedInfo it verified; with the method's name changed it is what PSS signs.
    shown = subprocess.run(["xmlsec1", "--verify", "--store-signatures", "--pubkey-cert-pem", cert_file,
                            "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "-"],
                           input=xml, capture_output=True, text=True, check=True).stdout
    signed_info = re.search(r"== PreSigned data - start buffer:\n(.*)\n== PreSigned data - end buffer", shown,
                            re.S).group(1).replace(RSA_SHA256, PSS).encode()
    key = serialization.load_pem_private_key(Path(key_file).read_bytes(), None)
    value = key.sign(signed_info, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    xml = xml.replace(RSA_SHA256, PSS)
    return re.sub(r"(<(\w+:)?SignatureValue>).*?(</(\w+:)?SignatureValue>)",
                  lambda m: m.group(1) + base64.b64encode(value).decode() + m.group(3), xml, flags=re.S)


def test_rsassa_pss_signatures_work_only_with_xmlsec1_1_3_or_newer(parties):
    """Debian bookworm's xmlsec1 1.2.37 (and trixie's 1.2.41) do not know sha256-rsa-MGF1: such an assertion
    is refused as "signature", never accepted. xmlsec 1.3.0 added RSA-PSS: there it must sign in."""
    conn = replace(parties.conn, require_encrypted_assertion=False)
    form, request_id = answer(parties, tamper="unencrypted")
    xml = resign_with_pss(base64.b64decode(form["SAMLResponse"]).decode(), parties.settings.key_file,
                          parties.settings.cert_file)
    assert PSS in xml
    posted = base64.b64encode(xml.encode()).decode()
    read = lambda: saml.read_response(conn, posted, expected_request_id=request_id,  # noqa: E731
                                      remember_assertion=Remember())
    checked = subprocess.run(["xmlsec1", "--verify", "--pubkey-cert-pem", parties.settings.cert_file,
                              "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "-"],
                             input=xml, capture_output=True, text=True)
    if xmlsec1_version() < (1, 3):
        assert checked.returncode != 0 and f"href={PSS}" in checked.stderr  # an unknown method, said plainly
        assert reason(read) == "signature"
    else:
        assert checked.returncode == 0, checked.stderr
        assert read().subject == persons.person("sara-holm").pseudonym


def test_an_idp_logout_request_signed_with_pss_over_redirect_is_verified(parties):
    """Redirect signatures are checked by the portal itself (cryptography), so PSS works there on any xmlsec1."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from urllib.parse import quote_plus

    query = urlsplit(nemlogin.logout_request_url(parties.settings, persons.person("lene-nielsen").pseudonym)).query
    raw = dict(part.split("=", 1) for part in query.split("&"))
    signed = f"SAMLRequest={raw['SAMLRequest']}&SigAlg={quote_plus(PSS)}"
    key = serialization.load_pem_private_key(Path(parties.settings.key_file).read_bytes(), None)
    value = key.sign(signed.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                     hashes.SHA256())
    pss_query = f"{signed}&Signature={quote_plus(base64.b64encode(value).decode())}"
    assert saml.answer_logout_request(parties.conn, pss_query)[1] == persons.person("lene-nielsen").pseudonym
    assert reason(saml.answer_logout_request, parties.conn, pss_query.replace("SigAlg=", "RelayState=&SigAlg=")) \
        == "signature"


# --- the fake IdP's pages --------------------------------------------------------------------------------------

def test_the_test_mitid_page_lists_the_persons_and_levels_in_plain_danish(parties):
    url, _ = saml.start_login(parties.conn, "")
    page = parties.idp.get("/sso?" + urlsplit(url).query)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="da">' in text
    assert "Test-MitID — kun til udvikling og test" in text
    assert 'name="viewport" content="width=device-width' in text and "<script" not in text
    for person in persons.PERSONS:
        assert f'<label for="person-{person.key}">' in text and f'id="person-{person.key}"' in text
    assert text.count('name="loa"') == 3 and 'value="Substantial" checked' in text
    assert ">Afbryd</button>" in text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_the_test_mitid_answers_with_a_form_the_browser_posts_back(parties):
    url, request_id = saml.start_login(parties.conn, "back-here")
    page = parties.idp.get("/sso?" + urlsplit(url).query).get_data(as_text=True)
    hidden = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page)
    fields = {name: html.unescape(value) for name, value in hidden}
    answered = parties.idp.post("/sso", data={**fields, "person": "thomas-holm", "loa": "Substantial"})
    text = answered.get_data(as_text=True)
    assert answered.status_code == 200 and "<script" not in text
    assert f'action="{PORTAL}/mitid/acs"' in text and ">Fortsæt til Familieportalen</button>" in text
    posted = dict((name, html.unescape(value)) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', text))
    assert posted["RelayState"] == "back-here"
    identity = saml.read_response(parties.conn, posted["SAMLResponse"], expected_request_id=request_id,
                                  remember_assertion=Remember())
    assert identity.name == "Thomas Holm"
    cancelled = parties.idp.post("/sso", data={**fields, "cancel": "1"}).get_data(as_text=True)
    response = html.unescape(re.search(r'name="SAMLResponse" value="([^"]*)"', cancelled).group(1))
    assert reason(saml.read_response, parties.conn, response, expected_request_id=request_id,
                  remember_assertion=Remember()) == "idp_error"


def test_the_test_mitid_answers_a_bad_request_with_a_page_not_an_error(parties):
    url, _ = saml.start_login(parties.conn, "")
    tampered = "/sso?" + urlsplit(url).query.replace("Signature=", "Signature=AAAA")
    for path in ("/sso?SAMLRequest=abc", "/sso", tampered):
        assert parties.idp.get(path).status_code == 400
    fields = dict(parse_qsl(urlsplit(url).query))
    assert parties.idp.post("/sso", data={**fields, "person": "nobody"}).status_code == 400
    assert parties.idp.post("/sso", data={**fields, "person": "sara-holm", "loa": "Ultra"}).status_code == 400
    assert parties.idp.get("/slo?SAMLRequest=abc").status_code == 400


# --- keys, and what importing costs ----------------------------------------------------------------------------

def test_a_key_pair_is_made_once_and_its_key_is_private(tmp_path):
    key_file, cert_file = keys.ensure_keypair(tmp_path, "x")
    assert Path(key_file).stat().st_mode & 0o077 == 0
    assert keys.ensure_keypair(tmp_path, "x") == (key_file, cert_file)
    assert "BEGIN CERTIFICATE" in Path(cert_file).read_text()


def test_importing_the_sign_in_modules_does_not_import_pysaml2():
    code = ("import sys; import portal.sign_in.saml, portal.dev_idp, portal.dev_idp.nemlogin; "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'saml2'], 'saml2 imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
