"""Passkeys for parents who cannot use MitID (portal/sign_in/passkeys.py), with a software authenticator.

The authenticator is made here with `cryptography` (an ES256 key) and cbor2:
it builds clientDataJSON and authenticatorData itself, so every field the
portal checks can be made wrong on purpose.
"""
import hashlib
import html
import json
import os
import re
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import LENE, METTE, SARA, THOMAS, csrf_from, main_part
from portal.data import links
from portal.data.changes import Actor
from portal.data.changes import passkeys as passkey_changes
from portal.data.db import get_db

ORIGIN = "http://localhost"
RP_ID = "localhost"
FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64(data):
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """A passkey on a phone: one ES256 key, its credential id and its signature counter."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.count = 0

    def cose_key(self):
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind, options, origin, challenge):
        return json.dumps({"type": kind, "challenge": challenge or options["challenge"], "origin": origin,
                           "crossOrigin": False}).encode()

    def create(self, options, origin=ORIGIN, rp_id=RP_ID, verified=True, challenge=None):
        """What navigator.credentials.create() answers, as passkey.js posts it."""
        client_data = self._client_data("webauthn.create", options, origin, challenge)
        flags = FLAG_UP | FLAG_AT | (FLAG_UV if verified else 0)
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self.cose_key()
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64(client_data), "attestationObject": b64(attestation),
                             "transports": ["internal"]}}

    def get(self, options, origin=ORIGIN, rp_id=RP_ID, verified=True, challenge=None, count=None):
        """What navigator.credentials.get() answers: authenticatorData signed with clientDataJSON's hash."""
        self.count = self.count + 1 if count is None else count
        client_data = self._client_data("webauthn.get", options, origin, challenge)
        flags = FLAG_UP | (FLAG_UV if verified else 0)
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(auth_data),
                             "signature": b64(signature), "userHandle": None}}


@pytest.fixture(autouse=True)
def mitid_gate(app):
    app.config["MITID_GATE"] = True


def exempt(app, parent_id=SARA, reason="no_cpr", note=None):
    with app.test_request_context():
        return passkey_changes.record_exemption(Actor("staff", METTE), 1 if parent_id in (SARA, THOMAS) else 3,
                                                parent_id, reason, note)


def open_link(app, client, parent_id=SARA, channel="shown", staff_id=METTE):
    """Open a link (shown by the coordinator unless `channel` says otherwise) and press Fortsæt."""
    with app.app_context():
        path = links.issue("parent", parent_id, origin="sent", channel=channel,
                           issued_by_staff_id=staff_id).removeprefix(app.config["BASE_URL"])
    page = client.get(path)
    assert client.post(path, data={"csrf_token": csrf_from(page.text)}).status_code == 302


def options_of(page):
    match = re.search(r'data-options="([^"]+)"', page.text)
    assert match, page.text
    return json.loads(html.unescape(match.group(1)))


def post(client, path, page, credential, **extra):
    return client.post(path, data={"csrf_token": csrf_from(page.text),
                                   "credential": credential if isinstance(credential, str) else json.dumps(credential),
                                   **extra})


def enrol(client, phone, **wrong):
    page = client.get("/passkey/new")
    assert page.status_code == 200, page.text
    return post(client, "/passkey/new", page, phone.create(options_of(page), **wrong))


def confirm(client, phone, next_path="/plan", **wrong):
    page = client.get("/passkey", query_string={"next": next_path})
    assert page.status_code == 200, page.text
    return post(client, "/passkey", page, phone.get(options_of(page), **wrong), next=next_path)


def session_row(db, parent_id=SARA):
    return db.execute("SELECT level, method, link_id FROM sessions WHERE user_kind = 'parent' AND user_id = ?"
                      " AND ended_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1", [parent_id]).fetchone()


def actions(db):
    """The audit log's actions, oldest first; staff looking at pages left out."""
    return [row[0] for row in db.execute("SELECT action FROM audit_log WHERE action != 'family.viewed' ORDER BY id")]


@pytest.fixture
def enrolled(app, client, auth):
    """Sara, who cannot use MitID, made a passkey from the QR code at a meeting, then signed out."""
    exempt(app)
    open_link(app, client)
    phone = Authenticator()
    assert enrol(client, phone).status_code == 302
    auth.sign_out()
    return phone


