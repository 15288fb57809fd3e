"""The coordinator's first pages: their families, and sending sign-in links."""
from flask import Blueprint, abort, current_app, g, render_template
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

import segno
from markupsafe import Markup

from ..data import access, family
from ..sign_in import delivery, links
from ..sign_in.sessions import staff_required
from ..data.clock import now_text
from ..data.db import get_db
from ..web.i18n import N_
from ..web.i18n import gettext as _

bp = Blueprint("staff", __name__, url_prefix="/staff")


class SendLinkForm(FlaskForm):
    channel = SelectField(choices=[SelectChoice("email", N_("E-mail")), SelectChoice("sms", N_("SMS")), SelectChoice("shown", N_("Vis link her"))])


@bp.route("/")
@staff_required
def home():
    db = get_db()
    staff = db["staff"].get(g.user_id)
    where = "" if staff["role"] == "admin" else "WHERE f.coordinator_id = :staff"
    families = list(
        db.query(
            f"""
            SELECT f.id, f.name,
                   (SELECT min(starts_at) FROM meetings m
                     WHERE m.family_id = f.id AND m.status = 'planned' AND m.starts_at >= :now) AS next_meeting,
                   (SELECT count(*) FROM goals gl
                     WHERE gl.family_id = f.id AND gl.written_by_parent_id IS NOT NULL) AS parent_goals
            FROM families f {where}
            ORDER BY f.name
            """,
            {"staff": g.user_id, "now": now_text()},
        )
    )
    return render_template("staff/home.html", staff=staff, families=families)


@bp.route("/families/<id:family_id>")
@staff_required
def family_view(family_id):
    return _render_family(family_id)


def qr_svg(url):
    """The link as an inline SVG QR code (no script, no external request)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=5, border=2, title=_("QR-kode med login-link")))


def _render_family(family_id, sent=None, shown_url=None, shown_qr=None):
    record = access.family_for_staff(family_id)
    return render_template(
        "staff/family.html",
        family=record,
        parents=list(get_db().query("SELECT * FROM parents WHERE family_id = ? ORDER BY id", [family_id])),
        children=list(get_db().query("SELECT * FROM children WHERE family_id = ? ORDER BY birth_year", [family_id])),
        people=family.people_involved(family_id),
        **family.overview(family_id),
        form=SendLinkForm(),
        sent=sent,
        shown_url=shown_url,
        shown_qr=shown_qr,
    )


@bp.route("/families/<id:family_id>/parents/<id:parent_id>/link", methods=["POST"])
@staff_required
def send_link(family_id, parent_id):
    """Send a parent a sign-in link (or show it, e.g. as a QR code at a meeting)."""
    if not access.staff_may_see(g.user_id, family_id):
        abort(404)
    parent = next(
        get_db().query("SELECT * FROM parents WHERE id = ? AND family_id = ? AND can_sign_in = 1", [parent_id, family_id]),
        None,
    )
    form = SendLinkForm()
    if parent is None or not form.validate_on_submit():
        abort(404)
    channel = form.channel.data
    recipient = parent["email"] if channel == "email" else parent["phone"] if channel == "sms" else None
    if channel != "shown" and not recipient:
        return _render_family(family_id, sent="missing"), 400
    url = links.issue("parent", parent_id, origin="sent", channel=channel, issued_by_staff_id=g.user_id)
    if channel == "shown":
        # Shown on screen, e.g. at a meeting: the parent scans it with their phone.
        response = _render_family(family_id, shown_url=url, shown_qr=qr_svg(url))
    else:
        try:
            delivery.send(channel, recipient, url, current_app.config["SENT_LINK_HOURS"] * 60)
        except delivery.DeliveryError:
            return _render_family(family_id, sent="failed"), 503
        response = _render_family(family_id, sent=channel)
    return response
