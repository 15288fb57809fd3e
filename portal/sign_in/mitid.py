"""MitID through NemLog-in: leave for MitID, come back, and be bound, signed in or confirmed.

- From a link (a session at access.LINK): the first time, the parent's MitID
  is bound to them; after that it must be the same MitID. Either way the
  session becomes a new one at Substantial (sessions.elevate).
- Without a link ("Log ind med MitID" on the start page): a MitID bound to a
  parent who may sign in starts a session at Substantial; any other MitID is
  told to use the link from their contact person the first time.

Either through NemLog-in itself (SAML), or through a broker in front of it
that speaks OpenID Connect (FAMILIEPORTAL_MITID_OIDC_ISSUER): the same
bindings, the same levels, the same pages.

The SAML round trip: GET /mitid/login keeps a random key in the browser's cookie
and its hash with our request id (data/sign_in_requests.py), then sends the
browser to NemLog-in. NemLog-in posts its answer to /mitid/acs from its own
site, so no cookie comes with it: the answer is checked (saml.read_response)
and kept under the key, and the browser is sent on (303) to /mitid/finish,
which the cookie reaches. An answer is used only by the browser that asked.
A broker sends the browser back to GET /mitid/callback, a top-level GET the
cookie reaches: the code is exchanged and the ID token checked there.

Single logout (/mitid/logout): signing out of a MitID session also signs out
of NemLog-in, and NemLog-in's LogoutRequest ends the parent's MitID sessions here.

A binding belongs to a holder (portal/data/holders.py): these pages serve the
holders of the kinds in HOMES (parents and children), each bound and signed in the same way.
"""
import json
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from ..data import access, audit, sign_in_requests
from ..data import sessions as session_rows
from ..data.changes import identities as bindings
from ..data.db import get_db, writing
from ..data.holders import CHILD, PARENT, Holder, family_of
from ..data.reads import child as child_reads
from ..data.reads import identities
from . import sessions as auth
from .assurance import LEVELS

bp = Blueprint("mitid", __name__, url_prefix="/mitid")



class Unavailable(Exception):
    """MitID is not set up (production without FAMILIEPORTAL_MITID_IDP_METADATA) or its metadata cannot be read."""


# The kinds of holder who sign in with MitID, and the page each goes to when they sign in without a link.
HOMES = {PARENT: "parent.home", CHILD: "child.home"}

_KEY = "mitid_key"
_LOGOUT = "mitid_logout"  # in the cookie session: who to sign out of NemLog-in when the parent signs out here


def saml():
    """The SAML module, imported when MitID is first used: pysaml2 costs the pages nothing."""
    from . import saml as module

    return module


def connection():
    """The SAML connection to NemLog-in (or, in development, the test MitID), built once per app."""
    app = current_app
    if "mitid" not in app.extensions:
        conn = saml_connection(app.config)
        try:
            issuer = saml().idp_entity_id(conn)
        except Exception as error:  # a missing or broken metadata or key file: say so, answer 503
            app.logger.error("MitID is not available: %s: %s", type(error).__name__, error)
            raise Unavailable(type(error).__name__) from error
        app.extensions["mitid"] = (conn, issuer)
    return app.extensions["mitid"]


def broker():
    """The OpenID Connect broker in front of NemLog-in, or None when the portal speaks SAML to NemLog-in."""
    config = current_app.config
    if not config.get("MITID_OIDC_ISSUER"):
        return None
    from . import oidc

    return oidc.Provider(issuer=config["MITID_OIDC_ISSUER"], client_id=config["MITID_OIDC_CLIENT_ID"],
                         client_secret=config["MITID_OIDC_CLIENT_SECRET"],
                         redirect_uri=f"{config['BASE_URL']}/mitid/callback", scopes=config["MITID_OIDC_SCOPES"],
                         loa_claim=config["MITID_OIDC_LOA_CLAIM"], min_loa="Substantial")


def saml_connection(config):
    base = config["BASE_URL"]
    if config["PRODUCTION"] and not config.get("MITID_IDP_METADATA"):
        raise Unavailable("FAMILIEPORTAL_MITID_IDP_METADATA is not set")
    if config.get("MITID_IDP_METADATA"):
        files = {"idp_metadata_file": config["MITID_IDP_METADATA"], "key_file": config["MITID_KEY_FILE"],
                 "cert_file": config["MITID_CERT_FILE"]}
    else:
        from ..dev_idp import development_sp_files  # development and tests only: production refuses it (config.py)

        files = development_sp_files(config)
    return saml().Connection(entity_id=config["MITID_ENTITY_ID"], acs_url=f"{base}/mitid/acs",
                           slo_url=f"{base}/mitid/logout", min_loa="Substantial",
                           require_encrypted_assertion=True, **files)


def home_url(kind):
    return url_for(HOMES.get(kind, HOMES[PARENT]))


