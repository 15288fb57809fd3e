"""The family itself: its name, parents (custody, protected address, sign-in) and children."""
import segno
from flask import abort, g, redirect, render_template, request
from markupsafe import Markup
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from . import family_bp
from .caseload import FamilyForm
from .common import actor, family_url, form_page, found, saved_form_of
from ..data.changes import families as family_changes
from ..data.db import get_db, writing
from ..data.changes import Invalid, NotFound
from ..data.changes import identities as identity_changes
from ..data.changes import passkeys as passkey_changes
from ..data.reads import closed, family, identities, notices
from ..data.reads import passkeys
from ..data.reads import child as child_reads
from ..data.changes import child_voice
from ..data import links, outbox
from ..web.forms import NumberField, PortalForm, VersionedForm, YesNoUnknownField
from ..data.clock import today
from ..i18n import N_
from ..i18n import gettext as _


class SendLinkForm(PortalForm):
    channel = SelectField(choices=[SelectChoice("email", N_("E-mail")), SelectChoice("sms", N_("SMS")),
                                   SelectChoice("shown", N_("Vis link her"))])


class ActiveForm(VersionedForm):
    """Only a CSRF token and the row's version: the button that (de)activates."""


@family_bp.route("/members")
def members(family_id, status=200, **shown):
    return render_template(
        "staff/members.html", parents=family.parents(family_id), children=family.children(family_id),
        link_form=SendLinkForm(), active_form=ActiveForm(), messages=family.messages(family_id),
        deleted_at=closed.deleted_at(g.family["closed_at"]) if g.family["closed_at"] else None,
        reopenable=bool(g.family["closed_at"]) and closed.reopenable(g.family["closed_at"]),
        notice_parents=notices.for_family(family_id), bindings=identities.for_family(family_id),
        exemptions=passkeys.exemptions_for_family(family_id), passkeys=passkeys.passkeys_for_family(family_id),
        exemption_reasons=passkey_changes.REASONS, child_sign_ins=child_reads.sign_ins_for_family(family_id),
        child_voices={v["id"]: v for v in child_reads.voices_for_family(family_id)},
        child_methods=child_voice.METHODS, child_word_kinds=child_voice.KINDS, mitid_age=child_voice.MITID_AGE,
        this_year=today().year, **shown,
    ), status


@family_bp.route("/edit", methods=["GET", "POST"])
def edit_family(family_id):
    form = FamilyForm(data=g.family if request.method == "GET" else None)
    del form.coordinator_id  # a new contact person comes by handover
    return form_page(
        form, lambda f: family_changes.rename_family(actor(), family_id, f.version_number(), name=f.name.data),
        title=N_("Ret familiens navn"), done=lambda _: family_url("members"), back=family_url("members"),
        saved_form=lambda row: saved_form_of(FamilyForm, row, drop=("coordinator_id",)))


def toggle_active(change, title):
    """POST active=1|0 with the row's version; a refused or conflicting change shows a confirm button."""
    active = request.form.get("active") == "1"
    return form_page(ActiveForm(), lambda f: change(f.version_number(), active), title=title,
                     done=lambda _: family_url("members"), back=family_url("members"),
                     buttons=[("active", "1" if active else "0", N_("Bekræft"), "")])


@family_bp.route("/active", methods=["POST"])
def set_family_active(family_id):
    return toggle_active(lambda version, active: family_changes.set_family_active(actor(), family_id, version, active),
                         N_("Afslut eller genoptag familien"))



class ParentForm(VersionedForm):
    name = StringField(N_("Navn"))
    relation = StringField(N_("Relation til barnet"), description=N_("Fx mor, far, plejemor eller værge."))
    email = StringField(N_("E-mail"))
    phone = StringField(N_("Mobilnummer"))
    can_sign_in = BooleanField(N_("Må logge ind i Familieportalen"))
    custody = YesNoUnknownField(N_("Har forældremyndighed"))
    protected = BooleanField(N_("Navne- og adressebeskyttelse (eller vold i familien): andre forældre må aldrig se kontaktoplysninger og adresse"))
    address = TextAreaField(N_("Adresse"), description=N_("Vises kun for medarbejdere."))

    def values(self):
        return {name: getattr(self, name).data for name in family_changes.PARENT_FIELDS}


@family_bp.route("/parents/new", methods=["GET", "POST"])
def new_parent(family_id):
    form = ParentForm(data={"can_sign_in": True} if request.method == "GET" else None)
    return form_page(form, lambda f: family_changes.add_parent(actor(), family_id, **f.values()),
                     title=N_("Ny forælder"), done=lambda _: family_url("members"), back=family_url("members"))


