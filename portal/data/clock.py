"""Time as the database stores it (UTC text that sorts, e.g. 2026-12-03T09:00:00Z)
and as a Danish family reads it (Copenhagen local time and dates)."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


def utcnow():
    """The current time in UTC, as stored in the database."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_db_time(moment):
    """Format an aware datetime as sortable UTC text: 2026-12-03T09:00:00Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db_time(text):
    """Parse stored UTC text ('…Z') back into an aware datetime."""
    return datetime.fromisoformat(text)


def now_text():
    return to_db_time(utcnow())


def today():
    """Today's date in Copenhagen (a server in UTC would be an hour behind at midnight)."""
    return utcnow().astimezone(LOCAL_ZONE).date()


def today_text():
    return today().isoformat()


def local(moment_text):
    """Stored UTC text as an aware Copenhagen datetime."""
    return from_db_time(moment_text).astimezone(LOCAL_ZONE)


class NoSuchLocalTime(ValueError):
    """A wall-clock time that the clocks skip (the night summer time starts)."""


def from_local(day: date, at: time):
    """A Copenhagen wall-clock time as an aware datetime; NoSuchLocalTime inside the spring gap.

    In the autumn hour that happens twice, the first (summer time) is meant.
    """
    moment = datetime.combine(day, at, tzinfo=LOCAL_ZONE)
    # A time in the gap does not survive the round trip through UTC.
    if moment.astimezone(timezone.utc).astimezone(LOCAL_ZONE).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise NoSuchLocalTime(f"{day} {at} does not exist in Copenhagen")
    return moment


def days_from_today(days):
    return today() + timedelta(days=days)
