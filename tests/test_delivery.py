"""Sign-in links reach parents by e-mail (a real SMTP conversation) or SMS."""
import json
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal.data.clock import to_db_time
from portal.data.db import get_db
from portal import tokens
from portal.data import links, outbox
from portal.messages import transports, worker
from portal.messages.errors import DeliveryError

from conftest import HOLM, METTE, SARA, Auth, csrf_from, database_before, deliver


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_a_parent_asking_by_email_gets_the_link_over_smtp(app, client, smtp_server):
    controller, inbox = smtp_server
    app.config.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      SMTP_STARTTLS=False, MAIL_SENDER="Demo Kommune <familie@demo-kommune.dk>")
    token = csrf_from(client.get("/login").text)
    assert client.post("/login", data={"csrf_token": token, "contact": "sara.holm@example.dk"}).status_code == 200
    assert inbox.messages == []  # the request only queued it
    assert deliver(app) == 1
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["sara.holm@example.dk"]
    assert envelope.mail_from == "familie@demo-kommune.dk"
    body = envelope.content.decode("utf-8", errors="replace")
    assert "Subject: =?utf-8?" in body or "Subject: Dit link" in body
    import email
    from email import policy

    message = email.message_from_bytes(envelope.content, policy=policy.default)
    text = message.get_content()
    assert "http://localhost/login/" in text
    assert "Demo Kommune" in text
    assert "Emil" not in text and "Holm" not in text
    # The link in the mail works.
    path = text.split("http://localhost")[1].split()[0]
    page = client.get(path)
    assert page.status_code == 200 and "Log ind som S*** H***" in page.text


def test_sms_outbox_writes_one_file_per_message(app):
    queue(app, 2)
    assert deliver(app) == 2
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json"))
    assert [json.loads(f.read_text())["text"].count("/login/") for f in files] == [1, 1]


def test_an_unknown_backend_is_refused_when_the_portal_starts(monkeypatch, tmp_path):
    from portal import create_app
    from portal.config import ConfigError

    for setting, value in (("SMS_BACKEND", "carrier-pigeon"), ("EMAIL_BACKEND", "fax")):
        monkeypatch.setenv(f"FAMILIEPORTAL_{setting}", value)
        with pytest.raises(ConfigError, match=setting):
            create_app({"TESTING": True, "DATABASE": str(tmp_path / "x.db")})
        monkeypatch.delenv(f"FAMILIEPORTAL_{setting}")


def test_a_message_for_an_unknown_channel_or_backend_is_never_sent(app):
    with app.app_context():
        with pytest.raises(ValueError):
            outbox.queue("case_closed", "pigeon", "someone", family_id=1, parent_id=1)
        app.config["SMS_BACKEND"] = "carrier-pigeon"
        with pytest.raises(ValueError):
            transports.backend("sms")


# The durable outbox.

def queue(app, count, channel="sms", origin="requested"):
    """`count` messages, each with a link for Sara (links asked for replace none, so all stay valid)."""
    with app.app_context():
        return [outbox.queue_link(channel, f"+45200000{n:02d}",
                                    links.reserve("parent", SARA, origin=origin, channel=channel))
                for n in range(count)]


