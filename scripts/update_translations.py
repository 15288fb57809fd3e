"""Collect every Danish text from the portal and update every language's catalogue.

Usage: python scripts/update_translations.py
Then fill in the empty msgstr lines in portal/translations/<code>.po, one
catalogue for each language in content/settings.yml (extra.languages) but Danish.
A new language's catalogue is made here, empty, the first time.
"""
from pathlib import Path
import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from portal.settings import languages  # noqa: E402

PORTAL = ROOT / "portal"
TRANSLATIONS = PORTAL / "translations"
CATALOGUE = TRANSLATIONS / "en.po"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n,jinja2.ext.do"}}
# Danish source texts that are data, not calls to _(): the meeting kinds and goal statuses.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def catalogues():
    """{code: path of its .po} for every configured language but Danish (the source)."""
    return {code: TRANSLATIONS / f"{code}.po" for code in languages() if code != "da"}


def extract(locale="en"):
    catalog = Catalog(locale=locale, project="Familieportalen")
    for filename, lineno, message, comments, context in extract_from_dir(
        PORTAL, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def update(code, path):
    template = extract(code)
    if path.exists():
        with open(path, "rb") as f:
            existing = read_po(f, locale=code)
    else:
        existing = Catalog(locale=code, project="Familieportalen")
    existing.update(template, no_fuzzy_matching=True)
    with open(path, "wb") as f:
        write_po(f, existing, width=100, omit_header=False, sort_output=True, include_lineno=False)
    missing = [m.id for m in existing if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    print(f"{path.name}: {len(existing)} messages, {len(missing)} untranslated")


def main():
    for code, path in catalogues().items():
        update(code, path)


if __name__ == "__main__":
    main()
