"""Operating the portal: health checks, metrics, JSON logs, and what they read.

- `health.py`: /livez and /readyz, and the checks `familieportal healthcheck` runs;
- `metrics.py`: /metrics for Prometheus (request counts and durations, and at
  scrape time the outbox, backups, retention, database size, build);
- `logs.py`: JSON log lines for gunicorn and the app, one line per request;
- `state.py`: the outbox worker's heartbeat and the last backup and retention
  run, kept in the database so that every worker answers the same;
- `wsgi.py`: the middleware that answers the three endpoints before Flask (no
  session, no Host check, nothing logged) and measures every other request;
- `upgrade.py` and `commands.py`: `familieportal upgrade` and `healthcheck`.
"""
# Answered before Flask, and kept out of every log and of the request metrics.
QUIET_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
# What the middleware leaves in the WSGI environ for the access log line (logs.py).
ROUTE_KEY = "familieportal.route"
USER_KEY = "familieportal.user"
NO_ROUTE = "none"  # no route matched (a 404 for an unknown address)


def init_app(app):
    """Answer /livez, /readyz and /metrics, and measure every other request."""
    from .wsgi import Operations

    app.wsgi_app = Operations(app, app.wsgi_app)
