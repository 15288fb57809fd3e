"""`familieportal retention`, run daily: delete closed families on time and prune what only helps for a while.

- A family whose case was closed longer ago than `retention_days_after_closing`
  (content/settings.yml, shown on the info site's privacy page) is deleted
  completely (portal/data/changes/retention.py), then the file is rewritten
  (VACUUM) and the WAL emptied, so nothing of it is left on disk.
- Sessions, sign-in links, rate-limit rows and sent or failed outbox messages
  are pruned on their own schedules below, so the database does not grow
  without bound.
- Staff views of a family (the audit lines a parent's insight shows as "who
  looked, and when") are kept FAMILIEPORTAL_ACCESS_LOG_MONTHS months (6 by
  default, what Danish data-processing agreements ask of an access log), then
  pruned, for open families too.
"""
import calendar
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from .changes.retention import delete_family
from .clock import to_db_time, utcnow
from .db import BUSY_SECONDS, get_db, writing
from .reads.insight import STAFF_LOOKED
from .reads.verdicts import oldest_month_shown
from .sign_in_requests import ROUND_TRIP
from .changes.passkeys import CHALLENGE_LIFETIME
from ..settings import retention_days

# A person's sessions are kept this long after their last activity; their newest
# stays anyway, because "new since your last visit" starts from it.
SESSION_DAYS = 30
# Sign-in links, this long after they expired (a token older than 72 h is refused by its signature anyway).
LINK_DAYS = 30
# Rate-limit hits: every limit counts one hour; a day is ample.
RATE_LIMIT_HOURS = 24
# Outbox rows after they were sent (their text is already gone), and after they failed
# (the coordinator sees a failed message on the family's page until then).
SENT_DAYS = 30
FAILED_DAYS = 90
# Emptying the WAL waits for every reader, and meanwhile holds off writers. Litestream
# keeps a read open all the time (it lets go at its own checkpoints, every minute or
# so): wait this long, not the writers' 15 s, and leave the rest to its checkpoint.
CHECKPOINT_WAIT_MS = 2000


@dataclass
class Report:
    families_deleted: int = 0
    family_rows_deleted: int = 0
    pruned: dict = field(default_factory=dict)
    wal_emptied: bool = True

    def lines(self):
        yield f"Deleted {self.families_deleted} closed families ({self.family_rows_deleted} rows)."
        for table, count in self.pruned.items():
            yield f"Pruned {count} rows from {table}."
        if not self.wal_emptied:
            yield ("The WAL was not emptied now: a reader (Litestream) holds it; its next checkpoint"
                   " overwrites what is left.")


def due_families(now=None):
    """Ids of closed families whose retention period has passed at `now`."""
    cutoff = to_db_time((now or utcnow()) - timedelta(days=retention_days()))
    return [row[0] for row in get_db().execute(
        "SELECT id FROM families WHERE closed_at IS NOT NULL AND closed_at <= ? ORDER BY id", [cutoff])]


_OLD_MESSAGES = "(sent_at IS NOT NULL AND sent_at < :sent) OR (failed_at IS NOT NULL AND failed_at < :failed)"


def months_before(moment, months):
    """The same time `months` calendar months earlier (on the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1]))


def prune(now=None):
    """Delete what has served its purpose; return {table: rows deleted}."""
    now = now or utcnow()
    before = {
        "views": to_db_time(months_before(now, current_app.config["ACCESS_LOG_MONTHS"])),
        "sessions": to_db_time(now - timedelta(days=SESSION_DAYS)),
        "links": to_db_time(now - timedelta(days=LINK_DAYS)),
        "hits": to_db_time(now - timedelta(hours=RATE_LIMIT_HOURS)),
        "sent": to_db_time(now - timedelta(days=SENT_DAYS)),
        "failed": to_db_time(now - timedelta(days=FAILED_DAYS)),
        "round_trip": to_db_time(now - ROUND_TRIP),
        "challenge": to_db_time(now - CHALLENGE_LIFETIME),
        "now": to_db_time(now),
        # Parents' shared comments are never shown once their quarter has left the results page.
        "comments": oldest_month_shown(now),
    }
    statements = {
        "sessions": "DELETE FROM sessions WHERE last_seen_at < :sessions AND last_seen_at <"
                    " (SELECT max(newest.last_seen_at) FROM sessions newest"
                    "  WHERE newest.user_kind = sessions.user_kind AND newest.user_id = sessions.user_id)",
        "sign_in_links": "DELETE FROM sign_in_links WHERE expires_at < :links",
        "rate_limit_hits": "DELETE FROM rate_limit_hits WHERE at < :hits",
        "outbox": f"DELETE FROM outbox WHERE {_OLD_MESSAGES}",
        # Only staff looking (no change is pruned): the index on (action, at) finds them.
        "audit_log": f"DELETE FROM audit_log WHERE action IN {STAFF_LOOKED} AND actor_kind IN ('staff', 'professional') AND at < :views",
        # A MitID round trip the browser never came back from holds the identity it answered: gone after ROUND_TRIP.
        "sign_in_requests": "DELETE FROM sign_in_requests WHERE created_at < :round_trip",
        "saml_assertions_seen": "DELETE FROM saml_assertions_seen WHERE until < :now",
        # A passkey challenge nobody answered: random bytes, useless after CHALLENGE_LIFETIME.
        "passkey_challenges": "DELETE FROM passkey_challenges WHERE created_at < :challenge",
        # Their own words may name someone, and cannot be found by family: so they go; the points stay.
        "meeting_verdicts": "UPDATE meeting_verdicts SET comment = NULL WHERE comment IS NOT NULL AND month < :comments",
    }
    db = get_db()
    pruned = {}
    for table, sql in statements.items():
        with writing(db):
            if table == "outbox":
                # A notice keeps its own record (kind, when, skipped); only its link to the pruned message goes.
                db.execute(f"UPDATE notices SET outbox_id = NULL WHERE outbox_id IN"
                           f" (SELECT id FROM outbox WHERE {_OLD_MESSAGES})", before)
            pruned[table] = db.execute(sql, before).rowcount
    return pruned


def run(now=None):
    """Delete the closed families that are due, prune, and leave nothing deleted on disk; return a Report."""
    report = Report()
    for family_id in due_families(now):
        report.family_rows_deleted += delete_family(family_id)
        report.families_deleted += 1
    report.pruned = prune(now)
    db = get_db()
    if report.families_deleted:
        # secure_delete zeroed the rows; VACUUM also drops older copies of them left
        # in free space by earlier updates (a renamed parent, a changed phone number).
        db.execute("VACUUM")
    db.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        report.wal_emptied = not db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
    return report


