"""Show times and names the way a Danish parent reads them."""
from datetime import date
from functools import lru_cache

from babel.dates import format_date, format_datetime

from ..data.clock import local

# A meeting's time as each language writes it; another language gets the English shape
# in its own words. Arabic keeps Babel's default for "ar": Latin digits (0-9), as on
# Danish phones and letters, with Arabic day and month names: "الخميس 3 ديسمبر، الساعة 10:00".
MEETING_TIME = {
    "da": "EEEE d. MMMM 'kl.' H.mm",
    "en": "EEEE d MMMM 'at' HH:mm",
    "ar": "EEEE d MMMM، 'الساعة' HH:mm",
}


@lru_cache(maxsize=4096)
def meeting_time(moment_text, locale="da"):
    """'torsdag 3. december kl. 10.00' in Copenhagen time, across DST changes."""
    return format_datetime(local(moment_text), MEETING_TIME.get(locale, MEETING_TIME["en"]), locale=locale)


def mask_name(name):
    """'Sara Holm' -> 'S*** H***': enough to recognise, too little to disclose."""
    return " ".join(f"{part[0]}***" for part in name.split() if part)


@lru_cache(maxsize=4096)
def date_only(iso_date, locale="da"):
    """'2026-11-23' -> '23. november 2026'."""
    return format_date(date.fromisoformat(iso_date), "d. MMMM y" if locale == "da" else "d MMMM y", locale=locale)


def day(moment_text, locale="da"):
    """Stored UTC time -> the Copenhagen date it fell on, as date_only writes it."""
    return date_only(local(moment_text).date().isoformat(), locale)