@family_bp.route("/parents/<id:parent_id>/edit", methods=["GET", "POST"])
def edit_parent(family_id, parent_id):
    row = found(family.parent(family_id, parent_id))
    form = ParentForm(data=row if request.method == "GET" else None)
    return form_page(
        form, lambda f: family_changes.update_parent(actor(), family_id, parent_id, f.version_number(), **f.values()),
        title=_("Ret %(name)s", name=row["name"]), done=lambda _: family_url("members"), back=family_url("members"),
        intro=N_("Skifter du e-mail eller mobilnummer, holder forælderens gamle login-links op med at virke."),
        saved_form=lambda saved: saved_form_of(ParentForm, saved))


@family_bp.route("/parents/<id:parent_id>/active", methods=["POST"])
def set_parent_active(family_id, parent_id):
    found(family.parent(family_id, parent_id))
    return toggle_active(
        lambda version, active: family_changes.set_parent_active(actor(), family_id, parent_id, version, active),
        N_("Forælderens adgang"))


class ChildForm(VersionedForm):
    first_name = StringField(N_("Fornavn"))
    birth_year = NumberField(N_("Fødselsår"))

    def values(self):
        return {"first_name": self.first_name.data, "birth_year": self.birth_year.data}


@family_bp.route("/children/new", methods=["GET", "POST"])
def new_child(family_id):
    return form_page(ChildForm(), lambda f: family_changes.add_child(actor(), family_id, **f.values()),
                     title=N_("Nyt barn"), done=lambda _: family_url("members"), back=family_url("members"))


@family_bp.route("/children/<id:child_id>/edit", methods=["GET", "POST"])
def edit_child(family_id, child_id):
    row = found(family.child(family_id, child_id))
    form = ChildForm(data=row if request.method == "GET" else None)
    return form_page(
        form, lambda f: family_changes.update_child(actor(), family_id, child_id, f.version_number(), **f.values()),
        title=_("Ret %(name)s", name=row["first_name"]), done=lambda _: family_url("members"),
        back=family_url("members"), saved_form=lambda saved: saved_form_of(ChildForm, saved))


@family_bp.route("/children/<id:child_id>/active", methods=["POST"])
def set_child_active(family_id, child_id):
    found(family.child(family_id, child_id))
    return toggle_active(
        lambda version, active: family_changes.set_child_active(actor(), family_id, child_id, version, active),
        N_("Barn"))


def qr_svg(url):
    """The link as an inline SVG QR code (no script, no external request)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=5, border=2, title=_("QR-kode med login-link")))


@family_bp.route("/parents/<id:parent_id>/link", methods=["POST"])
def send_link(family_id, parent_id):
    """Send a parent a sign-in link (or show it, e.g. as a QR code at a meeting)."""
    parent = next((p for p in family.parents(family_id, active_only=True) if p["id"] == parent_id), None)
    form = SendLinkForm()
    if parent is None or not parent["can_sign_in"] or not g.family["active"] or not form.validate_on_submit():
        abort(404)
    channel = form.channel.data
    recipient = parent["email"] if channel == "email" else parent["phone"] if channel == "sms" else None
    if channel != "shown" and not recipient:
        return members(family_id, status=400, sent="missing")
    if channel == "shown":
        # Shown on screen, e.g. at a meeting: the parent scans it with their phone.
        url = links.issue("parent", parent_id, origin="sent", channel=channel, issued_by_staff_id=g.user_id)
        return members(family_id, shown_url=url, shown_qr=qr_svg(url), shown_for=parent["name"])
    # The link and its message in one transaction; the worker makes its URL as it sends it.
    with writing(get_db()):
        link_id = links.reserve("parent", parent_id, origin="sent", channel=channel, issued_by_staff_id=g.user_id)
        outbox.queue_link(channel, recipient, link_id, family_id=family_id, parent_id=parent_id)
    return members(family_id, sent=channel)


class RemoveBindingForm(PortalForm):
    """Only a CSRF token: the button that removes a parent's MitID."""


