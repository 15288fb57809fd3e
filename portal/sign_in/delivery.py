"""Deliver e-mail (SMTP) and SMS through a durable outbox in the database.

A request only queues a message (one row, in its own transaction), so it
answers in the same time whether or not the address is known, and a message
is never lost when a process dies. Workers (`familieportal deliver`, and a
thread in every web worker) claim one row at a time with a conditional UPDATE,
so two workers never send the same message; a claim lapses if its worker is
killed mid-send, and the message is tried again. Failures are retried with
backoff; after the last try, or once the link in it has expired, the message
is marked failed, which its family's coordinator sees.

Messages say who sent them and carry the link - never a child's name or
anything about the case. In development both channels can write to an
outbox folder instead of sending.
"""
import json
import os
import smtplib
import socket
import ssl
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from ..data import access, clock
from ..data.changes import notices
from ..data.clock import now_text, to_db_time, utcnow
from ..data.db import get_db, private_file, private_folder, read_one
from ..data.reads import family as family_reads
from ..ops import state as ops_state
from . import links, notice_texts, sms_gateway
from ..settings import municipality, retention_days

# Seconds to wait after the 1st, 2nd, … failed try; then the message has failed.
BACKOFF = (30, 120, 600, 1800, 3600)
CLAIM = timedelta(minutes=2)


class DeliveryError(Exception):
    """A message could not be handed to the mail server or SMS gateway; it is tried again later."""


class PermanentDeliveryError(DeliveryError):
    """The gateway refused the message itself (a 4xx answer): trying again would only fail again."""


# Notices and reminders carry a sign-in link made when they are sent.
NOTICE_PURPOSES = {"notice": "notice", "reminder": "reminder"}


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


def _insert(now, **row):
    """Queue one outbox row, due at once with no attempts yet; return its id."""
    row = {**row, "created_at": to_db_time(now), "attempts": 0, "next_attempt_at": to_db_time(now)}
    return get_db().execute(
        f"INSERT INTO outbox ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
    ).lastrowid


def queue_link(channel, recipient, url, minutes, *, family_id=None, parent_id=None, staff_id=None):
    """Queue a sign-in link for an e-mail address or a phone number; return the outbox id."""
    _backend(channel)  # refuse an unknown channel or backend now, not in the worker
    now = utcnow()
    subject = f"Dit link til Familieportalen – {municipality().get('name', '')}".strip(" –")
    return _insert(now, channel=channel, recipient=recipient, subject=subject, body=link_message(url, minutes),
                   purpose="sign_in_link", family_id=family_id, parent_id=parent_id, staff_id=staff_id,
                   expires_at=to_db_time(now + timedelta(minutes=minutes)))


def case_closed_message(retention_days):
    """The last message to a parent of a closed case: where their information is now, and whom to ask.

    Like every message, it names no child, meeting or detail of the case.
    """
    m = municipality()
    name = m.get("name", "kommunen")
    contact = ", ".join(part for part in (m.get("department"), m.get("phone_display") and f"telefon {m['phone_display']}",
                                          m.get("email")) if part)
    return (
        f"Hej\n\n"
        f"Din sag i Familieportalen er lukket, og du kan ikke længere logge ind.\n"
        f"Dine oplysninger findes nu i kommunens sagssystem.\n"
        f"Om {retention_days} dage sletter vi dem fra Familieportalen.\n\n"
        f"Har du spørgsmål, så kontakt {name}" + (f": {contact}" if contact else "") + ".\n\n"
        f"Venlig hilsen\n{name}"
    )


def queue_case_closed(channel, recipient, *, family_id, parent_id):
    """Queue the last notice to a parent whose family's case was closed; return the outbox id."""
    _backend(channel)
    subject = f"Din sag i Familieportalen er lukket – {municipality().get('name', '')}".strip(" –")
    return _insert(utcnow(), channel=channel, recipient=recipient, subject=subject,
                   body=case_closed_message(retention_days()), purpose="case_closed", family_id=family_id,
                   parent_id=parent_id)


def cannot_come_message(url):
    """The e-mail to a coordinator when a parent cannot come: no names, times, places or reasons."""
    name = municipality().get("name", "kommunen")
    return (
        f"Hej\n\n"
        f"En forælder har svaret \"kan ikke komme\" til et møde i Familieportalen.\n"
        f"Se svaret her (du skal logge ind):\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {name}"
    )


def queue_cannot_come(staff, url):
    """Queue the e-mail that tells a coordinator a parent cannot come to a meeting; return the outbox id.

    Call it inside the transaction that saves the answer: both are written, or neither.
    The row has no family: it is not one of the messages to the family's parents.
    """
    _backend("email")
    return _insert(utcnow(), channel="email", recipient=staff["email"], subject="Svar på et møde i Familieportalen",
                   body=cannot_come_message(url), purpose="meeting_reply", staff_id=staff["id"])


def queue_link_request(channel, contact, minutes, *, parent_id=None, family_id=None):
    """Queue a parent's request for a new link: the same single row whether or not we know the address.

    The worker issues the link and sends it (or drops a request for an
    unknown address), so the request itself takes the same time either way.
    """
    _backend(channel)
    now = utcnow()
    _insert(now, channel=channel, recipient=contact, purpose="link_request", family_id=family_id,
            parent_id=parent_id, expires_at=to_db_time(now + timedelta(minutes=minutes)))


