"""Passkeys (WebAuthn) for parents who cannot use MitID: made in person, then link plus passkey opens the case.

- Only a parent whose coordinator recorded why they cannot use MitID
  (data/changes/passkeys.py) may make or use a passkey.
- The first passkey is made only in a session that began from a link the
  coordinator showed in person (the QR code on "Forældre og børn": channel
  'shown', issued by a staff member), never from one sent by e-mail or SMS:
  whoever reads a parent's mail must not enrol a key of their own. Later
  passkeys (a new phone) also from a session already confirmed with a passkey.
- A link session plus a passkey (user verification required) becomes a new
  session at Substantial (sessions.elevate), asked again after STEP_UP_HOURS.

The browser's part is portal/static/passkey.js, the one script of the portal,
loaded only by these pages; their responses alone allow scripts from 'self'
(web/security.py). A challenge is random, kept server-side for the session
that asked, answered once and within CHALLENGE_LIFETIME. RP id is the host of
BASE_URL, the origin BASE_URL's scheme, host and port.
"""
import hashlib
import hmac
import json
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from wtforms import HiddenField

from ..data import access, audit
from ..data.changes import Invalid
from ..data.changes import passkeys as changes
from ..data.changes.passkeys import CHALLENGE_LIFETIME
from ..data.reads import passkeys as reads
from ..tokens import hash_id
from ..web.forms import PortalForm
from ..web.security import content_security_policy
from . import sessions as auth
from . import who

bp = Blueprint("passkey", __name__, url_prefix="/passkey")

# The passkey pages' own policy: the base policy, but scripts from our own site (passkey.js).
PASSKEY_CONTENT_SECURITY_POLICY = content_security_policy(scripts="'self'")


def webauthn():
    """py_webauthn, imported when a passkey page is first used: it costs the other pages nothing."""
    import webauthn as module
    from webauthn.helpers import structs

    return module, structs


class PasskeyForm(PortalForm):
    credential = HiddenField()  # what the phone answered, as JSON (passkey.js fills it in)
    next = HiddenField()


def relying_party():
    """(RP id, origin): the host of BASE_URL, and its scheme, host and port."""
    parts = urlsplit(current_app.config["BASE_URL"])
    return parts.hostname, f"{parts.scheme}://{parts.netloc}"


def _session_hash():
    return hash_id(session.get("sid", ""))


def _b64(data):
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(data)


def _bytes(text):
    from webauthn.helpers import base64url_to_bytes

    return base64url_to_bytes(text)


def user_handle(parent_id):
    """The opaque id the phone keeps for the parent: the same for each of their passkeys, and says nothing."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"passkey-user:{parent_id}".encode(), hashlib.sha256).digest()[:16]


def from_shown_link(session_hash):
    """Whether this session began from a link a coordinator showed in person (the QR code), not one sent."""
    link = reads.session_link(session_hash)
    return (link is not None and link["channel"] == "shown" and link["origin"] == "sent"
            and link["issued_by_staff_id"] is not None)


def why_not_create(parent):
    """None if this session may make a passkey for the parent; else the problem's name."""
    exempt, count = reads.offer(parent["id"])
    if not exempt:
        return "no_exemption"
    if from_shown_link(_session_hash()):
        return None
    if count and g.level >= access.SUBSTANTIAL and g.sign_in_method == "passkey":
        return None  # another passkey (a new phone), from a session confirmed with one they have
    return "not_shown"


def why_not_use(parent):
    exempt, count = reads.offer(parent["id"])
    if not exempt:
        return "no_exemption"
    return None if count else "none"


def offer():
    """What the sign-in pages offer the signed-in parent: {"use": bool, "create": bool} (step_up, home_link)."""
    if g.get("user_kind") != "parent":
        return {"use": False, "create": False}
    parent = who.current_parent()
    exempt, count = reads.offer(parent["id"])
    return {"use": exempt and count > 0, "create": exempt and why_not_create(parent) is None}


def safe_next(path):
    """Only a path on this site, never an address elsewhere and never these pages."""
    if (not path or not path.startswith("/") or path.startswith(("//", "/\\", "/passkey", "/mitid/"))
            or not path.isprintable()):
        return url_for("parent.home")
    return path


@bp.before_request
def parents_only():
    """A signed-in parent only, at any level (a link is enough to get here); staff get 404, others sign in."""
    if g.user_kind != "parent":
        return auth.refuse_unless("parent")
    g.signed_in_page = True


@bp.after_request
def allow_our_script(response):
    """The pages that load passkey.js, and only they, allow scripts from our own site."""
    if g.get("passkey_script"):
        response.headers["Content-Security-Policy"] = PASSKEY_CONTENT_SECURITY_POLICY
    return response


def _problem(problem, status):
    return render_template("sign_in/passkey_problem.html", problem=problem), status


def _refused(parent, reason, page):
    audit.record("sign_in.passkey_refused", actor_kind="parent", actor_id=parent["id"],
                 family_id=parent["family_id"], reason=reason)
    return page(error="refused"), 400


