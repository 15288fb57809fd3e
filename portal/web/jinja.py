"""Jinja, made cheaper: a template's globals as one dict, `row.name` read at once, texts translated when compiled.

Three overrides of how Jinja works inside (`Environment.make_globals`,
`Environment.getattr`, and an extension that rewrites a template's source),
so they are left out with the switch (see framework.py): then a language's
environment is Flask's own and `_()` translates at every render through the
i18n extension's gettext. tests/test_templating.py reads templates with
both, and tests/test_templates.py compares every page.
"""
import ast
import re

from flask.templating import Environment as FlaskEnvironment
from jinja2.ext import Extension
from markupsafe import Markup

_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with a template's globals as one plain dict.

    Jinja chains a template's globals to the environment's (a ChainMap), and
    every render copies that chain into a dict: each of the ~40 names is looked
    up through both maps, about 15 µs a page. All of the portal's globals are set
    when a language's environment is made (templating.configure), before any
    template is loaded, so a copy taken when the template loads is the same.
    """

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


LITERAL = r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""


class FoldTranslations(Extension):
    """Translate constant `_("…")` texts in a template's source, before it is compiled.

    Every constant text, `{{ _("Dine møder") }}`, is then looked up in the
    language's catalogue once, when the template is compiled for that
    language, not at every render. It becomes the translated text itself, a
    part of the template like its HTML (as trusted as Jinja's own _() makes a
    translation); `_("Hej %(name)s", name=x)` becomes a call with the
    translation already in it.
    """

    # A whole {{ _("constant") }}, without whitespace control.
    WHOLE = re.compile(r"\{\{\s*_\(\s*" + LITERAL + r"\s*\)\s*\}\}")
    # _( followed by a string literal: the form Babel extracts, and the only one folded.
    CONSTANT = re.compile(r"(?<![\w.])_\(\s*" + LITERAL)

    def preprocess(self, source, name, filename=None):
        translations = self.environment.folded_translations

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


def fold_translations(env, translations):
    """Translate env's constant texts from `translations` when each template is compiled."""
    env.folded_translations = translations
    env.add_extension(FoldTranslations)
    env.globals["_folded"] = folded
