"""A test OpenID provider with the demo's people, for development and tests only.

It is oidc-provider-mock (a Flask app) with the demo municipality's staff
(matched on `upn`/`email`) and parents (with a `loa` claim, as a MitID broker
sends) pre-set, and its sign-in page in plain Danish without third-party
requests. Any client id and secret are accepted. Its issuer is the address it
is reached at, e.g. http://127.0.0.1:5002, which portal.sign_in.oidc's
is_dev_provider() recognises, so production can refuse it. The portal's
server and the browser must both reach it at that same address (127.0.0.1),
or the issuer in its tokens is not the one configured.

    mock = start(5002)                    # a thread; mock.issuer, mock.stop()
    python -m portal.dev_idp.oidc_mock --port 5002     # or a process

A browser answers its page by pressing a person's button ("Mette Lund …") or
"Afbryd"; a test posts the form itself: `answer(authorization_url, subject)`
gives the address the browser would be sent back to.
"""
import argparse
import threading
import uuid
from dataclasses import dataclass

STAFF_CLIENT_ID = "familieportal-staff"
PARENT_CLIENT_ID = "familieportal-parents"
CLIENT_SECRET = "development-only"  # the mock accepts any secret
LOA_CLAIM = "loa"
DEFAULT_PORT = 5002


@dataclass(frozen=True)
class DemoPerson:
    subject: str
    label: str  # what the mock's page shows on the person's button
    claims: dict


def _staff(name, email, label):
    # Entra ID's "sub" is an opaque id for the pair person/application; the portal matches on upn or email.
    subject = "demo-staff-" + email.split("@")[0].replace(".", "-")
    claims = {"name": name, "upn": email, "preferred_username": email, "email": email}
    return DemoPerson(subject, f"{name} ({label})", claims)


def _parent(name, loa="Substantial", label=None):
    # A pseudonym that stays the same from run to run, like the one a MitID broker sends.
    subject = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://familieportalen.invalid/demo/{name}"))
    return DemoPerson(subject, label or f"{name} (MitID)", {"name": name, LOA_CLAIM: loa})


STAFF = (
    _staff("Mette Lund", "mette.lund@demo-kommune.dk", "koordinator"),
    _staff("Jonas Berg", "jonas.berg@demo-kommune.dk", "koordinator"),
    _staff("Peter Friis", "peter.friis@demo-kommune.dk", "koordinator"),
    _staff("Anne Krogh", "anne.krogh@demo-kommune.dk", "administrator"),
    _staff("Hanne Bech", "hanne.bech@demo-kommune.dk", "lærer, fagperson i to familier"),
    _staff("Kim Ukendt", "kim.ukendt@demo-kommune.dk", "ikke oprettet i portalen"),
)
PARENTS = (
    _parent("Sara Holm"),
    _parent("Thomas Holm"),
    _parent("Nadia Yilmaz"),
    _parent("Martin Andersen"),
    _parent("Lene Nielsen"),
    _parent("En ny person", label="En ny person (MitID, ikke kendt i portalen)"),
    _parent("Lav Sikring", loa="Low", label="Lav Sikring (MitID med sikringsniveau Lav: afvises)"),
)


def person(name_or_email):
    """The demo person with this name or e-mail address."""
    return next(p for p in STAFF + PARENTS if name_or_email in (p.claims["name"], p.claims.get("email")))


def provider_settings(issuer, who, redirect_uri):
    """Keyword arguments for portal.sign_in.oidc.Provider to use this mock for "staff" or "parents"."""
    common = {"issuer": issuer, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri}
    if who == "staff":
        return {**common, "client_id": STAFF_CLIENT_ID, "scopes": "openid profile email", "match_claim": "upn"}
    if who == "parents":
        return {**common, "client_id": PARENT_CLIENT_ID, "scopes": "openid profile", "loa_claim": LOA_CLAIM,
                "min_loa": "Substantial"}
    raise ValueError(who)


def create_app(people=STAFF + PARENTS):
    """The mock as a Flask app, with these people one click away on its sign-in page."""
    import warnings

    import authlib.deprecate  # noqa: F401 - it sets its own filter as it is imported: before ours
    import jinja2

    with warnings.catch_warnings():  # the mock still imports Authlib's deprecated modules: nothing for us to do
        warnings.simplefilter("ignore")
        import oidc_provider_mock

    app = oidc_provider_mock.app(require_nonce=True,
                                 user_claims=[oidc_provider_mock.User(sub=p.subject, claims=p.claims) for p in people])
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.DictLoader(_TEMPLATES), app.jinja_loader])
    app.jinja_env.globals["people"] = {p.subject: p.label for p in people}
    return app


