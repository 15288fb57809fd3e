"""A parent's or a professional's calendar feed: a secret address their calendar app reads their meetings from."""
from ._core import change, record
from ..clock import now_text
from ..db import get_db
from ... import tokens

PURPOSE = "calendar-feed"
# A professional's feed: its own purpose (and table), so a parent's token never opens one, nor the reverse.
PROFESSIONAL_PURPOSE = "professional-calendar-feed"


def token_for(seed, purpose=PURPOSE):
    """The token in a feed's address, made again from its seed with the secret key."""
    return tokens.sign(purpose, seed)


# Whose feeds a table holds (constants only: these go into SQL).
_OWNERS = {"calendar_feeds": "parent_id", "professional_calendar_feeds": "professional_id"}


def _new_feed(table, owner_id, purpose):
    """Replace the owner's feed in use with a new one: (replaced an older one, new feed id, token)."""
    db = get_db()
    now = now_text()
    owner = _OWNERS[table]
    replaced = db.execute(f"UPDATE {table} SET replaced_at = ? WHERE {owner} = ? AND replaced_at IS NULL",
                          [now, owner_id]).rowcount
    seed = tokens.new_random_id()
    token = token_for(seed, purpose)
    feed_id = db[table].insert({owner: owner_id, "seed": seed, "token_hash": tokens.hash_id(token),
                                "created_at": now}).last_pk
    return replaced, feed_id, token


@change
def new_calendar_feed(actor, parent):
    """Make a new feed address for a parent; their older address answers 404 from now on. Return the token."""
    replaced, feed_id, token = _new_feed("calendar_feeds", parent["id"], PURPOSE)
    record(actor, "calendar_feed.replaced" if replaced else "calendar_feed.made", parent["family_id"],
           event=False, feed_id=feed_id, parent_id=parent["id"])
    return token


@change
def new_professional_calendar_feed(actor, professional_id):
    """Make a new feed address for a professional (all their meetings, every family); the older one stops."""
    replaced, feed_id, token = _new_feed("professional_calendar_feeds", professional_id, PROFESSIONAL_PURPOSE)
    record(actor, "calendar_feed.replaced" if replaced else "calendar_feed.made", None, event=False,
           feed_id=feed_id, professional_id=professional_id)
    return token
