"""The production setup as README describes it: deploy/nginx.conf in front of gunicorn.

nginx is installed by the test command (./test.sh), the way Chromium is.
"""
import http.client
import json
import re
import socket
import ssl
import time

import pytest

from bench.servers import SERVER_NAME, LoopbackHTTPS, Production, confirm_as_mitid, tls_context
from ops_helpers import portal_env, run_cli
from portal.web.security import BASE_HEADERS, HSTS


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    env = portal_env(folder, FAMILIEPORTAL_WORKERS="1")
    run_cli(env, "demo")
    link = run_cli(env, "link", "sara.holm@example.dk").stdout.strip()
    servers = Production(folder, env)
    yield servers, link.removeprefix(f"https://{SERVER_NAME}")
    servers.stop()


def request(servers, method, path, body=None, headers=None, host=SERVER_NAME, timeout=10):
    connection = LoopbackHTTPS(servers.https_port, timeout=timeout)
    connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode(errors="replace")


def test_the_portal_is_served_over_tls_through_nginx(production):
    servers, _link = production
    status, headers, body = request(servers, "GET", "/")
    assert status == 200 and "Velkommen" in body
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "server" not in headers or "nginx/" not in headers["server"]  # no version told


def test_plain_http_is_sent_to_https(production):
    servers, _link = production
    connection = http.client.HTTPConnection("127.0.0.1", servers.http_port, timeout=5)
    connection.request("GET", "/goals", headers={"Host": SERVER_NAME})
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == f"https://{SERVER_NAME}/goals"


