"""Danish first, then the languages in content/settings.yml: translate, with or without a request.

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
from contextvars import ContextVar

from .settings import languages

# Code -> the language's own name, e.g. {"da": "Dansk", "en": "English", "ar": "العربية"}.
LANGUAGES = languages()
DEFAULT = "da"
_catalogues = {DEFAULT: NullTranslations()}
# The language of what is being made now: a request's (set by portal.web.i18n), else Danish.
_language = ContextVar("language", default=DEFAULT)


def load_catalogues(folder=Path(__file__).resolve().parent / "translations"):
    for po_path in sorted(folder.glob("*.po")):
        with open(po_path, "rb") as f:
            catalogue = read_po(f, locale=po_path.stem)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        _catalogues[po_path.stem] = Translations(buffer)


def current_language():
    return _language.get()


def use_language(language):
    """Make `language` the one texts are translated into, in this thread (or task); returns a token to reset."""
    return _language.set(language if language in LANGUAGES else DEFAULT)


def reset_language(token):
    _language.reset(token)


def text_direction(language):
    """'rtl' for a language written right to left (Arabic), else 'ltr': Babel knows which."""
    return Locale.parse(language).character_order == "right-to-left" and "rtl" or "ltr"


def N_(message):
    """Mark a Danish text for translation where it is defined; translate it where shown."""
    return message


def catalogue(language):
    return _catalogues.get(language, _catalogues[DEFAULT])


def gettext(message, **variables):
    """Translate a Danish text into the current language (code outside templates; Danish outside a request)."""
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

