"""A staff SAML identity provider for tests: an AD FS-like variant of the fake NemLog-in (portal/dev_idp/nemlogin.py).

It answers the portal's signed AuthnRequest with one signed assertion, as
AD FS does: a NameID, the `upn` claim (or any attributes), no NSIS level and,
unless asked, no encryption.
"""
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from portal import create_app
from portal import demo as demo_data
from portal.config import ADFS_UPN
from portal.data.db import get_db, migrate
from portal.dev_idp import nemlogin, oidc_mock
from portal.dev_idp.keys import ensure_keypair

ENTITY_ID = "http://adfs.demo-kommune.test/adfs/services/trust"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
TAMPERS = ("unsigned", "other_key", "expired", "audience", "in_response_to", "cancel")


class StaffIdP:
    """The IdP's settings (a key pair in `folder`) and the SAML settings the portal needs to trust it."""

    def __init__(self, folder, base_url="http://adfs.demo-kommune.test"):
        self.folder = Path(folder)
        self.base_url = base_url
        self.metadata_file = self.folder / "idp-metadata.xml"
        self.sp_metadata_file = self.folder / "sp-metadata.xml"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.metadata_file.write_text(nemlogin.idp_metadata(self._settings(sp_metadata="")), encoding="utf-8")
        key_file, cert_file = ensure_keypair(self.folder / "sp", "sp")
        self.portal_config = {"STAFF_SSO": "saml", "STAFF_SAML_IDP_METADATA": str(self.metadata_file),
                              "STAFF_SAML_KEY_FILE": key_file, "STAFF_SAML_CERT_FILE": cert_file,
                              "STAFF_SAML_MATCH_ATTRIBUTE": ADFS_UPN}

    def _settings(self, sp_metadata):
        return nemlogin.settings_for(self.folder, self.base_url, sp_metadata, entity_id=ENTITY_ID,
                                     encrypt_assertions=False)

    def learn_sp_metadata(self, xml):
        self.sp_metadata_file.write_text(xml, encoding="utf-8")

    def respond(self, redirect_url, attributes, *, name_id="S-1-5-21-demo", tamper=None, encrypt=False):
        """The form the browser posts to the portal's ACS: {"url", "SAMLResponse", "RelayState"}."""
        from saml2 import class_name, saml, samlp
        from saml2.s_utils import sid
        from saml2.sigver import signed_instance_factory, pre_signature_part

        assert tamper in (None, *TAMPERS), tamper
        settings = self._settings(str(self.sp_metadata_file))
        request, relay_state = nemlogin.read_authn_request(settings, redirect_url)
        server = nemlogin._server(settings)
        sp_entity_id, acs_url = request.issuer.text.strip(), nemlogin._acs_url(server, request)
        now = time.time()
        in_response_to = "_not-our-request" if tamper == "in_response_to" else request.id
        response = samlp.Response(id=sid(), version="2.0", issue_instant=nemlogin._instant(now), destination=acs_url,
                                  in_response_to=in_response_to, issuer=saml.Issuer(text=ENTITY_ID),
                                  status=samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_SUCCESS)))
        if tamper == "cancel":
            response.status = samlp.Status(status_code=samlp.StatusCode(
                value=samlp.STATUS_RESPONDER, status_code=samlp.StatusCode(value=samlp.STATUS_AUTHN_FAILED)))
            return nemlogin._form(acs_url, str(response), relay_state)
        ends = now - 600 if tamper == "expired" else now + 300
        audience = "https://another-service.invalid" if tamper == "audience" else sp_entity_id
        assertion = saml.Assertion(
            id=sid(), version="2.0", issue_instant=nemlogin._instant(now), issuer=saml.Issuer(text=ENTITY_ID),
            subject=saml.Subject(
                name_id=saml.NameID(format=UNSPECIFIED, text=name_id),
                subject_confirmation=[saml.SubjectConfirmation(
                    method="urn:oasis:names:tc:SAML:2.0:cm:bearer",
                    subject_confirmation_data=saml.SubjectConfirmationData(
                        in_response_to=in_response_to, recipient=acs_url, not_on_or_after=nemlogin._instant(ends)))]),
            conditions=saml.Conditions(
                not_before=nemlogin._instant(now - 60 if tamper != "expired" else now - 900),
                not_on_or_after=nemlogin._instant(ends),
                audience_restriction=[saml.AudienceRestriction(audience=[saml.Audience(text=audience)])]),
            authn_statement=[saml.AuthnStatement(
                authn_instant=nemlogin._instant(now), session_index=sid(),
                authn_context=saml.AuthnContext(authn_context_class_ref=saml.AuthnContextClassRef(
                    text="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")))],
            attribute_statement=[saml.AttributeStatement(attribute=[
                saml.Attribute(name=name, name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                               attribute_value=[saml.AttributeValue(text=value)])
                for name, value in attributes.items()])])
        if tamper != "unsigned":
            assertion.signature = pre_signature_part(assertion.id, server.sec.my_cert, 1,
                                                     sign_alg=nemlogin.SIG_RSA_SHA256,
                                                     digest_alg=nemlogin.DIGEST_SHA256)
        response.assertion = assertion
        if encrypt:
            from saml2.sigver import pre_encrypt_assertion

            tag = assertion._to_element_tree().tag
            xml = pre_encrypt_assertion(response) \
                .get_xml_string_with_self_contained_assertion_within_encrypted_assertion(tag)
        else:
            xml = str(response)
        if tamper == "other_key":
            stranger_key, _ = ensure_keypair(self.folder, "stranger")
            xml = server.sec.sign_statement(xml, class_name(assertion), key_file=stranger_key, node_id=assertion.id)
        elif tamper != "unsigned":
            xml = signed_instance_factory(xml, server.sec, [(class_name(assertion), assertion.id)])
        if encrypt:
            xml = nemlogin._encrypt(server, sp_entity_id, xml)
        return nemlogin._form(acs_url, xml, relay_state)


@contextmanager
def portal_with_oidc_staff_login(folder, more_people=()):
    """The demo portal served at http://localhost:PORT with staff single sign-on through the test OpenID provider
    (as ./run.sh serves them, plus `more_people` on its sign-in page), staff links off; yields (app, base URL)."""
    portal_server = make_server("localhost", 0, None, threaded=True)
    base = f"http://localhost:{portal_server.server_port}"
    mock = oidc_mock.start(0, people=oidc_mock.STAFF + oidc_mock.PARENTS + tuple(more_people))
    app = create_app({"DATABASE": str(folder / "portal.db"), "OUTBOX_DIR": str(folder / "outbox"), "BASE_URL": base,
                      "STAFF_SSO": "oidc", "STAFF_OIDC_ISSUER": mock.issuer,
                      "STAFF_OIDC_CLIENT_ID": oidc_mock.STAFF_CLIENT_ID,
                      "STAFF_OIDC_CLIENT_SECRET": oidc_mock.CLIENT_SECRET, "STAFF_LINKS": False})
    with app.app_context():
        migrate(get_db())
        demo_data.load()
    portal_server.app = app
    threading.Thread(target=portal_server.serve_forever, daemon=True).start()
    try:
        yield app, base
    finally:
        portal_server.shutdown()
        mock.stop()
