"""A parent's or a professional's calendar feed: whose it is, and the meetings it holds."""
from datetime import timedelta

from .. import access
from ..clock import to_db_time, today_text, utcnow
from ..db import get_db, read_one, read_rows

# How far back a feed reaches: a calendar app removes what a feed no longer holds.
HISTORY = timedelta(days=365)


def current_feed(parent_id):
    """The parent's feed in use (its seed makes the address), or None."""
    return read_one(get_db(), "SELECT id, seed, created_at FROM calendar_feeds"
                              " WHERE parent_id = ? AND replaced_at IS NULL", [parent_id])


def parent_of_feed(token_hash):
    """The parent whose feed in use has this token hash and who may still sign in, else None."""
    return read_one(
        get_db(),
        "SELECT owner.* FROM calendar_feeds c JOIN parents owner ON owner.id = c.parent_id"
        f" WHERE c.token_hash = ? AND c.replaced_at IS NULL AND {access.parent_may_sign_in_sql('c.parent_id')}",
        [token_hash],
    )


def feed_meetings(parent, limit=500):
    """The family's published meetings this parent takes part in and may see, in the last year and to come."""
    rows = read_rows(
        get_db(),
        f"""
        SELECT m.id, m.kind, m.starts_at, m.ends_at, m.place, m.status, m.version, m.created_at, m.updated_at,
               m.protected_home_parent_id
        FROM meetings m
        WHERE m.family_id = :family AND m.starts_at >= :since
          AND EXISTS (SELECT 1 FROM meeting_participants mp WHERE mp.meeting_id = m.id AND mp.parent_id = :parent)
          AND {access.parent_sees_sql("meeting", "m")}
        ORDER BY m.starts_at LIMIT :limit
        """,
        {"family": parent["family_id"], "parent": parent["id"], "since": to_db_time(utcnow() - HISTORY),
         "limit": limit},
    )
    return [access.shown_to_parent(row, parent["id"]) for row in rows]


def current_professional_feed(professional_id):
    """The professional's feed in use (its seed makes the address), or None."""
    return read_one(get_db(), "SELECT id, seed, created_at FROM professional_calendar_feeds"
                              " WHERE professional_id = ? AND replaced_at IS NULL", [professional_id])


def professional_of_feed(token_hash):
    """The professional whose feed in use has this token hash and who may still sign in, else None."""
    return read_one(
        get_db(),
        "SELECT owner.* FROM professional_calendar_feeds c JOIN professionals owner ON owner.id = c.professional_id"
        f" WHERE c.token_hash = ? AND c.replaced_at IS NULL"
        f" AND {access.professional_may_sign_in_sql('c.professional_id')}",
        [token_hash],
    )


def professional_feed_meetings(professional_id, limit=500):
    """The meetings of every family the professional is called to and may see today, in the last year and to come.

    access.professional_meetings_sql decides: a meeting whose family's consent no longer covers them, or that
    they are no longer called to, is not in the feed (so it leaves their calendar). Never the family's name.
    """
    return read_rows(
        get_db(),
        f"""
        SELECT m.id, m.kind, m.starts_at, m.ends_at, m.place, m.status, m.version, m.created_at, m.updated_at,
               m.protected_home_parent_id
        FROM meetings m
        WHERE m.starts_at >= :since AND {access.professional_meetings_sql("m")}
        ORDER BY m.starts_at LIMIT :limit
        """,
        {"professional": professional_id, "today": today_text(), "since": to_db_time(utcnow() - HISTORY),
         "limit": limit},
    )