# Enrolment: who, and from which link.


def test_a_parent_with_a_record_makes_a_passkey_from_a_shown_link_and_sees_the_case(app, client, db):
    exempt(app)
    open_link(app, client)
    assert client.get("/plan").status_code == 401  # a link alone
    home = client.get("/")
    assert "Opret adgangsnøgle" in home.text and "Brug din adgangsnøgle" not in home.text
    made = enrol(client, Authenticator())
    assert made.status_code == 302 and made.headers["Location"] == "/"
    assert client.get("/plan").status_code == 200
    assert session_row(db)[:2] == (2, "passkey")
    row = db.execute("SELECT parent_id, family_id, sign_count, removed_at FROM passkeys").fetchone()
    assert row == (SARA, 1, 0, None)
    assert actions(db)[-2:] == ["passkey.created", "sign_in.passkey"]


def test_a_parent_without_a_record_cannot_make_a_passkey(app, client, db):
    open_link(app, client)
    page = client.get("/passkey/new")
    assert page.status_code == 403 and "Du skal bruge MitID" in page.text
    assert client.post("/passkey/new", data={"csrf_token": csrf_from(page.text), "credential": "{}"}).status_code == 403
    assert "Opret adgangsnøgle" not in client.get("/").text
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 0


@pytest.mark.parametrize("channel, staff_id", [("email", METTE), ("sms", METTE), ("shown", None)])
def test_the_first_passkey_is_made_only_from_a_link_the_coordinator_showed(app, client, db, channel, staff_id):
    """A link sent by e-mail or SMS, or one the CLI printed, must not let whoever holds it enrol their key."""
    exempt(app)
    open_link(app, client, channel=channel, staff_id=staff_id)
    page = client.get("/passkey/new")
    assert page.status_code == 403 and "QR-kode" in page.text
    assert "Opret adgangsnøgle" not in main_part(client.get("/").text)
    # Nor by posting an answer directly.
    phone = Authenticator()
    answer = phone.create({"challenge": b64(os.urandom(32))})
    assert client.post("/passkey/new", data={"csrf_token": csrf_from(page.text),
                                             "credential": json.dumps(answer)}).status_code == 403
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 0


def test_a_second_passkey_comes_from_a_session_confirmed_with_the_first_or_a_shown_link(app, client, db, enrolled):
    open_link(app, client, channel="email")
    assert client.get("/passkey/new").status_code == 403  # an e-mailed link alone
    assert confirm(client, enrolled).status_code == 302
    assert enrol(client, Authenticator()).status_code == 302  # a new phone, confirmed with the old one
    assert db.execute("SELECT count(*) FROM passkeys WHERE removed_at IS NULL").fetchone()[0] == 2


def test_the_same_passkey_cannot_be_kept_twice(app, client, db):
    exempt(app)
    open_link(app, client)
    phone = Authenticator()
    assert enrol(client, phone).status_code == 302
    again = enrol(client, phone)
    assert again.status_code == 400 and "Vi kunne ikke godkende" in again.text
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 1


@pytest.mark.parametrize("wrong", [{"origin": "http://evil.example"}, {"rp_id": "evil.example"},
                                   {"verified": False}, {"challenge": b64(b"not the challenge we gave")}],
                         ids=["other_origin", "other_rp", "no_user_verification", "other_challenge"])
def test_making_a_passkey_refuses_a_wrong_answer(app, client, db, wrong):
    exempt(app)
    open_link(app, client)
    refused = enrol(client, Authenticator(), **wrong)
    assert refused.status_code == 400 and "Vi kunne ikke godkende adgangsnøglen" in refused.text
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 0
    assert session_row(db)[:2] == (1, "link")
    assert actions(db)[-1] == "sign_in.passkey_refused"


# Signing in: a link plus the passkey.


