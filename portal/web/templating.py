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

from flask import Flask, has_app_context, has_request_context, request
from jinja2.ext import Extension
from markupsafe import Markup

from . import formatting, forms, i18n, markdown
from ..data import vocabulary
from ..settings import info_page_url, municipality


class Portal(Flask):
    """Flask with a Jinja environment per language (made on first use), and constant links built once."""

    # Endpoints whose URL never changes while the app runs, given the same
    # values: every page links the menu, the style sheet and the sign-out form.
    # Building one through the URL map costs more than most of a page's text.
    _constant_urls = None

    def url_for(self, endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        cacheable = (
            _method is None and _scheme is None and not _external and not endpoint.startswith(".")
            and (not values or endpoint == "static") and has_request_context()
            and not self.url_default_functions
        )
        if not cacheable:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        # A relative URL depends only on where the app is mounted (SCRIPT_NAME).
        key = (endpoint, request.script_root, _anchor, *sorted(values.items()))
        cache = self.__dict__.setdefault("_constant_urls", {})
        url = cache.get(key)
        if url is None:
            url = super().url_for(endpoint, _anchor=_anchor, **values)
            if len(cache) < 1000:
                cache[key] = url
        return url

    @property
    def jinja_env(self):
        language = i18n.current_language() if has_app_context() else i18n.DEFAULT
        environments = self.__dict__.setdefault("_jinja_environments", {})
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
    for name in ("MEETING_KINDS", "MEETING_STATUSES", "GOAL_STATUSES", "PLAN_STATUSES", "PLAN_KINDS", "STAFF_ROLES"):
        env.globals[name] = getattr(vocabulary, name)
