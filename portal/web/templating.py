"""Templates: one Jinja environment per language, with its texts translated when compiled.

Every constant text in a template, `{{ _("Dine møder") }}`, is looked up in the
language's catalogue once, when the template is compiled for that language, not
at every render; filters that write dates know their language the same way.
Texts that are data or come from a variable go through `translate()` at render
time. The portal's Flask class hands out the environment of the request's language.
"""
import ast
import functools
import re

from flask import Flask, g, has_app_context, request
from flask.globals import _cv_request
from flask.templating import Environment as FlaskEnvironment
from jinja2.ext import Extension
from werkzeug.routing.converters import NumberConverter
from markupsafe import Markup

from . import formatting, forms, i18n, markdown
from .memo import kept
from ..data import vocabulary
from ..settings import info_page_url, municipality


_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with a template's globals as one plain dict.

    Jinja chains a template's globals to the environment's (a ChainMap), and
    every render copies that chain into a dict: each of the ~40 names is looked
    up through both maps, about 15 µs a page. All of the portal's globals are set
    when a language's environment is made (configure), before any template is
    loaded, so a copy taken when the template loads is the same.
    """

    def __init__(self, *args, **kwargs):
        self.constant_fragments = {}  # see fragment()
        super().__init__(*args, **kwargs)

    def make_globals(self, d):
        return {**self.globals, **(d or {})}

    def getattr(self, obj, attribute):
        """`row.name` on a dict: its item, as Jinja's own would find it, without the failed attribute first.

        Jinja tries getattr() before the item, and a dict's AttributeError is
        raised and caught for each of a page's `meeting.starts_at` (about 1 µs
        each; a caseload has hundreds). A name that is not a dict attribute can
        only be an item, so that one is looked up at once; `d.items` and the
        like go the usual way.
        """
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class Portal(Flask):
    """Flask with a Jinja environment per language (made on first use), and constant links built once."""

    jinja_environment = Environment

    def __init__(self, *args, **kwargs):
        # Endpoints whose URL never changes while the app runs, given the same
        # values: every page links the menu, the style sheet and the sign-out form.
        # Building one through the URL map costs more than most of a page's text.
        self._constant_urls = {}
        self._id_url_shapes = {}  # see _id_url_shape()
        self._sync_functions = {}  # see ensure_sync()
        self._jinja_environments = {}  # a language's, made on first use
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
            return kept(self._constant_urls, key, lambda: super(Portal, self).url_for(endpoint, _anchor=_anchor, **values))
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
        return kept(self._sync_functions, func, lambda: super(Portal, self).ensure_sync(func), limit=10_000)

    @property
    def jinja_env(self):
        language = i18n.current_language() if has_app_context() else i18n.DEFAULT
        environments = self._jinja_environments
        environment = environments.get(language)
        if environment is None:
            environment = environments[language] = self.create_jinja_environment()
            configure(environment, language, fold=self.config.get("FOLD_TRANSLATIONS", True))
        return environment


LITERAL = r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""


class FoldTranslations(Extension):
    """Translate constant `_("…")` texts in a template's source, before it is compiled.

    `{{ _("Dine møder") }}` becomes the translated text itself, a part of the
    template like its HTML (as trusted as Jinja's own _() makes a translation);
    `_("Hej %(name)s", name=x)` becomes a call with the translation already in it.
    """

    # A whole {{ _("constant") }}, without whitespace control.
    WHOLE = re.compile(r"\{\{\s*_\(\s*" + LITERAL + r"\s*\)\s*\}\}")
    # _( followed by a string literal: the form Babel extracts, and the only one folded.
    CONSTANT = re.compile(r"(?<![\w.])_\(\s*" + LITERAL)

    def preprocess(self, source, name, filename=None):
        translations = getattr(self.environment, "folded_translations", None)
        if translations is None:
            return source

        def text(match):
            translated = translations.gettext(ast.literal_eval(match.group(1)))
            # Jinja's own _() applies "% {}" to every translation: "%%" becomes "%".
            translated = translated % {}
            if any(delimiter in translated for delimiter in ("{{", "{%", "{#")):
                return "{% raw %}" + translated + "{% endraw %}"
            return translated

        def call(match):
            return "_folded(" + repr(translations.gettext(ast.literal_eval(match.group(1))))

        return self.CONSTANT.sub(call, self.WHOLE.sub(text, source))


def folded(text, **variables):
    """What Jinja's newstyle _() does with a translation it has looked up: trust it, escape the variables."""
    return Markup(text) % variables


PLACE_WITHHELD = i18n.N_("Stedet får du at vide af din kontaktperson")


def meeting_kind(gettext, meeting):
    """The kind of meeting in the reader's language: a function, not a macro, so pages need no macro import."""
    return gettext(vocabulary.MEETING_KINDS.get(meeting["kind"], "Møde"))


def meeting_place(gettext, meeting):
    """Where a meeting is, or that the contact person will tell (a protected address)."""
    if meeting.get("place_withheld"):
        return Markup('<span class="muted">%s</span>') % gettext(PLACE_WITHHELD)
    if meeting.get("place"):
        return Markup('<span dir="auto">%s</span>') % meeting["place"]
    return ""


class _RequestData:
    """What a constant fragment gets instead of request, session, g and the CSRF token: any use fails.

    A fragment is rendered once and then shown to everyone with the same
    values, so it must not depend on who is asking (see fragment()).
    """

    def __init__(self, name):
        self._name = name

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"a constant fragment must not use {self._name}: pass what it needs as a value")

    __getattr__ = __getitem__ = __call__ = __bool__ = __iter__ = __str__ = __html__ = _refuse


