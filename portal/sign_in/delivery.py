"""Deliver sign-in links by e-mail (SMTP) or SMS.

Messages say who sent them and carry the link - never a child's name or
anything about the case. In development both channels can write to an
outbox folder instead of sending.
"""
import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from ..data.clock import now_text
from ..data.db import private_file, private_folder
from ..settings import municipality


class DeliveryError(Exception):
    """A message could not be handed to the mail server or SMS gateway."""


def link_message(url, minutes):
    """The text of a sign-in message, in plain Danish."""
    name = municipality().get("name", "kommunen")
    if minutes >= 120:
        valid = f"{minutes // 60} timer"
    else:
        valid = f"{minutes} minutter"
    return (
        f"Hej\n\n"
        f"Her er dit link til Familieportalen fra {name}:\n{url}\n\n"
        f"Linket virker i {valid} og kun én gang.\n"
        f"Har du ikke bedt om det, kan du se bort fra denne besked.\n\n"
        f"Vi spørger aldrig om din adgangskode.\n"
        f"Venlig hilsen\n{name}"
    )


def send(channel, recipient, url, minutes):
    """Send a sign-in link to an e-mail address or a phone number."""
    text = link_message(url, minutes)
    if channel == "email":
        backend = current_app.config["EMAIL_BACKEND"]
        if backend == "smtp":
            try:
                return _send_smtp(recipient, text)
            except (smtplib.SMTPException, OSError) as error:
                # The class name only: the error text may hold the address.
                raise DeliveryError(f"e-mail not sent: {type(error).__name__}") from None
    elif channel == "sms":
        backend = current_app.config["SMS_BACKEND"]
    else:
        raise ValueError(f"unknown channel {channel!r}")
    if backend != "outbox":
        raise ValueError(f"unknown {channel} backend {backend!r}")
    return _write_outbox(channel, recipient, text)


def _send_smtp(recipient, text):
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = recipient
    message["Subject"] = f"Dit link til Familieportalen – {municipality().get('name', '')}".strip(" –")
    message["Message-ID"] = make_msgid(domain="familieportalen")
    message.set_content(text)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


def _write_outbox(channel, recipient, text):
    """Development backend: one JSON file a message, newest last."""
    folder = private_folder(current_app.config["OUTBOX_DIR"])
    existing = len(list(folder.glob("*.json")))
    path = private_file(folder / f"{existing + 1:05d}-{channel}.json")
    path.write_text(
        json.dumps({"at": now_text(), "channel": channel, "to": recipient, "text": text}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return path
