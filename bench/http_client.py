"""The load generator's HTTP client: kept-alive connections, cookie jars, and signing in over HTTP."""
import http.client
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.gunicorn_control import HOST
from bench.servers import confirm_as_mitid
from bench.workload import CSRF, HOME_MARKER


class Jar:
    """One signed-in person's cookies, and when their last request ended."""

    def __init__(self, cookies, who):
        self.cookies = dict(cookies)
        self.who = who
        self.last_done = float("-inf")


class Browser:
    """A keep-alive HTTP/1.1 connection with a tiny cookie jar.

    A request may carry someone else's jar instead (the real-traffic model: many
    signed-in people behind one kept-alive connection, as behind a proxy).
    """

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, jar=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        headers = {"Accept-Encoding": "identity"}
        cookies = self.cookies if jar is None else jar.cookies
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self.conn.sock is not None
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if not reused or body is not None:
                raise
            # The server closed an idle keep-alive connection (gunicorn's keepalive
            # setting); like a browser, retry a GET once on a new connection.
            return self.request(method, path, body, jar)
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        new = {}
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                new[name] = morsel.value
        if new:
            # A new dict, never changed in place: another thread may be reading the old one.
            if jar is None:
                self.cookies = {**self.cookies, **new}
            else:
                jar.cookies = {**jar.cookies, **new}
        if response.will_close:
            self.close()
        return response.status, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sign_in_over_http(port, link_url, landing=("/", HOME_MARKER), confirm=None):
    """Open the link, press Fortsæt (POST with the CSRF token), keep the session cookie.

    confirm: called after Fortsæt, before the landing page (a parent's stand-in for MitID).
    landing: (path, marker) of the page to check afterwards, or None to leave the
    first view to the benchmark (a real-traffic parent's first view is their landing).
    """
    browser = Browser(port)
    path = urlsplit(link_url).path
    status, page = browser.request("GET", path)
    match = CSRF.search(page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"sign-in page: HTTP {status}, no CSRF token")
    status, _ = browser.request("POST", path, body=urlencode({"csrf_token": match.group(1)}))
    if status != 302:
        raise RuntimeError(f"sign-in POST: HTTP {status}")
    if confirm:
        confirm()
    if landing:
        status, page = browser.request("GET", landing[0])
        if status != 200 or landing[1].encode() not in page:
            raise RuntimeError(f"{landing[0]} after sign-in: HTTP {status}")
    return browser


def sign_in_many(app, port, kind, ids, landing=None, threads=8):
    """Sign these people in over HTTP, `threads` at a time: a link from the portal's own code, opened and confirmed.

    Returns one Browser per id, in order (an id may come more than once: one session
    each; a new link revokes the person's unused ones, so theirs are signed in one
    after the other). Without a landing page the connection is closed afterwards.
    """
    from portal.data import links

    times = {}
    for user_id in ids:
        times[user_id] = times.get(user_id, 0) + 1

    def sign_in(user_id):
        browsers = []
        for _ in range(times[user_id]):
            with app.app_context():
                url = links.issue(kind, user_id)
            browser = sign_in_over_http(port, url, landing, confirm=(
                lambda: confirm_as_mitid(app.config["DATABASE"], user_id)) if kind == "parent" else None)
            if landing is None:
                browser.close()
            browsers.append(browser)
        return browsers

    with ThreadPoolExecutor(max_workers=threads) as pool:
        signed_in = dict(zip(times, pool.map(sign_in, times)))
    return [signed_in[user_id].pop() for user_id in ids]
