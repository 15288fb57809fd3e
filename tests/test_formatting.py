"""Dates as parents read them: the written-out Danish and English patterns say exactly what Babel says."""
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.data.clock import local, to_db_time
from portal.web import formatting


@pytest.mark.parametrize("locale", formatting.WRITTEN_OUT)
def test_meeting_times_are_written_as_babel_writes_them_every_hour_for_two_years(locale):
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    differences = []
    while moment.year < 2028:  # two summer-time changes each way, every weekday and month
        for minute in (0, 5, 30):
            text = to_db_time(moment + timedelta(minutes=minute))
            ours = formatting.meeting_time.__wrapped__(text, locale)
            if ours != formatting.babel_meeting_time(local(text), locale):
                differences.append(text)
        moment += timedelta(hours=1)
    assert differences == []


@pytest.mark.parametrize("locale", formatting.WRITTEN_OUT)
def test_dates_are_written_as_babel_writes_them_every_day_for_two_years(locale):
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(731)]
    assert [d for d in days if formatting.date_only.__wrapped__(d.isoformat(), locale)
            != formatting.babel_date_only(d.isoformat(), locale)] == []


def test_a_danish_meeting_time_reads_as_a_dane_says_it():
    assert formatting.meeting_time("2026-12-03T09:00:00Z", "da") == "torsdag 3. december kl. 10.00"
    assert formatting.meeting_time("2026-07-02T07:05:00Z", "en") == "Thursday 2 July at 09:05"
    assert formatting.day("2026-11-23T23:30:00Z", "da") == "24. november 2026"  # Copenhagen's date
