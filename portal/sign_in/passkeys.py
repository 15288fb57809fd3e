"""Passkeys (WebAuthn) for people who cannot use MitID: made in person, then link plus passkey opens the case.

A passkey belongs to a holder (portal/data/holders.py); these pages serve the
signed-in holders of the kinds in HOMES (parents, children and professionals), each with their own passkeys.

- Only a holder whose coordinator recorded why they cannot use MitID
  (data/changes/passkeys.py) may make or use a passkey.
- The first passkey is made only in a session that began from a link the
  coordinator showed in person (the QR code on "Forældre og børn": channel
  'shown', issued by a staff member), never from one sent by e-mail or SMS:
  whoever reads a parent's mail must not enrol a key of their own. Later
  passkeys (a new phone) also from a session already confirmed with a passkey.
- A link session plus a passkey (user verification required) becomes a new
  session at Substantial (sessions.elevate), asked again after STEP_UP_HOURS.
- A professional (someone outside the municipality's login: a GP, a hospital,
  a private provider) has no MitID to fall back on, so needs no record of why.
  Their first passkey is made only in a session that began from the
  coordinator's e-mailed invitation (origin 'sent', issued by a staff member;
  single-use, and it lives SENT_LINK_HOURS at most), and only while they have
  no passkey in use: so an invitation enrols one passkey once. A link they
  asked for themselves opens passkey sign-in, never enrolment. Later passkeys
  need a session confirmed with one they have, as for parents. The coordinator's
  "Fjern adgang", when it leaves them no family or meeting, removes their passkeys
  (data/changes/professionals.end_access); a new invitation then enrols anew.

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
from ..data.holders import CHILD, PARENT, PROFESSIONAL, Holder, as_holder
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


# The kinds of holder these pages serve, and the page each goes to once confirmed.
HOMES = {PARENT: "parent.home", CHILD: "child.home", PROFESSIONAL: "professional.home"}


def user_handle(holder):
    """The opaque id the phone keeps for the holder: the same for each of their passkeys, and says nothing.

    A parent's is what it was before holders (their id alone), so the passkeys they made still match.
    """
    holder = as_holder(holder)
    subject = holder.id if holder.kind == PARENT else f"{holder.kind}:{holder.id}"
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"passkey-user:{subject}".encode(), hashlib.sha256).digest()[:16]


def signed_in():
    """(holder, name, family id) of the signed-in holder these pages serve (after holders_only)."""
    if g.user_kind == PARENT:
        parent = who.current_parent()
        return Holder(PARENT, parent["id"]), parent["name"], parent["family_id"]
    if g.user_kind == CHILD:
        child = who.current_child()
        return Holder(CHILD, child["id"]), child["first_name"], child["family_id"]
    if g.user_kind == PROFESSIONAL:
        professional = who.current_professional()
        return Holder(PROFESSIONAL, professional["id"]), professional["name"], None
    raise LookupError(g.user_kind)


def home_url():
    return url_for(HOMES.get(g.get("user_kind"), "parent.home"))


def from_shown_link(session_hash):
    """Whether this session began from a link a coordinator showed in person (the QR code), not one sent."""
    link = reads.session_link(session_hash)
    return (link is not None and link["channel"] == "shown" and link["origin"] == "sent"
            and link["issued_by_staff_id"] is not None)


def from_invitation(session_hash):
    """Whether this session began from a professional's invitation: e-mailed by a coordinator, not asked for."""
    link = reads.session_link(session_hash)
    return (link is not None and link["origin"] == "sent" and link["channel"] == "email"
            and link["issued_by_staff_id"] is not None)


def _offer(holder):
    """(may have passkeys, how many in use): a professional needs no record of why they cannot use MitID."""
    exempt, count = reads.offer(holder)
    return exempt or as_holder(holder).kind == PROFESSIONAL, count


def why_not_create(holder):
    """None if this session may make a passkey for the holder (a Holder or a parent's row); else the problem's name."""
    exempt, count = _offer(holder)
    if not exempt:
        return "no_exemption"
    if as_holder(holder).kind == PROFESSIONAL:
        if not count and from_invitation(_session_hash()):
            return None  # the first passkey, from the coordinator's invitation
    elif from_shown_link(_session_hash()):
        return None
    if count and g.level >= access.SUBSTANTIAL and g.sign_in_method == "passkey":
        return None  # another passkey (a new phone), from a session confirmed with one they have
    return "not_shown"


def why_not_use(holder):
    exempt, count = _offer(holder)
    if not exempt:
        return "no_exemption"
    return None if count else "none"


def offer():
    """What the sign-in pages offer the signed-in holder: {"use": bool, "create": bool} (step_up, home_link)."""
    if g.get("user_kind") not in HOMES:
        return {"use": False, "create": False}
    holder, _name, _family = signed_in()
    exempt, count = _offer(holder)
    return {"use": exempt and count > 0, "create": exempt and why_not_create(holder) is None}


def safe_next(path):
    """Only a path on this site, never an address elsewhere and never these pages."""
    if (not path or not path.startswith("/") or path.startswith(("//", "/\\", "/passkey", "/mitid/"))
            or not path.isprintable()):
        return home_url()
    return path


