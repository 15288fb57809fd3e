"""The HTTP SMS gateway backend, against a local server that checks each request as GatewayAPI's REST docs describe it."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.data import links, outbox
from portal.messages import worker

from conftest import SARA, deliver

KEY = "test-token-0123456789abcdef"


class Gateway:
    """A stand-in for POST /rest/mtsms: checks method, path, token, JSON; answers what the test asks for."""

    def __init__(self):
        self.requests = []
        self.answers = []  # (status, body) per request; then 200 with ids
        self.delay = 0

    def handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._answer(405, {"code": "0x0001", "message": "Method not allowed"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                problem = gateway.check(self.path, self.headers, body)
                if problem:
                    return self._answer(*problem)
                gateway.requests.append(json.loads(body))
                if gateway.delay:
                    import time
                    time.sleep(gateway.delay)
                status, answer = gateway.answers.pop(0) if gateway.answers else (200, {
                    "ids": [1000 + len(gateway.requests)], "usage": {"total_cost": 0.03, "currency": "DKK"}})
                self._answer(status, answer)

            def _answer(self, status, answer):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def check(self, path, headers, body):
        if path != "/rest/mtsms":
            return 404, {"code": "0x0004", "message": "Not found"}
        if headers.get("Authorization") != f"Token {KEY}":
            return 401, {"code": "0x0213", "message": "Unauthorized"}
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return 415, {"code": "0x0214", "message": "Unsupported content type"}
        try:
            sms = json.loads(body)
        except ValueError:
            return 400, {"code": "0x0216", "message": "Invalid JSON"}
        recipients = sms.get("recipients")
        if (not isinstance(sms.get("message"), str) or not sms["message"]
                or not isinstance(recipients, list) or len(recipients) != 1
                or not isinstance(recipients[0].get("msisdn"), int)
                or not isinstance(sms.get("sender"), str) or not 1 <= len(sms["sender"]) <= 11):
            return 422, {"code": "0x0202", "message": "Invalid message"}
        return None


@pytest.fixture
def gateway(app):
    fake = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    app.config.update(SMS_BACKEND="gateway", SMS_GATEWAY_KEY=KEY, SMS_SENDER="DemoKommune",
                      SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_address[1]}/rest/mtsms")
    yield fake
    server.shutdown()
    server.server_close()


def queue_one(app):
    with app.app_context():
        return outbox.queue_link("sms", "+4520304050", links.reserve("parent", SARA, channel="sms"))


def outbox_row(db):
    return db.execute("SELECT attempts, sent_at IS NOT NULL, failed_at IS NOT NULL, last_error, body IS NOT NULL"
                      " FROM outbox").fetchone()


def test_an_sms_goes_to_the_gateway_as_its_docs_describe(app, gateway, db):
    queue_one(app)
    assert deliver(app) == 1
    [sms] = gateway.requests
    assert sms["recipients"] == [{"msisdn": 4520304050}]
    assert sms["sender"] == "DemoKommune"
    assert "http://localhost/login/" in sms["message"]
    assert outbox_row(db) == (1, 1, 0, None, 0)


def test_a_refused_message_fails_at_once_and_is_not_retried(app, gateway, db):
    gateway.answers = [(422, {"code": "0x0202", "message": "Invalid recipient"})]
    queue_one(app)
    assert deliver(app) == 0
    assert outbox_row(db) == (1, 0, 1, "sms gateway answered 422 0x0202", 0)
    db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
    assert deliver(app) == 0 and len(gateway.requests) == 1


def test_a_wrong_key_fails_at_once(app, gateway, db):
    app.config["SMS_GATEWAY_KEY"] = "not-the-right-token-at-all"
    queue_one(app)
    assert deliver(app) == 0
    assert outbox_row(db)[:4] == (1, 0, 1, "sms gateway answered 401 0x0213")


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_gateway_error_or_slow_down_is_retried_with_backoff_then_sent(app, gateway, db, status):
    gateway.answers = [(status, {"code": "0x0000", "message": "Try later"})]
    queue_one(app)
    assert deliver(app) == 0
    row = db.execute("SELECT attempts, failed_at, last_error, next_attempt_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                     " FROM outbox").fetchone()
    assert row == (1, None, f"sms gateway answered {status} 0x0000", 1)
    assert deliver(app) == 0  # waits for the backoff
    db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
    assert deliver(app) == 1
    assert len(gateway.requests) == 2


def test_a_gateway_that_does_not_answer_in_time_is_tried_again(app, gateway, db, monkeypatch):
    from portal.messages import sms_gateway
    monkeypatch.setattr(sms_gateway, "TIMEOUT_SECONDS", 0.2)
    gateway.delay = 0.6
    queue_one(app)
    assert deliver(app) == 0
    assert db.execute("SELECT attempts, failed_at, last_error FROM outbox").fetchone() == (
        1, None, "sms gateway not reached: TimeoutError")


def test_a_gateway_that_keeps_failing_is_given_up_after_the_last_retry(app, gateway, db):
    gateway.answers = [(502, {})] * (len(worker.BACKOFF) + 1)
    queue_one(app)
    for _ in range(len(worker.BACKOFF) + 1):
        db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
        deliver(app)
    assert outbox_row(db) == (len(worker.BACKOFF) + 1, 0, 1, "sms gateway answered 502", 0)


def test_no_error_kept_holds_the_number_or_the_text(app, gateway, db):
    gateway.answers = [(400, {"code": "0x0202", "message": "Bad msisdn 4520304050: http://localhost/login/abc"})]
    queue_one(app)
    deliver(app)
    error = db.execute("SELECT last_error FROM outbox").fetchone()[0]
    assert "4520304050" not in error and "login" not in error


# Configuration.

def make(monkeypatch, tmp_path, **env):
    for name, value in env.items():
        monkeypatch.setenv(f"FAMILIEPORTAL_{name}", value)
    return create_app({"DATABASE": str(tmp_path / "x.db")})


def test_the_gateway_has_no_default_key(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="SMS_GATEWAY_KEY"):
        make(monkeypatch, tmp_path, SMS_BACKEND="gateway")


def test_production_sends_the_key_over_https_only(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="https FAMILIEPORTAL_SMS_GATEWAY_URL"):
        make(monkeypatch, tmp_path, PRODUCTION="1", SECRET_KEY="x" * 40, BASE_URL="https://familie.example.dk",
             SMS_BACKEND="gateway", SMS_GATEWAY_KEY=KEY, SMS_GATEWAY_URL="http://gateway.example/rest/mtsms")
    monkeypatch.delenv("FAMILIEPORTAL_SMS_GATEWAY_URL")
    app = make(monkeypatch, tmp_path, PRODUCTION="1", SECRET_KEY="x" * 40, BASE_URL="https://familie.example.dk",
               SMS_BACKEND="gateway", SMS_GATEWAY_KEY=KEY)
    assert app.config["SMS_GATEWAY_URL"] == "https://gatewayapi.eu/rest/mtsms"


def test_a_sender_name_phones_would_not_show_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="SMS_SENDER"):
        make(monkeypatch, tmp_path, SMS_SENDER="Demo Kommune Familie")


def test_a_notice_reaches_the_gateway_with_a_fresh_link_and_nothing_about_the_family(app, gateway, db, monkeypatch):
    from datetime import time, timedelta

    from portal.data import clock
    from portal.data.changes import Actor, notices, plan
    from conftest import HOLM, METTE
    noon = clock.from_local(clock.today(), time(12))
    monkeypatch.setattr(clock, "utcnow", lambda: noon)  # not in the SMS-free night
    with app.test_request_context():
        plan.add_plan_item(Actor("staff", METTE), HOLM, what="Lektiehjælp til Emil", kind="school",
                           responsible="family", when_text="Hver tirsdag", status="active")
        notices.collect()
        assert notices.release(noon + timedelta(minutes=15)) == 2
    monkeypatch.setattr(clock, "utcnow", lambda: noon + timedelta(minutes=15))
    assert deliver(app) == 2
    assert sorted(sms["recipients"][0]["msisdn"] for sms in gateway.requests) == [4520304050, 4560708090]
    for sms in gateway.requests:
        assert sms["message"].startswith("Der er nyt i jeres plan i Familieportalen.\nSe det her: http://localhost/login/")
        assert "Emil" not in sms["message"] and "Holm" not in sms["message"] and "{link}" not in sms["message"]