def test_two_workers_never_send_one_message_twice(app, db):
    ids = queue(app, 60)
    errors = []

    def work():
        try:
            with app.app_context():
                while worker.deliver_due(limit=5):
                    pass
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    import threading

    workers = [threading.Thread(target=work) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json"))
    assert [f.name.split("-")[0] for f in files] == [f"{i:05d}" for i in ids]  # each exactly once
    assert db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND body IS NULL").fetchone()[0] == 60
    assert len({row[0] for row in db.execute("SELECT claimed_by FROM outbox")}) >= 1


def test_a_message_claimed_by_a_worker_that_was_killed_is_sent_later_not_lost(app, db, tmp_path):
    """A real kill -9 while the worker waits on a mail server that never answers."""
    import os
    import signal
    import subprocess
    import sys
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts, never speaks
    queue(app, 1, channel="email")
    env = {**os.environ, "FAMILIEPORTAL_DATABASE": app.config["DATABASE"], "FAMILIEPORTAL_EMAIL_BACKEND": "smtp",
           "FAMILIEPORTAL_SMTP_HOST": "127.0.0.1", "FAMILIEPORTAL_SMTP_PORT": str(silent.getsockname()[1]),
           "FAMILIEPORTAL_SMTP_STARTTLS": "0"}
    worker = subprocess.Popen([sys.executable, "-c", "from portal.command import main; main()", "deliver", "--once"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while db.execute("SELECT claimed_by FROM outbox").fetchone()[0] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    silent.close()
    row = db.execute("SELECT claimed_by, sent_at, failed_at FROM outbox").fetchone()
    assert row[0] is not None and row[1] is None and row[2] is None  # claimed, not sent, not lost
    assert deliver(app) == 0  # its claim still holds: nobody else sends it meanwhile
    db.execute("UPDATE outbox SET claimed_until = '2000-01-01T00:00:00Z'")  # two minutes later
    app.config.update(EMAIL_BACKEND="outbox")
    assert deliver(app) == 1
    assert db.execute("SELECT sent_at IS NOT NULL FROM outbox").fetchone()[0] == 1


def test_a_failed_message_is_retried_with_backoff_then_marked_failed(app, db):
    app.config.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_STARTTLS=False)
    queue(app, 1, channel="email", origin="sent")
    assert deliver(app) == 0
    row = db.execute("SELECT attempts, next_attempt_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), failed_at, last_error,"
                     " body FROM outbox").fetchone()
    assert row == (1, 1, None, "e-mail not sent: ConnectionRefusedError", None)  # the link is made at each try
    assert deliver(app) == 0  # not due yet
    for _ in worker.BACKOFF:
        db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
        deliver(app)
    row = db.execute("SELECT attempts, failed_at IS NOT NULL, body FROM outbox").fetchone()
    assert row == (len(worker.BACKOFF) + 1, 1, None)  # given up


def test_a_link_that_expired_in_the_queue_is_not_sent(app, db):
    queue(app, 1)
    db.execute("UPDATE outbox SET expires_at = '2000-01-01T00:00:00Z'")
    assert deliver(app) == 0
    assert db.execute("SELECT failed_at IS NOT NULL, last_error FROM outbox").fetchone() == (1, "expired")
    assert list(Path(app.config["OUTBOX_DIR"]).glob("*.json")) == []


def test_asking_for_a_link_takes_as_long_for_a_known_address_as_for_an_unknown_one(app, client, smtp_server):
    """Timing must not tell who is a client of family services: medians within 20 %, with a real mail server."""
    import statistics
    import time

    controller, inbox = smtp_server
    app.config.update(LINK_REQUESTS_PER_IDENTIFIER=1000, LINK_REQUESTS_PER_IP=1000, EMAIL_BACKEND="smtp",
                      SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    token = csrf_from(client.get("/login").text)
    timings = {"sara.holm@example.dk": [], "nobody@example.dk": []}
    for _ in range(3):  # warm up both paths
        for contact in timings:
            client.post("/login", data={"csrf_token": token, "contact": contact})
    for _ in range(30):
        for contact, times in timings.items():
            started = time.perf_counter()
            assert client.post("/login", data={"csrf_token": token, "contact": contact}).status_code == 200
            times.append(time.perf_counter() - started)
    known, unknown = (statistics.median(times) for times in timings.values())
    assert max(known, unknown) / min(known, unknown) < 1.2, (known, unknown)
    assert deliver(app) == 33 and len(inbox.messages) == 33  # the known address's links did go out


# A sign-in link's URL exists only in the message on its way out.

def _sent_paths(app, seen):
    """The sign-in paths in outbox files not read before (the development backend, as a phone or inbox would)."""
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json")):
        if path.name not in seen:
            seen.add(path.name)
            found += re.findall(r"http://localhost(/login/\S+)", json.loads(path.read_text())["text"])
    return found


def _secrets(app, path):
    """The token as sent, its payload, and the random id inside it: any of them is enough to sign in."""
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        random_id = tokens.verify("parent-sign-in", token, max_age=3600)
    return {token, token.split(".")[0], random_id}


def test_no_sign_in_token_reaches_the_database_or_its_wal(app, auth, client):
    """Staff's e-mail and SMS links and a parent's own requests: the raw bytes of familieportal.db and -wal hold no token.

    Litestream copies the WAL off the machine, so not even an old frame may hold one.
    The WAL is read as it is, before any checkpoint.
    """
    auth.staff()
    form = csrf_from(client.get(f"/staff/families/{HOLM}/members").text)
    parent = app.test_client()
    seen, paths = set(), []

    def send(make):
        assert make().status_code == 200
        assert deliver(app) == 1
        [path] = _sent_paths(app, seen)
        # The captured token is a live one: it signs the parent in.
        assert Auth(app, parent).use(path).status_code == 302
        Auth(app, parent).sign_out()
        paths.append(path)

    for channel in ("email", "sms"):
        send(lambda: client.post(f"/staff/families/{HOLM}/parents/{SARA}/link",
                                 data={"csrf_token": form, "channel": channel}))
    for contact in ("sara.holm@example.dk", "20 30 40 50"):
        send(lambda: parent.post("/login", data={"csrf_token": csrf_from(parent.get("/login").text),
                                                 "contact": contact}))
    database = Path(app.config["DATABASE"])
    wal = Path(f"{database}-wal").read_bytes()
    assert len(wal) > 0
    secrets = [secret for path in paths for secret in _secrets(app, path)]
    assert len(secrets) == 12
    stored = database.read_bytes() + wal
    assert [secret for secret in secrets if secret.encode() in stored] == []
    # Nor after the WAL is copied into the database file.
    with app.app_context():
        get_db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = database.read_bytes()
    assert [secret for secret in secrets if secret.encode() in stored] == []


def _staff_sends(client, channel):
    form = csrf_from(client.get(f"/staff/families/{HOLM}/members").text)
    page = client.post(f"/staff/families/{HOLM}/parents/{SARA}/link", data={"csrf_token": form, "channel": channel})
    assert page.status_code == 200


def test_a_link_staff_send_counts_its_72_hours_from_when_they_sent_it(app, auth, client, db, set_clock):
    """The message says how long the link has left when it goes out; the staff member stays its issuer."""
    asked = set_clock(0)
    auth.staff()
    _staff_sends(client, "sms")
    link = db.execute("SELECT issued_by_staff_id, origin, channel, expires_at FROM sign_in_links"
                      " ORDER BY id DESC LIMIT 1").fetchone()
    assert link == (METTE, "sent", "sms", to_db_time(asked + timedelta(hours=72)))
    assert db.execute("SELECT expires_at FROM outbox").fetchone()[0] == link[3]
    set_clock(150)  # the SMS gateway was down for two and a half hours
    assert deliver(app) == 1
    [path] = _sent_paths(app, set())
    [message] = [json.loads(f.read_text()) for f in Path(app.config["OUTBOX_DIR"]).glob("*.json")]
    assert "Linket virker i 69 timer og kun én gang." in message["text"]
    assert db.execute("SELECT expires_at FROM sign_in_links ORDER BY id DESC LIMIT 1").fetchone()[0] == link[3]
    assert Auth(app, app.test_client()).use(path).status_code == 302


def test_a_message_tried_again_carries_a_new_link_and_the_failed_tries_link_stops_working(app, db, monkeypatch):
    queue(app, 1, origin="sent")
    tried = []

    def gateway_down(message):
        tried.append(message["body"])
        raise DeliveryError("sms gateway answered 503")

    monkeypatch.setattr(transports, "_write_outbox", gateway_down)
    assert deliver(app) == 0
    monkeypatch.undo()
    db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
    assert deliver(app) == 1
    [first] = re.findall(r"http://localhost(/login/\S+)", tried[0])
    [second] = _sent_paths(app, set())
    parent = app.test_client()
    assert parent.get(first).status_code == 400  # no link has that token any more
    assert Auth(app, parent).use(second).status_code == 302


def test_a_link_revoked_while_its_message_waits_is_never_sent(app, auth, client, db):
    """Staff send an e-mail, then an SMS before the worker ran: the newer link replaced the e-mail's."""
    auth.staff()
    _staff_sends(client, "email")
    _staff_sends(client, "sms")
    assert deliver(app) == 1
    assert [m["channel"] for m in (json.loads(f.read_text())
                                   for f in Path(app.config["OUTBOX_DIR"]).glob("*.json"))] == ["sms"]
    assert db.execute("SELECT channel, failed_at IS NOT NULL, last_error FROM outbox ORDER BY id").fetchall() == [
        ("email", 1, "revoked"), ("sms", 0, None)]
    page = client.get(f"/staff/families/{HOLM}/members").text
    assert "Linket holdt op med at virke, før det blev sendt" in page


def test_messages_waiting_with_a_link_in_their_text_are_given_up_by_the_upgrade(tmp_path):
    """Their tokens are in the database and its WAL: the links stop working, the texts go."""
    from portal.data.db import migrate

    db = database_before(tmp_path / "old.db", "m017_outbox_link_id")
    db["parents"].insert({"id": 1, "family_id": 1, "name": "Sara", "email": "s@example.dk",
                          "created_at": "2026-01-01T00:00:00Z"})
    link = {"subject_kind": "parent", "subject_id": 1, "created_at": "2026-01-01T00:00:00Z",
            "expires_at": "2999-01-01T00:00:00Z"}
    for number, (origin, channel) in enumerate((("sent", "email"), ("requested", "sms"), ("sent", "shown"),
                                                ("notice", "sms"))):
        db["sign_in_links"].insert({**link, "token_hash": f"hash{number}", "origin": origin, "channel": channel})
    message = {"channel": "email", "recipient": "s@example.dk", "purpose": "sign_in_link", "family_id": 1,
               "parent_id": 1, "created_at": "2026-01-01T00:00:00Z", "next_attempt_at": "2026-01-01T00:00:00Z",
               "attempts": 0}
    db["outbox"].insert({**message, "body": "http://localhost/login/secret"})
    db["outbox"].insert({**message, "body": None, "sent_at": "2026-01-01T00:00:01Z"})
    assert "m017_outbox_link_id" in migrate(db)
    assert [row[0] is not None for row in db.execute("SELECT revoked_at FROM sign_in_links ORDER BY id")] == [
        True, True, False, False]
    assert db.execute("SELECT failed_at IS NOT NULL, last_error, body FROM outbox ORDER BY id").fetchall() == [
        (1, "revoked", None), (0, None, None)]
    assert "link_id" in db["outbox"].columns_dict
