"""Danish first, then the languages in content/settings.yml: pick the language and translate.

Danish text is the source (the msgid) everywhere; `translations/<lang>.po`
holds the other languages and is compiled in memory at start-up. Which
languages the portal and the info site offer is one line of settings
(`extra.languages` in content/settings.yml); see README, "Languages".
"""
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from babel import Locale
from flask import g, request

from ..settings import languages

# Code -> the language's own name, e.g. {"da": "Dansk", "en": "English", "ar": "العربية"}.
LANGUAGES = languages()
DEFAULT = "da"
COOKIE = "sprog"
_catalogues = {DEFAULT: NullTranslations()}


def load_catalogues(folder=Path(__file__).resolve().parent.parent / "translations"):
    for po_path in sorted(folder.glob("*.po")):
        with open(po_path, "rb") as f:
            catalogue = read_po(f, locale=po_path.stem)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        _catalogues[po_path.stem] = Translations(buffer)


def select_language():
    """Before each request: a chosen language (cookie), else Danish."""
    chosen = request.cookies.get(COOKIE)
    g.lang = chosen if chosen in LANGUAGES else DEFAULT


def current_language():
    return g.get("lang", DEFAULT)


def text_direction(language):
    """'rtl' for a language written right to left (Arabic), else 'ltr': Babel knows which."""
    return Locale.parse(language).character_order == "right-to-left" and "rtl" or "ltr"


def N_(message):
    """Mark a Danish text for translation where it is defined; translate it where shown."""
    return message


def catalogue(language):
    return _catalogues.get(language, _catalogues[DEFAULT])


def gettext(message, **variables):
    """Translate a Danish text into the request's language (code outside templates)."""
    text = catalogue(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular, plural, n, **variables):
    text = catalogue(current_language()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


def gettext_in(language):
    """gettext for one language, for that language's template environment."""
    lookup = catalogue(language).gettext

    def translate(message, **variables):
        text = lookup(message)
        return text % variables if variables else text

    return translate


def ngettext_in(language):
    lookup = catalogue(language).ngettext

    def translate(singular, plural, n, **variables):
        variables.setdefault("num", n)
        return lookup(singular, plural, n) % variables

    return translate


def init_app(app):
    """Load the catalogues and choose each request's language; the templates are set up per language."""
    load_catalogues()
    app.before_request(select_language)
