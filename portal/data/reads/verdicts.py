""""Hvordan var mødet?": what a parent may still answer, and the results staff see (aggregates only).

Staff never see one answer. The results are per organisation unit, per
ended quarter and per statement: the number of answers, the average (1-5) and
the share who agree (4 or 5), and only where at least MIN_ANSWERS parents
answered that statement; smaller groups come back as None. Comments a parent
let their contact person read are shown per unit and ended quarter, sorted by
their text, without scores, meeting kind, month or family, and only when at
least MIN_ANSWERS parents shared one.

Why ended quarters only: an average that moves from 5 to 6 answers gives away
the sixth answer to anyone who saw both. A quarter is shown once it has ended,
and answers are stored under the month they were given, so it never changes
after that. Why no split by meeting kind: "all kinds" minus "network meetings"
would give the figures of a group that may be smaller than 5.
"""
from datetime import timedelta

from .. import access
from ..changes import verdicts
from ..changes.verdicts import ANSWER_DAYS, STATEMENTS
from ..clock import LOCAL_ZONE, now_text, to_db_time, today, utcnow
from ..db import get_db, read_rows

MIN_ANSWERS = 5
QUARTERS_SHOWN = 4


def state(meeting, parent_id):
    """Where this parent stands with the meeting: "open", "answered", "closed" (too old), or None (nothing to ask)."""
    if meeting["status"] == "cancelled" or not verdicts.meeting_has_ended(meeting):
        return None
    if not verdicts.is_participant(meeting["id"], parent_id):
        return None
    if verdicts.has_answered(meeting["id"], parent_id):
        return "answered"
    return "closed" if verdicts.why_not_answerable(meeting, parent_id) else "open"


def _open_sql():
    """Meetings parent :parent took part in, may see, has not answered and can still answer (ended since :since)."""
    return f"""
        SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id AND mp.parent_id = :parent
        WHERE m.family_id = (SELECT family_id FROM parents WHERE id = :parent)
          AND (m.status = 'held' OR (m.status = 'planned' AND coalesce(m.ends_at, m.starts_at) <= :now))
          AND coalesce(m.ends_at, m.starts_at) >= :since
          AND {access.parent_sees_sql('meeting', 'm')}
          AND NOT EXISTS (SELECT 1 FROM meeting_verdicts_given g WHERE g.meeting_id = m.id AND g.parent_id = :parent)
    """


def _oldest_answerable():
    return to_db_time(utcnow() - timedelta(days=ANSWER_DAYS))


def open_meetings(parent_id):
    """The ids of the meetings this parent can still say how went, newest first."""
    params = {"parent": parent_id, "now": now_text(), "since": _oldest_answerable()}
    return [row[0] for row in get_db().execute(f"{_open_sql()} ORDER BY m.starts_at DESC", params)]


def ask_in_notice(parent_id, notice_id):
    """True if this notice should say "Fortæl os, hvordan mødet var": the parent's first notice after a meeting
    they can still answer (one that ended after their last notice that was sent)."""
    db = get_db()
    last_sent = db.execute(
        "SELECT max(done_at) FROM notices WHERE parent_id = ? AND outbox_id IS NOT NULL AND id != ?",
        [parent_id, notice_id]).fetchone()[0]
    since = max(last_sent or "", _oldest_answerable())
    return db.execute(f"SELECT 1 FROM ({_open_sql()}) LIMIT 1",
                      {"parent": parent_id, "now": now_text(), "since": since}).fetchone() is not None


def _quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def ended_quarters(count=QUARTERS_SHOWN, on=None):
    """The last `count` quarters that have ended, newest first: (year, quarter, first month, first month after)."""
    year, quarter = _quarter_of(on or today())
    quarters = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        first = f"{year}-{3 * quarter - 2:02d}"
        after = f"{year + (quarter == 4)}-{(3 * quarter) % 12 + 1:02d}"
        quarters.append({"year": year, "quarter": quarter, "from": first, "until": after})
    return quarters


def oldest_month_shown(now=None):
    """The first month of the oldest quarter the results page shows ("2025-10"): older comments are pruned."""
    on = (now or utcnow()).astimezone(LOCAL_ZONE).date()
    return ended_quarters(on=on)[-1]["from"]


def current_quarter(on=None):
    year, quarter = _quarter_of(on or today())
    return {"year": year, "quarter": quarter}


def results(unit, on=None):
    """The unit's results for the last ended quarters: statements (suppressed below MIN_ANSWERS) and comments."""
    quarters = ended_quarters(on=on)
    columns = ", ".join(f"count({s}) AS {s}_n, avg({s}) AS {s}_avg, sum({s} >= 4) AS {s}_agree" for s in STATEMENTS)
    db = get_db()
    out = []
    for quarter in quarters:
        params = {"unit": unit, "from": quarter["from"], "until": quarter["until"]}
        where = "unit = :unit AND month >= :from AND month < :until"
        row = read_rows(db, f"SELECT count(*) AS answers, count(comment) AS comments, {columns}"
                            f" FROM meeting_verdicts WHERE {where}", params)[0]
        statements = []
        for statement, text in STATEMENTS.items():
            n = row[f"{statement}_n"]
            shown = n >= MIN_ANSWERS
            statements.append({
                "statement": statement, "text": text, "shown": shown,
                "answers": n if shown else None,
                "average": round(row[f"{statement}_avg"], 1) if shown else None,
                "agree_share": round(100 * row[f"{statement}_agree"] / n) if shown else None,
            })
        comments = None
        if row["comments"] >= MIN_ANSWERS:
            # Sorted by text: the order says nothing about who or when.
            comments = [r[0] for r in db.execute(f"SELECT comment FROM meeting_verdicts WHERE {where}"
                                                 " AND comment IS NOT NULL ORDER BY comment", params)]
        out.append({**quarter, "answers": row["answers"] if row["answers"] >= MIN_ANSWERS else None,
                    "statements": statements, "comments": comments})
    return out


def unit_of(staff):
    """The organisation unit a staff member sees results for: their department ("" for none)."""
    return staff["department"] or ""
