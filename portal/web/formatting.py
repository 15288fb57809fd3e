"""Show times and names the way a Danish parent reads them.

Babel's formatting reads its pattern anew at every call (about 20 µs), and a
home page under real traffic shows dates no cache has seen yet. For Danish and
English, the patterns below are written out with Babel's own (CLDR) day and
month names, so the text is the same as Babel's (tests/test_formatting.py
compares them hour by hour over two years); other languages go through Babel.
"""
from datetime import date
from functools import lru_cache

from babel.dates import format_date, format_datetime, get_day_names, get_month_names

from ..data.clock import local

# A meeting's time as each language writes it; another language gets the English shape
# in its own words. Arabic keeps Babel's default for "ar": Latin digits (0-9), as on
# Danish phones and letters, with Arabic day and month names: "الخميس 3 ديسمبر، الساعة 10:00".
MEETING_TIME = {
    "da": "EEEE d. MMMM 'kl.' H.mm",
    "en": "EEEE d MMMM 'at' HH:mm",
    "ar": "EEEE d MMMM، 'الساعة' HH:mm",
}

WRITTEN_OUT = ("da", "en")


@lru_cache(maxsize=None)
def _names(locale):
    """(weekday names from Monday, month names from 1) as Babel writes them in dates."""
    return get_day_names("wide", locale=locale), get_month_names("wide", locale=locale)


@lru_cache(maxsize=4096)
def meeting_time(moment_text, locale="da"):
    """'torsdag 3. december kl. 10.00' in Copenhagen time, across DST changes."""
    moment = local(moment_text)
    if locale in WRITTEN_OUT:
        days, months = _names(locale)
        weekday, month = days[moment.weekday()], months[moment.month]
        if locale == "da":  # EEEE d. MMMM 'kl.' H.mm
            return f"{weekday} {moment.day}. {month} kl. {moment.hour}.{moment.minute:02}"
        return f"{weekday} {moment.day} {month} at {moment.hour:02}:{moment.minute:02}"  # EEEE d MMMM 'at' HH:mm
    return babel_meeting_time(moment, locale)


def babel_meeting_time(moment, locale):
    return format_datetime(moment, MEETING_TIME.get(locale, MEETING_TIME["en"]), locale=locale)


def mask_name(name):
    """'Sara Holm' -> 'S*** H***': enough to recognise, too little to disclose."""
    return " ".join(f"{part[0]}***" for part in name.split() if part)


@lru_cache(maxsize=4096)
def date_only(iso_date, locale="da"):
    """'2026-11-23' -> '23. november 2026'."""
    if locale in WRITTEN_OUT:
        day_ = date.fromisoformat(iso_date)
        month = _names(locale)[1][day_.month]
        return f"{day_.day}. {month} {day_.year}" if locale == "da" else f"{day_.day} {month} {day_.year}"
    return babel_date_only(iso_date, locale)


def babel_date_only(iso_date, locale):
    return format_date(date.fromisoformat(iso_date), "d. MMMM y" if locale == "da" else "d MMMM y", locale=locale)


def day(moment_text, locale="da"):
    """Stored UTC time -> the Copenhagen date it fell on, as date_only writes it."""
    return date_only(local(moment_text).date().isoformat(), locale)
