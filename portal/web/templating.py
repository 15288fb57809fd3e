"""Templates: one Jinja environment per language, made on first use.

A language's environment holds what its pages need as globals and filters:
its gettext, its language and direction, date filters in its language,
fragment() and menu(). With the framework's overrides (framework.py) the
environment is jinja.Environment, its constant texts are translated when a
template is compiled (jinja.fold_translations) and its fragments are kept
(fragments.py); with the switch on it is Flask's own, `_()` translates at
render time through gettext, and fragments are rendered every time.
"""
import functools

from flask import Flask
from markupsafe import Markup

from . import formatting, forms, fragments, jinja, markdown
from .. import i18n
from .urls import KeptRouting
from ..data import vocabulary
from ..settings import info_page_url, municipality


class PlainPortal(Flask):
    """Flask with a Jinja environment per language (made on first use); otherwise Flask as it comes."""

    plain_framework = True

    def __init__(self, *args, **kwargs):
        self._jinja_environments = {}  # a language's, made on first use
        self._template_globals = {}  # add_template_global's: every language's environment gets them
        super().__init__(*args, **kwargs)

    def add_template_global(self, f, name=None):
        """A global for every language's templates (Flask's own would reach only the environment made first)."""
        name = name or f.__name__
        self._template_globals[name] = f
        for environment in self._jinja_environments.values():
            environment.globals[name] = f

    @property
    def jinja_env(self):
        language = i18n.current_language()
        environments = self._jinja_environments
        environment = environments.get(language)
        if environment is None:
            environment = environments[language] = self.create_jinja_environment()
            configure(environment, language, plain=self.plain_framework)
            environment.globals.update(self._template_globals)
        return environment


class Portal(KeptRouting, PlainPortal):
    """The portal's Flask: PlainPortal with the overrides of urls.py and jinja.py, for speed."""

    plain_framework = False
    jinja_environment = jinja.Environment


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


def configure(env, language, plain=False):
    """Set up one language's environment: its translations, filters and globals (all before a template loads)."""
    env.add_extension("jinja2.ext.i18n")
    env.add_extension("jinja2.ext.do")
    if not plain:
        jinja.fold_translations(env, i18n.catalogue(language))
    gettext, ngettext = i18n.gettext_in(language), i18n.ngettext_in(language)
    # newstyle: {{ _("Hej %(name)s", name=x) }} escapes variables, not the message.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
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
    fragments.install(env, keep=not plain)
    for name in ("MEETING_KINDS", "MEETING_STATUSES", "GOAL_STATUSES", "PLAN_STATUSES", "PLAN_KINDS", "STAFF_ROLES"):
        env.globals[name] = getattr(vocabulary, name)
