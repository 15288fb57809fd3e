"""Launch Debian's Chromium for browser tests (Playwright cannot download its own)."""
import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Chromium runs as root on CI machines and must not try to reach outside hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def launch(playwright):
    """Start headless Chromium with the flags these machines need."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )


def axe_violations(page):
    """Run axe-core (shipped in axe-playwright-python) and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    result = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_RULES},
            # Only violations are read; leaving out the passes is faster.
            "resultTypes": ["violations"],
        },
    )
    return result.response["violations"]


SETTLE_SCRIPT = """() => Promise.all(
    document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map(a => a.finished.catch(() => null))
)"""


def settle(page):
    """Wait until running CSS transitions and animations have ended.

    axe reads colours as they are painted: a search result that is still
    fading in is measured half-transparent over the overlay behind it, and
    fails contrast although the finished page passes (a CI run caught this).
    """
    page.evaluate(SETTLE_SCRIPT)


def new_link(app, email=None, kind="parent"):
    """A fresh sign-in link for the demo person with this e-mail (default: the demo parent Sara Holm)."""
    from portal import demo as demo_data
    from portal.data import links
    from portal.data.db import get_db

    with app.app_context():
        table = "parents" if kind == "parent" else "staff"
        person = next(get_db()[table].rows_where("email = ?", [email or demo_data.PARENT_EMAIL]))
        return links.issue(kind, person["id"])


def sign_in(tab, app, **kwargs):
    """Open a fresh link in `tab` and press Fortsæt; a parent is then confirmed as MitID would (confirm_mitid)."""
    tab.page.goto(new_link(app, **kwargs))
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_load_state()
    if kwargs.get("kind", "parent") == "parent":
        confirm_mitid(tab.page, app)


def confirm_mitid(page, app):
    """After a parent's Fortsæt: raise their session to Substantial as MitID would, and show the page again.

    The case pages need MitID (access.py); tests/test_browser_mitid.py takes the
    real way through the test MitID, the other browser tests use this stand-in.
    """
    from bench.servers import confirm_as_mitid

    page.wait_for_load_state()
    confirm_as_mitid(app.config["DATABASE"])
    page.reload()


def serve(app):
    """Serve `app` on a free local port in a thread; BASE_URL follows the port. Returns the server."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Tab:
    """One browser context and page that records every request it makes.

    `checked` lists the URLs axe has passed; with JavaScript off axe cannot run,
    so check_accessibility() only notes the page (the JavaScript-on pass checks it).
    """

    def __init__(self, browser, origin, *, viewport=PHONE, javascript=True):
        self.javascript = javascript
        self.viewport = viewport
        self.origin = origin
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript, locale="da-DK")
        self.page = self.context.new_page()
        self.requests = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.checked = []

    def goto(self, path_or_url):
        url = path_or_url if path_or_url.startswith("http") else self.origin + path_or_url
        response = self.page.goto(url)
        return response

    def resize(self, viewport):
        self.viewport = viewport
        self.page.set_viewport_size(viewport)

    def main_text(self):
        return self.page.inner_text("main")

    def check_accessibility(self):
        self.page.wait_for_load_state()  # a click returns before the new page's stylesheet applies
        violations = axe_violations(self.page) if self.javascript else []
        summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert summary == [], f"axe on {self.page.url} at {self.viewport['width']} px: {summary}"
        self.checked.append(self.page.url)

    def check_fits_width(self):
        self.page.wait_for_load_state()
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{self.page.url} is {width} px wide at {self.viewport['width']} px"

    def foreign_requests(self):
        return [url for url in self.requests if not url.startswith(self.origin + "/") and not url.startswith("data:")]

    def close(self):
        self.context.close()
