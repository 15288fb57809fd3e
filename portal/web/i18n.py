"""Danish first, English second: pick the language and translate.

Danish text is the source (the msgid) everywhere; `translations/<lang>.po`
holds the other languages and is compiled in memory at start-up.
"""
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, request

LANGUAGES = {"da": "Dansk", "en": "English"}
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


def N_(message):
    """Mark a Danish text for translation where it is defined; translate it where shown."""
    return message


def gettext(message, **variables):
    text = _catalogues.get(current_language(), _catalogues[DEFAULT]).gettext(message)
    return text % variables if variables else text


def ngettext(singular, plural, n, **variables):
    text = _catalogues.get(current_language(), _catalogues[DEFAULT]).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


def init_app(app):
    load_catalogues()
    app.before_request(select_language)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.add_extension("jinja2.ext.do")
    # newstyle: {{ _("Hej %(name)s", name=x) }} escapes variables, not the message.
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["N_"] = N_
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
