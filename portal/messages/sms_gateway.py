"""Send an SMS through an HTTP SMS gateway with GatewayAPI.com's REST interface.

One message a request: `POST {FAMILIEPORTAL_SMS_GATEWAY_URL}` (e.g.
https://gatewayapi.eu/rest/mtsms, the EU platform) with the header
`Authorization: Token {FAMILIEPORTAL_SMS_GATEWAY_KEY}` and the JSON body
`{"sender": ..., "message": ..., "recipients": [{"msisdn": 4512345678}]}`.
The gateway answers 200 with `{"ids": [...]}`; an error answer carries
`{"code": ..., "message": ...}`.

A 4xx answer means the gateway will never take this message (a bad number,
a refused sender, a wrong key): it fails at once, and its coordinator sees
it. A 5xx answer, a timeout or no connection is tried again with the
outbox's backoff, as is 408 and 429 (the gateway asks us to slow down).
Errors keep the status and the gateway's code only, never the number or text.
"""
import json
import re
import urllib.error
import urllib.request

from flask import current_app

from .errors import DeliveryError, PermanentDeliveryError
from ..settings import municipality

TIMEOUT_SECONDS = 10
RETRY_STATUSES = {408, 429}


def sender_name():
    """The sender shown on the phone: the setting, else the municipality's name (at most 11 letters and digits)."""
    configured = current_app.config.get("SMS_SENDER")
    if configured:
        return configured
    return re.sub(r"[^A-Za-z0-9]", "", municipality().get("name", ""))[:11] or "Kommunen"


def request_for(message):
    """The gateway request for one outbox message (a urllib Request)."""
    config = current_app.config
    body = {
        "sender": sender_name(),
        "message": message["body"],
        "recipients": [{"msisdn": int(message["recipient"].lstrip("+"))}],
        "userref": str(message["id"]),
    }
    return urllib.request.Request(
        config["SMS_GATEWAY_URL"], data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Authorization": f"Token {config['SMS_GATEWAY_KEY']}", "Content-Type": "application/json",
                 "Accept": "application/json"},
    )


def send(message):
    """Hand one SMS to the gateway; DeliveryError to try again, PermanentDeliveryError if it never will be taken."""
    try:
        with urllib.request.urlopen(request_for(message), timeout=TIMEOUT_SECONDS) as response:
            answer = _json(response.read())
    except urllib.error.HTTPError as error:
        code = _json(error.read()).get("code")
        reason = f"sms gateway answered {error.code}" + (f" {code}" if isinstance(code, str) and len(code) < 20 else "")
        if 400 <= error.code < 500 and error.code not in RETRY_STATUSES:
            raise PermanentDeliveryError(reason) from None
        raise DeliveryError(reason) from None
    except (urllib.error.URLError, OSError) as error:  # no connection, timeout
        raise DeliveryError(f"sms gateway not reached: {type(error).__name__}") from None
    if not answer.get("ids"):
        raise DeliveryError("sms gateway gave no message id")


def _json(raw):
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
