"""Print each info page's first-view weight against a stock Material page.

Usage: .venv/bin/python bench/site_weight.py

Builds our site and, as the baseline, a one-page stock mkdocs-material site
(same Material version, fonts off so it builds offline), serves both on
127.0.0.1 and loads every page in Chromium at phone size with the HTTP cache
off. Weight = the sum of every response body, gzipped (level 6).
"""
import gzip
import os
from pathlib import Path
import sys
import tempfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import PHONE, launch  # noqa: E402
from tests.site_helpers import PAGES, build, offline, serve  # noqa: E402

STOCK_PAGE = """# Stock page

Material for MkDocs with its defaults. This paragraph stands in for content.
"""


def build_stock_site(folder):
    """Build a one-page Material site with stock settings; return its output."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(STOCK_PAGE)
    (folder / "mkdocs.yml").write_text(
        "site_name: Stock\ntheme:\n  name: material\n  font: false\n"
    )
    with offline():
        mkdocs_build(load_config(str(folder / "mkdocs.yml")))
    return folder / "site"


def first_view_weight(browser, url):
    """Load a page with no cache; return its gzip weight in bytes."""
    context = browser.new_context(viewport=PHONE)
    bodies = {}

    def only_local(route):
        # Routing also turns the HTTP cache off: every load is a first view.
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            route.abort()

    def record(response):
        try:
            bodies[response.url] = response.body()
        except Exception:
            bodies[response.url] = b""

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("response", record)
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(len(gzip.compress(body, 6)) for body in bodies.values())


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seconds = build(tmp / "public")
        print(f"Build (da + en, strict, offline): {seconds:.2f} s")
        stock = build_stock_site(tmp / "stock")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            with serve(stock, netlify={}) as base:
                baseline = first_view_weight(browser, base)
            print(f"Baseline, stock Material page: {baseline / 1024:.1f} KB gzip\n")
            print(f"{'page':24} {'KB gzip':>8} {'ratio':>6}")
            worst = 0
            with serve(tmp / "public") as base:
                for page in PAGES:
                    weight = first_view_weight(browser, base + page)
                    worst = max(worst, weight)
                    print(f"{'/' + page:24} {weight / 1024:8.1f} {weight / baseline:6.2f}")
            browser.close()
    print(f"\nHeaviest page: {worst / 1024:.1f} KB = {worst / baseline:.2f} × stock")
    return 0 if worst <= baseline else 1


if __name__ == "__main__":
    sys.exit(main())
