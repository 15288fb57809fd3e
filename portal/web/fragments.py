"""Parts of every page that depend only on the language and a few values: the head, menus, footer.

Templates call `fragment("_footer.html")` and `menu()`. The menus and the
footer's text are the same for every parent (or staff member) on the same
page, yet building their links and texts cost about a tenth of a home page
(issue 9), so each is rendered once per language environment and values and
kept (`constant`). With the switch (framework.py) each is rendered every time
(`rendered`), and the page is the same.

Either way a fragment gets only its values and the globals; request, session,
g, config and the CSRF token are refused (`_RequestData`), so a fragment that
would differ between people fails at once, not when it is shown to the wrong one.
"""
import functools

from flask import g, request
from flask.globals import _cv_request
from markupsafe import Markup

from ..data import access
from .memo import kept


class _RequestData:
    """What a fragment gets instead of request, session, g and the CSRF token: any use fails."""

    def __init__(self, name):
        self._name = name

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"a constant fragment must not use {self._name}: pass what it needs as a value")

    __getattr__ = __getitem__ = __call__ = __bool__ = __iter__ = __str__ = __html__ = _refuse


_NO_REQUEST_DATA = {name: _RequestData(name) for name in ("request", "session", "g", "csrf_token", "config")}


def rendered(env, template_name, **values):
    """The fragment, rendered now."""
    return Markup(env.get_template(template_name).render(**values, **_NO_REQUEST_DATA))


def constant(env, store, template_name, **values):
    """The fragment, rendered once per key and kept in `store` (one per language environment).

    Its links are relative, so the app's mount point (SCRIPT_NAME) is part of
    the key; settings.yml is read once per process (settings.municipality),
    like the fragments. The request context is read directly, not through the
    `request` proxy, as in urls.py.
    """
    key = (template_name, _cv_request.get().request.script_root, *sorted(values.items()))
    return kept(store, key, lambda: rendered(env, template_name, **values))


def menu(fragment):
    """The signed-in person's menu, with the current page marked; nothing for a visitor."""
    kind = g.get("user_kind")
    if kind == "parent":
        # With a link alone there is nothing of the case to go to (access.PARENT_PAGES).
        if g.get("level", 0) < access.SUBSTANTIAL:
            return ""
        return fragment("parent/_menu.html", here=request.endpoint or "")
    if kind == "staff":
        return fragment("staff/_menu.html", here=request.endpoint or "", is_admin=bool(g.get("staff_is_admin")),
                        is_leader=bool(g.get("staff_is_leader")))
    return ""


def install(env, keep):
    """Offer env's templates fragment() and menu(): kept (`keep`), or rendered every time."""
    fragment = functools.partial(constant, env, {}) if keep else functools.partial(rendered, env)
    env.globals["fragment"] = fragment
    env.globals["menu"] = functools.partial(menu, fragment)
