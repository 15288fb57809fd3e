"""What every staff view uses: who acts, the family's URLs, and one form page."""
from flask import abort, g, render_template, url_for
from wtforms import BooleanField

from ..data.changes import Actor, NotFound
from ..data.changes import professionals as professional_changes
from ..data.reads import family
from ..data.reads import professionals as professional_reads
from ..web.forms import save_form
from ..i18n import N_


def actor():
    return Actor("staff", g.user_id)


def family_url(endpoint, **values):
    return url_for(f"staff.family.{endpoint}", family_id=g.family["id"], **values)


def found(row):
    """The row, or 404 when it is not in this family."""
    if row is None:
        abort(404)
    return row


def offer_hidden_from(form, family_id):
    """Let a form hide its item from a named parent; a family with one parent has no such choice."""
    parents = family.parents(family_id)
    if len(parents) > 1:
        form.hidden_from.choices = [(p["id"], p["name"]) for p in parents]
    else:
        del form.hidden_from
        if "shown_to_professionals" in form:
            del form.shown_to_professionals


def shown_to_professionals_field():
    """The choice beside "Vis ikke … for": an item hidden from a parent that the family's professionals may see."""
    return BooleanField(N_("Må ses af fagpersoner i familiens netværk"), description=N_(
        "Gælder kun, hvis du skjuler det for en forælder. Ellers kan fagpersonerne, der ser familien, se det."))


def shown_to_professionals_data(item_kind, item_id):
    return {"shown_to_professionals": professional_reads.is_shown_to_professionals(item_kind, item_id)}


def saved_and_shown(form, family_id, item_kind, save, item_id=None):
    """Save the item with `save` and, in the same transaction, the form's "Må ses af fagpersoner" (audited)."""
    shown = form.shown_to_professionals.data if "shown_to_professionals" in form else None
    return professional_changes.save_and_show(actor(), family_id, item_kind, save, shown, item_id=item_id)


def saved_form_of(form_class, row, drop=()):
    """A form showing a saved row (no CSRF token), beside the user's on a conflict page; `drop` fields it has not."""
    form = form_class(formdata=None, data=row, meta={"csrf": False})
    for name in drop:
        delattr(form, name)
    return form


def hidden_from_data(form):
    return form.hidden_from.data if "hidden_from" in form else []


def form_page(form, save, *, title, done, saved_form=None, back=None, template="staff/form.html",
              layout="staff/_family.html", notice=N_("Gemt."), **context):
    """A staff form page: the form, saved through save_form() with `notice` after; a row not in the family is 404."""
    def render(shown, conflict=None):
        return render_template(template, form=shown, conflict=conflict, title=title, back=back, layout=layout,
                               **context)

    try:
        return save_form(form, save, done=done, render=render, saved_form=saved_form, notice=notice)
    except NotFound:
        abort(404)