def _credential_json(form):
    """The phone's answer as a dict; None if there is none (no JavaScript) or it is not JSON."""
    text = form.credential.data or ""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _posted_answer(form, purpose):
    """(the phone's answer, the session's challenge for `purpose`, None), or (None, None, the error to show).

    The challenge is taken (used up) only once the form and the answer are there.
    """
    if not form.validate_on_submit():
        return None, None, "form"
    answer = _credential_json(form)
    if answer is None:
        return None, None, "no_script"
    challenge = changes.take_challenge(_session_hash(), purpose)
    if challenge is None:
        return None, None, "stale"
    return answer, challenge, None


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Make a passkey: GET gives the phone a challenge, the POST keeps the passkey it made."""
    parent = who.current_parent()
    problem = why_not_create(parent)
    if problem:
        return _problem(problem, 403)
    form = PasskeyForm()

    def page(error=None):
        return _create_page(parent, form, error)

    if request.method == "GET":
        return page()
    answer, challenge, error = _posted_answer(form, "create")
    if error:
        return page(error=error), 400
    module, structs = webauthn()
    rp_id, origin = relying_party()
    try:
        made = module.verify_registration_response(
            credential=answer, expected_challenge=_bytes(challenge), expected_rp_id=rp_id, expected_origin=origin,
            require_user_verification=True)
        passkey_id = changes.add_passkey(parent, _b64(made.credential_id), _b64(made.credential_public_key),
                                         made.sign_count)
    except _refusals() as refused:
        return _refused(parent, type(refused).__name__, page)
    # Made in person, with the phone's lock: the link plus this passkey are two factors.
    auth.elevate(access.SUBSTANTIAL, "passkey")
    audit.record("sign_in.passkey", actor_kind="parent", actor_id=parent["id"], family_id=parent["family_id"],
                 passkey=passkey_id, created=True)
    return redirect(url_for("parent.home"))


def _refusals():
    """What a wrong or malformed answer raises: py_webauthn's refusals, a bad value in it, a passkey already kept."""
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, Invalid, ValueError, TypeError, KeyError)


def _create_page(parent, form, error):
    module, structs = webauthn()
    rp_id, _origin = relying_party()
    challenge = secrets.token_bytes(32)
    options = module.generate_registration_options(
        rp_id=rp_id, rp_name="Familieportalen", user_id=user_handle(parent["id"]), user_name=parent["name"],
        user_display_name=parent["name"], challenge=challenge,
        timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
        authenticator_selection=structs.AuthenticatorSelectionCriteria(
            resident_key=structs.ResidentKeyRequirement.PREFERRED,
            user_verification=structs.UserVerificationRequirement.REQUIRED),
        exclude_credentials=[structs.PublicKeyCredentialDescriptor(id=_bytes(row["credential_id"]))
                             for row in reads.passkeys_of(parent["id"])])
    changes.open_challenge(_session_hash(), "create", _b64(challenge))
    g.passkey_script = True
    return render_template("sign_in/passkey_create.html", form=form, options=module.options_to_json(options),
                           error=error)


@bp.route("", methods=["GET", "POST"])
def use():
    """Confirm with a passkey: GET gives the phone a challenge, the POST checks its answer and raises the session."""
    parent = who.current_parent()
    problem = why_not_use(parent)
    if problem:
        return _problem(problem, 403)
    form = PasskeyForm()
    next_path = safe_next(request.values.get("next"))

    def page(error=None):
        return _use_page(parent, form, next_path, error)

    if request.method == "GET":
        return page()
    answer, challenge, error = _posted_answer(form, "use")
    if error:
        return page(error=error), 400
    module, _structs = webauthn()
    rp_id, origin = relying_party()
    try:
        passkey = reads.passkey_to_use(parent["id"], _b64(_bytes(str(answer.get("rawId") or answer.get("id") or ""))))
        if passkey is None:  # another parent's passkey, a removed one, or none we know
            return _refused(parent, "not_theirs", page)
        checked = module.verify_authentication_response(
            credential=answer, expected_challenge=_bytes(challenge), expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=_bytes(passkey["public_key"]), credential_current_sign_count=passkey["sign_count"],
            require_user_verification=True)
    except _refusals() as refused:
        return _refused(parent, type(refused).__name__, page)
    if not changes.passkey_used(passkey["id"], passkey["sign_count"], checked.new_sign_count):
        return _refused(parent, "counter", page)
    auth.elevate(access.SUBSTANTIAL, "passkey")
    audit.record("sign_in.passkey", actor_kind="parent", actor_id=parent["id"], family_id=parent["family_id"],
                 passkey=passkey["id"])
    return redirect(next_path)


def _use_page(parent, form, next_path, error):
    module, structs = webauthn()
    rp_id, _origin = relying_party()
    challenge = secrets.token_bytes(32)
    options = module.generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
        allow_credentials=[structs.PublicKeyCredentialDescriptor(id=_bytes(row["credential_id"]))
                           for row in reads.passkeys_of(parent["id"])],
        user_verification=structs.UserVerificationRequirement.REQUIRED)
    changes.open_challenge(_session_hash(), "use", _b64(challenge))
    g.passkey_script = True
    return render_template("sign_in/passkey_use.html", form=form, options=module.options_to_json(options),
                           next_path=next_path, error=error)


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["passkey_offer"] = offer
