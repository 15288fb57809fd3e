"""Security headers on every response, and tokens kept out of logs."""
import logging

import pytest

from portal.web.security import RedactTokens, redact


@pytest.mark.parametrize("path", ["/", "/login", "/logged-out", "/static/portal.css", "/nowhere"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    # No page runs a script; only the passkey pages allow our own (tests/test_passkeys.py).
    assert "script-src 'none'" in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in headers  # only in production (HTTPS)


def test_parent_pages_have_no_inline_script_or_style(auth, client):
    auth.sign_in()
    html = client.get("/").text
    assert "<script" not in html
    assert "style=" not in html and "<style" not in html


def test_tokens_are_redacted_from_log_lines():
    line = '127.0.0.1 - - "GET /login/InNLZDRMZlE3.awRnLg.dNahy58va5As HTTP/1.1" 200 -'
    assert "InNLZDRM" not in redact(line)
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '%s "%s" %s', ("127.0.0.1", "POST /staff/login/abcdefghijkl.xyz HTTP/1.1", 302), None)
    RedactTokens().filter(record)
    assert "abcdefghijkl" not in record.getMessage() and "/staff/login/[redacted]" in record.getMessage()


def test_a_real_server_never_logs_a_token(app, auth, caplog):
    """Through werkzeug's own request log, the way a server writes it."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = auth.link()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}") as response:
            assert response.status == 200
    finally:
        server.shutdown()
    token = path.rsplit("/", 1)[1]
    assert "GET /login/[redacted]" in caplog.text
    assert token not in caplog.text
