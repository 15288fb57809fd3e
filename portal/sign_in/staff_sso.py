"""Staff sign in with the municipality's single sign-on: OpenID Connect (Microsoft Entra ID) or SAML (AD FS,
KOMBIT's Context Handler), as FAMILIEPORTAL_STAFF_SSO says.

The identity provider says who someone is: one value (UPN or e-mail, as
configured) is matched, in any case, against the e-mail address in the
portal's staff table. What they may do (their role) is always the portal's
own, never the identity provider's. Someone unknown or deactivated gets a
clear page and no session; every refusal of the identity provider's answer
gets a friendly page, never a 500.

The round trips are those of mitid.py: GET /staff/sso/login keeps a random key
in the browser's cookie and, under its hash, what we sent (sign_in_requests).
- OpenID Connect: the provider sends the browser back with a GET, cookie and
  all, to /staff/sso/callback; the pending request is taken (once) and the
  code exchanged (oidc.finish).
- SAML: the IdP posts its answer to /staff/sso/acs from its own site, without
  the cookie; it is checked (saml.read_response) and kept under the key, and the
  browser goes on to /staff/sso/finish, which the cookie reaches. The IdP's
  signed LogoutRequest at /staff/sso/logout ends the browser's staff session.
"""
import json
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from ..data import access, audit, sign_in_requests
from ..data.db import get_db, writing
from ..data.reads import professionals as professional_reads
from ..data.reads import staff as staff_reads
from . import sessions as auth

bp = Blueprint("staff_sso", __name__)

_KEY = "staff_sso_key"
_LANDING = "/staff/"


class Unavailable(Exception):
    """Single sign-on is not set up, or its identity provider cannot be read or reached."""


def protocol():
    """"oidc", "saml" or "" (none: staff sign in with links)."""
    return current_app.config.get("STAFF_SSO") or ""


# --- the two protocols, built once per app --------------------------------------------------------------------

def oidc_provider():
    from . import oidc

    config = current_app.config
    return oidc.Provider(issuer=config["STAFF_OIDC_ISSUER"], client_id=config["STAFF_OIDC_CLIENT_ID"],
                         client_secret=config["STAFF_OIDC_CLIENT_SECRET"],
                         redirect_uri=f"{config['BASE_URL']}/staff/sso/callback",
                         scopes="openid profile email", match_claim=config["STAFF_OIDC_MATCH_CLAIM"])


def saml_connection():
    """The SAML connection to the staff IdP, and its entity id: made once per app."""
    app = current_app
    if "staff_sso_saml" not in app.extensions:
        from . import saml

        config, base = app.config, app.config["BASE_URL"]
        conn = saml.Connection(entity_id=config["STAFF_SAML_ENTITY_ID"], acs_url=f"{base}/staff/sso/acs",
                               slo_url=f"{base}/staff/sso/logout", key_file=config["STAFF_SAML_KEY_FILE"],
                               cert_file=config["STAFF_SAML_CERT_FILE"],
                               idp_metadata_file=config["STAFF_SAML_IDP_METADATA"],
                               min_loa=None, name_id_format=None)  # staff IdPs send no NSIS level
        try:
            issuer = saml.idp_entity_id(conn)
        except Exception as error:  # a missing or broken metadata or key file: say so, answer 503
            app.logger.error("Staff single sign-on is not available: %s: %s", type(error).__name__, error)
            raise Unavailable(type(error).__name__) from error
        app.extensions["staff_sso_saml"] = (conn, issuer)
    return app.extensions["staff_sso_saml"]


# --- the pages ------------------------------------------------------------------------------------------------

@bp.get("/staff/login")
def sign_in_page():
    """Where staff sign in: the municipality's login when it is set up, else the link from the admin."""
    if g.user_kind == "staff":
        return redirect(url_for("staff.caseload"))
    if g.user_kind == "professional":
        return redirect(url_for("professional.home"))
    return render_template("sign_in/staff_sign_in.html", sso=bool(protocol()))


@bp.get("/staff/sso/login")
def login():
    """Leave for the municipality's login (a plain link, never a form)."""
    if not protocol() or g.user_kind == "parent":
        abort(404)
    key = secrets.token_urlsafe(32)
    try:
        if protocol() == "oidc":
            from . import oidc

            url, pending = oidc.start(oidc_provider())
            sent = json.dumps(pending)
        else:
            from . import saml

            conn, _issuer = saml_connection()
            url, sent = saml.start_login(conn, relay_state=key)
    except Unavailable:
        return _problem("unavailable", 503)
    except Exception as error:  # noqa: BLE001 - oidc.Refused/Unavailable, an unreadable key: never a 500
        return _refused(getattr(error, "reason", "unavailable"), f"{type(error).__name__}: {error}"[:300])
    with writing(get_db()):
        sign_in_requests.open_request(key, sent, _LANDING)
    session[_KEY] = key
    return redirect(url)


@bp.get("/staff/sso/callback")
def callback():
    """Back from the OpenID provider, with our cookie: take the pending request once, then check the answer."""
    if protocol() != "oidc" or g.user_kind == "parent":
        abort(404)
    from . import oidc

    key = session.pop(_KEY, None)
    with writing(get_db()):
        pending = _take_pending(key)
    if pending is None:
        return _problem("stale", 400)
    try:
        claims = oidc.finish(oidc_provider(), pending, request.args)
    except oidc.Refused as refused:
        return _refused(refused.reason, refused.detail)
    with writing(get_db()):
        return _sign_in(claims.match_value, "oidc")