@bp.before_request
def holders_only():
    """A signed-in holder of a kind in HOMES only, at any level (a link is enough to get here).

    Anyone else signed in (staff) gets 404; no one signed in is sent to sign in.
    """
    if g.user_kind not in HOMES:
        return auth.refuse_unless(PARENT)
    g.signed_in_page = True


@bp.after_request
def allow_our_script(response):
    """The pages that load passkey.js, and only they, allow scripts from our own site."""
    if g.get("passkey_script"):
        response.headers["Content-Security-Policy"] = PASSKEY_CONTENT_SECURITY_POLICY
    return response


def _problem(problem, status):
    return render_template("sign_in/passkey_problem.html", problem=problem), status


def _refused(me, reason, page):
    holder, _name, family_id = me
    audit.record("sign_in.passkey_refused", actor_kind=holder.kind, actor_id=holder.id, family_id=family_id,
                 reason=reason)
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
    me = signed_in()
    holder, _name, family_id = me
    problem = why_not_create(holder)
    if problem:
        return _problem(problem, 403)
    form = PasskeyForm()

    def page(error=None):
        return _create_page(me, form, error)

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
        passkey_id = changes.add_passkey(holder, _b64(made.credential_id), _b64(made.credential_public_key),
                                         made.sign_count)
    except _refusals() as refused:
        return _refused(me, type(refused).__name__, page)
    # Made in person, with the phone's lock: the link plus this passkey are two factors.
    auth.elevate(access.SUBSTANTIAL, "passkey")
    audit.record("sign_in.passkey", actor_kind=holder.kind, actor_id=holder.id, family_id=family_id,
                 passkey=passkey_id, created=True)
    return redirect(home_url())


def _refusals():
    """What a wrong or malformed answer raises: py_webauthn's refusals, a bad value in it, a passkey already kept."""
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, Invalid, ValueError, TypeError, KeyError)


def _create_page(me, form, error):
    holder, name, _family_id = me
    module, structs = webauthn()
    rp_id, _origin = relying_party()
    challenge = secrets.token_bytes(32)
    options = module.generate_registration_options(
        rp_id=rp_id, rp_name="Familieportalen", user_id=user_handle(holder), user_name=name,
        user_display_name=name, challenge=challenge,
        timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
        authenticator_selection=structs.AuthenticatorSelectionCriteria(
            resident_key=structs.ResidentKeyRequirement.PREFERRED,
            user_verification=structs.UserVerificationRequirement.REQUIRED),
        exclude_credentials=[structs.PublicKeyCredentialDescriptor(id=_bytes(row["credential_id"]))
                             for row in reads.passkeys_of(holder)])
    changes.open_challenge(_session_hash(), "create", _b64(challenge))
    g.passkey_script = True
    return render_template("sign_in/passkey_create.html", form=form, options=module.options_to_json(options),
                           error=error)


@bp.route("", methods=["GET", "POST"])
def use():
    """Confirm with a passkey: GET gives the phone a challenge, the POST checks its answer and raises the session."""
    me = signed_in()
    holder, _name, family_id = me
    problem = why_not_use(holder)
    if problem:
        return _problem(problem, 403)
    form = PasskeyForm()
    next_path = safe_next(request.values.get("next"))

    def page(error=None):
        return _use_page(holder, form, next_path, error)

    if request.method == "GET":
        return page()
    answer, challenge, error = _posted_answer(form, "use")
    if error:
        return page(error=error), 400
    module, _structs = webauthn()
    rp_id, origin = relying_party()
    try:
        passkey = reads.passkey_to_use(holder, _b64(_bytes(str(answer.get("rawId") or answer.get("id") or ""))))
        if passkey is None:  # another holder's passkey, a removed one, or none we know
            return _refused(me, "not_theirs", page)
        checked = module.verify_authentication_response(
            credential=answer, expected_challenge=_bytes(challenge), expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=_bytes(passkey["public_key"]), credential_current_sign_count=passkey["sign_count"],
            require_user_verification=True)
    except _refusals() as refused:
        return _refused(me, type(refused).__name__, page)
    if not changes.passkey_used(passkey["id"], passkey["sign_count"], checked.new_sign_count):
        return _refused(me, "counter", page)
    auth.elevate(access.SUBSTANTIAL, "passkey")
    audit.record("sign_in.passkey", actor_kind=holder.kind, actor_id=holder.id, family_id=family_id,
                 passkey=passkey["id"])
    return redirect(next_path)


def _use_page(holder, form, next_path, error):
    module, structs = webauthn()
    rp_id, _origin = relying_party()
    challenge = secrets.token_bytes(32)
    options = module.generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
        allow_credentials=[structs.PublicKeyCredentialDescriptor(id=_bytes(row["credential_id"]))
                           for row in reads.passkeys_of(holder)],
        user_verification=structs.UserVerificationRequirement.REQUIRED)
    changes.open_challenge(_session_hash(), "use", _b64(challenge))
    g.passkey_script = True
    return render_template("sign_in/passkey_use.html", form=form, options=module.options_to_json(options),
                           next_path=next_path, error=error)


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(offer, "passkey_offer")
