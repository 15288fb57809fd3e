"""The WSGI middleware around the portal: the three operations endpoints, and each request measured.

/livez, /readyz and /metrics are answered here, before Flask: no session is
read, no Host header is checked (Prometheus and systemd ask 127.0.0.1:8000
directly), nothing is logged. Every other request gets a request id (nginx's
$request_id in X-Request-ID, or a new one), is counted and timed, and leaves
its route template and a pseudonymous user id in the environ for gunicorn's
access log line (logs.py). The work per request is a few dictionary lookups
and two metric updates; nothing is read from the database.
"""
import json
import re
import time
import uuid

from flask import g, has_app_context

from . import NO_ROUTE, QUIET_PATHS, ROUTE_KEY, USER_KEY, health, metrics

# nginx's $request_id is 32 hex digits; anything else a client sends is replaced (no text of theirs in logs).
REQUEST_ID = re.compile(r"[0-9a-fA-F-]{8,64}")
_JSON = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]


class Operations:
    def __init__(self, app, wsgi_app):
        self.wsgi_app = wsgi_app
        self.database = app.config["DATABASE"]
        self.endpoints = {"/livez": self.livez, "/readyz": self.readyz, "/metrics": self.metrics}
        assert set(self.endpoints) == QUIET_PATHS

    def __call__(self, environ, start_response):
        endpoint = self.endpoints.get(environ.get("PATH_INFO"))
        if endpoint is not None:
            method = environ.get("REQUEST_METHOD")
            if method not in ("GET", "HEAD"):
                status, headers, body = "405 Method Not Allowed", [*_JSON, ("Allow", "GET, HEAD")], b"{}"
            else:
                status, headers, body = endpoint()
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [b"" if method == "HEAD" else body]
        started = time.perf_counter()
        request_id = environ.get("HTTP_X_REQUEST_ID")
        if request_id is None or not REQUEST_ID.fullmatch(request_id):
            environ["HTTP_X_REQUEST_ID"] = uuid.uuid4().hex
        status = []

        def start_noting(status_line, headers, exc_info=None):
            # Flask answers inside its request context: the route and the user are known here.
            status.append(status_line)
            _note_route_and_user(environ)
            return start_response(status_line, headers, exc_info)

        try:
            return self.wsgi_app(environ, start_noting)
        finally:
            metrics.observe(environ.get("REQUEST_METHOD"), environ.get(ROUTE_KEY, NO_ROUTE),
                            status[-1][:3] if status else "500", time.perf_counter() - started)

    def livez(self):
        """Alive: this process answers. Nothing else is touched."""
        return "200 OK", _JSON, b'{"status": "alive"}'

    def readyz(self):
        ready, report = health.report(self.database)
        return "200 OK" if ready else "503 Service Unavailable", _JSON, json.dumps(report, indent=1).encode()

    def metrics(self):
        return "200 OK", [("Content-Type", metrics.CONTENT_TYPE), ("Cache-Control", "no-store")], \
            metrics.exposition(self.database)


def _note_route_and_user(environ):
    request = environ.get("werkzeug.request")
    rule = request.url_rule if request is not None else None
    environ[ROUTE_KEY] = rule.rule if rule is not None else NO_ROUTE
    if has_app_context() and g.get("user_kind"):
        # Pseudonymous: the kind of user and their row's id, never a name, address or token.
        environ[USER_KEY] = f"{g.user_kind}:{g.user_id}"
