"""Every page a person can reach opens: as each role, on the demo's real rows, follow every link and GET form.

A probe found an edit form that crashed on any row with a date behind 888
green tests: no test had opened it with such a row. This walks the portal the
way people do, from their start page, and expects no server error and no
link to a page that does not exist.
"""
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from portal import demo as demo_data

# A walk is bounded, so a pager or a filter cannot make it endless; the demo needs far fewer.
MAX_PAGES = 1500
# Paths outside the portal's pages: the static info site and files.
OUTSIDE = ("/info/", "/static/")


class Page(HTMLParser):
    """The links and GET forms of one page: (href) and (action, [(name, value)])."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = (attrs.get("action") or "", []) if method == "get" else None
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image", "file"):
                self._form[1].append((attrs["name"], attrs.get("value") or ""))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None]
        elif self._select is not None and tag == "option":
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if self._form is not None and self._select[1] is not None:
                self._form[1].append(tuple(self._select))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def portal_path(base, href):
    """The path (with query) a link leads to on this portal, or None for another site, a fragment or a file."""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("http", "https") or url.netloc not in ("", "localhost"):
        return None
    if url.path.startswith(OUTSIDE):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client, start):
    """{path: response} of every page reachable from `start` by links and GET forms."""
    seen, queue = {}, list(start)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302, 303, 307, 308):
            target = portal_path("http://localhost" + path, response.headers["Location"])
            if target:
                queue.append(target)
            continue
        if not response.content_type.startswith("text/html"):
            continue
        page = Page()
        page.feed(response.get_data(as_text=True))
        base = "http://localhost" + path
        for href in page.links:
            target = portal_path(base, href)
            if target:
                queue.append(target)
        for action, fields in page.forms:
            target = portal_path(base, action or path)
            if target:
                queue.append(target.split("?")[0] + ("?" + urlencode(fields) if fields else ""))
    assert len(seen) < MAX_PAGES, "the walk did not end: a link makes new pages without end"
    return seen


ROLES = {
    "parent": (demo_data.PARENT_EMAIL, "parent", ["/"]),
    "father_apart": (demo_data.SPLIT_FAMILY_PARENT_EMAIL, "parent", ["/"]),
    "coordinator": (demo_data.COORDINATOR_EMAIL, "staff", ["/staff/"]),
    "other_coordinator": ("peter.friis@demo-kommune.dk", "staff", ["/staff/"]),
    "admin": (demo_data.ADMIN_EMAIL, "staff", ["/staff/"]),
    "visitor": (None, None, ["/", "/staff/"]),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_can_reach_opens(role, auth, client):
    email, kind, start = ROLES[role]
    if email:
        auth.sign_in(email, kind=kind)
    statuses = {path: response.status_code for path, response in crawl(client, start).items()}
    broken = {path: status for path, status in statuses.items() if status >= 500 or status == 404}
    assert not broken, f"pages that fail for {role}: {broken}"
    # The walk really went through the role's pages, not only the sign-in page.
    assert len([status for status in statuses.values() if status == 200]) >= (3 if role == "visitor" else 10)
