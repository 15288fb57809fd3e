"""A queued outbox row made into the message that is sent: its text, its address now, a fresh sign-in link.

Nothing of it is stored: a link's URL lives only in memory while the message
is sent. Each purpose of portal.data.outbox has its composer here; a message
that is not to be sent raises GiveUp (or AlreadySent, or WaitUntil).
"""
from flask import current_app

from . import texts
from ..data import access, clock, links
from ..data.changes import notices
from ..data.clock import from_db_time
from ..data.db import get_db, read_one, writing
from ..data.reads import family as family_reads
from ..data.reads import professionals as professional_reads
from ..data.reads import verdicts
from ..paths import url_for_message
from ..settings import retention_days

# Notices and reminders carry a sign-in link of their own origin.
NOTICE_PURPOSES = ("notice", "reminder")


class GiveUp(Exception):
    """The message is not to be sent: `reason` is what its coordinator sees; forget: drop the address typed."""

    def __init__(self, reason, *, forget_recipient=False):
        super().__init__(reason)
        self.reason, self.forget_recipient = reason, forget_recipient


class AlreadySent(Exception):
    """A try that seemed to fail got through after all: the person has used its link."""


class WaitUntil(Exception):
    """Not now (an SMS in the night): try again at `moment`, costing no attempt."""

    def __init__(self, moment):
        super().__init__(moment)
        self.moment = moment


def compose(message):
    """The message as it is sent: {**row, recipient, subject, body}."""
    purpose = message["purpose"]
    if purpose == "link_request":
        message = _link_for_request(message)
        purpose = message["purpose"]
    if purpose == "sign_in_link":
        return _sign_in_link(message)
    if purpose in NOTICE_PURPOSES:
        return _notice(message)
    if purpose == "case_closed":
        subject, body = texts.case_closed(retention_days())
        return {**message, "subject": subject, "body": body}
    if purpose == "meeting_reply":
        return _meeting_reply(message)
    if purpose == "meeting_changed":
        subject, body = texts.meeting_changed(url_for_message("professional.meeting", meeting_id=message["meeting_id"]))
        return {**message, "subject": subject, "body": body}
    if purpose == "call_reminder":
        subject, body = texts.call_reminder(url_for_message("professional.meeting", meeting_id=message["meeting_id"]))
        return {**message, "subject": subject, "body": body}
    if purpose == "plan_overdue":
        return _plan_overdue(message)
    if purpose == "handover_declined":
        page = "staff.caseload" if message["staff_id"] else "professional.home"
        subject, body = texts.handover_declined(url_for_message(page))
        return {**message, "subject": subject, "body": body}
    raise GiveUp(f"unknown purpose {purpose}")


def _link_for_request(message):
    """A parent's request made into a message with a link reserved now; GiveUp for an address we do not know.

    The link works until the request expires (its lifetime counts from the
    request) and replaces no other link.
    """
    db = get_db()
    if message.get("professional_id"):
        return _professional_link_for_request(message)
    parent = family_reads.parent_who_may_sign_in(message["recipient"])[0] if message["parent_id"] else None
    if parent is None or parent["id"] != message["parent_id"]:
        # Unknown, or no longer allowed: forget the address a stranger typed.
        raise GiveUp("no parent", forget_recipient=True)
    recipient = parent["email"] if message["channel"] == "email" else parent["phone"]
    with writing(db):
        link_id = links.reserve("parent", parent["id"], origin="requested", channel=message["channel"],
                                expires_at=from_db_time(message["expires_at"]))
        db.execute("UPDATE outbox SET purpose = 'sign_in_link', link_id = ?, recipient = ? WHERE id = ?",
                   [link_id, recipient, message["id"]])
    return read_one(db, "SELECT * FROM outbox WHERE id = ?", [message["id"]])


def _professional_link_for_request(message):
    """A professional's request (by e-mail) made into a message with a link reserved now, as a parent's.

    The link is one factor: it opens passkey sign-in (never enrolment, see sign_in/passkeys.py).
    """
    db = get_db()
    professional = professional_reads.professional_who_may_sign_in(message["recipient"])
    if professional is None or professional["id"] != message["professional_id"] or message["channel"] != "email":
        raise GiveUp("no professional", forget_recipient=True)
    with writing(db):
        link_id = links.reserve("professional", professional["id"], origin="requested", channel="email",
                                expires_at=from_db_time(message["expires_at"]))
        db.execute("UPDATE outbox SET purpose = 'sign_in_link', link_id = ?, recipient = ? WHERE id = ?",
                   [link_id, professional["email"], message["id"]])
    return read_one(db, "SELECT * FROM outbox WHERE id = ?", [message["id"]])


def _sign_in_link(message):
    """The sign-in message with its link's URL made now (never stored)."""
    made = links.make_url(message["link_id"])
    if made.problem == "used":
        raise AlreadySent()
    if made.problem:
        # "revoked" without a revocation: the person may no longer sign in.
        no_access = made.problem == "revoked" and not made.link["revoked_at"]
        raise GiveUp("no parent" if no_access else made.problem)
    minutes = round((from_db_time(made.link["expires_at"]) - clock.utcnow()).total_seconds() / 60)
    return {**message, "subject": texts.link_subject(), "body": texts.link_message(made.url, max(minutes, 1))}


def _notice(message):
    """A notice or reminder: to the parent's address now, with a fresh single-use link (never stored)."""
    if message["channel"] == "sms" and (morning := notices.quiet_until(clock.utcnow())):
        raise WaitUntil(morning)
    parent = read_one(get_db(), f"SELECT * FROM parents WHERE id = ? AND {access.parent_may_sign_in_sql('parents.id')}",
                      [message["parent_id"]])
    address = parent and parent["phone" if message["channel"] == "sms" else "email"]
    if not address:
        raise GiveUp("no parent")
    notice = read_one(get_db(), "SELECT kind, topics FROM notices WHERE id = ?", [message["notice_id"]])
    if notice is None:
        raise GiveUp("no notice")
    landing = f"meeting:{message['meeting_id']}" if message["purpose"] == "reminder" and message["meeting_id"] else None
    url = links.issue("parent", parent["id"], origin=message["purpose"], channel=message["channel"], landing=landing)
    subject, body = texts.notice(notice["kind"], (notice["topics"] or "").split(), url,
                                 hours=current_app.config["SENT_LINK_HOURS"],
                                 ask_verdict=verdicts.ask_in_notice(parent["id"], message["notice_id"]))
    return {**message, "recipient": address, "subject": subject, "body": body}


def _meeting_reply(message):
    meeting = read_one(get_db(), "SELECT id, family_id FROM meetings WHERE id = ?", [message["meeting_id"]])
    if meeting is None:
        raise GiveUp("no meeting")
    subject, body = texts.cannot_come(url_for_message("staff.family.meeting", family_id=meeting["family_id"],
                                                      meeting_id=meeting["id"]))
    return {**message, "subject": subject, "body": body}


def _plan_overdue(message):
    """A professional's overdue items: a line and the address of their plan page (they sign in as they do)."""
    if read_one(get_db(), f"SELECT 1 FROM professionals pr WHERE pr.id = ? AND "
                          f"{access.professional_may_sign_in_sql('pr.id')}", [message["professional_id"]]) is None:
        raise GiveUp("no professional")
    subject, body = texts.plan_overdue(url_for_message("professional.plan"))
    return {**message, "subject": subject, "body": body}