def safe_next(path):
    """Only a path on this site: never an address elsewhere (an open redirect), never the way back here."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\", "/mitid/")) or not path.isprintable():
        return home_url(g.get("user_kind"))
    return path


@bp.get("/login")
def login():
    """Leave for MitID. A plain link (GET), never a form: the page's CSP allows forms to post only here."""
    if g.user_kind is not None and g.user_kind not in HOMES:
        abort(404)  # staff, and anyone else who does not sign in with MitID
    key = secrets.token_urlsafe(32)
    try:
        url, request_id = _start(key)
    except Unavailable:
        return render_template("sign_in/mitid_problem.html", problem="unavailable"), 503
    with writing(get_db()):
        sign_in_requests.open_request(key, request_id, safe_next(request.args.get("next")))
    session[_KEY] = key
    return redirect(url)


def _start(key):
    """(Where to send the browser, what we asked): a SAML AuthnRequest, or a broker's authorization URL."""
    provider = broker()
    if provider is not None:
        from . import oidc

        try:
            url, pending = oidc.start(provider)
        except oidc.Refused as refused:
            current_app.logger.error("The MitID broker is not available: %s %s", refused.reason, refused.detail)
            raise Unavailable(refused.reason) from refused
        return url, json.dumps(pending)  # kept server-side: the nonce and PKCE verifier never reach the browser
    conn, _issuer = connection()
    return saml().start_login(conn, relay_state=key)


@bp.get("/callback")
def broker_callback():
    """Back from the OpenID Connect broker (a top-level GET: the cookie comes along): check, then finish."""
    provider = broker()
    if provider is None:
        abort(404)
    from . import oidc

    key = session.get(_KEY)
    with writing(get_db()):
        waiting = sign_in_requests.waiting(key)
        if waiting is None:
            return _refused("unknown_request")
        try:
            claims = oidc.finish(provider, json.loads(waiting["request_id"]), request.args)
        except oidc.Refused as refused:
            if refused.reason == "unreachable":
                return render_template("sign_in/mitid_problem.html", problem="unavailable"), 503
            return _refused(refused.reason)
        sign_in_requests.answer(key, {"issuer": provider.issuer, "subject": claims.subject, "loa": claims.loa,
                                      "cpr": _broker_cpr(claims) if current_app.config["BIND_CPR"] else None})
    return finish()


def _broker_cpr(claims):
    value = claims.claims.get(current_app.config["MITID_OIDC_CPR_CLAIM"])
    return value if isinstance(value, str) and value.isdigit() and len(value) == 10 else None


@bp.post("/acs")
def assertion_consumer():
    """NemLog-in's answer, posted from its site (no cookie): check it and keep it for the browser's return."""
    key = request.form.get("RelayState", "")
    try:
        conn, issuer = connection()
    except Unavailable:
        return render_template("sign_in/mitid_problem.html", problem="unavailable"), 503
    with writing(get_db()):
        waiting = sign_in_requests.waiting(key)
        if waiting is None:
            return _refused("unknown_request")
        try:
            identity = saml().read_response(conn, request.form.get("SAMLResponse", ""),
                                          expected_request_id=waiting["request_id"],
                                          remember_assertion=sign_in_requests.remember_assertion)
        except saml().Refused as refused:
            return _refused(refused.reason)
        sign_in_requests.answer(key, {
            "issuer": issuer, "subject": identity.subject, "loa": identity.loa,
            "cpr": identity.cpr if current_app.config["BIND_CPR"] else None,
            "logout": {"name_id": identity.name_id, "session_index": identity.session_index},
        })
    return redirect(url_for("mitid.finish"), 303)


def _refused(reason):
    audit.record("sign_in.mitid_refused", actor_kind="anonymous", reason=reason)
    problem = "low_assurance" if reason == "low_assurance" else "cancelled" if reason == "idp_error" else "refused"
    status = 403 if problem == "low_assurance" else 400
    return render_template("sign_in/mitid_problem.html", problem=problem), status


@bp.get("/finish")
def finish():
    """Back from MitID with the key in the cookie: bind, sign in or confirm, then on to where they were going."""
    with writing(get_db()):
        row, identity = sign_in_requests.take(session.pop(_KEY, None))
        if identity is None:
            return render_template("sign_in/mitid_problem.html", problem="stale"), 400
        level = LEVELS.get(identity["loa"], access.LINK)
        if level < access.SUBSTANTIAL:  # read_response lets nothing under Substantial through; this keeps it so
            return _refused("low_assurance")
        if g.user_kind in HOMES:
            problem, where = _confirm(identity, level), row["next_path"]
        elif g.user_kind is None:
            problem, where = _sign_in(identity, level)
        else:
            abort(404)
        if problem:
            return render_template("sign_in/mitid_problem.html", problem=problem), 403
    if identity.get("logout"):
        session[_LOGOUT] = identity["logout"]  # after elevate/start_session: they clear the cookie session
    return redirect(where)


