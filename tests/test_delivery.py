"""Sign-in links reach parents by e-mail (a real SMTP conversation) or SMS."""
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal.sign_in import delivery

from conftest import csrf_from


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
        delivery.send("sms", "+4520304050", "http://localhost/login/abc", 15)
        delivery.send("sms", "+4520304050", "http://localhost/login/def", 15)
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json"))
    assert [json.loads(f.read_text())["text"].count("/login/") for f in files] == [1, 1]


def test_an_unknown_backend_is_refused(app):
    app.config["SMS_BACKEND"] = "carrier-pigeon"
    with app.app_context(), pytest.raises(ValueError):
        delivery.send("sms", "+4520304050", "http://localhost/login/abc", 15)
