"""What every staff view uses: who acts, the family's URLs, and one form page."""
from flask import abort, g, render_template, url_for

from ..data.changes import Actor, NotFound
from ..data.reads import family
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
