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

    result = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_RULES},
            # Only violations are read; leaving out the passes is faster.
            "resultTypes": ["violations"],
        },
    )
    return result.response["violations"]