def test_a_link_and_the_passkey_open_the_case(app, client, db, enrolled):
    open_link(app, client, channel="email")  # a notice's link, later
    home = client.get("/")
    assert "Brug din adgangsnøgle" in home.text and "Opret adgangsnøgle" not in home.text
    step_up = client.get("/plan")
    assert step_up.status_code == 401 and "Brug din adgangsnøgle" in step_up.text
    assert re.search(r"href=\"/passkey\?next=(/|%2F)plan\"", step_up.text)
    done = confirm(client, enrolled)
    assert done.status_code == 302 and done.headers["Location"] == "/plan"
    assert client.get("/plan").status_code == 200
    assert session_row(db)[:2] == (2, "passkey")
    last_used, count = db.execute("SELECT last_used_at, sign_count FROM passkeys").fetchone()
    assert last_used is not None and count == 1
    assert actions(db)[-1] == "sign_in.passkey"


@pytest.mark.parametrize("wrong", [{"origin": "http://evil.example"}, {"origin": "https://localhost"},
                                   {"rp_id": "evil.example"}, {"verified": False},
                                   {"challenge": b64(b"a challenge we never gave")}],
                         ids=["other_origin", "https_origin", "other_rp", "no_user_verification", "other_challenge"])
def test_signing_in_refuses_a_wrong_answer(app, client, db, enrolled, wrong):
    open_link(app, client, channel="email")
    refused = confirm(client, enrolled, **wrong)
    assert refused.status_code == 400 and "Vi kunne ikke godkende adgangsnøglen" in refused.text
    assert client.get("/plan").status_code == 401
    assert session_row(db)[:2] == (1, "link")
    assert actions(db)[-1] == "sign_in.passkey_refused"


def test_a_challenge_is_answered_once(app, client, db, enrolled):
    """Whatever the first answer was, the challenge is gone: a right answer to it afterwards is too late."""
    open_link(app, client, channel="email")
    page = client.get("/passkey")
    options = options_of(page)
    assert post(client, "/passkey", page, enrolled.get(options, verified=False)).status_code == 400
    replayed = post(client, "/passkey", page, enrolled.get(options))
    assert replayed.status_code == 400 and "Vi kunne ikke godkende" in replayed.text
    assert client.get("/plan").status_code == 401
    assert db.execute("SELECT count(*) FROM passkey_challenges WHERE challenge = ?",
                      [options["challenge"]]).fetchone()[0] == 0


def test_a_kept_challenge_is_taken_once_and_only_for_its_purpose(app):
    with app.app_context():
        passkey_changes.open_challenge("session", "use", "abc")
        assert passkey_changes.take_challenge("session", "use") == "abc"
        assert passkey_changes.take_challenge("session", "use") is None
        passkey_changes.open_challenge("session", "create", "def")
        assert passkey_changes.take_challenge("session", "use") is None  # and it is gone
        assert passkey_changes.take_challenge("session", "create") is None


def test_a_challenge_belongs_to_the_session_that_asked(app, client, db, enrolled):
    """An answer made for one session's challenge does not raise another session, even of the same parent."""
    open_link(app, client, channel="email")
    answer = enrolled.get(options_of(client.get("/passkey")))
    other = app.test_client()
    open_link(app, other, channel="email")
    stolen = other.post("/passkey", data={"csrf_token": csrf_from(other.get("/").text),
                                          "credential": json.dumps(answer)})
    assert stolen.status_code == 400 and other.get("/plan").status_code == 401


def test_a_challenge_is_short_lived(app, client, db, enrolled, set_clock):
    open_link(app, client, channel="email")
    page = client.get("/passkey")
    answer = enrolled.get(options_of(page))
    set_clock(6)
    late = post(client, "/passkey", page, answer)
    assert late.status_code == 400 and "Det tog for lang tid" in late.text


