"""A family's overview: what parents added since I last looked, the next meetings, what is overdue."""
from flask import g, render_template

from . import family_bp
from ..data.reads import consents as consent_reads
from ..data.changes import seen
from ..data.clock import today
from ..data.reads import events, family, meetings, plan
from ..data.vocabulary import PLAN_RUNNING


NEWS_SHOWN = 50


@family_bp.route("")
def summary(family_id):
    seen_event, since = events.seen(g.user_id, family_id)
    news = events.news_from_family(family_id, seen_event, limit=NEWS_SHOWN)
    items = plan.items(family_id)
    page = render_template(
        "staff/summary.html",
        news=news, since=since, more_news=len(news) == NEWS_SHOWN,
        # Time, kind and whether it is a draft: no participants or agenda to read.
        upcoming=meetings.meetings(family_id, "upcoming", limit=4, details=False),
        overdue=[item for item in items if item["overdue"]],
        running=sum(1 for item in items if item["status"] in PLAN_RUNNING),
        parallel=plan.parallel_efforts(items),
        consent_missing=consent_reads.network_consent_missing(family_id, today()),
        contact=family.contact_person(family_id),
        parents=family.parents(family_id, active_only=True),
        children=family.children(family_id, active_only=True),
    )
    # What was on the page has now been seen; anything newer, or beyond the page, stays new.
    seen.mark_seen(g.user_id, family_id, max((line["id"] for line in news), default=seen_event))
    return page