_NO_REQUEST_DATA = {name: _RequestData(name) for name in ("request", "session", "g", "csrf_token", "config")}


def fragment(env, template_name, **values):
    """A part of every page that depends only on the language and `values`, rendered once.

    The menus and the footer's text are the same for every parent (or staff
    member) on the same page, yet building their links and texts cost about a
    tenth of a home page (issue 9). The template gets only `values` and the
    globals; request, session, g and csrf_token are refused (_RequestData).
    The links are relative, so the app's mount point (SCRIPT_NAME) is part of
    the key; settings.yml is read once per process (settings.municipality),
    like the fragments.
    """
    key = (template_name, _cv_request.get().request.script_root, *sorted(values.items()))
    return kept(env.constant_fragments, key,
                lambda: Markup(env.get_template(template_name).render(**values, **_NO_REQUEST_DATA)))


def menu(env):
    """The signed-in person's menu, with the current page marked; nothing for a visitor."""
    kind = g.get("user_kind")
    if kind == "parent":
        return fragment(env, "parent/_menu.html", here=request.endpoint or "")
    if kind == "staff":
        return fragment(env, "staff/_menu.html", here=request.endpoint or "", is_admin=bool(g.get("staff_is_admin")))
    return ""


def configure(env, language, fold=True):
    """Set up one language's environment: its translations, filters and globals."""
    translations = i18n.catalogue(language)
    env.add_extension("jinja2.ext.i18n")
    env.add_extension("jinja2.ext.do")
    env.add_extension(FoldTranslations)
    env.folded_translations = translations if fold else None
    gettext, ngettext = i18n.gettext_in(language), i18n.ngettext_in(language)
    # newstyle: {{ _("Hej %(name)s", name=x) }} escapes variables, not the message.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["_folded"] = folded
    # For texts that are data or come from a variable (a label, a title with a
    # name in it): Jinja's own _() always applies "% variables" to its result,
    # so a "%" in a name or a goal would break the page.
    env.globals["translate"] = gettext
    env.globals["current_language"] = lambda: language
    env.globals["LANGUAGE"] = language
    env.globals["text_direction"] = i18n.text_direction(language)
    env.globals["N_"] = i18n.N_
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.filters["meeting_time"] = lambda t: formatting.meeting_time(t, language)
    env.filters["date_only"] = lambda d: formatting.date_only(d, language) if d else ""
    env.filters["day"] = lambda t: formatting.day(t, language) if t else ""
    env.filters["markdown"] = markdown.render
    env.globals["meeting_kind"] = functools.partial(meeting_kind, gettext)
    env.globals["meeting_place"] = functools.partial(meeting_place, gettext)
    env.globals["choice_pairs"] = forms.choice_pairs
    env.globals["differences"] = forms.differences
    env.globals["municipality"] = municipality
    env.globals["info_url"] = lambda slug: info_page_url(slug, language)
    env.globals["menu"] = functools.partial(menu, env)
    env.globals["fragment"] = functools.partial(fragment, env)
    for name in ("MEETING_KINDS", "MEETING_STATUSES", "GOAL_STATUSES", "PLAN_STATUSES", "PLAN_KINDS", "STAFF_ROLES"):
        env.globals[name] = getattr(vocabulary, name)
