"""Filters and globals the templates share."""
from . import formatting, forms, markdown
from .i18n import current_language, gettext
from ..data import vocabulary
from ..settings import info_page_url, municipality


def init_app(app):
    env = app.jinja_env
    env.filters["meeting_time"] = lambda t: formatting.meeting_time(t, current_language())
    env.filters["date_only"] = lambda d: formatting.date_only(d, current_language()) if d else ""
    env.filters["day"] = lambda t: formatting.day(t, current_language()) if t else ""
    env.filters["markdown"] = markdown.render
    env.globals["choice_pairs"] = forms.choice_pairs
    # For texts that are data or come from a variable (a label, a title with a
    # name in it): Jinja's own _() always applies "% variables" to its result,
    # so a "%" in a name or a goal would break the page. Literal texts use _().
    env.globals["translate"] = gettext
    env.globals["differences"] = forms.differences
    env.globals["municipality"] = municipality
    env.globals["info_url"] = lambda slug: info_page_url(slug, current_language())
    for name in ("MEETING_KINDS", "MEETING_STATUSES", "GOAL_STATUSES", "PLAN_STATUSES", "PLAN_KINDS", "STAFF_ROLES"):
        env.globals[name] = getattr(vocabulary, name)