def test_another_parents_passkey_is_refused(app, client, db, enrolled, auth):
    exempt(app, THOMAS)
    open_link(app, client, THOMAS)
    assert enrol(client, Authenticator()).status_code == 302
    auth.sign_out()
    open_link(app, client, THOMAS, channel="email")
    refused = confirm(client, enrolled)  # Sara's phone, Thomas' session
    assert refused.status_code == 400 and client.get("/plan").status_code == 401
    assert json.loads(db.execute("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])["reason"] \
        == "not_theirs"


def test_a_counter_that_does_not_grow_is_refused(app, client, db, enrolled):
    """A cloned key answers with a counter the portal has seen."""
    open_link(app, client, channel="email")
    assert confirm(client, enrolled, count=5).status_code == 302
    open_link(app, client, channel="email")
    refused = confirm(client, enrolled, count=5)
    assert refused.status_code == 400 and client.get("/plan").status_code == 401


def test_the_passkey_is_asked_again_after_step_up_hours(app, client, db, enrolled, set_clock):
    app.config["SESSION_IDLE_MINUTES"] = 24 * 60
    app.config["SESSION_MAX_HOURS"] = 48
    open_link(app, client, channel="email")
    assert confirm(client, enrolled).status_code == 302
    set_clock(app.config["STEP_UP_HOURS"] * 60 + 1)
    again = client.get("/plan")
    assert again.status_code == 401 and "Brug din adgangsnøgle" in again.text


@pytest.mark.parametrize("answer", ["", "not json", "[1, 2]", json.dumps({"id": "!!", "rawId": "!!"}),
                                    json.dumps({"id": "AAAA", "rawId": "AAAA", "response": "x"})])
def test_no_or_a_malformed_answer_gets_a_clear_page(app, client, db, enrolled, answer):
    open_link(app, client, channel="email")
    page = client.get("/passkey")
    response = post(client, "/passkey", page, answer)
    assert response.status_code == 400
    if not answer:
        assert "skal tillade JavaScript" in response.text
    else:
        assert "Vi kunne ikke godkende" in response.text


# The coordinator: the record, withdrawing it, removing a passkey.


def test_a_coordinator_records_why_a_parent_cannot_use_mitid(app, client, auth, db):
    auth.staff()
    page = client.get("/staff/families/1/members")
    assert "Sara Holm kan ikke bruge MitID" in page.text
    token = csrf_from(page.text)
    missing = client.post(f"/staff/families/1/parents/{SARA}/mitid-exemption",
                          data={"csrf_token": token, "reason": "other", "note": ""})
    assert missing.status_code == 400 and "Skriv kort, hvorfor" in missing.text
    wrong = client.post(f"/staff/families/1/parents/{SARA}/mitid-exemption",
                        data={"csrf_token": token, "reason": "because"})
    assert wrong.status_code == 400 and "Vælg en grund" in wrong.text
    saved = client.post(f"/staff/families/1/parents/{SARA}/mitid-exemption",
                        data={"csrf_token": token, "reason": "other", "note": "Flygtning, venter på CPR"})
    assert saved.status_code == 303
    page = client.get(saved.headers["Location"])
    assert "Grunden er gemt" in page.text and "Flygtning, venter på CPR" in page.text
    assert "Sara Holm kan ikke bruge MitID" not in page.text  # one record in force
    assert db.execute("SELECT parent_id, reason, created_by_staff_id FROM mitid_exemptions"
                      " WHERE holder_kind = 'parent'").fetchall() == [
        (SARA, "other", METTE)]
    assert actions(db)[-1] == "mitid_exemption.recorded"
    # Another family's parent inside this family's URL: 404.
    assert client.post(f"/staff/families/1/parents/{LENE}/mitid-exemption",
                       data={"csrf_token": token, "reason": "no_cpr"}).status_code == 404


def test_withdrawing_the_record_ends_the_passkey_and_its_sessions(app, client, auth, db, enrolled):
    open_link(app, client, channel="email")
    assert confirm(client, enrolled).status_code == 302
    coordinator = app.test_client()
    Auth = type(auth)
    Auth(app, coordinator).staff()
    page = coordinator.get("/staff/families/1/members")
    exemption_id = db.execute("SELECT id FROM mitid_exemptions WHERE holder_kind = 'parent'").fetchone()[0]
    done = coordinator.post(f"/staff/families/1/mitid-exemptions/{exemption_id}/withdraw",
                            data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 303 and actions(db)[-1] == "mitid_exemption.withdrawn"
    assert client.get("/plan").status_code == 302  # the passkey session ended
    open_link(app, client, channel="email")
    assert client.get("/passkey").status_code == 403
    assert "Brug din adgangsnøgle" not in client.get("/").text
    assert "Trukket tilbage" in coordinator.get("/staff/families/1/members").text


def test_a_coordinator_removes_a_passkey_and_its_sessions_end(app, client, auth, db, enrolled):
    open_link(app, client, channel="email")
    assert confirm(client, enrolled).status_code == 302
    coordinator = app.test_client()
    type(auth)(app, coordinator).staff()
    page = coordinator.get("/staff/families/1/members")
    assert "Fjern adgangsnøgle" in page.text
    passkey_id = db.execute("SELECT id FROM passkeys").fetchone()[0]
    # Another family's coordinator gets 404, and nothing changes.
    other = app.test_client()
    type(auth)(app, other).staff("peter.friis@demo-kommune.dk")
    assert other.post(f"/staff/families/1/passkeys/{passkey_id}/remove",
                      data={"csrf_token": csrf_from(other.get("/staff/").text)}).status_code == 404
    done = coordinator.post(f"/staff/families/1/passkeys/{passkey_id}/remove", data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 303 and actions(db)[-1] == "passkey.removed"
    assert db.execute("SELECT removed_by_staff_id FROM passkeys").fetchone()[0] == METTE
    assert client.get("/plan").status_code == 302  # signed out
    open_link(app, client, channel="email")
    refused = client.get("/passkey")
    assert refused.status_code == 403 and "ingen adgangsnøgle" in refused.text
    assert "Fjernet" in coordinator.get("/staff/families/1/members").text


def test_the_insight_page_shows_the_record_and_the_passkeys(app, client, db, enrolled):
    open_link(app, client, channel="email")
    assert confirm(client, enrolled).status_code == 302
    page = main_part(client.get("/insight").text)
    assert "Uden MitID: din adgangsnøgle" in page and "Ingen CPR-nummer endnu" in page
    assert "Adgangsnøgle oprettet" in page and "Sidst brugt" in page
    data = client.get("/insight.json").json
    assert data["mitid_exemptions"][0]["reason"] == "no_cpr" and data["mitid_exemptions"][0]["created_by"]
    assert data["passkeys"][0]["last_used_at"] and "public_key" not in data["passkeys"][0]


# Who reaches the pages, and the one script.


def test_staff_get_404_and_anonymous_visitors_are_asked_to_sign_in(app, client, auth):
    assert client.get("/passkey").status_code == 302
    assert client.get("/passkey/new").status_code == 302
    auth.staff()
    assert client.get("/passkey").status_code == 404
    assert client.get("/passkey/new").status_code == 404


def test_only_the_passkey_pages_allow_our_script(app, client, db, enrolled):
    open_link(app, client, channel="email")
    page = client.get("/passkey")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    assert '<script src="/static/passkey.js"></script>' in page.text
    assert len(re.findall(r"<script", page.text)) == 1  # no inline script
    assert "<noscript>" in page.text and "skal tillade JavaScript" in page.text
    refused = client.get("/passkey/new")  # a page of theirs without the script: the base policy
    assert refused.status_code == 403 and "script-src 'none'" in refused.headers["Content-Security-Policy"]
    assert "<script" not in refused.text
    for other in ("/", "/plan", "/login"):
        response = client.get(other)
        assert "script-src 'none'" in response.headers["Content-Security-Policy"], other
        assert "<script" not in response.text, other
    assert client.get("/static/passkey.js").status_code == 200


def test_a_removed_passkey_is_refused_while_another_still_works(app, client, auth, db, enrolled):
    open_link(app, client, channel="email")
    assert confirm(client, enrolled).status_code == 302
    new_phone = Authenticator()
    assert enrol(client, new_phone).status_code == 302
    old_id = db.execute("SELECT id FROM passkeys ORDER BY id LIMIT 1").fetchone()[0]
    with app.test_request_context():
        passkey_changes.remove_passkey(Actor("staff", METTE), 1, old_id)
    open_link(app, client, channel="email")
    refused = confirm(client, enrolled)
    assert refused.status_code == 400 and client.get("/plan").status_code == 401
    assert confirm(client, new_phone).status_code == 302 and client.get("/plan").status_code == 200


@pytest.mark.parametrize("next_path", ["//evil.example/", "https://evil.example/", "/\\evil.example", "/passkey/new"])
def test_after_the_passkey_the_parent_goes_only_to_a_page_of_ours(app, client, enrolled, next_path):
    open_link(app, client, channel="email")
    done = confirm(client, enrolled, next_path=next_path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
