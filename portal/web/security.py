"""Security headers, log hygiene and the CSRF token's signing, for every response."""
import functools
import logging
import re

import flask_wtf.csrf
from flask import g, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.serializer import Serializer

from .memo import kept

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

# A token in a path or message: /login/<token>, /staff/login/<token> or a calendar feed's /calendar/<token>.ics.
TOKEN_IN_PATH = re.compile(r"(/login/|/calendar/)[A-Za-z0-9_\-\.]{8,}")


def redact(text):
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrite log records so that sign-in tokens never reach a log file."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filters(names=("werkzeug", "gunicorn.access", "gunicorn.error", "portal")):
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


BASE_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    # Pages carry tokens in their address: never tell another site where we were.
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


def same_origin_request():
    """Did this request come from one of the portal's own pages?

    Our pages send no Referer, and with no-referrer browsers send "Origin:
    null" on POST, so Sec-Fetch-Site is what tells; without it, a matching
    Origin does.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == request.host_url.rstrip("/")


def set_headers(response, production):
    """Add the security headers a view has not set itself (the info site sets its own)."""
    headers = response.headers
    # Headers.setdefault raises and catches an exception per missing header;
    # on every response that adds up, so look the names up once.
    present = {name.lower() for name in headers.keys()}
    for name, value in (*BASE_HEADERS, HSTS) if production else BASE_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    if request.endpoint != "static" and (
        g.get("signed_in_page") or g.get("user_kind") or request.path.startswith(("/login", "/staff/login"))
    ):
        headers["Cache-Control"] = "no-store"
    return response


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
def _csrf_serializer(secret_key, salt):
    # Flask-WTF makes a serializer at every token it signs or checks; making one
    # runs the JSON serializer to see what it returns. A serializer holds only
    # its keys and settings, so one per secret key serves every request.
    return UncompressedSerializer(secret_key, salt=salt)


def sign_csrf_tokens_uncompressed():
    """Every page signs a CSRF token (the sign-out form): Flask-WTF's, with the same key, salt and time, uncompressed."""
    flask_wtf.csrf.URLSafeTimedSerializer = _csrf_serializer


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
