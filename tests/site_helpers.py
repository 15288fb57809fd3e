"""Build the info site once per test run, and serve it the way Netlify does."""
from contextlib import contextmanager
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
import ipaddress
from pathlib import Path
import shutil
import socket
import tempfile
import threading
import time
from urllib.parse import urlsplit

from portal import info_site
from portal.settings import languages

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# The pages the portal links to (info_url + slug), in every language: Danish at the root.
SLUGS = [
    "", "kontaktperson/", "netvaerksmoeder/", "plan/", "samtykke/",
    "rettigheder/", "portalen/", "privatliv/", "kontakt/",
]
LANGUAGES = list(languages())
PREFIXES = {code: "" if code == "da" else code + "/" for code in LANGUAGES}
PAGES = [PREFIXES[code] + slug for code in LANGUAGES for slug in SLUGS]


def language_of(page):
    """'ar/plan/' -> 'ar'; a Danish page has no prefix."""
    first = page.split("/", 1)[0]
    return first if first in PREFIXES and first != "da" else "da"


def page_file(site, page):
    """Return the HTML file of a page path like 'en/plan/'."""
    return Path(site) / page / "index.html"


def _is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@contextmanager
def offline():
    """Refuse every network connection that leaves this machine."""
    original = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else ""
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(host):
            raise OSError(f"offline: the site build tried to reach {address}")
        return original(sock, address)

    socket.socket.connect = connect
    try:
        yield
    finally:
        socket.socket.connect = original


def build(output, content=None):
    """Build the site offline into output; return the seconds it took."""
    started = time.perf_counter()
    with offline():
        if content is None:
            info_site.build_site(quiet=True, output=output)
        else:
            with info_site._environment({"FAMILIEPORTAL_CONTENT": str(content)}):
                info_site.build_site(quiet=True, output=output)
    return time.perf_counter() - started


@functools.cache
def built_site():
    """Build the site once per test run into a temporary folder.

    Returns (folder, seconds). The folder is removed when Python exits.
    """
    folder = Path(tempfile.mkdtemp(prefix="familieportal-site-")) / "public"
    seconds = build(folder)
    import atexit

    atexit.register(shutil.rmtree, folder.parent, ignore_errors=True)
    return folder, seconds


class _NetlifyHandler(SimpleHTTPRequestHandler):
    """Serve static files with netlify.toml's headers and redirects."""

    netlify = None  # set per server

    def log_message(self, format, *args):
        pass

    def _redirect(self, path):
        for rule in self.netlify.get("redirects", []):
            if rule.get("status") in (301, 302) and rule["from"].rstrip("/") == path.rstrip("/"):
                return rule
        return None

    def send_head(self):
        path = urlsplit(self.path).path
        rule = self._redirect(path)
        if rule:
            self.send_response(rule["status"])
            self.send_header("Location", rule["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not Path(self.translate_path(self.path)).exists():
            # Netlify answers a missing page with the (language's) 404 page.
            not_found = "en/404.html" if path.startswith("/en/") else "404.html"
            body = (Path(self.directory) / not_found).read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().send_head()

    def end_headers(self):
        # Every response gets the headers netlify.toml sets for its path.
        path = urlsplit(self.path).path
        for name, value in info_site.headers_for(path, self.netlify).items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serve(site, netlify=None):
    """Serve a built site on 127.0.0.1 (random port); yield its base URL."""
    netlify = netlify if netlify is not None else info_site.netlify_config()
    handler = type(
        "Handler", (_NetlifyHandler,), {"netlify": netlify}
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(handler, directory=str(site)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
