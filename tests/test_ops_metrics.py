"""/metrics: Prometheus text that prometheus_client's own parser reads, the same from every gunicorn worker."""
import os
import re
import sqlite3
import threading
import time
from datetime import timedelta

import pytest

from bench.servers import Production
from portal.data.clock import to_db_time, utcnow
from portal.ops import metrics

from ops_helpers import get, portal_env, run_cli, scrape, value

# What the test sends: (path, expected status, route template), several times each.
TRAFFIC = [("/", 200, "/"), ("/login", 200, "/login"), ("/static/portal.css", 200, "/static/<path:filename>"),
           ("/no-such-page", 404, "none"), ("/goals", 302, "/goals"), ("/login/not-a-real-token", 400,
                                                                       "/login/<token>")]
ROUNDS = 12


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    # Set here (gunicorn_conf sets one up when none is given) so the test can see each worker's file.
    env = portal_env(folder, PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"))
    run_cli(env, "demo")
    servers = Production(folder, env, nginx=False, workers=2)
    yield servers, env
    servers.stop()


def send_traffic(port, rounds=ROUNDS):
    """rounds × TRAFFIC from four threads at once, each on a new connection; return the statuses seen."""
    statuses = []

    def worker(share):
        for path, _status, _route in share:
            statuses.append((path, get(port, path)[0]))

    requests = TRAFFIC * rounds
    threads = [threading.Thread(target=worker, args=(requests[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_requests_summed_over_two_workers_equal_the_requests_sent(portal):
    servers, env = portal
    port = servers.gunicorn_port

    def counters():
        return [name for name in os.listdir(env["PROMETHEUS_MULTIPROC_DIR"]) if name.startswith("counter_")]

    deadline = time.monotonic() + 30
    while len(counters()) < 2 and time.monotonic() < deadline:  # until both workers have booted and answered
        send_traffic(port, rounds=1)
    assert len(counters()) == 2, counters()  # each worker keeps its counts in its own file
    before = scrape(port)
    statuses = send_traffic(port)
    for probe in ("/livez", "/readyz", "/metrics"):  # not counted: they are not the portal's pages
        get(port, probe)
    assert sorted(set(statuses)) == sorted({(path, status) for path, status, _ in TRAFFIC})
    for _ in range(4):  # any worker gives the same sums
        after = scrape(port)

        def total(samples):
            return sum(v for _labels, v in samples.get("familieportal_http_requests_total", []))

        assert total(after) - total(before) == len(TRAFFIC) * ROUNDS
        for path, status, route in TRAFFIC:
            for name, labels in (("familieportal_http_requests_total", {"method": "GET", "route": route,
                                                                        "status": str(status)}),
                                 ("familieportal_http_request_duration_seconds_count", {"route": route})):
                assert value(after, name, **labels) - value(before, name, **labels) == ROUNDS, (name, labels)
        buckets = [labels["le"] for labels, _ in after["familieportal_http_request_duration_seconds_bucket"]
                   if labels["route"] == "/"]
        assert len(buckets) == len(metrics.BUCKETS) + 1 <= 10  # few buckets: each costs per route and worker


def test_scrape_time_values_come_from_the_database_and_every_worker_gives_the_same(portal):
    servers, env = portal
    port = servers.gunicorn_port
    database = env["FAMILIEPORTAL_DATABASE"]
    connection = sqlite3.connect(database, isolation_level=None)
    ten_minutes_ago = to_db_time(utcnow() - timedelta(minutes=10))
    later = to_db_time(utcnow() + timedelta(hours=1))  # waiting for a retry: pending, not sent meanwhile
    row = {"channel": "email", "recipient": "x@example.dk", "created_at": ten_minutes_ago, "next_attempt_at": later}
    for attempts, failed_at in ((1, None), (2, None), (3, ten_minutes_ago), (6, ten_minutes_ago)):
        connection.execute("INSERT INTO outbox (channel, recipient, created_at, next_attempt_at, attempts, failed_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)", [*row.values(), attempts, failed_at])
    assert run_cli(env, "backup", str(servers.folder / "backups" / "nightly.db")).returncode == 0
    assert run_cli(env, "retention").returncode == 0
    answers = [scrape(port) for _ in range(6)]
    for samples in answers:
        assert value(samples, "familieportal_outbox_pending_messages") == 2
        assert 600 <= value(samples, "familieportal_outbox_oldest_pending_age_seconds") < 700
        assert value(samples, "familieportal_outbox_dead_messages") == 2
        for name in ("familieportal_last_backup_timestamp_seconds", "familieportal_last_retention_run_timestamp_seconds",
                     "familieportal_outbox_worker_last_round_timestamp_seconds"):
            assert time.time() - 120 < value(samples, name) <= time.time() + 1, name
        assert value(samples, "familieportal_database_size_bytes") == os.path.getsize(database)
        assert value(samples, "familieportal_database_wal_size_bytes") >= 0
        assert value(samples, "familieportal_ready") == 1
        for check in ("database", "schema", "outbox_worker"):
            assert value(samples, "familieportal_check_ok", check=check) == 1
        (labels, info), = samples["familieportal_build_info"]
        assert info == 1 and labels["version"] == "0.1.0" and re.fullmatch("[0-9a-f]{40}", labels["commit"])
    stable = ("familieportal_outbox_pending_messages", "familieportal_outbox_dead_messages",
              "familieportal_outbox_deliveries_total", "familieportal_last_backup_timestamp_seconds",
              "familieportal_last_retention_run_timestamp_seconds", "familieportal_build_info", "familieportal_check_ok")
    seen = [{name: sorted(str(sample) for sample in samples[name]) for name in stable} for samples in answers]
    assert all(answer == seen[0] for answer in seen)


def test_the_outbox_worker_of_each_gunicorn_worker_keeps_the_portal_ready(portal):
    servers, _env = portal
    status, _headers, text = get(servers.gunicorn_port, "/readyz", headers={"Host": "127.0.0.1:8000"})
    assert status == 200, text
    assert '"outbox_worker"' in text


def test_deliveries_are_counted_by_result_sent_retry_failed_and_dropped(app, client, tmp_path):
    """The outbox's triggers count each end of a try; the counts survive the pruning of old messages."""
    from conftest import deliver
    from portal.data.db import get_db
    from portal.data import outbox
    from portal.messages.worker import BACKOFF

    def counts():
        samples = {}
        from prometheus_client.parser import text_string_to_metric_families

        for family in text_string_to_metric_families(client.get("/metrics").text):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append((sample.labels, sample.value))
        return {result: value(samples, "familieportal_outbox_deliveries_total", result=result)
                for result in ("sent", "retry", "failed", "dropped")}

    assert counts() == {"sent": 0, "retry": 0, "failed": 0, "dropped": 0}
    with app.app_context():
        outbox.queue_case_closed("email", "sara.holm@example.dk", family_id=1, parent_id=1)
    deliver(app)
    assert counts() == {"sent": 1, "retry": 0, "failed": 0, "dropped": 0}
    # A mail server that does not answer: a retry, and after the last try, failed.
    app.config.update(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_STARTTLS=False)
    with app.app_context():
        failing = outbox.queue_case_closed("email", "sara.holm@example.dk", family_id=1, parent_id=1)
    deliver(app)
    assert counts() == {"sent": 1, "retry": 1, "failed": 0, "dropped": 0}
    for _ in BACKOFF:  # the backoff has passed, each time
        with app.app_context():
            get_db().execute("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", [to_db_time(utcnow()), failing])
        deliver(app)
    retries = len(BACKOFF)
    assert counts() == {"sent": 1, "retry": retries, "failed": 1, "dropped": 0}
    # A message that expired in the queue is dropped untried.
    with app.app_context():
        expired = outbox.queue_case_closed("email", "sara.holm@example.dk", family_id=1, parent_id=1)
        get_db().execute("UPDATE outbox SET expires_at = ? WHERE id = ?",
                         [to_db_time(utcnow() - timedelta(minutes=1)), expired])
    deliver(app)
    assert counts() == {"sent": 1, "retry": retries, "failed": 1, "dropped": 1}
    with app.app_context():
        get_db().execute("DELETE FROM outbox")
    assert counts() == {"sent": 1, "retry": retries, "failed": 1, "dropped": 1}
