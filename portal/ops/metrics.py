"""/metrics for Prometheus: every name starts with familieportal_.

Per request (recorded by wsgi.py, a counter and one histogram bucket, no
database read): requests by method, route template and status, and their
duration by route. Under gunicorn these are kept in prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set up in gunicorn_conf.py), so
any worker's answer sums every worker's requests.

At scrape time, from the database, so every worker answers the same: the
outbox (pending messages, the oldest one's age, deliveries by result, dead
messages), the readiness checks, the last outbox round, backup and retention
run, the database's and its WAL's size, and build_info.
"""
import functools
import os
import sqlite3
from importlib import metadata
from pathlib import Path

from prometheus_client import (REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics,
                               generate_latest, multiprocess)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily

from ..data.clock import from_db_time, utcnow
from . import health
from ..data import ops_state as state

# A *_created series per label set (single-process mode only) says nothing Prometheus needs here.
disable_created_metrics()
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Few buckets: each costs memory per route and worker, and a page is either fast or worth a look.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter("familieportal_http_requests", "Requests answered, by method, route template and status.",
                   ["method", "route", "status"])
DURATION = Histogram("familieportal_http_request_duration_seconds",
                     "Time from the request's arrival in the app to its answer, by route template.", ["route"],
                     buckets=BUCKETS)

# Labelled children, looked up once: labels() validates and locks on every call.
_requests = {}
_durations = {}


def observe(method, route, status, seconds):
    """Count one answered request and its duration."""
    if method not in METHODS:
        method = "other"  # a label per made-up method would let anyone grow the metrics
    key = (method, route, status)
    counter = _requests.get(key)
    if counter is None:
        counter = _requests.setdefault(key, REQUESTS.labels(method, route, status))
    histogram = _durations.get(route)
    if histogram is None:
        histogram = _durations.setdefault(route, DURATION.labels(route))
    counter.inc()
    histogram.observe(seconds)


class _ThisProcess:
    """The default registry's metrics, when there is only this process (the development server, tests)."""

    def collect(self):
        yield from REGISTRY.collect()


def _timestamp(at):
    return from_db_time(at).timestamp() if at else 0.0


class FromDatabase:
    """What the database says at scrape time."""

    def __init__(self, database_path):
        self.path = database_path

    def collect(self):
        ready, results = health.checks(self.path)
        check = GaugeMetricFamily("familieportal_check_ok", "1 when the readiness check passes (as /readyz).",
                                  labels=["check"])
        for name, result in results.items():
            check.add_metric([name], 1.0 if result["ok"] else 0.0)
        yield check
        yield GaugeMetricFamily("familieportal_ready", "1 when every readiness check passes.", value=float(ready))
        for suffix, label in (("", "database"), ("-wal", "WAL")):
            try:
                size = os.path.getsize(f"{self.path}{suffix}")
            except OSError:
                size = 0
            name = "familieportal_database_size_bytes" if not suffix else "familieportal_database_wal_size_bytes"
            yield GaugeMetricFamily(name, f"Size of the {label} file.", value=float(size))
        if results["database"]["ok"]:
            try:
                yield from self._outbox_and_runs()
            except sqlite3.Error:
                pass  # familieportal_check_ok already says the database does not answer
        yield self._build()

    def _outbox_and_runs(self):
        connection = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=health.BUSY_TIMEOUT_MS / 1000)
        try:
            pending, oldest = connection.execute(
                "SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL").fetchone()
            dead = connection.execute(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NOT NULL AND attempts > 0"
            ).fetchone()[0]
            rows = {name: (at, count) for name, at, count in connection.execute("SELECT name, at, count FROM ops_state")}
        finally:
            connection.close()
        yield GaugeMetricFamily("familieportal_outbox_pending_messages",
                                "E-mails and SMS waiting to be sent (SMS wait for the morning at night).",
                                value=float(pending))
        age = (utcnow() - from_db_time(oldest)).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("familieportal_outbox_oldest_pending_age_seconds",
                                "Age of the oldest message waiting to be sent; 0 when none waits.", value=max(0.0, age))
        deliveries = CounterMetricFamily(
            "familieportal_outbox_deliveries",
            "Tries to send a message, by result: sent; retry (failed, tried again later); failed (given up after"
            " tries); dropped (given up untried: the link expired in the queue, or no one may receive it).",
            labels=["result"])
        for result in state.RESULTS:
            deliveries.add_metric([result], float(rows.get(f"outbox_{result}", (None, 0))[1]))
        yield deliveries
        yield GaugeMetricFamily("familieportal_outbox_dead_messages",
                                "Messages given up after tries, kept 90 days; their coordinators see them.",
                                value=float(dead))
        for name, metric, text in (
            (state.OUTBOX_WORKER, "outbox_worker_last_round", "the outbox worker last finished a round"),
            ("backup", "last_backup", "the last `familieportal backup` succeeded"),
            ("retention", "last_retention_run", "the last `familieportal retention` run succeeded"),
        ):
            yield GaugeMetricFamily(f"familieportal_{metric}_timestamp_seconds",
                                    f"When {text} (Unix time); 0 if never.",
                                    value=_timestamp(rows.get(name, (None, 0))[0]))

    def _build(self):
        info = InfoMetricFamily("familieportal_build", "The running version and commit.")
        info.add_metric([], {"version": _version(), "commit": _commit()})
        return info


@functools.cache
def _version():
    try:
        return metadata.version("familieportalen")
    except metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def _commit():
    """The commit of the checkout the portal runs from, read from .git (no git process); "unknown" without one."""
    try:
        return git_commit(Path(__file__).resolve().parents[2] / ".git")
    except (OSError, ValueError, IndexError):
        return "unknown"


def git_commit(git):
    if git.is_file():  # a worktree: .git names the real folder
        git = (git.parent / git.read_text().split(":", 1)[1].strip()).resolve()
    common = git / (git / "commondir").read_text().strip() if (git / "commondir").is_file() else git
    head = (git / "HEAD").read_text().strip()
    if not head.startswith("ref: "):
        return head  # detached
    ref = head.removeprefix("ref: ")
    for folder in (git, common):
        if (folder / ref).is_file():
            return (folder / ref).read_text().strip()
    for line in (common / "packed-refs").read_text().splitlines():
        if line.endswith(f" {ref}"):
            return line.split(" ", 1)[0]
    raise ValueError(f"no commit for {ref}")


def multiprocess_mode():
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition(database_path):
    """The metrics as Prometheus text."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(FromDatabase(database_path))
    return generate_latest(registry)
