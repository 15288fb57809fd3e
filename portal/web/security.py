"""Security headers and log hygiene, for every response; how cookies and tokens are signed is signing.py."""
import logging
import re

from flask import g, request

def content_security_policy(scripts="'none'"):
    """The portal's policy. No page runs a script, except the passkey pages: they pass scripts="'self'"."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
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


CONTENT_SECURITY_POLICY = content_security_policy()

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
