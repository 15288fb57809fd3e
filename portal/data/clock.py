"""Time as the database stores it: UTC text that sorts, e.g. 2026-12-03T09:00:00Z."""
from datetime import datetime, timezone


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
