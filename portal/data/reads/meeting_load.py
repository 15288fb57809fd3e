"""How many meetings a family has: the evaluations found families with several meetings a day.

A family's meetings here are those it takes part in: not cancelled, and not
meetings among professionals only (those spare the family a meeting).
"""
from datetime import datetime, time, timedelta

from ..access import parent_sees_sql
from ..clock import LOCAL_ZONE, local, now_text, to_db_time, today, utcnow
from ..db import get_db, read_rows
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


# The last STATS_DAYS days of some families, one row per family that had a meeting.
_STATS = f"""
    SELECT m.family_id, count(DISTINCT m.id) AS meetings,
           count(DISTINCT CASE WHEN m.kind = 'network' THEN m.id END) AS network,
           count(DISTINCT mp.person_involved_id) AS professionals,
           count(DISTINCT lower(trim(p.organisation))) AS organisations
    FROM meetings m
    LEFT JOIN meeting_participants mp ON mp.meeting_id = m.id
    LEFT JOIN people_involved p ON p.id = mp.person_involved_id AND nullif(trim(p.organisation), '') IS NOT NULL
    WHERE m.family_id IN ({{ids}}) AND m.starts_at >= ? AND m.starts_at < ? AND {FAMILY_MEETING}
    GROUP BY m.family_id
"""


def stats(family_ids):
    """{family_id: {meetings, network, professionals, organisations, network_share (0–100 or None)}}, last 90 days.

    One query for a page of families (the caseload) or one family.
    """
    found = {}
    family_ids = list(family_ids)
    if family_ids:
        since = to_db_time(utcnow() - timedelta(days=STATS_DAYS))
        sql = _STATS.format(ids=", ".join("?" for _ in family_ids))
        for row in read_rows(get_db(), sql, [*family_ids, since, now_text()]):
            found[row.pop("family_id")] = row
    empty = {"meetings": 0, "network": 0, "professionals": 0, "organisations": 0}
    result = {}
    for family_id in family_ids:
        row = found.get(family_id, empty)
        share = round(100 * row["network"] / row["meetings"]) if row["meetings"] else None
        result[family_id] = {**row, "network_share": share, "stats_days": STATS_DAYS}
    return result


def for_family(family_id):
    """The last 90 days' numbers and the flag for one family.

    {meetings, professionals, organisations, network, network_share (0–100 or None),
     coming, days, threshold, flagged}
    """
    start, end, threshold, days = window()
    coming = get_db().execute(f"SELECT {count_sql('f')} FROM families f WHERE f.id = :family",
                              {"family": family_id, "load_from": start, "load_to": end}).fetchone()[0]
    return {**stats([family_id])[family_id], "coming": coming, "days": days, "threshold": threshold,
            "flagged": coming >= threshold}


MONTHS = 12


def held_per_month(family_id, *, parent=None, months=MONTHS):
    """[(first day of the month, meetings held)] for this month and the `months` - 1 before it, oldest first.

    Held: begun before now and not cancelled, and not among professionals only (as
    FAMILY_MEETING). With `parent`, only the meetings that parent may see.
    Months are Copenhagen months; one indexed query (meetings by family_id, starts_at).
    """
    this_month = today().replace(day=1)
    firsts = [this_month]
    for _ in range(months - 1):
        firsts.insert(0, (firsts[0] - timedelta(days=1)).replace(day=1))
    since = to_db_time(datetime.combine(firsts[0], time(0), tzinfo=LOCAL_ZONE))
    condition = FAMILY_MEETING
    params = {"family": family_id, "since": since, "now": now_text()}
    if parent is not None:
        condition += f" AND {parent_sees_sql('meeting', 'm')}"
        params["parent"] = parent["id"]
    counts = dict.fromkeys(firsts, 0)
    for (starts_at,) in get_db().execute(
        f"SELECT m.starts_at FROM meetings m WHERE m.family_id = :family AND m.starts_at >= :since"
        f" AND m.starts_at < :now AND {condition}", params,
    ):
        counts[local(starts_at).date().replace(day=1)] += 1
    return list(counts.items())
