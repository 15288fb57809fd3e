"""Every info page in Chromium, served with netlify.toml's headers.

Each page, at phone and desktop width: axe-core finds no WCAG 2.2 AA
violation, the Content-Security-Policy blocks nothing, the console shows no
error, nothing is requested from another origin, and the first view weighs
less than a stock Material page.
"""
import gzip
import ipaddress
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import DESKTOP, PHONE, axe_violations, launch
from tests.site_helpers import PAGES, built_site, serve

# A stock Material for MkDocs page transfers about 62 KB gzip on first view.
MAX_FIRST_VIEW_BYTES = 62 * 1024
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def is_local(url):
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="module")
def base_url():
    with serve(built_site()[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


class Tab:
    """One browser tab at one viewport, recording what each visit does.

    Routing every request (to refuse other origins) also turns off the HTTP
    cache, so each visit is a first view.
    """

    def __init__(self, browser, viewport):
        self.context = browser.new_context(viewport=viewport)
        self.context.route("**/*", self._only_local)
        self.context.add_init_script(WATCH_CSP)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("response", self._response)
        self._reset()

    def _reset(self):
        self.console_errors = []
        self.foreign_requests = []
        self.bodies = {}

    def open(self, url):
        """Load a page; return its response."""
        self._reset()
        self.response = self.page.goto(url, wait_until="load")
        return self.response

    def _only_local(self, route):
        if is_local(route.request.url):
            route.continue_()
        else:
            # Never leave this machine; record the attempt instead.
            self.foreign_requests.append(route.request.url)
            route.abort()

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.console_errors.append(f"{message.type}: {message.text}")

    def _response(self, response):
        try:
            self.bodies[response.url] = response.body()
        except Exception:  # redirects and aborted requests have no body
            self.bodies[response.url] = b""

    def csp_violations(self):
        return self.page.evaluate("window.__cspViolations")

    def gzip_weight(self):
        """Bytes transferred for the first view if every response is gzipped."""
        return sum(len(gzip.compress(body, 6)) for body in self.bodies.values())

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def tabs(browser):
    opened = {name: Tab(browser, size) for name, size in VIEWPORTS.items()}
    yield opened
    for tab in opened.values():
        tab.close()


@pytest.fixture
def visit(tabs, base_url):
    def open_page(page, viewport="phone"):
        tab = tabs[viewport]
        tab.open(base_url + page)
        return tab

    return open_page


def format_violations(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']][:5]}"
        for v in violations
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page", PAGES)
def test_page_is_accessible_secure_and_self_contained(visit, page, viewport):
    opened = visit(page, viewport)
    assert opened.response.status == 200
    # The headers from netlify.toml are really applied.
    assert "frame-ancestors 'none'" in opened.response.headers["content-security-policy"]

    violations = axe_violations(opened.page)
    assert violations == [], format_violations(violations)
    assert opened.csp_violations() == []
    assert opened.console_errors == []
    assert opened.foreign_requests == []


@pytest.mark.parametrize("page", PAGES)
def test_first_view_weighs_less_than_a_stock_material_page(visit, page):
    opened = visit(page)
    weight = opened.gzip_weight()
    print(f"\n{page or '/'}: {weight / 1024:.1f} KB gzip first view")
    assert weight <= MAX_FIRST_VIEW_BYTES, (
        f"{page}: {weight / 1024:.1f} KB, over {MAX_FIRST_VIEW_BYTES // 1024} KB:\n"
        + "\n".join(f"{len(gzip.compress(b, 6)):7} {u}" for u, b in opened.bodies.items())
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_finds_danish_word_forms_under_the_csp(visit, viewport):
    opened = visit("kontaktperson/", viewport)
    page = opened.page
    if viewport == "phone":
        page.click(".md-header label[for=__search]")
    else:
        page.click(".md-search__input")
    # "bisidderen" is not on any page; the Danish stemmer finds "bisidder".
    page.fill(".md-search__input", "bisidderen")
    results = page.locator(".md-search-result__list li")
    results.first.wait_for()
    assert "Dine rettigheder" in results.first.inner_text()

    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert opened.csp_violations() == []
    assert opened.console_errors == []
    assert opened.foreign_requests == []


def test_english_search_is_in_english(visit):
    opened = visit("en/kontaktperson/", "desktop")
    opened.page.click(".md-search__input")
    opened.page.fill(".md-search__input", "interpreter")
    results = opened.page.locator(".md-search-result__list li")
    results.first.wait_for()
    assert "Your rights" in results.first.inner_text()
    assert opened.console_errors == []


def test_missing_page_shows_the_not_found_page_without_errors(visit):
    opened = visit("findes-ikke/")
    assert opened.response.status == 404
    assert "Siden findes ikke" in opened.page.inner_text("h1")
    assert opened.csp_violations() == []
    assert opened.foreign_requests == []


def test_menu_and_search_open_with_the_keyboard_on_a_phone(visit):
    opened = visit("plan/")
    page = opened.page
    page.focus(".md-header label[for=__drawer]")
    page.keyboard.press("Enter")
    assert page.is_checked("#__drawer")
    page.keyboard.press("Enter")
    page.focus(".md-header label[for=__search]")
    page.keyboard.press("Enter")
    page.locator(".md-search__input").wait_for(state="visible")
    page.wait_for_function("document.activeElement.matches('.md-search__input')")
    page.keyboard.type("samtykke")
    opened.page.locator(".md-search-result__list li").first.wait_for()
    assert opened.console_errors == []
