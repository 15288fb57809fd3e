"""JSON log lines on stdout, for gunicorn and the app alike (python-json-logger).

Every line is one JSON object: timestamp (UTC), level, logger, message, and
for a request its id (nginx's $request_id, passed as X-Request-ID), method,
route template, status and duration. Who made a request is only a
pseudonymous id ("parent:12", "staff:3"): never a name, e-mail, phone number
or token. Paths are not logged (the route template says which page), and any
sign-in or calendar token in a message is redacted from the whole line.

gunicorn_conf.py sets `logconfig_dict = logconfig()` and `logger_class =
"portal.ops.logs.GunicornLogger"`, whose access line replaces gunicorn's own.
/livez, /readyz and /metrics are never logged.
"""
import logging

from flask import has_request_context, request
from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter

from ..web.security import redact
from . import NO_ROUTE, QUIET_PATHS, ROUTE_KEY, USER_KEY


class JsonLines(JsonFormatter):
    """One JSON object a line; a token anywhere in it is redacted."""

    def __init__(self, *args, **kwargs):
        super().__init__("%(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level", "name": "logger"},
                         timestamp=True)

    def process_log_record(self, log_data):
        # The time first, as people read a log.
        return {"timestamp": log_data.pop("timestamp"), **log_data}

    def format(self, record):
        return redact(super().format(record))


class RequestFields(logging.Filter):
    """A line the app logs during a request (an error, say) carries the request's id, method and route."""

    def filter(self, record):
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = request.environ.get("HTTP_X_REQUEST_ID")
            record.method = request.method
            record.route = request.url_rule.rule if request.url_rule is not None else NO_ROUTE
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger, with one structured access line per request (what the middleware noted)."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        status = resp.status
        status = int(status.split(None, 1)[0]) if isinstance(status, str) else status
        method = environ.get("REQUEST_METHOD")
        route = environ.get(ROUTE_KEY, NO_ROUTE)
        fields = {
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
        }
        user = environ.get(USER_KEY)
        if user:
            fields["user"] = user
        try:
            self.access_log.info("%s %s %s", method, route, status, extra=fields)
        except Exception:
            self.error("Could not log a request")


def logconfig(level="INFO"):
    """logging.config.dictConfig settings: every logger's lines as JSON on stdout."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"],
               "stream": "ext://sys.stdout"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLines}},
        "filters": {"request": {"()": RequestFields}},
        "handlers": {"stdout": handler},
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stdout"], "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False,
                                "qualname": "gunicorn.access"},
        },
    }
