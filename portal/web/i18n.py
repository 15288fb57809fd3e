"""Each request's language: the visitor's choice (a cookie), else Danish; the texts themselves are portal.i18n."""
from flask import g, request

from ..i18n import DEFAULT, LANGUAGES, load_catalogues, reset_language, use_language

COOKIE = "sprog"


def select_language():
    """Before each request: a chosen language (cookie), else Danish."""
    chosen = request.cookies.get(COOKIE)
    g.lang = chosen if chosen in LANGUAGES else DEFAULT
    g.language_token = use_language(g.lang)


def forget_language(_exception=None):
    token = g.pop("language_token", None)
    if token is not None:
        reset_language(token)


def init_app(app):
    """Load the catalogues and choose each request's language; the templates are set up per language."""
    load_catalogues()
    app.before_request(select_language)
    app.teardown_request(forget_language)
