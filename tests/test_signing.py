"""Session cookies and CSRF tokens are checked against this portal's secret key only (signing.KeptKeySigner keeps derived keys).

Every test runs with signing.py's serializers and on the plain framework (Flask's and Flask-WTF's own).
"""
import pytest
from itsdangerous import BadSignature

from portal import create_app
from portal.web import signing

from conftest import Auth, csrf_from

pytestmark = pytest.mark.both_frameworks
KEY_A, KEY_B = "a" * 40, "b" * 40
SAME = ("TESTING", "DATABASE", "OUTBOX_DIR", "BASE_URL", "PLAIN_FRAMEWORK")


def portal_with(app, secret_key, **extra):
    return create_app({**{name: app.config[name] for name in SAME}, "SECRET_KEY": secret_key, **extra})


def signed_in_cookie(app):
    client = app.test_client()
    Auth(app, client).sign_in()
    assert "Hej Sara" in client.get("/").text
    return client.get_cookie("familieportal").value


def home_with(app, cookie):
    client = app.test_client()
    client.set_cookie("familieportal", cookie)
    return client.get("/")


def test_a_session_cookie_from_another_secret_key_signs_nobody_in(app):
    first, second = portal_with(app, KEY_A), portal_with(app, KEY_B)
    cookie = signed_in_cookie(first)
    assert "Hej Sara" in home_with(first, cookie).text
    page = home_with(second, cookie)
    assert page.status_code == 200 and "Hej Sara" not in page.text
    # In the other order too: the key kept for B must not be used for A.
    assert "Hej Sara" not in home_with(first, signed_in_cookie(second)).text


def test_an_old_key_among_the_fallbacks_still_opens_the_session(app):
    """Flask's key rotation is kept: sessions survive a new key while the old one is a fallback."""
    cookie = signed_in_cookie(portal_with(app, KEY_A))
    rotated = portal_with(app, KEY_B, SECRET_KEY_FALLBACKS=[KEY_A])
    assert "Hej Sara" in home_with(rotated, cookie).text
    assert "Hej Sara" not in home_with(portal_with(app, KEY_B), cookie).text


def test_a_csrf_token_is_checked_against_its_own_key_and_salt():
    token = signing.csrf_serializer(KEY_A).dumps("raw-token")
    assert signing.csrf_serializer(KEY_A, "wtf-csrf-token").loads(token) == "raw-token"
    for key, salt in ((KEY_B, "wtf-csrf-token"), (KEY_A, "another-salt")):
        with pytest.raises(BadSignature):
            signing.csrf_serializer(key, salt).loads(token)


def test_a_form_posted_with_a_token_from_another_key_is_refused(app):
    first, second = portal_with(app, KEY_A), portal_with(app, KEY_B)
    client = second.test_client()
    Auth(second, client).sign_in()
    other = first.test_client()
    Auth(first, other).sign_in()
    foreign = csrf_from(other.get("/").text)
    assert client.post("/logout", data={"csrf_token": foreign}).status_code == 400
    assert "Hej Sara" in client.get("/").text
    assert client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)}).status_code == 302


def test_a_session_and_its_csrf_token_work_the_same_with_and_without_the_overrides(app):
    """A cookie and a token one way are read the other way: the same signature, salt and payload."""
    other = portal_with(app, app.secret_key, PLAIN_FRAMEWORK=not app.config["PLAIN_FRAMEWORK"])
    assert type(other) is not type(app)
    client = app.test_client()
    Auth(app, client).sign_in()
    token = csrf_from(client.get("/").text)
    moved = other.test_client()
    moved.set_cookie("familieportal", client.get_cookie("familieportal").value)
    assert "Hej Sara" in moved.get("/").text
    assert moved.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Hej Sara" not in client.get("/").text
