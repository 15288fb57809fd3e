"""The info site builds offline and strictly, and every page carries the settings."""
from html.parser import HTMLParser
import json
import shutil
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from portal import info_site
from portal.settings import languages
from tests.site_helpers import CONTENT, LANGUAGES, PAGES, PREFIXES, build, built_site, language_of, page_file

GENERIC_LINK_TEXTS = {
    "her", "klik her", "læs mere", "link", "mere", "se her", "denne side",
    "here", "click here", "read more", "more", "this page", "this",
}


@pytest.fixture(scope="module")
def site():
    return built_site()[0]


@pytest.fixture(scope="module")
def municipality():
    return info_site.load_settings()


class Page(HTMLParser):
    """The parts of a built page these tests look at."""

    def __init__(self, html):
        super().__init__()
        self.lang = None
        self.headings = []
        self.links = []  # (href, text, attrs)
        self.resources = []  # src/href of things the browser loads
        self._link = None
        self._heading = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [int(tag[1]), ""]
        if tag == "a" and "href" in attrs:
            self._link = [attrs["href"], "", attrs]
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "preconnect", "manifest"):
            self.resources.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split()), self._link[2]))
            self._link = None
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None

    def handle_data(self, data):
        if self._link:
            self._link[1] += data
        if self._heading:
            self._heading[1] += data


def parse(site, page):
    return Page(page_file(site, page).read_text(encoding="utf-8"))


def test_site_builds_strictly_offline_in_under_five_seconds():
    site, seconds = built_site()
    print(f"\nInfo site build (every language, strict, offline): {seconds:.2f} s")
    assert (site / "index.html").is_file()
    assert seconds < 5


def test_build_site_prints_its_build_time(tmp_path, capsys):
    build(tmp_path / "public")  # quiet
    info_site.build_site(output=tmp_path / "public")
    assert "Built the info site" in capsys.readouterr().out


@pytest.mark.parametrize("page", PAGES)
def test_every_page_the_portal_links_to_exists(site, page):
    assert page_file(site, page).is_file()


@pytest.mark.parametrize("page", PAGES)
def test_page_language_is_marked(site, page):
    parsed = parse(site, page)
    language = language_of(page)
    assert parsed.lang == language
    # Words in the other languages are marked too (WCAG 3.1.2).
    texts = {text: attrs for href, text, attrs in parsed.links}
    for code, name in languages().items():
        if code != language:
            assert texts[name].get("lang") == code
    if language != "da":
        assert texts["Tilgængelighedserklæring"].get("lang") == "da"


def test_an_arabic_page_is_right_to_left(site):
    html = page_file(site, "ar/plan/").read_text(encoding="utf-8")
    assert '<html lang="ar"' in html and '<body dir="rtl">' in html
    # Phone numbers and e-mail addresses read left to right inside it.
    assert 'href="tel:+4570101010" dir="ltr"' in html


@pytest.mark.parametrize("page", PAGES)
def test_language_switch_leads_to_the_same_page_in_every_other_language(site, page):
    parsed = parse(site, page)
    language = language_of(page)
    slug = page.removeprefix(PREFIXES[language])
    for other in LANGUAGES:
        if other == language:
            continue
        switches = [href for href, text, attrs in parsed.links if attrs.get("hreflang") == other and "fp-language" in attrs.get("class", "")]
        assert len(switches) == 1, other
        target = urlsplit(urljoin("http://site/" + page, switches[0])).path.lstrip("/")
        assert target == PREFIXES[other] + slug
        assert page_file(site, target).is_file()


@pytest.mark.parametrize("page", PAGES)
def test_footer_links_the_accessibility_statement(site, page, municipality):
    links = [(href, text) for href, text, attrs in parse(site, page).links if text == "Tilgængelighedserklæring"]
    assert links == [(municipality["was_url"], "Tilgængelighedserklæring")]


@pytest.mark.parametrize("page", PAGES)
def test_footer_shows_the_municipalitys_contact_details(site, page, municipality):
    html = page_file(site, page).read_text(encoding="utf-8")
    for key in ("name", "department", "phone_display", "email", "address"):
        assert municipality[key] in html, key
    assert f'href="tel:{municipality["phone"]}"' in html
    hours = municipality.get("opening_hours_" + language_of(page)) or municipality["opening_hours"]
    assert hours in html


@pytest.mark.parametrize("page", PAGES)
def test_headings_are_in_order(site, page):
    levels = [level for level, text in parse(site, page).headings]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    assert all(text for level, text in parse(site, page).headings)


@pytest.mark.parametrize("page", PAGES)
def test_link_texts_make_sense_on_their_own(site, page):
    for href, text, attrs in parse(site, page).links:
        name = (attrs.get("aria-label") or text).strip()
        assert name, f"link to {href} has no text"
        assert name.lower().strip(".:!") not in GENERIC_LINK_TEXTS, f"link to {href}: {name!r}"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_another_origin(site, page):
    for url in parse(site, page).resources:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url


def test_search_is_in_the_language_of_the_pages(site):
    danish = json.loads((site / "search" / "search_index.json").read_text())
    english = json.loads((site / "en" / "search" / "search_index.json").read_text())
    arabic = json.loads((site / "ar" / "search" / "search_index.json").read_text())
    assert danish["config"]["lang"] == ["da"]
    assert english["config"]["lang"] == ["en"]
    assert arabic["config"]["lang"] == ["ar"]
    assert not any(doc["location"].startswith("ar/") for doc in danish["docs"])
    assert any("kontaktperson" in doc["location"] for doc in danish["docs"])
    assert not any(doc["location"].startswith("en/") for doc in danish["docs"])
    assert (site / "assets/javascripts/lunr/min/lunr.da.min.js").is_file()


def test_theme_uses_the_municipalitys_colours_and_logo(site, municipality):
    css = (site / "assets/site/colours.css").read_text()
    assert municipality["colours"]["primary"] in css
    assert municipality["colours"]["primary_text"] in css
    assert (site / municipality["logo"]).is_file()
    html = page_file(site, "en/plan/").read_text()
    assert f'src="../../{municipality["logo"]}"' in html


def test_settings_and_english_sources_are_not_published(site):
    assert not (site / "settings.yml").exists()
    assert not (site / "en" / "en").exists()
    assert not (site / "ar" / "ar").exists() and not (site / "en" / "ar").exists()


def test_changing_the_settings_changes_every_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    settings_file = content / "settings.yml"
    settings = yaml.safe_load(settings_file.read_text())
    m = settings["extra"]["municipality"]
    m.update(
        name="Prøvelse Kommune",
        phone="+4511223344",
        phone_display="11 22 33 44",
        was_url="https://www.was.digst.dk/proevelse-dk",
        address="Torvet 9, 1234 Prøveby",
    )
    m["colours"]["primary"] = "#123456"
    settings_file.write_text(yaml.safe_dump(settings, allow_unicode=True))

    output = tmp_path / "public"
    build(output, content=content)
    for page in PAGES:
        html = page_file(output, page).read_text(encoding="utf-8")
        for new in ("Prøvelse Kommune", "11 22 33 44", "tel:+4511223344",
                    "https://www.was.digst.dk/proevelse-dk", "Torvet 9, 1234 Prøveby"):
            assert new in html, (page, new)
        assert "Demo Kommune" not in html, page
        assert "70 10 10 10" not in html, page
    assert "#123456" in (output / "assets/site/colours.css").read_text()
