"""Make an .ics file so a parent can put a meeting in their own calendar.

The event says what kind of meeting, when and where, and links back to the
portal; it holds no case details, because calendars are often synced to
cloud services.
"""
from datetime import timedelta

from ..data.clock import from_db_time, now_text

DEFAULT_LENGTH = timedelta(hours=1)


def _escape(text):
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """Fold a content line at 75 octets, as RFC 5545 asks."""
    data = line.encode("utf-8")
    parts = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        # Never split a UTF-8 character.
        while cut > 0 and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(p.decode("utf-8") for p in parts)


def _utc(text):
    return from_db_time(text).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting, *, title, municipality_name, url, host):
    ends_at = meeting["ends_at"] or (
        (from_db_time(meeting["starts_at"]) + DEFAULT_LENGTH).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Familieportalen//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting['id']}@{host}",
        f"DTSTAMP:{_utc(now_text())}",
        f"DTSTART:{_utc(meeting['starts_at'])}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{_escape(f'{title} ({municipality_name})')}",
        f"LOCATION:{_escape(meeting['place'])}",
        f"DESCRIPTION:{_escape('Se mødet i Familieportalen: ' + url)}",
        f"URL:{url}",
        "STATUS:CANCELLED" if meeting["status"] == "cancelled" else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