@family_bp.route("/identities/<id:binding_id>/remove", methods=["POST"])
def remove_binding(family_id, binding_id):
    """Remove a parent's MitID (e.g. they got a new one): the next time, their link binds the MitID they use."""
    if not RemoveBindingForm().validate_on_submit():
        abort(400)
    try:
        identity_changes.remove(actor(), family_id, binding_id)
    except NotFound:
        abort(404)
    except Invalid as refused:  # a closed case
        return members(family_id, status=400, refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", binding_removed=1) + "#mitid", 303)


# Parents who cannot use MitID: why (recorded here), and their passkeys.


class PasskeyButtonForm(PortalForm):
    """Only a CSRF token: the forms of the passkey section (the change checks the reason and note itself)."""


@family_bp.route("/parents/<id:parent_id>/mitid-exemption", methods=["POST"])
def record_exemption(family_id, parent_id):
    """Record why a parent cannot use MitID: from then on they may make a passkey from a link shown here."""
    if not PasskeyButtonForm().validate_on_submit():
        abort(400)
    try:
        passkey_changes.record_exemption(actor(), family_id, parent_id, request.form.get("reason", ""),
                                         request.form.get("note"))
    except NotFound:
        abort(404)
    except Invalid as refused:
        return members(family_id, status=400, exemption_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", exemption_recorded=1) + "#adgangsnoegle", 303)


@family_bp.route("/mitid-exemptions/<id:exemption_id>/withdraw", methods=["POST"])
def withdraw_exemption(family_id, exemption_id):
    """Withdraw the record (e.g. the parent has MitID now): their passkeys stop working, their passkey sessions end."""
    if not PasskeyButtonForm().validate_on_submit():
        abort(400)
    try:
        passkey_changes.withdraw_exemption(actor(), family_id, exemption_id)
    except NotFound:
        abort(404)
    except Invalid as refused:  # a closed case
        return members(family_id, status=400, exemption_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", exemption_withdrawn=1) + "#adgangsnoegle", 303)


@family_bp.route("/passkeys/<id:passkey_id>/remove", methods=["POST"])
def remove_passkey(family_id, passkey_id):
    """Remove a parent's passkey (e.g. a lost phone): it stops working, and their passkey sessions end."""
    if not PasskeyButtonForm().validate_on_submit():
        abort(400)
    try:
        passkey_changes.remove_passkey(actor(), family_id, passkey_id)
    except NotFound:
        abort(404)
    except Invalid as refused:  # a closed case
        return members(family_id, status=400, exemption_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", passkey_removed=1) + "#adgangsnoegle", 303)


# A child's own sign-in (set up with the parents' knowledge) and their own words, written with them.


class ChildButtonForm(PortalForm):
    """Only a CSRF token: the forms of a child's sign-in and words (the change checks the rest)."""


def _child_or_404(family_id, child_id):
    child = found(family.child(family_id, child_id))
    if not child["active"] or not g.family["active"]:
        abort(404)
    return child


@family_bp.route("/children/<id:child_id>/sign-in", methods=["POST"])
def set_up_child_sign_in(family_id, child_id):
    """Let a child sign in (MitID from 13, else a passkey made here), recording which parents know."""
    _child_or_404(family_id, child_id)
    if not ChildButtonForm().validate_on_submit():
        abort(400)
    try:
        child_voice.set_up_sign_in(actor(), family_id, child_id, method=request.form.get("method", ""),
                                   told_parent_ids=request.form.getlist("told"))
    except NotFound:
        abort(404)
    except Invalid as refused:
        return members(family_id, status=400, child_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", child_sign_in=1) + "#boern", 303)


@family_bp.route("/children/<id:child_id>/sign-in/end", methods=["POST"])
def end_child_sign_in(family_id, child_id):
    """End a child's sign-in: their sessions and unused links end with it."""
    _child_or_404(family_id, child_id)
    if not ChildButtonForm().validate_on_submit():
        abort(400)
    try:
        child_voice.end_sign_in(actor(), family_id, child_id)
    except NotFound:
        abort(404)
    except Invalid as refused:
        return members(family_id, status=400, child_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", child_sign_in_ended=1) + "#boern", 303)


@family_bp.route("/children/<id:child_id>/link", methods=["POST"])
def show_child_link(family_id, child_id):
    """Show a child's sign-in link here, as a QR code: a child's link is never sent by e-mail or SMS."""
    child = _child_or_404(family_id, child_id)
    if not ChildButtonForm().validate_on_submit():
        abort(400)
    if child_reads.sign_in_method(child_id) is None:
        abort(404)
    url = links.issue("child", child_id, origin="sent", channel="shown", issued_by_staff_id=g.user_id)
    return members(family_id, shown_url=url, shown_qr=qr_svg(url), shown_for=child["first_name"], shown_child=True)


@family_bp.route("/children/<id:child_id>/words", methods=["POST"])
def add_child_words(family_id, child_id):
    """Write a child's own words with them (a younger child): marked "Skrevet sammen med …"."""
    _child_or_404(family_id, child_id)
    if not ChildButtonForm().validate_on_submit():
        abort(400)
    try:
        child_voice.add_words(actor(), family_id, child_id, kind=request.form.get("kind", ""),
                              text=request.form.get("text", ""), written_with=request.form.get("written_with"))
    except NotFound:
        abort(404)
    except Invalid as refused:
        return members(family_id, status=400, child_refused=next(iter(refused.errors.values())))
    return redirect(family_url("members", child_words=1) + "#boern", 303)