def test_another_host_name_gets_no_answer(production):
    servers, _link = production
    with pytest.raises((ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)):
        context = tls_context()
        with socket.create_connection(("127.0.0.1", servers.https_port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="evil.example.com"):
                pass


def test_a_huge_body_is_refused_by_nginx_in_danish_with_the_portals_security_headers(production):
    servers, _link = production
    status, headers, body = request(servers, "POST", "/login", body=b"contact=" + b"x" * (2 * 1024 * 1024),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and "Det, du sendte, var for stort" in body
    for name, value in BASE_HEADERS:
        assert headers[name.lower()] == value, name
    assert headers["cache-control"] == "no-store"


def test_the_security_headers_nginx_writes_are_the_portals_own():
    from pathlib import Path

    conf = (Path(__file__).resolve().parent.parent / "deploy" / "familieportal-headers.conf").read_text()
    written = dict(re.findall(r'add_header ([\w-]+) "([^"]*)" always;', conf))
    for name, value in BASE_HEADERS:
        assert written[name] == value, name
    assert re.search(r'map \$scheme \$familieportal_hsts \{\s*https "([^"]*)";', conf).group(1) == HSTS[1]


def raw_request(port, data, tls=True):
    """Send bytes as they are (no client library tidies them) and read the answer's head.

    Returns the status, the headers as (lower-case name, value) pairs in the
    order sent (a header sent twice comes twice) and what came of the body.
    """
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls:
        connection = tls_context().wrap_socket(connection, server_hostname=SERVER_NAME)
    answer = b""
    with connection:
        connection.sendall(data)
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, value in (line.split(":", 1) for line in lines)]
    return int(status_line.split()[1]), headers, body.decode(errors="replace")


def values(headers, name):
    return [value for header, value in headers if header == name.lower()]


HOST = f"Host: {SERVER_NAME}\r\n".encode()
CLOSE = b"Connection: close\r\n"

# Requests nginx refuses itself, many before it has chosen a location: (request, status, a word of its page).
MALFORMED = {
    "a bad request line": (b"GARBAGE\r\n\r\n", 400, "400 Bad Request"),
    "HTTP/1.1 without Host": (b"GET / HTTP/1.1\r\n" + CLOSE + b"\r\n", 400, "400 Bad Request"),
    "a 9 KB URI": (b"GET /" + b"a" * 9 * 1024 + b" HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n", 414, "414 Request-URI Too Large"),
    # nginx's 494, sent as 400.
    "an oversized header": (b"GET / HTTP/1.1\r\n" + HOST + b"X-Big: " + b"b" * 9 * 1024 + b"\r\n" + CLOSE + b"\r\n",
                            400, "Request Header Or Cookie Too Large"),
    "TRACE": (b"TRACE / HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n", 405, "405 Not Allowed"),
    # In location /, reading the body for the portal.
    "a broken chunked body": (b"POST /login HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n" + CLOSE
                              + b"\r\nzz\r\nhello\r\n0\r\n\r\n", 400, "400 Bad Request"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_nginx_refuses_a_malformed_request_with_the_portals_security_headers(production, case):
    servers, _link = production
    data, expected, page = MALFORMED[case]
    status, headers, body = raw_request(servers.https_port, data)
    assert status == expected and page in body
    for name, value in (*BASE_HEADERS, HSTS, ("Cache-Control", "no-store")):
        assert values(headers, name) == [value], name


def test_a_malformed_request_over_plain_http_gets_the_security_headers_but_hsts(production):
    servers, _link = production
    status, headers, body = raw_request(servers.http_port, b"GARBAGE\r\n\r\n", tls=False)
    assert status == 400 and "400 Bad Request" in body
    for name, value in BASE_HEADERS:
        assert values(headers, name) == [value], name
    assert values(headers, "Strict-Transport-Security") == []  # never over plain http (RFC 6797, 7.2)


def test_the_portals_answers_pass_nginx_with_their_own_headers_once(production):
    servers, _link = production
    _, headers, _ = raw_request(servers.https_port, b"GET / HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n")
    for name, value in (*BASE_HEADERS, HSTS):
        assert values(headers, name) == [value], name
    assert values(headers, "Cache-Control") == []  # the portal's home, signed out: nginx adds no no-store
    _, headers, _ = raw_request(servers.https_port, b"GET /static/portal.css HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n")
    assert values(headers, "Cache-Control") == ["no-cache"]
    # The portal's own 400 (no CSRF token) is its page, not nginx's.
    form = b"contact=sara"
    status, headers, body = raw_request(servers.https_port, b"POST /login HTTP/1.1\r\n" + HOST + CLOSE
                                        + b"Content-Type: application/x-www-form-urlencoded\r\n"
                                        + f"Content-Length: {len(form)}\r\n\r\n".encode() + form)
    assert status == 400 and "Siden var for gammel" in body
    assert values(headers, "Content-Security-Policy") == [BASE_HEADERS[0][1]]


def test_a_parent_signs_in_through_nginx_and_the_portal_sees_https_and_their_address(production):
    servers, link = production
    status, headers, body = request(servers, "GET", link)
    assert status == 200 and "Log ind som S*** H***" in body
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', body).group(1)
    cookie = headers["set-cookie"].split(";")[0]
    assert cookie.startswith("__Host-familieportal=")  # Secure cookies: the portal knows it is https
    status, headers, _ = request(servers, "POST", link, body=f"csrf_token={token}",
                                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    assert status == 302
    cookie = headers["set-cookie"].split(";")[0]
    confirm_as_mitid(servers.folder / "portal.db")  # the case pages need MitID: tests/test_mitid.py takes that way
    status, _, body = request(servers, "GET", "/", headers={"Cookie": cookie})
    assert status == 200 and "Din kontaktperson" in body


def test_nginx_logs_no_sign_in_token(production):
    servers, link = production
    request(servers, "GET", link)
    time.sleep(0.3)
    log = (servers.folder / "access.log").read_text()
    token = link.rsplit("/", 1)[1]
    assert "/login/[redacted]" in log and token not in log


def test_nginx_logs_no_calendar_feed_token(production):
    servers, _link = production
    token = "IjBNVDBVTW1VUkU3TjZtZlJjREoySUxfeFlfMEE0R1ZNbFR5RllMdjYwQmMi.3etNudm-dDjAFIy4b_SK1I0Wm40"
    status, _, _ = request(servers, "GET", f"/calendar/{token}.ics")
    assert status == 404
    time.sleep(0.3)
    log = (servers.folder / "access.log").read_text()
    assert "/calendar/[redacted]" in log and token not in log


def test_slow_clients_cannot_take_the_portal_down(production):
    """200 connections that send a header line now and then hold nginx buffers, not portal threads."""
    servers, _link = production
    slow = []
    # One context for all: making one loads the system's certificates (80 ms here), and
    # 200 of them took longer than nginx's 10 s for a request's head, so it closed the first.
    context = tls_context()
    try:
        for _ in range(200):
            raw = socket.create_connection(("127.0.0.1", servers.https_port), timeout=10)
            connection = context.wrap_socket(raw, server_hostname=SERVER_NAME)
            connection.sendall(f"GET / HTTP/1.1\r\nHost: {SERVER_NAME}\r\n".encode())
            slow.append(connection)
        timings = []
        for _ in range(10):
            started = time.monotonic()
            status, _headers, body = request(servers, "GET", "/", timeout=5)
            timings.append(time.monotonic() - started)
            assert status == 200 and "Velkommen" in body
            for connection in slow[:50]:
                connection.sendall(b"X-Slow: 1\r\n")
        assert sorted(timings)[len(timings) // 2] < 1.0, timings
    finally:
        for connection in slow:
            connection.close()


def test_too_many_requests_and_no_portal_get_nginxs_danish_pages_with_the_security_headers(tmp_path):
    servers = Production(tmp_path, portal_env(tmp_path, FAMILIEPORTAL_WORKERS="1"), per_address=1)
    try:
        home = b"GET / HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n"
        # A request whose body never comes holds the address's one place.
        held = tls_context().wrap_socket(socket.create_connection(("127.0.0.1", servers.https_port), timeout=10),
                                         server_hostname=SERVER_NAME)
        with held:
            held.sendall(b"POST /login HTTP/1.1\r\n" + HOST + b"Content-Length: 100\r\n\r\n")
            for _ in range(50):
                status, headers, body = raw_request(servers.https_port, home)
                if status != 200:
                    break
                time.sleep(0.1)
        assert status == 429 and "Vent lidt, og prøv igen" in body
        for name, value in (*BASE_HEADERS, HSTS, ("Cache-Control", "no-store")):
            assert values(headers, name) == [value], name
        servers.gunicorn.terminate()
        servers.gunicorn.wait(timeout=20)
        status, headers, body = raw_request(servers.https_port, home)
        assert status == 502 and "Familieportalen svarer ikke lige nu" in body
        for name, value in (*BASE_HEADERS, HSTS, ("Cache-Control", "no-store")):
            assert values(headers, name) == [value], name
    finally:
        servers.stop()


def test_metrics_are_served_to_this_machine_only(production):
    servers, _link = production
    status, headers, body = request(servers, "GET", "/metrics")
    assert status == 200 and "familieportal_build_info" in body
    # From another address (127.0.0.2 is this machine too, but not the address nginx allows).
    raw = socket.create_connection(("127.0.0.1", servers.https_port), timeout=10, source_address=("127.0.0.2", 0))
    with tls_context().wrap_socket(raw, server_hostname=SERVER_NAME) as connection:
        connection.sendall(f"GET /metrics HTTP/1.1\r\nHost: {SERVER_NAME}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403") and b"familieportal_" not in answer
    for path in ("/livez", "/readyz"):
        assert request(servers, "GET", path)[0] == 200, path  # from anywhere


def test_health_checks_and_metrics_stay_out_of_both_access_logs(production):
    servers, _link = production
    for path in ("/livez", "/readyz", "/metrics"):
        request(servers, "GET", path)
    request(servers, "GET", "/")
    time.sleep(0.5)
    nginx_log = (servers.folder / "access.log").read_text()
    portal_log = servers.gunicorn_log.read_text()
    assert '"GET /" 200' in nginx_log and '"route": "/"' in portal_log
    for path in ("/livez", "/readyz", "/metrics"):
        assert path not in nginx_log, path
        assert f'"{path}' not in portal_log, path


def test_the_portals_log_line_carries_nginxs_request_id(production):
    servers, _link = production
    request(servers, "GET", "/login", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})  # replaced
    time.sleep(0.5)
    nginx_line = [line for line in (servers.folder / "access.log").read_text().splitlines() if '"GET /login"' in line][-1]
    request_id = nginx_line.rsplit(" ", 1)[1]
    assert re.fullmatch("[0-9a-f]{32}", request_id) and request_id != "0123456789abcdef0123456789abcdef"
    portal_lines = [json.loads(line) for line in servers.gunicorn_log.read_text().splitlines()]
    [line] = [line for line in portal_lines if line.get("request_id") == request_id]
    assert (line["method"], line["route"], line["status"]) == ("GET", "/login", 200)