def _link_for_request(message):
    """Turn a queued link request into the message that carries the link; None if there is none to send."""
    db = get_db()
    parent = family_reads.parent_who_may_sign_in(message["recipient"])[0] if message["parent_id"] else None
    if parent is None or parent["id"] != message["parent_id"]:
        # Unknown, or no longer allowed: forget the address a stranger typed.
        db.execute("UPDATE outbox SET failed_at = ?, last_error = 'no parent', recipient = '', claimed_until = NULL"
                   " WHERE id = ?", [now_text(), message["id"]])
        return None
    minutes = current_app.config["REQUESTED_LINK_MINUTES"]
    url = links.issue("parent", parent["id"], origin="requested", channel=message["channel"])
    recipient = parent["email"] if message["channel"] == "email" else parent["phone"]
    subject = f"Dit link til Familieportalen – {municipality().get('name', '')}".strip(" –")
    db.execute("UPDATE outbox SET purpose = 'sign_in_link', recipient = ?, subject = ?, body = ? WHERE id = ?",
               [recipient, subject, link_message(url, minutes), message["id"]])
    return read_one(db, "SELECT * FROM outbox WHERE id = ?", [message["id"]])


def _notice_with_link(message):
    """The notice as it is sent: to the parent's address now, with a fresh single-use link (never stored)."""
    parent = read_one(get_db(), f"SELECT * FROM parents WHERE id = ? AND {access.parent_may_sign_in_sql('parents.id')}",
                      [message["parent_id"]])
    address = parent and parent["phone" if message["channel"] == "sms" else "email"]
    if not address:
        _give_up(message, "no parent")
        return None
    landing = None
    if message["purpose"] == "reminder":
        row = get_db().execute("SELECT meeting_id FROM notices WHERE outbox_id = ?", [message["id"]]).fetchone()
        landing = f"meeting:{row[0]}" if row else None
    url = links.issue("parent", parent["id"], origin=NOTICE_PURPOSES[message["purpose"]], channel=message["channel"],
                      landing=landing)
    return {**message, "recipient": address, "body": notice_texts.with_link(message["body"], url)}


def _backend(channel):
    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    backend = current_app.config["EMAIL_BACKEND" if channel == "email" else "SMS_BACKEND"]
    allowed = ("smtp", "outbox") if channel == "email" else ("outbox", "gateway")
    if backend not in allowed:
        raise ValueError(f"unknown {channel} backend {backend!r}")
    return backend


def deliver_due(limit=50, worker=None):
    """Send what is due, one claimed message at a time; return how many were handed over."""
    worker = worker or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    sent = 0
    for _ in range(limit):
        message = _claim(worker)
        if message is None:
            break
        sent += _try(message, worker)
    return sent


def _claim(worker):
    """Take the oldest due message for this worker, or None. Only one worker's UPDATE can win a row."""
    db = get_db()
    now = now_text()
    while True:
        row = db.execute(
            "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?"
            " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT 1",
            [now, now],
        ).fetchone()
        if row is None:
            return None
        claimed = db.execute(
            "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND sent_at IS NULL"
            " AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)",
            [worker, to_db_time(utcnow() + CLAIM), row[0], now],
        ).rowcount
        if claimed == 1:
            return read_one(db, "SELECT * FROM outbox WHERE id = ?", [row[0]])


def _try(message, worker):
    db = get_db()
    if message["expires_at"] and message["expires_at"] <= now_text():
        _give_up(message, "expired")
        return 0
    if message["purpose"] == "link_request":
        message = _link_for_request(message)
        if message is None:
            return 0
    if message["purpose"] in NOTICE_PURPOSES:
        if message["channel"] == "sms" and (morning := notices.quiet_until(clock.utcnow())):
            # A retry that falls in the night waits for the morning; it costs no attempt.
            db.execute("UPDATE outbox SET next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL"
                       " WHERE id = ? AND claimed_by = ?", [to_db_time(morning), message["id"], worker])
            return 0
        message = _notice_with_link(message)
        if message is None:
            return 0
    try:
        _send(message)
    except DeliveryError as error:
        attempts = message["attempts"] + 1
        if attempts > len(BACKOFF) or isinstance(error, PermanentDeliveryError):
            _give_up(message, str(error), attempts)
        else:
            db.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL,"
                " claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                [attempts, to_db_time(utcnow() + timedelta(seconds=BACKOFF[attempts - 1])), str(error),
                 message["id"], worker],
            )
        return 0
    # Sent: keep the record, drop the text (it carries a sign-in link).
    db.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, body = NULL, claimed_until = NULL"
               " WHERE id = ?", [now_text(), message["id"]])
    return 1


def _give_up(message, reason, attempts=None):
    get_db().execute(
        "UPDATE outbox SET failed_at = ?, last_error = ?, attempts = coalesce(?, attempts), body = NULL,"
        " claimed_until = NULL WHERE id = ?",
        [now_text(), reason, attempts, message["id"]],
    )
    current_app.logger.warning("Outbox message %s given up: %s", message["id"], reason)


def _send(message):
    backend = _backend(message["channel"])
    if backend == "smtp":
        try:
            _send_smtp(message)
        except (smtplib.SMTPException, OSError) as error:
            # The class name only: the error text may hold the address.
            raise DeliveryError(f"e-mail not sent: {type(error).__name__}") from None
    elif backend == "gateway":
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
                    "text": message["body"]}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )


def work(limit=50):
    """One round of the worker: turn what staff published into notices, then send what is due."""
    notices.step()
    return deliver_due(limit)


def start_worker(app, interval=1.0):
    """A daemon thread that makes notices and delivers what is due every `interval` seconds, in this process."""
    def run():
        while True:
            try:
                with app.app_context():
                    work()
                    ops_state.beat()  # /readyz: the outbox worker finishes its rounds
            except Exception:  # keep delivering: one bad moment must not stop every later message
                app.logger.exception("Outbox worker")
            time.sleep(interval)

    thread = threading.Thread(target=run, name="outbox", daemon=True)
    thread.start()
    return thread

