"""Links and view calls that Flask works out again at every call, kept once worked out.

A page builds dozens of links, and Flask builds each through the URL map;
it also asks, at every request, whether each hook and view is a coroutine
function. `KeptRouting` keeps the answers. It leans on Flask's private request
context variable (`_cv_request`) and Werkzeug's rules' private `_converters`,
so it is one of the overrides the switch leaves out (see framework.py); the
links are the URL map's own either way (tests/test_urls.py compares them).
"""
import re

from flask.globals import _cv_request
from werkzeug.routing.converters import NumberConverter

from .memo import kept


class KeptRouting:
    """Mixed into the portal's Flask class: constant links and link shapes built once, coroutine checks made once."""

    def __init__(self, *args, **kwargs):
        # Endpoints whose URL never changes while the app runs, given the same
        # values: every page links the menu, the style sheet and the sign-out form.
        # Building one through the URL map costs more than most of a page's text.
        self._constant_urls = {}
        self._id_url_shapes = {}  # see _id_url_shape()
        self._sync_functions = {}  # see ensure_sync()
        super().__init__(*args, **kwargs)

    def url_for(self, endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        # The request context itself, not the `request` proxy: a page builds dozens of links.
        context = _cv_request.get(None)
        simple = (
            context is not None and _method is None and _scheme is None and not _external
            and not endpoint.startswith(".") and not self.url_default_functions
        )
        if simple and (not values or endpoint == "static"):
            # A relative URL depends only on where the app is mounted (SCRIPT_NAME).
            key = (endpoint, context.request.script_root, _anchor, *sorted(values.items()))
            return kept(self._constant_urls, key, lambda: super(KeptRouting, self).url_for(endpoint, _anchor=_anchor, **values))
        if simple and _anchor is None and all(type(value) is int and value >= 0 for value in values.values()):
            shape = self._id_url_shape(endpoint, tuple(sorted(values)), context.request.script_root)
            if shape:
                texts, names = shape
                url = [texts[0]]
                for name, text in zip(names, texts[1:]):
                    url += (str(values[name]), text)
                return "".join(url)
        return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                               _external=_external, **values)

    def _id_url_shape(self, endpoint, names, script_root):
        """(texts, names) such that the URL is texts[0], then each name's id and the next text; None if unsure.

        A page's links to meetings, goals and families differ only in their ids
        (the int converter writes str(id)), so the URL map builds the shape once
        per endpoint, with stand-in ids, and a link is then joined from it:
        e.g. ("/meetings/", "") and ("meeting_id",).
        """
        return kept(self._id_url_shapes, (endpoint, script_root, names), lambda: self._build_id_url_shape(endpoint, names))

    def _build_id_url_shape(self, endpoint, names):
        shape = None
        rules = list(self.url_map.iter_rules(endpoint))
        converters = getattr(rules[0], "_converters", None) if len(rules) == 1 else None
        if (
            converters is not None and set(rules[0].arguments) == set(names) and not rules[0].defaults
            and all(isinstance(converters.get(name), NumberConverter) and not converters[name].fixed_digits
                    for name in names)
        ):
            stand_ins = {name: str(10**17 + 7919 * number) for number, name in enumerate(names, 1)}
            url = super().url_for(endpoint, **{name: int(value) for name, value in stand_ins.items()})
            pieces = re.split("(" + "|".join(stand_ins.values()) + ")", url)
            found = pieces[1::2]
            if sorted(found) == sorted(stand_ins.values()):
                by_stand_in = {value: name for name, value in stand_ins.items()}
                shape = (tuple(pieces[0::2]), tuple(by_stand_in[value] for value in found))
        return shape

    def ensure_sync(self, func):
        # Flask asks inspect whether each hook and view is a coroutine function at
        # every call (about ten a request); the answer for a function never changes.
        return kept(self._sync_functions, func, lambda: super(KeptRouting, self).ensure_sync(func), limit=10_000)
