"""Count requests per bucket in the database, so limits hold across workers."""
from datetime import timedelta

from .clock import to_db_time, utcnow
from .db import get_db, writing


def hit(bucket, limit, window=timedelta(hours=1)):
    """Record one request in `bucket`; return False if it is over `limit` per `window`."""
    db = get_db()
    now = utcnow()
    since = to_db_time(now - window)
    with writing(db):
        # Forget every hit older than the window, not just this bucket's.
        db.execute("DELETE FROM rate_limit_hits WHERE at < ?", [since])
        count = db.execute(
            "SELECT count(*) FROM rate_limit_hits WHERE bucket = ? AND at >= ?", [bucket, since]
        ).fetchone()[0]
        if count >= limit:
            return False
        db["rate_limit_hits"].insert({"bucket": bucket, "at": to_db_time(now)})
    return True
