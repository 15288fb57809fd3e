"""The documented production setup: gunicorn with threaded workers, production mode."""
import os
import signal
import socket
import subprocess
import sys
import time
import http.client
from pathlib import Path

import pytest

from ops_helpers import portal_env, run_cli

ROOT = Path(__file__).resolve().parent.parent
HOST = "familie.example.dk"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, host=HOST, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prod")
    port = free_port()
    # gunicorn straight on a port, no proxy in front.
    portal = portal_env(folder, FAMILIEPORTAL_BASE_URL=f"https://{HOST}", FAMILIEPORTAL_BIND=f"127.0.0.1:{port}",
                        FAMILIEPORTAL_PROXY_COUNT="0")
    del portal["FAMILIEPORTAL_THREADS"]  # gunicorn_conf's default: the slow-clients test counts on it
    env = {**os.environ, **portal}
    run_cli(portal, "init-db")
    run_cli(portal, "demo")
    link = run_cli(portal, "link", "sara.holm@example.dk").stdout.strip()
    log = open(folder / "gunicorn.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal:create_app()"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            request(port, "GET", "/")
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text())
    yield port, link, folder / "gunicorn.log"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    log.close()


def test_gunicorn_config_uses_threaded_workers_and_no_preload():
    from portal import gunicorn_conf

    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.threads >= 4
    assert gunicorn_conf.preload_app is False


def test_production_serves_the_right_host_with_hsts_and_rejects_others(gunicorn):
    port, _link, _log = gunicorn
    status, headers, body = request(port, "GET", "/")
    assert status == 200 and "Velkommen" in body
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert request(port, "GET", "/", host="evil.example.com")[0] == 400


def test_production_sign_in_page_sets_a_host_only_secure_cookie_and_logs_no_token(gunicorn):
    port, link, log = gunicorn
    path = link.removeprefix(f"https://{HOST}")
    status, headers, body = request(port, "GET", path)
    assert status == 200 and "Log ind som S*** H***" in body
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("__Host-familieportal=") and "Secure" in cookie and "HttpOnly" in cookie
    time.sleep(0.5)  # let the access log flush
    text = log.read_text()
    token = path.rsplit("/", 1)[1]
    assert token not in text
    assert '"route": "/login/<token>", "status": 200' in text  # the route template, never the path


def test_many_slow_clients_do_not_block_a_parent(gunicorn):
    """Connections that send nothing (a phone on a bad line) must not starve others."""
    port, _link, _log = gunicorn
    idle = []
    for _ in range(6):  # more than workers: sync workers would all be stuck
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n")  # never finishes
        idle.append(s)
    try:
        started = time.monotonic()
        status, _headers, _body = request(port, "GET", "/")
        assert status == 200
        assert time.monotonic() - started < 5
    finally:
        for s in idle:
            s.close()


def test_a_link_a_parent_asks_for_is_sent_by_the_workers_own_outbox_thread(gunicorn):
    """No separate process is needed: each gunicorn worker delivers what is queued, exactly once."""
    import json
    import re

    port, _link, log = gunicorn
    outbox = log.parent / "outbox"
    status, headers, body = request(port, "GET", "/login")
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', body).group(1)
    cookie = headers["Set-Cookie"].split(";")[0]
    form = f"csrf_token={token}&contact=thomas.holm%40example.dk"
    status, _headers, body = request(port, "POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Sec-Fetch-Site": "same-origin"})
    assert status == 200 and "Se din e-mail" in body
    deadline = time.monotonic() + 15
    messages = []
    while time.monotonic() < deadline and not messages:
        messages = [json.loads(p.read_text()) for p in outbox.glob("*.json")]
        time.sleep(0.2)
    assert [m["to"] for m in messages] == ["thomas.holm@example.dk"]
    assert f"https://{HOST}/login/" in messages[0]["text"]
    time.sleep(2)  # both workers' threads have had rounds since: still one message
    assert len(list(outbox.glob("*.json"))) == 1
