"""Session cookies and CSRF tokens signed as Flask and Flask-WTF sign them, with the work done once per key.

Flask makes a session serializer, and Flask-WTF a CSRF serializer, at every
request; each derives its key (an HMAC) at every signature, and the CSRF one
tries to zlib-compress every token first. Together about 25 µs a page
(bench/README.md). Here one serializer per set of keys signs, and derived keys
are kept. Flask gets SessionInterface as its session_interface; Flask-WTF is
given generate_csrf through its own hooks: a CSRFProtect subclass offers it to
templates as csrf_token(), and PortalForm's Meta (forms.py) builds FormCSRF,
which signs a form's token with it. Tokens are checked by Flask-WTF itself (on
a POST, not a page view: it makes a serializer then, about 15 µs), and
itsdangerous reads tokens signed either way. With the switch on (framework.py)
Flask and Flask-WTF sign as they come.
"""
import functools
import hashlib
import os

import flask_wtf.csrf
from flask import current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import FlaskForm
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.serializer import Serializer

from .memo import kept

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's


class KeptKeySigner(TimestampSigner):
    """itsdangerous' TimestampSigner (what its timed serializers use), deriving each key once.

    It derives its key from the secret and the salt (a hash or an HMAC) at
    every signature it makes or checks, and Flask and Flask-WTF make a new
    signer for each. The derived key depends only on the secret, the salt and
    the method, so it is kept (in this process's memory, where the secret is
    anyway); a new secret key is a new entry.
    """

    _derived = {}

    def derive_key(self, secret_key=None):
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.key_derivation, self.digest_method)
        return kept(self._derived, key, lambda: super(KeptKeySigner, self).derive_key(secret), limit=64)


class UncompressedSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer without its zlib attempt, with kept keys.

    It tries to compress every payload before signing it; for a 40-character
    CSRF token that costs twice the signing itself (34 -> 12 µs a token,
    measured) and saves nothing. Its loads() reads compressed and uncompressed
    payloads alike, so tokens from either kind are checked the same way.
    """

    default_signer = KeptKeySigner

    def dump_payload(self, obj):
        return base64_encode(Serializer.dump_payload(self, obj))


@functools.lru_cache(maxsize=16)
def csrf_serializer(secret_key, salt=CSRF_SALT):
    # Making a serializer runs the JSON serializer to see what it returns. A
    # serializer holds only its keys and settings, so one per key serves every request.
    return UncompressedSerializer(secret_key, salt=salt)


def generate_csrf(secret_key=None, token_key=None):
    """Flask-WTF's generate_csrf: the request's signed token, a new raw one in the session if it has none.

    The same key, salt, session entry and g entry as Flask-WTF's, signed by
    csrf_serializer.
    """
    config = current_app.config
    if secret_key is None:
        secret_key = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
    field_name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token") if token_key is None else token_key
    if secret_key is None:
        raise RuntimeError("A secret key is required to use CSRF.")
    if field_name not in g:
        serializer = csrf_serializer(secret_key)
        if field_name not in session:
            session[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
        try:
            token = serializer.dumps(session[field_name])
        except TypeError:
            session[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
            token = serializer.dumps(session[field_name])
        setattr(g, field_name, token)
    return g.get(field_name)


def csrf_token():
    """This request's CSRF token, made the way this app makes them (Flask-WTF's own with the switch on)."""
    return (flask_wtf.csrf.generate_csrf if current_app.config["PLAIN_FRAMEWORK"] else generate_csrf)()


class CSRFProtect(flask_wtf.csrf.CSRFProtect):
    """Flask-WTF's CSRF protection; templates' csrf_token() is generate_csrf.

    Flask-WTF offers templates its own csrf_token() twice: as a global of the
    app's Jinja environment and from a context processor (which wins). Both
    are replaced with generate_csrf; checking a token stays Flask-WTF's.
    """

    def init_app(self, app):
        processors = app.template_context_processors[None]
        before = len(processors)
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = generate_csrf
        for index in range(before, len(processors)):
            if processors[index]().get("csrf_token") is flask_wtf.csrf.generate_csrf:
                processors[index] = _template_functions


def _template_functions():
    return {"csrf_token": generate_csrf, "csrf_meta_tag": flask_wtf.csrf.csrf_meta_tag}


class FormCSRF(FlaskForm.Meta.csrf_class):
    """Flask-WTF's CSRF for a form: its token field signed by generate_csrf, checked by Flask-WTF."""

    def generate_csrf_token(self, csrf_token_field):
        return generate_csrf(secret_key=self.meta.csrf_secret, token_key=self.meta.csrf_field_name)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with one serializer per set of keys instead of one per request.

    The cookie, its signature and what is checked are Flask's own.
    """

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        return self._serializer(tuple(app.config["SECRET_KEY_FALLBACKS"] or ()) + (app.secret_key,))

    @functools.lru_cache(maxsize=16)
    def _serializer(self, keys):
        return URLSafeTimedSerializer(
            list(keys), salt=self.salt, serializer=self.serializer, signer=KeptKeySigner,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
