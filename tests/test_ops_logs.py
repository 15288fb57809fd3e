"""gunicorn's and the app's log: JSON lines, one per request with its fields, and no personal data in any.

Real traffic through gunicorn (two workers): the demo parents and staff sign in
from links, walk their pages, add a goal, ask for a new link by e-mail, open a
calendar feed with a made-up token. Then every line of the log must parse as
JSON, and none may hold a demo person's name, e-mail, phone number, a sign-in
token, a session cookie or anything like a CPR number.
"""
import json
import re
import sqlite3
import uuid
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest

from bench.servers import CSRF, SERVER_NAME, Production, confirm_as_mitid
from portal import demo as demo_data

from ops_helpers import get, portal_env, run_cli
from test_crawl import Page, portal_path

PAGES_PER_ROLE = 80
ROLES = [(demo_data.PARENT_EMAIL, "parent", "/"), (demo_data.SPLIT_FAMILY_PARENT_EMAIL, "parent", "/"),
         (demo_data.COORDINATOR_EMAIL, "staff", "/staff/"), (demo_data.ADMIN_EMAIL, "staff", "/staff/")]


class Visitor:
    """A browser on plain http to gunicorn, as nginx passes it on: every request counted, each with a request id."""

    def __init__(self, port, sent, database=None):
        self.port, self.sent, self.cookie, self.database = port, sent, None, database

    def request(self, method, path, body=None):
        request_id = uuid.uuid4().hex
        headers = {"X-Request-ID": request_id, "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": "10.0.0.1"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, text = get(self.port, path, headers=headers, method=method) if body is None else \
            _post(self.port, path, body, headers)
        self.sent.append((request_id, method, status))
        if response_headers.get("set-cookie"):
            self.cookie = response_headers["set-cookie"].split(";")[0]
        return status, response_headers, text

    def sign_in(self, link):
        path = link.removeprefix(f"https://{SERVER_NAME}")
        _status, _headers, page = self.request("GET", path)
        status, _headers, _text = self.request("POST", path, body=f"csrf_token={CSRF.search(page).group(1)}")
        assert status == 302
        confirm_as_mitid(self.database)  # parents' case pages need MitID: a stand-in for the round trip

    def walk(self, start):
        seen, queue = set(), [start]
        while queue and len(seen) < PAGES_PER_ROLE:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            status, headers, text = self.request("GET", path)
            if status in (301, 302, 303) and headers.get("location"):
                target = portal_path("http://localhost" + path, headers["location"].replace(
                    f"https://{SERVER_NAME}", ""))
                if target:
                    queue.append(target)
                continue
            if not headers.get("content-type", "").startswith("text/html"):
                continue
            page = Page()
            page.feed(text)
            for href in page.links:
                if (target := portal_path("http://localhost" + path, href)) and "/logout" not in target:
                    queue.append(target)
        return seen


def _post(port, path, body, headers):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers={"Host": SERVER_NAME, "X-Forwarded-Proto": "https",
                                                             **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def traffic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    # Staff sign in here with links, as FAMILIEPORTAL_STAFF_LINKS allows in production (no single sign-on in this test).
    env = portal_env(folder, FAMILIEPORTAL_STAFF_LINKS="1")
    run_cli(env, "demo")
    links = {email: run_cli(env, "link", *(["--staff"] if kind == "staff" else []), email).stdout.strip()
             for email, kind, _start in ROLES}
    servers = Production(folder, env, nginx=False, workers=2)
    sent, cookies = [], []
    try:
        port = servers.gunicorn_port
        for email, _kind, start in ROLES:
            visitor = Visitor(port, sent, folder / "portal.db")
            visitor.sign_in(links[email])
            cookies.append(visitor.cookie)
            assert len(visitor.walk(start)) >= 10
            if start == "/":
                _status, _headers, page = visitor.request("GET", "/goals")
                status, _headers, _text = visitor.request("POST", "/goals", body=urlencode(
                    {"csrf_token": CSRF.search(page).group(1), "text": "Emil skal sove bedre", "for_whom": "family"}))
                assert status == 302
        stranger = Visitor(port, sent)
        _status, _headers, page = stranger.request("GET", "/login")
        stranger.request("POST", "/login", body=f"csrf_token={CSRF.search(page).group(1)}"
                                                f"&contact={quote(demo_data.PARENT_EMAIL)}")
        stranger.request("GET", f"/login?contact={quote(demo_data.PARENT_EMAIL)}&phone=20304050")  # a stray query
        stranger.request("GET", "/calendar/IjBNVDBVTW1VUkU3TjZtZlJjREoySUxfeFlfMEE0R1ZNbFR5RllMdjYwQmMi.3etNudm.ics")
        stranger.request("POST", "/login", body="contact=20304050")  # no CSRF token: the portal's 400
        for probe in ("/livez", "/readyz", "/metrics"):
            get(port, probe)
    finally:
        servers.stop()
    lines = servers.gunicorn_log.read_text().splitlines()
    return {"lines": lines, "sent": sent, "links": links, "cookies": cookies, "database": env["FAMILIEPORTAL_DATABASE"]}


def test_every_log_line_is_a_json_object_with_time_level_logger_and_message(traffic):
    assert len(traffic["lines"]) > 100
    for line in traffic["lines"]:
        record = json.loads(line)
        assert set(record) >= {"timestamp", "level", "logger", "message"}, line
        assert record["timestamp"].endswith("+00:00"), line  # UTC
    loggers = {json.loads(line)["logger"] for line in traffic["lines"]}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers


def test_each_request_has_one_line_with_its_id_method_route_status_and_duration(traffic):
    access = [json.loads(line) for line in traffic["lines"] if json.loads(line)["logger"] == "gunicorn.access"]
    assert len(access) == len(traffic["sent"])  # and none for /livez, /readyz or /metrics
    by_id = {record["request_id"]: record for record in access}
    for request_id, method, status in traffic["sent"]:
        record = by_id[request_id]
        assert (record["method"], record["status"]) == (method, status)
        assert record["route"] == "none" or record["route"].startswith("/")
        assert isinstance(record["duration_ms"], float)
    assert {record["route"] for record in access} >= {"/login/<token>", "/staff/login/<token>", "/goals",
                                                      "/staff/families/<id:family_id>"}
    users = {record.get("user") for record in access}
    assert {"parent:1", "parent:4", "staff:2", "staff:3"} <= users  # pseudonymous: kind and row id
    assert all("path" not in record for record in access)


def test_no_log_line_holds_a_name_an_email_a_phone_a_token_or_a_cpr_number(traffic):
    connection = sqlite3.connect(traffic["database"])
    secrets = set()
    for table, columns in (("parents", "name, email, phone"), ("staff", "name, email, phone"),
                           ("professionals", "name, phone"), ("children", "first_name, first_name")):
        for row in connection.execute(f"SELECT {columns} FROM {table}"):
            for value in row:
                if value:
                    secrets |= {value, value.replace(" ", "")}
                    secrets |= set(value.split()) if table != "staff" or "@" not in value else set()
    secrets |= {"20 30 40 50", "Holm", "Yilmaz", "Andersen", "Nielsen"}
    secrets |= {link.rsplit("/", 1)[1] for link in traffic["links"].values()}
    secrets |= {cookie.split("=", 1)[1] for cookie in traffic["cookies"]}
    secrets |= {quote(secret) for secret in secrets if "@" in secret}  # as in an address: sara.holm%40example.dk
    secrets |= {secret[-8:] for secret in secrets if re.fullmatch(r"\+45\d{8}", secret)}  # 20304050
    secrets = {secret for secret in secrets if len(secret) >= 4 and not secret.startswith("+45")} | {
        secret for secret in secrets if secret.startswith("+45") and len(secret) > 6}
    assert len(secrets) > 30
    text = "\n".join(traffic["lines"])
    assert sorted(secret for secret in secrets if secret in text) == []
    assert not re.search(r"\b\d{6}-?\d{4}\b", text)  # nothing shaped like a CPR number
