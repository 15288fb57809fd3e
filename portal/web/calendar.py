"""Calendar files (iCalendar, RFC 5545) made with the icalendar library: one meeting, or a parent's or professional's feed.

An event says what kind of meeting, when and where, and links back to the
portal; it holds no purpose, participants or case details, because calendars
are often synced to cloud services. Each meeting keeps one UID; its SEQUENCE
is the meeting's version, raised by every change, so calendar apps take a moved
or cancelled meeting as the newer copy. Times are in UTC.
"""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Response, abort, current_app
from icalendar import Calendar, Event, vDuration

from .. import tokens
from ..data import ratelimit
from ..data.clock import from_db_time, utcnow
from ..data.vocabulary import MEETING_KINDS
from ..paths import url_for_message
from ..settings import municipality
from ..i18n import gettext as _

DEFAULT_LENGTH = timedelta(hours=1)
PRODID = "-//Familieportalen//DA"
# Calendar apps that honour it read the feed again after this long.
REFRESH = timedelta(hours=1)


def title(meeting):
    """What a calendar calls the meeting: its kind and the municipality, nothing about the case."""
    name = municipality().get("name", "")
    kind = _(MEETING_KINDS.get(meeting["kind"], "Møde"))
    return f"{kind} ({name})" if name else kind


def host():
    """The portal's host name, which makes the events' and calendars' UIDs unique to this municipality."""
    return urlsplit(current_app.config["BASE_URL"]).hostname


def meeting_event(meeting, *, stamp=None, endpoint="parent.meeting", summary=None):
    """One meeting as a VEVENT, linking to its page (`endpoint`: a professional's feed links to theirs).

    `meeting` is a row as the parent (or professional) may see it (place withheld: None).
    """
    url = url_for_message(endpoint, meeting_id=meeting["id"])
    starts_at = from_db_time(meeting["starts_at"])
    ends_at = from_db_time(meeting["ends_at"]) if meeting["ends_at"] else starts_at + DEFAULT_LENGTH
    modified = meeting.get("updated_at") or meeting.get("created_at")
    event = Event.new(
        uid=f"meeting-{meeting['id']}@{host()}",
        stamp=stamp or utcnow(),
        start=starts_at,
        end=ends_at,
        summary=summary or title(meeting),
        location=meeting["place"] or None,
        description=f"Se mødet i Familieportalen: {url}",
        url=url,
        sequence=meeting["version"] or 0,
        last_modified=from_db_time(modified) if modified else None,
        status="CANCELLED" if meeting["status"] == "cancelled" else "CONFIRMED",
    )
    return event


def calendar(events, *, uid, name=None, feed=False):
    """A VCALENDAR with these events, as bytes."""
    cal = Calendar.new(prodid=PRODID, uid=uid, name=name, method="PUBLISH", calscale="GREGORIAN",
                       subcomponents=events)
    if feed:
        cal.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        # Outlook reads this older name for the same thing.
        cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    return cal.to_ical()


def feed_owner(token, purpose, owner_of_hash, bucket):
    """Whose feed the token in a feed's address opens (a parent's or a professional's row): 404 for a token that is
    not one of `purpose` or whose feed is replaced (or its owner may no longer sign in), 429 beyond the hourly limit."""
    try:
        tokens.verify(purpose, token)
    except tokens.TokenInvalid:
        abort(404)
    owner = owner_of_hash(tokens.hash_id(token))
    if owner is None:
        abort(404)
    if not ratelimit.hit(f"{bucket}:{owner['id']}", current_app.config["CALENDAR_FEED_REQUESTS_PER_HOUR"]):
        abort(429)
    return owner


def feed_response(events, uid):
    """A feed's answer: the calendar of these events, never kept by a cache on the way."""
    body = calendar(events, uid=f"{uid}@{host()}", name="Familieportalen", feed=True)
    return Response(body, headers={"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store"})
