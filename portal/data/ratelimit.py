"""Count requests per bucket in the database, so limits hold across workers."""
from datetime import timedelta

from .clock import to_db_time, utcnow
from .db import get_db, writing

# The longest any limit counts: hits older than this count for no limit.
LONGEST_WINDOW = timedelta(hours=1)


def hit(bucket, limit, window=LONGEST_WINDOW):
    """Record one request in `bucket`; return False if `limit` requests came within the last `window`.

    A refused request is not recorded: it does not count against later ones.
    """
    if window > LONGEST_WINDOW:
        raise ValueError(f"a rate limit counts at most {LONGEST_WINDOW}")
    db = get_db()
    now = utcnow()
    with writing(db):
        # Forget every hit older than any window, not just this bucket's.
        db.execute("DELETE FROM rate_limit_hits WHERE at <= ?", [to_db_time(now - LONGEST_WINDOW)])
        count = db.execute(
            "SELECT count(*) FROM rate_limit_hits WHERE bucket = ? AND at > ?", [bucket, to_db_time(now - window)]
        ).fetchone()[0]
        if count >= limit:
            return False
        db["rate_limit_hits"].insert({"bucket": bucket, "at": to_db_time(now)})
    return True
