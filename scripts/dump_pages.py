"""Dump every page each demo role can reach, in every language, with the clock frozen, to compare byte for byte.

Usage: python scripts/dump_pages.py OUTDIR    (FAMILIEPORTAL_PLAIN_FRAMEWORK=1 for the plain framework)
Then: diff -r OUTDIR_BEFORE OUTDIR_AFTER
Each role signs in on a fresh demo database and follows every link and GET form (at most 800 pages a
role and language). CSRF tokens and sign-in and calendar-feed tokens are replaced by placeholders.
Used when the framework is upgraded (see README, "Upgrading Flask and its friends").
"""
import hashlib
import os
import re
import sys
import tempfile
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
from portal.data import clock  # noqa: E402

# Before the modules that import clock.utcnow by name are loaded.
FROZEN = datetime(2026, 12, 2, 11, 0, 0, tzinfo=timezone.utc)
clock.utcnow = lambda: FROZEN

from portal import create_app, demo  # noqa: E402
from portal.data.db import get_db, migrate  # noqa: E402
from portal.data import links  # noqa: E402
from portal.i18n import LANGUAGES  # noqa: E402
from portal.web.i18n import COOKIE  # noqa: E402

ROLES = {
    "sara": ("sara.holm@example.dk", "parent", ["/"]),
    "martin": ("martin.andersen@example.dk", "parent", ["/"]),
    "mette": ("mette.lund@demo-kommune.dk", "staff", ["/staff/"]),
    "anne": ("anne.krogh@demo-kommune.dk", "staff", ["/staff/"]),
    "visitor": (None, None, ["/", "/staff/", "/login"]),
}
CSRF_FIELD = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Page(HTMLParser):
    """The links and GET forms of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = (attrs.get("action") or "", []) if (attrs.get("method") or "get").lower() == "get" else None
        elif (self._form is not None and tag == "input" and attrs.get("name")
              and (attrs.get("type") or "text") not in ("submit", "checkbox", "radio")):
            self._form[1].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def portal_path(base, href):
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("http", "https") or url.netloc not in ("", "localhost") or url.path.startswith(("/info/", "/static/")):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def normalise(text):
    text = re.sub(r'(name="[a-z_]*-?csrf_token"(?: type="hidden")? value=")[^"]+', r"\1CSRF", text)
    text = re.sub(r'(name="csrf-token" content=")[^"]+', r"\1CSRF", text)
    return re.sub(r"/(login|calendar)/[A-Za-z0-9_\-\.]{20,}", r"/\1/TOKEN", text)


def sign_in(app, client, email, kind):
    with app.app_context():
        person = next(get_db()["parents" if kind == "parent" else "staff"].rows_where("email = ?", [email]))
        url = links.issue(kind, person["id"]).removeprefix("http://localhost")
    token = CSRF_FIELD.search(client.get(url).text).group(1)
    client.post(url, data={"csrf_token": token})


def crawl(client, start, write):
    seen, queue = set(), list(start)
    while queue and len(seen) < 800:
        path = queue.pop(0)
        if path in seen or "logout" in path:
            continue
        seen.add(path)
        response = client.get(path)
        write(path, f"{path}\n{response.status_code}\n{response.content_type}\n{normalise(response.get_data(as_text=True))}")
        if response.status_code in (301, 302, 303):
            target = portal_path("http://localhost" + path, response.headers["Location"])
            queue += [target] if target else []
            continue
        if not response.content_type.startswith("text/html"):
            continue
        parser = Page()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            target = portal_path("http://localhost" + path, href)
            queue += [target] if target else []
        for action, fields in parser.forms:
            target = portal_path("http://localhost" + path, action or path)
            if target:
                queue.append(target.split("?")[0] + ("?" + urlencode(fields) if fields else ""))


def dump(out):
    """Write each page as OUT/<language>-<role>-<hash of its path>.txt; return how many.

    The clock is frozen for the whole process: run this as a script.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "DATABASE": str(folder / "d.db"), "OUTBOX_DIR": str(folder / "o"),
                      "BASE_URL": "http://localhost"})
    with app.app_context():
        migrate(get_db())
        demo.load()
    count = 0
    for language in LANGUAGES:
        for role, (email, kind, start) in ROLES.items():
            client = app.test_client()
            client.set_cookie(COOKIE, language)
            if email:
                sign_in(app, client, email, kind)

            def write(path, text):
                nonlocal count
                (out / f"{language}-{role}-{hashlib.sha1(path.encode()).hexdigest()[:12]}.txt").write_text(text)
                count += 1

            crawl(client, start, write)
    return count


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(dump(sys.argv[1]), "pages written to", sys.argv[1])
