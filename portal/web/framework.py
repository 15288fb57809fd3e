"""The portal's overrides of Flask, Werkzeug, Jinja, itsdangerous and Flask-WTF, behind one switch.

The overrides exist for speed (bench/README.md says what each saved), and
each leans on how a framework works inside, which its next release may change
without a word:

- urls.py: url_for through Flask's private `_cv_request` and Werkzeug's
  `Rule._converters` (constant links, links by id); ensure_sync kept;
- jinja.py: Jinja's `Environment.getattr` and `make_globals`; constant texts
  translated when a template is compiled (a regex over its source);
- fragments.py: the head, menus and footer kept per language;
- signing.py: one session serializer and one CSRF serializer per key,
  derived keys kept, CSRF tokens signed without itsdangerous' zlib attempt.

With PLAIN_FRAMEWORK (FAMILIEPORTAL_PLAIN_FRAMEWORK=1) none is installed:
Flask's own url_for and ensure_sync, Flask's Jinja environment, `_()`
translated at render time through gettext, fragments rendered every time,
Flask's session interface and Flask-WTF's own CSRF tokens. Pages are the same
bytes either way. Only what the portal itself is made of stays: a Jinja
environment per language (templating.PlainPortal) and PortalForm.

CHECKED_AGAINST names the versions the overrides were read against;
tests/test_framework.py fails on any other until someone re-checks them.
"""
import flask_wtf.csrf

from . import signing
from .templating import PlainPortal, Portal

CHECKED_AGAINST = {"flask": "3.1.3", "werkzeug": "3.1.9", "jinja2": "3.1.6", "flask-wtf": "1.3.0",
                   "itsdangerous": "2.2.0"}


def make_app(import_name, plain):
    """The portal's Flask app: plain Flask with a Jinja environment per language, or with the overrides too."""
    return (PlainPortal if plain else Portal)(import_name)


def init_app(app):
    """CSRF protection and the session cookie: Flask-WTF's and Flask's own, or with signing.py's kept serializers."""
    if app.config["PLAIN_FRAMEWORK"]:
        flask_wtf.csrf.CSRFProtect(app)
    else:
        signing.CSRFProtect(app)
        app.session_interface = signing.SessionInterface()
