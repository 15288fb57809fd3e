"""A parent's calendar feed: a secret address their calendar app reads their meetings from."""
from ._core import change, record
from ..clock import now_text
from ..db import get_db
from ... import tokens

PURPOSE = "calendar-feed"


def token_for(seed):
    """The token in a feed's address, made again from its seed with the secret key."""
    return tokens.sign(PURPOSE, seed)


@change
def new_calendar_feed(actor, parent):
    """Make a new feed address for a parent; their older address answers 404 from now on. Return the token."""
    db = get_db()
    now = now_text()
    replaced = db.execute("UPDATE calendar_feeds SET replaced_at = ? WHERE parent_id = ? AND replaced_at IS NULL",
                          [now, parent["id"]]).rowcount
    seed = tokens.new_random_id()
    token = token_for(seed)
    feed_id = db["calendar_feeds"].insert(
        {"parent_id": parent["id"], "seed": seed, "token_hash": tokens.hash_id(token), "created_at": now}
    ).last_pk
    record(actor, "calendar_feed.replaced" if replaced else "calendar_feed.made", parent["family_id"],
           event=False, feed_id=feed_id, parent_id=parent["id"])
    return token