def _take_pending(key):
    """The OpenID request waiting under this key, used up now (a second return with it finds nothing)."""
    row = sign_in_requests.waiting(key)
    if row is None or not sign_in_requests.answer(key, {"used": True}):
        return None
    sign_in_requests.take(key)
    try:
        return json.loads(row["request_id"])
    except ValueError:
        return None


@bp.post("/staff/sso/acs")
def assertion_consumer():
    """The SAML IdP's answer, posted from its site (no cookie): check it and keep it for the browser's return."""
    if protocol() != "saml":
        abort(404)
    from . import saml

    key = request.form.get("RelayState", "")
    try:
        conn, _issuer = saml_connection()
    except Unavailable:
        return _problem("unavailable", 503)
    with writing(get_db()):
        waiting = sign_in_requests.waiting(key)
        if waiting is None:
            return _refused("unknown_request")
        try:
            identity = saml.read_response(conn, request.form.get("SAMLResponse", ""),
                                          expected_request_id=waiting["request_id"],
                                          remember_assertion=sign_in_requests.remember_assertion)
        except saml.Refused as refused:
            return _refused(refused.reason, refused.detail)
        sign_in_requests.answer(key, {"match": _saml_match_value(identity)})
    return redirect(url_for("staff_sso.finish"), 303)


def _saml_match_value(identity):
    values = [value for value in identity.attributes.get(current_app.config["STAFF_SAML_MATCH_ATTRIBUTE"], [])
              if value and value.strip()]
    return values[0].strip().lower() if values else None


@bp.get("/staff/sso/finish")
def finish():
    """Back from the SAML IdP with the key in the cookie: sign in the staff member it named."""
    if protocol() != "saml" or g.user_kind == "parent":
        abort(404)
    with writing(get_db()):
        _row, answer = sign_in_requests.take(session.pop(_KEY, None))
        if answer is None:
            return _problem("stale", 400)
        return _sign_in(answer.get("match"), "saml")


@bp.get("/staff/sso/metadata")
def metadata():
    """Our SAML metadata, for the municipality's IdP (AD FS or KOMBIT's administration module)."""
    if protocol() != "saml":
        abort(404)
    from . import saml

    try:
        conn, _issuer = saml_connection()
    except Unavailable:
        abort(404)
    return saml.sp_metadata(conn), 200, {"Content-Type": "application/samlmetadata+xml"}


@bp.get("/staff/sso/logout")
def single_logout():
    """The SAML IdP signs the browser out (front-channel, HTTP-Redirect, our cookie comes): end its staff session."""
    if protocol() != "saml":
        abort(404)
    from . import saml

    try:
        conn, _issuer = saml_connection()
    except Unavailable:
        return _problem("unavailable", 503)
    if "SAMLRequest" not in request.args:
        return _refused("malformed", "no LogoutRequest")
    try:
        url, _subject = saml.answer_logout_request(conn, request.query_string)
    except saml.Refused as refused:
        return _refused(refused.reason, refused.detail)
    if g.user_kind == "staff" and g.sign_in_method == "sso":
        with writing(get_db()):
            audit.record("sign_in.sso_signed_out", actor_kind="staff", actor_id=g.user_id)
            auth.end_session()
    return redirect(url)


# --- who it is ------------------------------------------------------------------------------------------------

def _sign_in(match_value, via):
    """The staff member the identity provider named, else the professional with that e-mail: a session, or a page that says why not.

    Staff are matched first: a person who is both works in the portal as staff.
    """
    if not match_value:
        return _refused("no_identity", f"{via}: no match value")
    found = staff_reads.by_sign_in_name(match_value)
    if not found:
        professional = professional_reads.by_sign_in_name(match_value)
        if professional is not None:
            return _sign_in_professional(professional, via)
    if len(found) != 1:  # nobody, or two accounts that differ only in case: never guess
        audit.record("sign_in.sso_unknown", actor_kind="anonymous", protocol=via, matches=len(found))
        return _problem("unknown", 403)
    staff = found[0]
    if not staff["active"]:
        audit.record("sign_in.sso_deactivated", actor_kind="anonymous", protocol=via, staff_id=staff["id"])
        return _problem("deactivated", 403)
    auth.start_session("staff", staff["id"], level=access.SUBSTANTIAL, method="sso")
    audit.record("sign_in.sso", actor_kind="staff", actor_id=staff["id"], protocol=via)
    return redirect(url_for("staff.caseload"))


def _sign_in_professional(professional, via):
    """A professional in the municipality's directory: a 'professional' session at Substantial, to Mine familier."""
    if not professional["active"]:
        audit.record("sign_in.sso_deactivated", actor_kind="anonymous", protocol=via,
                     professional_id=professional["id"])
        return _problem("deactivated", 403)
    auth.start_session("professional", professional["id"], level=access.SUBSTANTIAL, method="sso")
    audit.record("sign_in.sso", actor_kind="professional", actor_id=professional["id"], protocol=via)
    return redirect(url_for("professional.home"))


def _refused(reason, detail=""):
    """The identity provider's answer was not accepted (or it could not be reached): audited, a friendly page."""
    audit.record("sign_in.sso_refused", actor_kind="anonymous", reason=reason)
    if detail:
        current_app.logger.warning("Staff single sign-on refused: %s: %s", reason, detail)
    if reason == "unreachable" or reason == "unavailable":
        return _problem("unavailable", 503)
    return _problem("cancelled" if reason == "idp_error" else "refused", 400)


def _problem(problem, status):
    return render_template("sign_in/staff_sso_problem.html", problem=problem), status


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(assertion_consumer)  # the IdP posts it; the answer itself is signed
