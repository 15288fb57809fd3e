"""Sign-in links reach parents by e-mail (a real SMTP conversation) or SMS."""
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal.sign_in import delivery

from conftest import csrf_from, deliver


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
    with app.app_context():
        delivery.queue_link("sms", "+4520304050", "http://localhost/login/abc", 15)
        delivery.queue_link("sms", "+4520304050", "http://localhost/login/def", 15)
    assert deliver(app) == 2
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json"))
    assert [json.loads(f.read_text())["text"].count("/login/") for f in files] == [1, 1]


def test_an_unknown_backend_is_refused(app):
    app.config["SMS_BACKEND"] = "carrier-pigeon"
    with app.app_context(), pytest.raises(ValueError):
        delivery.queue_link("sms", "+4520304050", "http://localhost/login/abc", 15)


# The durable outbox.

def queue(app, count, channel="sms", minutes=15):
    with app.app_context():
        return [delivery.queue_link(channel, f"+45200000{n:02d}", f"http://localhost/login/{n}", minutes)
                for n in range(count)]


def test_two_workers_never_send_one_message_twice(app, db):
    ids = queue(app, 60)
    errors = []

    def work():
        try:
            with app.app_context():
                while delivery.deliver_due(limit=5):
                    pass
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    import threading

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
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
    worker = subprocess.Popen([sys.executable, "-c", "from portal.cli import main; main()", "deliver", "--once"],
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
    queue(app, 1, channel="email", minutes=72 * 60)
    assert deliver(app) == 0
    row = db.execute("SELECT attempts, next_attempt_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), failed_at, last_error,"
                     " body IS NOT NULL FROM outbox").fetchone()
    assert row == (1, 1, None, "e-mail not sent: ConnectionRefusedError", 1)
    assert deliver(app) == 0  # not due yet
    for _ in delivery.BACKOFF:
        db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
        deliver(app)
    row = db.execute("SELECT attempts, failed_at IS NOT NULL, body FROM outbox").fetchone()
    assert row == (len(delivery.BACKOFF) + 1, 1, None)  # given up, and the link is gone from the database


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
