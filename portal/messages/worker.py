"""Send what is due through a durable outbox: claimed one row at a time, retried, never sent twice.

A request only queues a row (portal.data.outbox), so a message is never lost
when a process dies. Workers (`familieportal deliver`, and a thread in every
web worker) claim one row at a time with a conditional UPDATE, so two workers
never send the same message; a claim lapses if its worker is killed mid-send,
and the message is tried again. Failures are retried with backoff; after the
last try, or once the link in it has expired or was revoked, the message is
marked failed, which its family's coordinator sees. A sent message keeps no text.
"""
import os
import socket
import threading
import time
from datetime import timedelta

from flask import current_app

from .compose import AlreadySent, GiveUp, WaitUntil, compose
from .errors import DeliveryError, PermanentDeliveryError
from .transports import send
from ..data.changes import notices, overdue
from ..data.clock import now_text, to_db_time, utcnow
from ..data.db import get_db, read_one
from ..data import ops_state

# Seconds to wait after the 1st, 2nd, … failed try; then the message has failed.
BACKOFF = (30, 120, 600, 1800, 3600)
CLAIM = timedelta(minutes=2)


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
    try:
        message = compose(message)
    except AlreadySent:
        _sent(message)
        return 0
    except GiveUp as refused:
        _give_up(message, refused.reason, forget_recipient=refused.forget_recipient)
        return 0
    except WaitUntil as wait:
        db.execute("UPDATE outbox SET next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL"
                   " WHERE id = ? AND claimed_by = ?", [to_db_time(wait.moment), message["id"], worker])
        return 0
    try:
        send(message)
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
    _sent(message)
    return 1


def _sent(message):
    """Keep the record of a sent message, not its text."""
    get_db().execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, body = NULL, claimed_until = NULL"
                     " WHERE id = ?", [now_text(), message["id"]])


def _give_up(message, reason, attempts=None, *, forget_recipient=False):
    get_db().execute(
        "UPDATE outbox SET failed_at = ?, last_error = ?, attempts = coalesce(?, attempts), body = NULL,"
        " claimed_until = NULL" + (", recipient = ''" if forget_recipient else "") + " WHERE id = ?",
        [now_text(), reason, attempts, message["id"]],
    )
    current_app.logger.warning("Outbox message %s given up: %s", message["id"], reason)


def work(limit=50):
    """One round of the worker: turn what staff published into notices, tell owners of overdue items, then send."""
    notices.step()
    overdue.step()
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