class RunningMock:
    """The mock serving on a thread; `issuer` is its address."""

    def __init__(self, server, thread, host):
        self.server, self.thread = server, thread
        self.port = server.server_port
        self.issuer = f"http://{host}:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(port=DEFAULT_PORT, *, host="127.0.0.1", people=STAFF + PARENTS, log_requests=False):
    """Serve the mock on a daemon thread (port 0: any free port)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Handler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            if log_requests:
                super().log_request(*args, **kwargs)

    server = make_server(host, port, create_app(people), threaded=True, request_handler=Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                              name="oidc-mock")
    thread.start()
    return RunningMock(server, thread, host)


def answer(authorization_url, subject=None, *, timeout=5):
    """Answer the mock's page as a browser would (a person, or None for "Afbryd"): the address to go back to."""
    import requests

    if subject is None:  # "Afbryd" is a form that goes straight back with error=access_denied and the state
        from urllib.parse import parse_qs, urlencode, urlsplit

        query = parse_qs(urlsplit(authorization_url).query)
        back = {"error": "access_denied", "state": query["state"][0]}
        return f"{query['redirect_uri'][0]}?{urlencode(back)}"
    response = requests.post(authorization_url, data={"sub": subject}, allow_redirects=False, timeout=timeout)
    if response.status_code != 302:
        raise RuntimeError(f"the mock answered {response.status_code}: {response.text[:500]}")
    return response.headers["Location"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Test OpenID provider with the demo's people (development only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    from werkzeug.serving import run_simple

    print(f"Test OpenID provider (development only): http://{args.host}:{args.port}", flush=True)
    run_simple(args.host, args.port, create_app(), threaded=True)


_BASE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test-login – kun til udvikling og test</title>
<style>
body { font: 1.0625rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
.notice { background: #fff3cd; border: 1px solid #8a6d00; padding: .5rem .75rem; }
button, input { font: inherit; min-height: 2.75rem; }
button { display: block; width: 100%; margin: .5rem 0; padding: .5rem 1rem; text-align: left;
         background: #0b5394; color: #fff; border: 0; border-radius: .25rem; cursor: pointer; }
button.secondary { background: #fff; color: #0b5394; border: 2px solid #0b5394; }
input { width: 100%; box-sizing: border-box; padding: .4rem; border: 1px solid #555; }
fieldset { border: 0; padding: 0; margin: 0 0 1.5rem; }
legend { font-weight: 600; margin-bottom: .25rem; }
:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
</style>
</head>
<body><main>{% block content %}{{ content }}{% endblock %}</main></body>
</html>
"""

_AUTHORIZATION_FORM = """{% extends "_base.html" %}
{% block content %}
<h1>Test-login</h1>
<p class="notice">Kun til udvikling og test. Her logger du ikke rigtigt ind.</p>
{% if predefined_users %}
<form method="post">
  <fieldset>
    <legend>Vælg, hvem du er</legend>
    {% for sub in predefined_users %}
    <button type="submit" name="sub" value="{{ sub }}">{{ people.get(sub, sub) }}</button>
    {% endfor %}
  </fieldset>
</form>
{% endif %}
<form method="post">
  <fieldset>
    <legend>Eller en anden person</legend>
    <label for="sub">Id (sub)</label>
    <input id="sub" name="sub" type="text" required autocomplete="off"
      {% if sub_missing %}aria-invalid="true" aria-describedby="sub-missing"{% endif %}>
    {% if sub_missing %}<p id="sub-missing">Skriv et id.</p>{% endif %}
    <button type="submit">Log ind</button>
  </fieldset>
</form>
<form method="get" action="{{ redirect_uri }}">
  <input type="hidden" name="error" value="access_denied">
  {% if request.args.state %}<input type="hidden" name="state" value="{{ request.args.state }}">{% endif %}
  <button type="submit" class="secondary">Afbryd</button>
</form>
{% endblock %}
"""

_TEMPLATES = {"_base.html": _BASE, "authorization_form.html": _AUTHORIZATION_FORM}

if __name__ == "__main__":
    main()
