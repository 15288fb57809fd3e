"""How many meetings a family has: the evaluations found families with several meetings a day.

A family's meetings here are those it takes part in: not cancelled, and not
meetings among professionals only (those spare the family a meeting).
"""
from datetime import datetime, time, timedelta

from ..clock import LOCAL_ZONE, now_text, to_db_time, today, utcnow
from ..db import get_db, read_one
from ... import settings

FAMILY_MEETING = "m.status != 'cancelled' AND m.kind != 'professionals'"
STATS_DAYS = 90


def window():
    """(start, end, threshold, days): the coming `days` days from the start of today (Copenhagen), as stored UTC text."""
    setting = settings.meeting_load()
    start = datetime.combine(today(), time(0), tzinfo=LOCAL_ZONE)
    end = datetime.combine(today() + timedelta(days=setting["days"]), time(0), tzinfo=LOCAL_ZONE)
    return to_db_time(start), to_db_time(end), setting["meetings"], setting["days"]


def count_sql(alias="f"):
    """One indexed subquery (meetings by family_id, starts_at): family `alias`'s meetings in :load_from–:load_to."""
    return (f"(SELECT count(*) FROM meetings m WHERE m.family_id = {alias}.id"
            f" AND m.starts_at >= :load_from AND m.starts_at < :load_to AND {FAMILY_MEETING})")


def for_family(family_id):
    """The last 90 days' numbers and the flag for one family.

    {meetings, professionals, organisations, network, network_share (0–100 or None),
     coming, days, threshold, flagged}
    """
    start, end, threshold, days = window()
    db = get_db()
    stats = read_one(db, f"""
        SELECT count(*) AS meetings, coalesce(sum(m.kind = 'network'), 0) AS network,
               (SELECT count(DISTINCT mp.person_involved_id) FROM meeting_participants mp
                  JOIN meetings m ON m.id = mp.meeting_id
                 WHERE m.family_id = :family AND m.starts_at >= :since AND m.starts_at < :now AND {FAMILY_MEETING}
               ) AS professionals,
               (SELECT count(DISTINCT lower(trim(p.organisation))) FROM meeting_participants mp
                  JOIN meetings m ON m.id = mp.meeting_id JOIN people_involved p ON p.id = mp.person_involved_id
                 WHERE m.family_id = :family AND m.starts_at >= :since AND m.starts_at < :now AND {FAMILY_MEETING}
                   AND nullif(trim(p.organisation), '') IS NOT NULL) AS organisations
        FROM meetings m
        WHERE m.family_id = :family AND m.starts_at >= :since AND m.starts_at < :now AND {FAMILY_MEETING}
    """, {"family": family_id, "since": to_db_time(utcnow() - timedelta(days=STATS_DAYS)), "now": now_text()})
    coming = db.execute(f"SELECT {count_sql('f')} FROM families f WHERE f.id = :family",
                        {"family": family_id, "load_from": start, "load_to": end}).fetchone()[0]
    share = round(100 * stats["network"] / stats["meetings"]) if stats["meetings"] else None
    return {**stats, "network_share": share, "coming": coming, "days": days, "threshold": threshold,
            "flagged": coming >= threshold, "stats_days": STATS_DAYS}
