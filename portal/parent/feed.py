"""A parent's calendar feed: "Abonnér i din kalender".

The address holds a secret token (its own purpose and salt); the database
keeps only its SHA-256, and the seed it is made from with the secret key. The
feed works without a session, answers 404 for an unknown or replaced token or a
parent who may no longer sign in, and holds only the kind, time and place of
the meetings the parent takes part in, with a link to the portal.
"""

from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from . import bp
from ..web import calendar
from ..data.changes import Actor
from ..data.changes import calendar_feeds as feed_changes
from ..data.reads import calendar as calendar_reads
from ..web.forms import PortalForm
from ..sign_in import who

public_bp = Blueprint("calendar_feed", __name__)


class NewFeedForm(PortalForm):
    """Only a CSRF token: the button that makes a new address."""


def addresses(parent_id):
    """The parent's feed address, as https and webcal; None before they have made one."""
    feed = calendar_reads.current_feed(parent_id)
    if feed is None:
        return None
    path = url_for("calendar_feed.feed", token=feed_changes.token_for(feed["seed"]))
    base = current_app.config["BASE_URL"]
    https = f"{base}{path}"
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1], "created_at": feed["created_at"]}


@bp.route("/calendar-feed", methods=["POST"])
def new_feed():
    """Make the parent's feed address, or a new one: the old one stops working."""
    form = NewFeedForm()
    if not form.validate_on_submit():
        abort(400)
    feed_changes.new_calendar_feed(Actor("parent", g.user_id), who.current_parent())
    # Back to the page the button was on: the meetings page or "Beskeder".
    back = "parent.messages" if request.form.get("back") == "messages" else "parent.meeting_list"
    return redirect(url_for(back, feed="new", _anchor="kalender"))


@public_bp.route("/calendar/<token>.ics")
def feed(token):
    parent = calendar.feed_owner(token, feed_changes.PURPOSE, calendar_reads.parent_of_feed, "calendar-feed")
    events = [calendar.meeting_event(m) for m in calendar_reads.feed_meetings(parent)]
    return calendar.feed_response(events, f"calendar-feed-{parent['id']}")
