"""Sign in with a link, ask for a new link, sign out."""
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..data import links, outbox
from . import mitid, sessions as auth
from ..data import audit, ratelimit
from ..data.contact import normalise_phone
from ..data.db import get_db, writing
from ..data.reads import family, professionals
from ..web.formatting import mask_name
from ..web.forms import PortalForm
from ..i18n import gettext as _

bp = Blueprint("sign_in", __name__)

HOME = {"parent": "parent.home", "staff": "staff.caseload", "child": "child.home", "professional": "professional.home"}
LINK_KINDS = {"sign_in.parent_link": "parent", "sign_in.staff_link": "staff", "sign_in.child_link": "child",
              "sign_in.professional_link": "professional"}


class ContinueForm(PortalForm):
    """Only a CSRF token: the button that uses a link."""


class RequestLinkForm(PortalForm):
    contact = StringField(validators=[InputRequired(), Length(max=254)])


class SignOutForm(PortalForm):
    """Only a CSRF token."""


@bp.route("/login/<token>", methods=["GET", "POST"], endpoint="parent_link")
@bp.route("/staff/login/<token>", methods=["GET", "POST"], endpoint="staff_link")
@bp.route("/barn/login/<token>", methods=["GET", "POST"], endpoint="child_link")
@bp.route("/fagperson/login/<token>", methods=["GET", "POST"], endpoint="professional_link")
def use_link(token):
    """GET shows who the link is for; only the POST (with CSRF token) signs in.

    A professional's link is one factor, as a parent's: it opens only their
    first page (access.PROFESSIONAL_PAGES); the families need single sign-on,
    or the link plus a passkey (sign_in/passkeys.py).
    """
    kind = LINK_KINDS[request.endpoint]
    checked = links.check(kind, token)
    form = ContinueForm()
    if checked.problem:
        if request.method == "POST":
            _audit_rejected(kind, checked)
        return _link_problem(checked.problem, kind)
    if kind == "staff" and not auth.staff_links_allowed(_staff(checked.link["subject_id"])):
        # Production: staff sign in with the municipality's single sign-on (FAMILIEPORTAL_STAFF_LINKS).
        return render_template("sign_in/problem.html", problem="staff_links_off", kind=kind, form=None), 403
    if request.method == "POST" and form.validate_on_submit():
        if not links.consume(checked.link):
            # Another request used it a moment ago.
            _audit_rejected(kind, links.Check("used", checked.link))
            return _link_problem("used", kind)
        auth.start_session(kind, checked.link["subject_id"], link_id=checked.link["id"])
        audit.record(
            "sign_in.link_used",
            actor_kind=kind,
            actor_id=checked.link["subject_id"],
            family_id=links.family_of(checked.link),
            link_id=checked.link["id"],
        )
        return redirect(_landing(kind, checked.link))
    return render_template(
        "sign_in/confirm.html", form=form, masked_name=mask_name(links.subject_name(checked.link)), kind=kind
    )


def _staff(staff_id):
    return get_db()["staff"].get(staff_id)


def _landing(kind, link):
    """Where a link leads after signing in: its landing page (e.g. the meeting a reminder is about), else home."""
    target, _sep, ref = (link.get("landing") or "").partition(":")
    if kind == "parent" and target == "meeting" and ref.isascii() and ref.isdigit():
        return url_for("parent.meeting", meeting_id=int(ref))
    return url_for(HOME[kind])


def _audit_rejected(kind, checked):
    audit.record(
        "sign_in.link_expired" if checked.problem == "expired" else "sign_in.link_rejected",
        actor_kind="anonymous",
        family_id=links.family_of(checked.link) if checked.link else None,
        link_id=checked.link["id"] if checked.link else None,
        reason=checked.problem,
        kind=kind,
    )


def _link_problem(problem, kind):
    status = 400 if problem == "invalid" else 410
    return render_template("sign_in/problem.html", problem=problem, kind=kind, form=RequestLinkForm()), status


@bp.route("/login", methods=["GET", "POST"])
def request_link():
    """A parent asks for a new link by e-mail or mobile number; an external professional by e-mail."""
    form = RequestLinkForm()
    if request.method == "POST":
        contact = (form.contact.data or "").strip()
        if not form.validate_on_submit() or not contact:
            return render_template("sign_in/request.html", form=form, error=_(
                "Skriv din e-mail eller dit mobilnummer."
            )), 400
        parent, channel = family.parent_who_may_sign_in(contact)
        # Looked up every time (not only when no parent is found): the answer takes the same time either way.
        professional = professionals.professional_who_may_sign_in(contact)
        if channel is None:
            return render_template("sign_in/request.html", form=form, error=_(
                "Det ligner ikke en e-mail eller et mobilnummer. Prøv igen."
            )), 400
        # One transaction (one write to disk) whether or not we know the address,
        # and the message only queued: the answer takes the same time either way.
        with writing(get_db()):
            _answer_link_request(parent, channel, contact, None if parent else professional)
        # The same answer whether or not we know the address.
        return render_template("sign_in/requested.html", channel=channel)
    return render_template("sign_in/request.html", form=form, error=None)


def _answer_link_request(parent, channel, contact, professional=None):
    """Queue a link if we know the address and its limit allows; never tell which happened.

    An external professional asks here too, by their own e-mail (a parent with the same address comes first):
    their link opens passkey sign-in, never enrolment (sign_in/passkeys.py).

    The limit per address counts the requests within one requested link's
    lifetime, and a requested link replaces no other link. So whenever the
    limit says no, a link sent within that time is still valid in the
    parent's inbox: a stranger's requests can fill her inbox (at most the
    limit per lifetime), never keep her from a working link. The page looks
    the same either way, with no 429 a stranger could cause, and a link staff
    sent stays valid whatever strangers ask for.
    """
    config = current_app.config
    if not ratelimit.hit(f"ip:{request.remote_addr}", config["LINK_REQUESTS_PER_IP"]):
        abort(429)
    identifier = contact.lower() if channel == "email" else normalise_phone(contact)
    lifetime = links.lifetime("requested")
    if not ratelimit.hit(f"id:{identifier}", config["LINK_REQUESTS_PER_IDENTIFIER"], window=lifetime):
        audit.record("sign_in.link_request_limited", actor_kind="anonymous", channel=channel,
                     family_id=parent["family_id"] if parent else None)
        return
    # Known or not, the same row: the outbox worker issues the link, or drops the request.
    outbox.queue_link_request(channel, identifier, int(lifetime.total_seconds() // 60),
                                parent_id=parent["id"] if parent else None,
                                family_id=parent["family_id"] if parent else None,
                                professional_id=professional["id"] if professional else None)


@bp.route("/logout", methods=["POST"])
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit() and g.user_kind:
        audit.record("sign_in.signed_out", actor_kind=g.user_kind, actor_id=g.user_id)
        mitid.keep_for_logout(auth.end_session)
    return redirect(url_for("sign_in.signed_out", reason="signed_out"))


@bp.route("/logged-out")
def signed_out():
    reason = request.args.get("reason")
    if reason not in {"signed_out", "expired", "required"}:
        reason = "required"
    return render_template("sign_in/signed_out.html", reason=reason, form=RequestLinkForm(),
                           mitid_logout=mitid.logout_pending())
