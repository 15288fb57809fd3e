"""The production setup as README describes it: deploy/nginx.conf in front of gunicorn.

nginx is installed by the test command (./test.sh), the way Chromium is.
"""
import http.client
import re
import socket
import ssl
import time

import pytest

from bench.servers import SERVER_NAME, LoopbackHTTPS, Production, tls_context
from portal.web.security import BASE_HEADERS


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    env = {
        "FAMILIEPORTAL_PRODUCTION": "1",
        "FAMILIEPORTAL_SECRET_KEY": "n" * 48,
        "FAMILIEPORTAL_BASE_URL": f"https://{SERVER_NAME}",
        "FAMILIEPORTAL_DATABASE": str(folder / "portal.db"),
        "FAMILIEPORTAL_OUTBOX_DIR": str(folder / "outbox"),
        "FAMILIEPORTAL_EMAIL_BACKEND": "outbox",
        "FAMILIEPORTAL_PROXY_COUNT": "1",
        "FAMILIEPORTAL_WORKERS": "1",
        "FAMILIEPORTAL_THREADS": "4",
    }
    import os
    import subprocess
    import sys

    cli = [sys.executable, "-c", "from portal.cli import main; main()"]
    subprocess.run([*cli, "demo"], env={**os.environ, **env}, check=True, capture_output=True)
    link = subprocess.run([*cli, "link", "sara.holm@example.dk"], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.strip()
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
    try:
        for _ in range(200):
            raw = socket.create_connection(("127.0.0.1", servers.https_port), timeout=10)
            connection = tls_context().wrap_socket(raw, server_hostname=SERVER_NAME)
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
