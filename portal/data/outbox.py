"""The outbox: a message waiting to be sent, queued in the transaction of whatever causes it.

A row says what the message is about - its purpose, and the link, notice,
meeting, parent or staff member it needs - never its text. portal.messages
writes the text, and makes any sign-in link in it, as it sends the message:
so no usable token is ever written to the database or its WAL, and a row
queued by the write side needs nothing from the layers above the data.

Purposes: sign_in_link (a link staff send, or one a parent asked for once it
is found), link_request (a parent, or a professional by e-mail, asks; the same
single row whether or not the address is known), notice and reminder (portal.data.changes.notices),
case_closed (the last message to a parent of a closed case), meeting_reply
(a coordinator hears a parent cannot come), call_reminder (a called
professional has not answered a meeting call), meeting_changed (a meeting a
professional is called to moved or was cancelled), plan_overdue (a professional
has plan items past their due date: portal.data.changes.overdue),
handover_declined (whoever asked a professional to take over plan items
hears that they said no).
"""
from datetime import timedelta

from .clock import to_db_time, utcnow
from .db import get_db

CHANNELS = ("email", "sms")
PURPOSES = ("sign_in_link", "link_request", "notice", "reminder", "case_closed", "meeting_reply", "call_reminder",
            "plan_overdue", "handover_declined", "meeting_changed")


def queue(purpose, channel, recipient, *, expires_at=None, now=None, **about):
    """Queue one message, due at once (or at `now`, a datetime) with no attempts yet; return its outbox id."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = to_db_time(now or utcnow())
    row = {"purpose": purpose, "channel": channel, "recipient": recipient, "expires_at": expires_at, **about,
           "created_at": now, "attempts": 0, "next_attempt_at": now}
    return get_db().execute(
        f"INSERT INTO outbox ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
    ).lastrowid


def queue_link(channel, recipient, link_id, *, family_id=None, parent_id=None, staff_id=None):
    """The message that carries a reserved sign-in link (links.reserve); not worth sending once the link expires."""
    expires_at = get_db().execute("SELECT expires_at FROM sign_in_links WHERE id = ?", [link_id]).fetchone()[0]
    return queue("sign_in_link", channel, recipient, link_id=link_id, family_id=family_id, parent_id=parent_id,
                 staff_id=staff_id, expires_at=expires_at)


def queue_link_request(channel, contact, minutes, *, parent_id=None, family_id=None, professional_id=None):
    """A parent's (or a professional's) request for a new link, whether or not we know the address: the worker
    looks it up."""
    return queue("link_request", channel, contact, family_id=family_id, parent_id=parent_id,
                 professional_id=professional_id, expires_at=to_db_time(utcnow() + timedelta(minutes=minutes)))


def queue_case_closed(channel, recipient, *, family_id, parent_id):
    """The last message to a parent whose family's case was closed."""
    return queue("case_closed", channel, recipient, family_id=family_id, parent_id=parent_id)


def queue_cannot_come(staff, meeting):
    """The e-mail that tells a coordinator a parent cannot come to a meeting.

    The row has no family: it is not one of the messages to the family's parents.
    """
    return queue("meeting_reply", "email", staff["email"], staff_id=staff["id"], meeting_id=meeting["id"])


def queue_notice(notice, parent_id, channel, recipient, *, expires_at=None, now=None):
    """A notice or reminder (a row of notices) to a parent; its text is made from the notice as it is sent."""
    return queue("reminder" if notice["kind"] == "reminder" else "notice", channel, recipient,
                 family_id=notice["family_id"], parent_id=parent_id, notice_id=notice["id"],
                 meeting_id=notice["meeting_id"], expires_at=expires_at, now=now)


def queue_call_reminder(email, meeting_id):
    """The e-mail that reminds a called professional to answer a meeting call: no case details, a link to sign in.

    The row has no family: it is not one of the messages to the family's parents.
    """
    return queue("call_reminder", "email", email, meeting_id=meeting_id)


def queue_meeting_changed(email, meeting_id):
    """The e-mail that tells a called professional their meeting moved or was cancelled: no case details, a link.

    The row has no family: it is not one of the messages to the family's parents.
    """
    return queue("meeting_changed", "email", email, meeting_id=meeting_id)


def queue_handover_declined(email, *, staff_id=None):
    """The e-mail that tells a professional (or, with staff_id, a coordinator) that a hand-over was declined.

    Like queue_cannot_come, the row has no family and says nothing of the case.
    """
    return queue("handover_declined", "email", email, staff_id=staff_id)
