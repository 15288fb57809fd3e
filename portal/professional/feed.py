"""A professional's calendar feed: "Abonnér i din kalender" on Mine familier, one feed for every family.

As the parents' feed (portal/parent/feed.py): the address holds a secret
token (its own purpose), the database keeps only its SHA-256 and the seed it
is made from with the secret key; the feed works without a session and
answers 404 for an unknown or replaced token or a professional who may no
longer sign in. It holds the meetings access.py lets them see today: a meeting
of a family whose consent no longer covers them leaves the feed (and their
calendar). An event's title is the meeting's kind and "Familieportalen", never
the family; SEQUENCE is the meeting's version (raised by a move), a cancelled
meeting is STATUS:CANCELLED, a protected home's address is left out.
"""
from flask import Blueprint, abort, current_app, g, redirect, url_for

from . import bp
from ..data.changes import Actor
from ..data.changes import calendar_feeds as feed_changes
from ..data.reads import calendar as calendar_reads
from ..data.reads.professionals import without_protected_place
from ..data.vocabulary import MEETING_KINDS
from ..i18n import gettext as _
from ..web import calendar
from ..web.forms import PortalForm

public_bp = Blueprint("professional_feed", __name__)


class NewFeedForm(PortalForm):
    """Only a CSRF token: the button that makes a new address."""


@bp.app_template_global("professional_feed")
def addresses(professional_id):
    """The professional's feed address, as https and webcal; None before they have made one."""
    feed = calendar_reads.current_professional_feed(professional_id)
    if feed is None:
        return None
    token = feed_changes.token_for(feed["seed"], feed_changes.PROFESSIONAL_PURPOSE)
    https = current_app.config["BASE_URL"] + url_for("professional_feed.feed", token=token)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1], "created_at": feed["created_at"]}


def title(meeting):
    """The meeting's kind and Familieportalen: nothing of the family (a professional's calendar is often shared)."""
    return f"{_(MEETING_KINDS.get(meeting['kind'], 'Møde'))} (Familieportalen)"


@bp.route("/kalender", methods=["POST"])
def new_feed():
    """Make the professional's feed address, or a new one: the old one stops working."""
    if not NewFeedForm().validate_on_submit():
        abort(400)
    feed_changes.new_professional_calendar_feed(Actor("professional", g.user_id), g.user_id)
    return redirect(url_for("professional.home", feed="new", _anchor="kalender"))


@public_bp.route("/fagperson/kalender/<token>.ics")
def feed(token):
    professional = calendar.feed_owner(token, feed_changes.PROFESSIONAL_PURPOSE, calendar_reads.professional_of_feed,
                                       "professional-calendar-feed")
    events = [calendar.meeting_event(without_protected_place(m), endpoint="professional.meeting", summary=title(m))
              for m in calendar_reads.professional_feed_meetings(professional["id"])]
    return calendar.feed_response(events, f"professional-calendar-feed-{professional['id']}")
