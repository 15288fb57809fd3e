"""Filters and globals the templates share."""
from . import formatting
from .i18n import current_language
from ..settings import info_page_url, municipality


def init_app(app):
    app.jinja_env.filters["meeting_time"] = lambda t: formatting.meeting_time(t, current_language())
    app.jinja_env.filters["date_only"] = lambda d: formatting.date_only(d, current_language())
    app.jinja_env.globals["municipality"] = municipality
    app.jinja_env.globals["info_url"] = lambda slug: info_page_url(slug, current_language())
