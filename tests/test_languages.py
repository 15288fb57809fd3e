"""Every language in content/settings.yml is whole: a complete catalogue and every info page (README, "Languages")."""
import importlib.util
from pathlib import Path
import re

from babel.messages.pofile import read_po
import pytest

from portal import i18n
from portal.web import formatting
from portal.i18n import LANGUAGES

from conftest import csrf_from

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")
OTHER_LANGUAGES = [code for code in LANGUAGES if code != "da"]


def danish_texts():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [m.id for m in module.extract() if m.id]


def test_the_portal_offers_danish_english_and_arabic():
    assert LANGUAGES == {"da": "Dansk", "en": "English", "ar": "العربية"}


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_configured_language_has_a_complete_catalogue(code):
    with open(ROOT / "portal" / "translations" / f"{code}.po", "rb") as f:
        catalogue = read_po(f, locale=code)
    missing, broken = [], []
    for message_id in danish_texts():
        message = catalogue.get(message_id)
        forms = () if message is None else message.string if isinstance(message.string, tuple) else (message.string,)
        if not forms or not all(forms):
            missing.append(message_id)
            continue
        # Placeholders and HTML come through exactly; every plural form keeps the plural's.
        wanted = sorted(set(PLACEHOLDER.findall(message_id[1] if isinstance(message_id, tuple) else message_id)))
        broken += [(message_id, form) for form in forms if sorted(set(PLACEHOLDER.findall(form))) != wanted]
    assert missing == [], f"run scripts/update_translations.py and translate in {code}.po: {missing}"
    assert broken == []
    assert catalogue.num_plurals == (6 if code == "ar" else 2)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_configured_language_has_every_info_page(code):
    danish = sorted(path.name for path in CONTENT.glob("*.md"))
    assert danish, "content/ has no pages"
    assert sorted(path.name for path in (CONTENT / code).glob("*.md")) == danish
    assert (ROOT / "site" / f"mkdocs.{code}.yml").is_file()


def test_arabic_plurals_follow_its_six_forms():
    # Babel's order for "ar": zero, one, two, few (3-10), 100-102 and the like, many (11-99).
    i18n.load_catalogues()
    ngettext = i18n.ngettext_in("ar")
    texts = {n: ngettext("%(num)s linje.", "%(num)s linjer.", n) for n in (0, 1, 2, 3, 11, 100)}
    assert texts == {0: "0 سطر.", 1: "سطر واحد (1).", 2: "سطران (2).", 3: "3 أسطر.", 11: "11 سطرًا.", 100: "100 سطر."}


def test_arabic_is_written_right_to_left_and_the_others_left_to_right():
    assert {code: i18n.text_direction(code) for code in LANGUAGES} == {"da": "ltr", "en": "ltr", "ar": "rtl"}


def test_arabic_dates_have_arabic_names_and_latin_digits():
    assert formatting.meeting_time("2026-12-03T09:00:00Z", "ar") == "الخميس 3 ديسمبر، الساعة 10:00"
    assert formatting.date_only("2026-11-23", "ar") == "23 نوفمبر 2026"


def choose(client, code):
    token = csrf_from(client.get("/").text)
    return client.post("/language", data={"csrf_token": token, "lang": code, "next": "/"})


def test_every_page_offers_every_language_in_its_own_name(client):
    page = client.get("/").text
    for code, name in LANGUAGES.items():
        assert name in page
    assert '<button class="link" name="lang" value="ar" lang="ar" dir="auto">العربية</button>' in page
    assert '<html lang="da">' in page


def test_a_parent_can_read_their_home_page_in_arabic_right_to_left(auth, client):
    auth.sign_in()
    choose(client, "ar")
    page = client.get("/").text
    assert '<html lang="ar" dir="rtl">' in page
    for text in ("مسؤول التواصل معك", "اجتماعك القادم", "سجِّل الخروج", "بيان إمكانية الوصول", "/info/ar/"):
        assert text in page, text
    assert "Dit næste møde" not in page
    assert '<span aria-current="true">العربية</span>' in page
    # The municipality's phone number reads left to right inside the Arabic page.
    assert 'href="tel:+4570101010" dir="ltr"' in page
    choose(client, "da")
    assert '<html lang="da">' in client.get("/").text
