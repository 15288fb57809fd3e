"""Collect every Danish text from the portal and update the English catalogue.

Usage: python scripts/update_translations.py
Then fill in the empty msgstr lines in portal/translations/en.po.
"""
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
CATALOGUE = PORTAL / "translations" / "en.po"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n,jinja2.ext.do"}}
# Danish source texts that are data, not calls to _(): the meeting kinds and goal statuses.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract():
    catalog = Catalog(locale="en", project="Familieportalen")
    for filename, lineno, message, comments, context in extract_from_dir(
        PORTAL, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def main():
    template = extract()
    with open(CATALOGUE, "rb") as f:
        existing = read_po(f, locale="en")
    existing.update(template, no_fuzzy_matching=True)
    with open(CATALOGUE, "wb") as f:
        write_po(f, existing, width=100, omit_header=False, sort_output=True, include_lineno=False)
    missing = [m.id for m in existing
               if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    print(f"{len(existing)} messages, {len(missing)} without English")


if __name__ == "__main__":
    main()
