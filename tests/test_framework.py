"""The portal's overrides of the framework (portal/web/framework.py): checked against these versions, left out with one switch."""
from importlib.metadata import version

import flask_wtf.csrf
import flask_wtf.form
import itsdangerous
from flask import g, render_template_string, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import FlaskForm
import pytest

from portal.web import fragments, jinja, signing, urls
from portal.web.forms import PortalForm
from portal.web.framework import CHECKED_AGAINST

pytestmark = pytest.mark.both_frameworks

RECHECK = """{package} {installed} is installed; the portal's overrides of the framework were checked against {checked}.
Before trusting the pages, re-check them:
1. Read what portal/web/framework.py lists (Flask's _cv_request and url_for, Werkzeug's Rule._converters, Jinja's
   Environment.getattr and make_globals, Flask-WTF's generate_csrf, its context processor and FlaskForm.Meta,
   itsdangerous' derive_key and dump_payload) against {package} {installed}'s source.
2. Run the suite with the overrides and without: ./test.sh, then FAMILIEPORTAL_PLAIN_FRAMEWORK=1 ./test.sh.
3. Dump every page on the old version into /tmp/pages-before (reinstall it for a moment if need be), then on the
   new one with the overrides and without, and compare: no differences allowed.
     .venv/bin/python scripts/dump_pages.py /tmp/pages-overrides
     FAMILIEPORTAL_PLAIN_FRAMEWORK=1 .venv/bin/python scripts/dump_pages.py /tmp/pages-plain
     diff -r /tmp/pages-before /tmp/pages-overrides && diff -r /tmp/pages-before /tmp/pages-plain
4. Then set CHECKED_AGAINST["{package}"] = "{installed}" in portal/web/framework.py.
Until an override is fixed, FAMILIEPORTAL_PLAIN_FRAMEWORK=1 runs the portal without any of them."""


@pytest.mark.parametrize("package", sorted(CHECKED_AGAINST))
def test_the_overrides_were_checked_against_the_installed_version(package):
    installed, checked = version(package), CHECKED_AGAINST[package]
    assert installed == checked, RECHECK.format(package=package, installed=installed, checked=checked)


COMPRESSIBLE = "0" * 40  # a raw token itsdangerous' own serializer signs compressed, marked "."


def signer(app, make, language="da"):
    """Who signed the CSRF token make() gives: Flask-WTF's own serializer (it tries zlib) or signing.py's."""
    with app.test_request_context("/"):
        g.lang = language
        session["csrf_token"] = COMPRESSIBLE
        token = make()
        assert session["csrf_token"] == COMPRESSIBLE
        return "Flask-WTF" if token.startswith(".") else "kept"


def test_every_csrf_token_is_signed_one_way(app, plain_framework):
    """In templates (a global in Danish, a context processor in every language), in forms, and at sign-in."""
    expected = "Flask-WTF" if plain_framework else "kept"
    for language in ("da", "en", "ar"):
        assert signer(app, lambda: render_template_string("{{ csrf_token() }}"), language) == expected, language
    assert signer(app, lambda: PortalForm().csrf_token.current_token) == expected
    assert signer(app, signing.csrf_token) == expected


def test_nothing_of_flask_wtf_is_changed_for_other_code(app):
    """No process-wide patch: Flask-WTF's own functions and forms sign with its own serializer in the portal too."""
    assert flask_wtf.csrf.URLSafeTimedSerializer is itsdangerous.URLSafeTimedSerializer
    assert FlaskForm.Meta.csrf_class is flask_wtf.form._FlaskFormCSRF
    assert signer(app, flask_wtf.csrf.generate_csrf) == "Flask-WTF"
    assert signer(app, lambda: FlaskForm().csrf_token.current_token) == "Flask-WTF"


def installed(app):
    """Which of the overrides this app has."""
    with app.test_request_context("/"):
        env = app.jinja_env
        return {
            "url_for and ensure_sync kept (urls.py)": isinstance(app, urls.KeptRouting),
            "Jinja's getattr and make_globals (jinja.py)": isinstance(env, jinja.Environment),
            "texts translated when compiled (jinja.py)": any(
                isinstance(extension, jinja.FoldTranslations) for extension in env.extensions.values()),
            "_folded": "_folded" in env.globals,
            "fragments kept (fragments.py)": env.globals["fragment"].func is fragments.constant,
            "one session serializer (signing.py)": type(app.session_interface) is not SecureCookieSessionInterface,
            "CSRF protection (signing.py)": type(app.extensions["csrf"]) is not flask_wtf.csrf.CSRFProtect,
        }


def test_the_switch_leaves_out_every_override(app, plain_framework):
    assert installed(app) == dict.fromkeys(installed(app), not plain_framework)


def test_every_form_of_the_portal_is_a_portal_form(app):
    """A FlaskForm of its own would sign its token Flask-WTF's way, with a new serializer, on every page it is on."""
    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    forms = [form for form in subclasses(FlaskForm) if form.__module__.startswith("portal.")]
    assert len(forms) > 20
    assert [form.__qualname__ for form in forms if not issubclass(form, PortalForm)] == []
