"""Sign and verify tokens: the one place that uses itsdangerous.

A token carries only a random id. Each purpose has its own salt, so a token
made for one purpose never verifies for another. Sign-in tokens carry the
time they were made and expire; a calendar feed's token never expires (it
ends when the parent makes a new one) and is the same every time it is made
from the same random seed, so the portal can show it again without storing it.
"""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

PURPOSES = {
    "parent-sign-in": "familieportal.sign-in.parent",
    "staff-sign-in": "familieportal.sign-in.staff",
    "child-sign-in": "familieportal.sign-in.child",
    "professional-sign-in": "familieportal.sign-in.professional",
    "calendar-feed": "familieportal.calendar-feed",
    "professional-calendar-feed": "familieportal.calendar-feed.professional",
}
# Purposes whose tokens carry no time and never expire by age.
LASTING = {"calendar-feed", "professional-calendar-feed"}


class TokenExpired(Exception):
    """The token's signature is valid but it is older than its lifetime."""


class TokenInvalid(Exception):
    """The token was tampered with, truncated, or made for another purpose."""


def new_random_id():
    """Return 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_id(random_id):
    """Return what the database stores instead of the random id."""
    return hashlib.sha256(random_id.encode()).hexdigest()


def _serializer(purpose):
    serializer = URLSafeSerializer if purpose in LASTING else URLSafeTimedSerializer
    return serializer(current_app.config["SECRET_KEY"], salt=PURPOSES[purpose])


def sign(purpose, random_id):
    return _serializer(purpose).dumps(random_id)


def verify(purpose, token, max_age=None):
    """Return the random id in a token, or raise TokenExpired / TokenInvalid."""
    try:
        if purpose in LASTING:
            value = _serializer(purpose).loads(token)
        else:
            if max_age is None:
                raise ValueError("a sign-in token needs a lifetime")
            value = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(value, str):
        raise TokenInvalid()
    return value