def _confirm(identity, level):
    """The holder of this link session confirmed with MitID: bind it the first time, else it must be theirs."""
    holder = Holder(g.user_kind, g.user_id)
    who = {"actor_kind": holder.kind, "actor_id": holder.id, "family_id": family_of(holder)}
    if holder.kind == CHILD and child_reads.sign_in_method(holder.id) != "mitid":
        audit.record("sign_in.mitid_not_for_child", **who)  # a child under 13 signs in with a passkey
        return "not_theirs"
    try:
        bound = bindings.bind(holder, identity["issuer"], identity["subject"], identity["cpr"])
    except bindings.BoundToAnother:
        audit.record("sign_in.mitid_bound_to_another", **who)
        return "bound_to_another"
    except bindings.HolderHasAnother:
        audit.record("sign_in.mitid_not_theirs", **who)
        return "not_theirs"
    auth.elevate(level, "mitid")
    audit.record("sign_in.mitid", **who, bound=bound)
    return None


def _sign_in(identity, level):
    """No session: a MitID bound to a holder who may sign in starts one; any other is told how to begin.

    (problem, where to go): the problem's name, or None and the holder's home page.
    """
    holder = identities.holder_signing_in_with(identity["issuer"], identity["subject"])
    if holder is None or holder.kind not in HOMES:
        audit.record("sign_in.mitid_unknown", actor_kind="anonymous")
        return "unknown", None
    auth.start_session(holder.kind, holder.id, level=level, method="mitid")
    audit.record("sign_in.mitid", actor_kind=holder.kind, actor_id=holder.id, family_id=family_of(holder),
                 bound=False)
    return None, home_url(holder.kind)


def keep_for_logout(end_session):
    """Sign out here (end_session), keeping in the cookie who to sign out of NemLog-in: the signed-out page
    then offers "Log også ud af MitID". A link, not a redirect from the sign-out form: the pages' CSP lets a
    form lead only to this site."""
    held = session.get(_LOGOUT)
    end_session()
    if held and broker() is None:
        session[_LOGOUT] = held


def logout_pending():
    """True when the signed-out page should offer to sign out of NemLog-in too."""
    return bool(session.get(_LOGOUT)) and g.user_kind is None


@bp.get("/logout/start")
def start_logout():
    """Sign out of NemLog-in as well (SP-initiated single logout); it sends the browser back to /mitid/logout."""
    held = session.pop(_LOGOUT, None)
    if not held or g.user_kind is not None:
        return redirect(url_for("sign_in.signed_out", reason="signed_out"))
    try:
        conn, _issuer = connection()
        return redirect(saml().start_logout(conn, held["name_id"], held.get("session_index")))
    except Exception as error:  # NemLog-in out of reach: they are signed out here all the same
        current_app.logger.warning("MitID single logout not started: %s: %s", type(error).__name__, error)
        return render_template("sign_in/mitid_problem.html", problem="unavailable"), 503


@bp.get("/logout")
def single_logout():
    """NemLog-in's single logout: its LogoutRequest (end that parent's MitID sessions), or its LogoutResponse."""
    try:
        conn, issuer = connection()
    except Unavailable:
        abort(404)
    query = request.query_string.decode("latin-1")
    if "SAMLRequest" in request.args:
        try:
            url, subject = saml().answer_logout_request(conn, query)
        except saml().Refused as refused:
            audit.record("sign_in.mitid_logout_refused", actor_kind="anonymous", reason=refused.reason)
            return render_template("sign_in/mitid_problem.html", problem="refused"), 400
        with writing(get_db()):
            holder = identities.holder_signing_in_with(issuer, subject)
            if holder is not None:
                session_rows.end_all(holder.kind, holder.id)
                audit.record("sign_in.mitid_logout", actor_kind=holder.kind, actor_id=holder.id,
                             family_id=family_of(holder), initiated_by="nemlogin")
        if holder is not None and (g.user_kind, g.user_id) == holder:
            session.clear()
        return redirect(url)
    if "SAMLResponse" in request.args:
        try:
            saml().read_logout_response(conn, query)
        except saml().Refused:
            pass  # signed out here already; NemLog-in's answer changes nothing for this browser
        return redirect(url_for("sign_in.signed_out", reason="signed_out"))
    abort(404)


@bp.get("/metadata")
def metadata():
    """Our SAML metadata, at the stable address NemLog-in is given (our entity id)."""
    try:
        conn, _issuer = connection()
    except Unavailable:
        abort(404)
    return saml().sp_metadata(conn), 200, {"Content-Type": "application/samlmetadata+xml"}


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(assertion_consumer)  # NemLog-in posts it; the answer itself is signed
