"""How a message leaves: SMTP, an HTTP SMS gateway, or (in development) a JSON file in an outbox folder."""
import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from . import sms_gateway
from .errors import DeliveryError
from ..data.clock import now_text
from ..data.db import private_file, private_folder


def backend(channel):
    """The configured backend of a channel; an unknown channel or backend is a ValueError."""
    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    name = current_app.config["EMAIL_BACKEND" if channel == "email" else "SMS_BACKEND"]
    allowed = ("smtp", "outbox") if channel == "email" else ("outbox", "gateway")
    if name not in allowed:
        raise ValueError(f"unknown {channel} backend {name!r}")
    return name


def send(message):
    """Hand a composed message (recipient, subject, body) to its channel's backend; DeliveryError if it failed."""
    name = backend(message["channel"])
    if name == "smtp":
        try:
            _send_smtp(message)
        except (smtplib.SMTPException, OSError) as error:
            # The class name only: the error text may hold the address.
            raise DeliveryError(f"e-mail not sent: {type(error).__name__}") from None
    elif name == "gateway":
        sms_gateway.send(message)
    else:
        _write_outbox(message)


def _send_smtp(message):
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = message["recipient"]
    mail["Subject"] = message["subject"]
    mail["Message-ID"] = make_msgid(domain="familieportalen")
    mail.set_content(message["body"])
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(mail)


def _write_outbox(message):
    """Development backend: one JSON file a message, named after its outbox id."""
    folder = private_folder(current_app.config["OUTBOX_DIR"])
    path = private_file(folder / f"{message['id']:05d}-{message['channel']}.json")
    path.write_text(
        json.dumps({"at": now_text(), "channel": message["channel"], "to": message["recipient"],
                    "subject": message["subject"], "text": message["body"]}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
