"""The parent's "Beskeder" page: how notices reach them (SMS, e-mail or none), and what was sent."""
from flask import g, redirect, render_template, url_for
from wtforms import StringField

from . import bp
from .feed import addresses
from ..data.changes import Actor, Invalid
from ..data.changes import notices as notice_changes
from ..data.reads import notices
from ..web.forms import PortalForm
from ..i18n import gettext as _
from ..sign_in import who


class ChannelForm(PortalForm):
    # Checked by the change: only channels the parent has an address for, or none.
    notices_by = StringField()


def _render(chosen=None, errors=None, status=200):
    parent = who.current_parent()
    choice = notices.choice(parent)
    return render_template("parent/messages.html", choice=choice, errors=errors or {},
                           selected=chosen or choice["chosen"] or choice["now"] or "none",
                           recent=notices.for_parent(parent), parent=parent, feed=addresses(parent["id"])), status


@bp.route("/messages")
def messages():
    return _render()


@bp.route("/messages", methods=["POST"])
def choose_channel():
    form = ChannelForm()
    chosen = form.notices_by.data or ""
    if not form.validate_on_submit():
        return _render(chosen, {"notices_by": _("Noget gik galt. Prøv igen.")}, 400)
    try:
        notice_changes.choose_channel(Actor("parent", g.user_id), g.user_id, chosen)
    except Invalid as invalid:
        return _render(chosen, invalid.errors, 400)
    return redirect(url_for("parent.messages", saved=1, _anchor="valg"))
