"""Read the portal's configuration from environment variables."""
import ipaddress
import os
import re
from urllib.parse import urlsplit

# A key that only ever works outside production: production refuses it.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"

MAX_REQUEST_BYTES = 256 * 1024
STAFF_SSO_PROTOCOLS = ("", "oidc", "saml")
# The test MitID's entity id (portal/dev_idp/ names it DEV_IDP_ENTITY_ID): production refuses its metadata.
TEST_MITID_ENTITY_ID = "https://test-idp.familieportalen.invalid/nemlogin"
# AD FS's claim for the user principal name; KOMBIT's Context Handler sends OIOSAML 3's e-mail attribute instead.
ADFS_UPN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
MINUTE = 60
HOUR = 60 * MINUTE


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the portal must not start."""


def _env(name, default=None):
    return os.environ.get(f"FAMILIEPORTAL_{name}", default)


def _env_int(name, default):
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name, default=False):
    value = _env(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment():
    """Return a config dict built from FAMILIEPORTAL_* environment variables."""
    production = _env_bool("PRODUCTION")
    base_url = _env("BASE_URL", "http://localhost:5000").rstrip("/")
    return {
        "PRODUCTION": production,
        "SECRET_KEY": _env("SECRET_KEY", None if production else DEVELOPMENT_SECRET_KEY),
        "DATABASE": _env("DATABASE", "instance/familieportal.db"),
        "BASE_URL": base_url,
        "EXTRA_HOSTS": [h for h in (_env("EXTRA_HOSTS", "") or "").split(",") if h],
        # Number of proxies in front of the portal whose X-Forwarded-For we trust.
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
        # Sign-in links: one a parent asks for lives 15 minutes (at most an
        # hour, the longest a rate limit counts); one a coordinator sends lives
        # at most 72 hours.
        "REQUESTED_LINK_MINUTES": min(_env_int("REQUESTED_LINK_MINUTES", 15), 60),
        "SENT_LINK_HOURS": min(_env_int("SENT_LINK_HOURS", 72), 72),
        # Sessions: idle and absolute timeouts.
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
        # Parents' case pages need MitID (or a passkey). Always on in production; development may turn it off
        # (then a link session counts as Substantial, as before levels existed).
        "MITID_GATE": _env_bool("MITID_GATE", True),
        # Sensitive pages ask for MitID again once it was confirmed this many hours ago (at most a session's length).
        "STEP_UP_HOURS": _env_int("STEP_UP_HOURS", 4),
        # Sign-in links for staff: on in development, off in production unless allowed here (staff use the
        # municipality's single sign-on; an admin's link works while no single sign-on is set up).
        "STAFF_LINKS": _env_bool("STAFF_LINKS", not production),
        # Staff single sign-on: "" (none: staff links), "oidc" (Microsoft Entra ID) or "saml" (AD FS, KOMBIT's
        # Context Handler). A staff member is matched on one value the IdP sends (UPN or e-mail) against the
        # e-mail address in the portal's staff table; the role is always the portal's own.
        "STAFF_SSO": (_env("STAFF_SSO", "") or "").strip().lower(),
        "STAFF_OIDC_ISSUER": _env("STAFF_OIDC_ISSUER"),
        "STAFF_OIDC_CLIENT_ID": _env("STAFF_OIDC_CLIENT_ID"),
        "STAFF_OIDC_CLIENT_SECRET": _env("STAFF_OIDC_CLIENT_SECRET"),
        "STAFF_OIDC_MATCH_CLAIM": _env("STAFF_OIDC_MATCH_CLAIM", "upn"),
        "STAFF_SAML_IDP_METADATA": _env("STAFF_SAML_IDP_METADATA"),
        "STAFF_SAML_ENTITY_ID": _env("STAFF_SAML_ENTITY_ID", f"{base_url}/staff/sso/metadata"),
        "STAFF_SAML_KEY_FILE": _env("STAFF_SAML_KEY_FILE"),
        "STAFF_SAML_CERT_FILE": _env("STAFF_SAML_CERT_FILE"),
        "STAFF_SAML_MATCH_ATTRIBUTE": _env("STAFF_SAML_MATCH_ATTRIBUTE", ADFS_UPN),
        # MitID through NemLog-in (SAML): NemLog-in's metadata, our entity id, key and certificate.
        # Outside production, without them, the portal uses the test MitID ./run.sh starts (portal/dev_idp/).
        "MITID_IDP_METADATA": _env("MITID_IDP_METADATA"),
        "MITID_ENTITY_ID": _env("MITID_ENTITY_ID", f"{base_url}/mitid/metadata"),
        "MITID_KEY_FILE": _env("MITID_KEY_FILE"),
        "MITID_CERT_FILE": _env("MITID_CERT_FILE"),
        # Bind the CPR number NemLog-in sends to the parent, beside the pseudonym (off: only the pseudonym).
        "BIND_CPR": _env_bool("BIND_CPR"),
        # MitID through a broker that speaks OpenID Connect instead (set the issuer to use it): our registration
        # with it, and the claims that carry the NSIS level and (with BIND_CPR) the CPR number.
        "MITID_OIDC_ISSUER": _env("MITID_OIDC_ISSUER"),
        "MITID_OIDC_CLIENT_ID": _env("MITID_OIDC_CLIENT_ID"),
        "MITID_OIDC_CLIENT_SECRET": _env("MITID_OIDC_CLIENT_SECRET"),
        "MITID_OIDC_SCOPES": _env("MITID_OIDC_SCOPES", "openid"),
        "MITID_OIDC_LOA_CLAIM": _env("MITID_OIDC_LOA_CLAIM", "https://data.gov.dk/concept/core/nsis/loa"),
        "MITID_OIDC_CPR_CLAIM": _env("MITID_OIDC_CPR_CLAIM", "https://data.gov.dk/model/core/eid/cprNumber"),
        # Requests for a new link: per e-mail or phone within a requested
        # link's lifetime (so when the limit says no, a link sent within it still
        # works), and per IP address per hour.
        "LINK_REQUESTS_PER_IDENTIFIER": _env_int("LINK_REQUESTS_PER_IDENTIFIER", 3),
        "LINK_REQUESTS_PER_IP": _env_int("LINK_REQUESTS_PER_IP", 20),
        # Goals and agenda points one parent may add per hour (a scanner, not a parent, needs more).
        "PARENT_WRITES_PER_HOUR": _env_int("PARENT_WRITES_PER_HOUR", 30),
        # Reads of one parent's calendar feed per hour (calendar apps read it every hour or so).
        "CALENDAR_FEED_REQUESTS_PER_HOUR": _env_int("CALENDAR_FEED_REQUESTS_PER_HOUR", 60),
        # Delivery of sign-in links.
        "SMTP_HOST": _env("SMTP_HOST", "localhost"),
        "SMTP_PORT": _env_int("SMTP_PORT", 25),
        "SMTP_USERNAME": _env("SMTP_USERNAME"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _env_bool("SMTP_STARTTLS", production),
        "MAIL_SENDER": _env("MAIL_SENDER", "Familieportalen <noreply@localhost>"),
        "EMAIL_BACKEND": _env("EMAIL_BACKEND", "smtp" if production else "outbox"),
        "SMS_BACKEND": _env("SMS_BACKEND", "outbox"),
        # The HTTP SMS gateway (GatewayAPI's REST interface): its address, key (no default) and sender name.
        "SMS_GATEWAY_URL": _env("SMS_GATEWAY_URL", "https://gatewayapi.eu/rest/mtsms"),
        "SMS_GATEWAY_KEY": _env("SMS_GATEWAY_KEY"),
        "SMS_SENDER": _env("SMS_SENDER"),
        "OUTBOX_DIR": _env("OUTBOX_DIR", "instance/outbox"),
        # Plain Flask, Jinja and Flask-WTF, without the portal's overrides of them
        # (portal/web/framework.py): for checking a new version of one of them.
        "PLAIN_FRAMEWORK": _env_bool("PLAIN_FRAMEWORK"),
        # Staff views of a family (the access log a data-processing agreement asks for) are kept this many
        # months, then pruned by `familieportal retention`, also for families whose case is open.
        "ACCESS_LOG_MONTHS": _env_int("ACCESS_LOG_MONTHS", 6),
        # A plan item this many days past its due date (and not done) shows on the coordinator's caseload, by owner;
        # its owner was told at once. Checked in finish(): a whole number of days, 0 to 365.
        "OVERDUE_ESCALATION_DAYS": _env("OVERDUE_ESCALATION_DAYS") or 7,
        # The largest form (a meeting summary) is under 150 KB even in emoji;
        # anything bigger is refused before it is read (nginx enforces the same).
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
    }


def _check_sms_gateway(config):
    """The gateway needs a real key (there is no default), and https in production; a sender the phones accept."""
    if config.get("EMAIL_BACKEND") not in ("smtp", "outbox"):
        raise ConfigError("FAMILIEPORTAL_EMAIL_BACKEND must be smtp or outbox.")
    if config.get("SMS_BACKEND") not in ("outbox", "gateway"):
        raise ConfigError("FAMILIEPORTAL_SMS_BACKEND must be outbox or gateway.")
    sender = config.get("SMS_SENDER")
    if sender and not re.fullmatch(r"[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,15}", sender):
        raise ConfigError("FAMILIEPORTAL_SMS_SENDER must be up to 11 letters and digits, or a number of up to 15 digits.")
    if config.get("SMS_BACKEND") != "gateway":
        return
    key = config.get("SMS_GATEWAY_KEY") or ""
    if len(key) < 16:
        raise ConfigError("FAMILIEPORTAL_SMS_BACKEND=gateway needs FAMILIEPORTAL_SMS_GATEWAY_KEY, the gateway's API token.")
    url = urlsplit(config.get("SMS_GATEWAY_URL") or "")
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise ConfigError("FAMILIEPORTAL_SMS_GATEWAY_URL is not an http(s) address.")
    if config["PRODUCTION"] and url.scheme != "https":
        raise ConfigError("Production mode needs an https FAMILIEPORTAL_SMS_GATEWAY_URL: the key and messages travel in it.")


def _check_staff_sso(config):
    """The protocol is one we speak, and each needs its identity provider named."""
    protocol = config.get("STAFF_SSO") or ""
    if protocol not in STAFF_SSO_PROTOCOLS:
        raise ConfigError("FAMILIEPORTAL_STAFF_SSO must be oidc, saml or empty.")
    if protocol == "oidc":
        needed = ("STAFF_OIDC_ISSUER", "STAFF_OIDC_CLIENT_ID", "STAFF_OIDC_CLIENT_SECRET", "STAFF_OIDC_MATCH_CLAIM")
    elif protocol == "saml":
        needed = ("STAFF_SAML_IDP_METADATA", "STAFF_SAML_KEY_FILE", "STAFF_SAML_CERT_FILE",
                  "STAFF_SAML_MATCH_ATTRIBUTE")
    else:
        return
    missing = [f"FAMILIEPORTAL_{name}" for name in needed if not config.get(name)]
    if missing:
        raise ConfigError(f"FAMILIEPORTAL_STAFF_SSO={protocol} needs {', '.join(missing)}.")


def is_test_issuer(issuer):
    """True for an OpenID issuer only development may use: plain http, or this machine (the mock, a test)."""
    parts = urlsplit(issuer)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or host in ("localhost", "") or host.endswith((".localhost", ".invalid", ".test")):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_test_identity_providers(config):
    """Production never trusts the test MitID or the test OpenID provider (portal/dev_idp/): anyone can be anyone."""
    for name in ("MITID_IDP_METADATA", "STAFF_SAML_IDP_METADATA"):
        path = config.get(name)
        if not path:
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as metadata:
                text = metadata.read()
        except OSError as error:
            raise ConfigError(f"FAMILIEPORTAL_{name}: cannot read {path!r} ({error.strerror}).") from None
        if TEST_MITID_ENTITY_ID in text:
            raise ConfigError(f"FAMILIEPORTAL_{name} is the test MitID's metadata: production needs the real "
                              "identity provider's.")
    for name in ("STAFF_OIDC_ISSUER", "MITID_OIDC_ISSUER"):
        issuer = config.get(name)
        if issuer and is_test_issuer(issuer):
            raise ConfigError(f"FAMILIEPORTAL_{name} is a test identity provider ({issuer}): production needs an "
                              "https address of the real one.")


def _check_overdue_escalation(config):
    value = str(config.get("OVERDUE_ESCALATION_DAYS", 7)).strip()
    if not (value.isascii() and value.isdigit() and int(value) <= 365):
        raise ConfigError("FAMILIEPORTAL_OVERDUE_ESCALATION_DAYS must be a whole number of days from 0 to 365.")
    config["OVERDUE_ESCALATION_DAYS"] = int(value)


def finish(config):
    """Derive dependent settings and refuse unsafe production configuration."""
    base = urlsplit(config["BASE_URL"])
    if base.scheme not in {"http", "https"} or not base.hostname:
        raise ConfigError(f"FAMILIEPORTAL_BASE_URL is not an http(s) address: {config['BASE_URL']!r}")
    _check_sms_gateway(config)
    if config.get("MITID_OIDC_ISSUER") and not (config.get("MITID_OIDC_CLIENT_ID")
                                                and config.get("MITID_OIDC_CLIENT_SECRET")):
        raise ConfigError("FAMILIEPORTAL_MITID_OIDC_ISSUER needs FAMILIEPORTAL_MITID_OIDC_CLIENT_ID and "
                          "FAMILIEPORTAL_MITID_OIDC_CLIENT_SECRET, our registration with the broker.")
    _check_staff_sso(config)
    _check_overdue_escalation(config)
    if config["PRODUCTION"]:
        _refuse_test_identity_providers(config)
        key = config.get("SECRET_KEY")
        if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 32:
            raise ConfigError(
                "Production mode needs FAMILIEPORTAL_SECRET_KEY: a random value of at "
                "least 32 characters, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if base.scheme != "https":
            raise ConfigError("Production mode needs an https FAMILIEPORTAL_BASE_URL.")
        if not config["MITID_GATE"]:
            raise ConfigError("Production mode keeps parents' case pages behind MitID or a passkey: "
                              "FAMILIEPORTAL_MITID_GATE cannot be off (a link alone is one factor).")
        # Wrong Host header -> 400 (Flask/Werkzeug trusted hosts).
        config["TRUSTED_HOSTS"] = [base.netloc, *config["EXTRA_HOSTS"]]
        config["SESSION_COOKIE_SECURE"] = True
        # __Host- cookies are only accepted when Secure, path=/ and host-only.
        config["SESSION_COOKIE_NAME"] = "__Host-familieportal"
    else:
        config.setdefault("SESSION_COOKIE_NAME", "familieportal")
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_PATH"] = "/"
    config["SESSION_COOKIE_DOMAIN"] = None
    config["STEP_UP_HOURS"] = max(1, min(config["STEP_UP_HOURS"], config["SESSION_MAX_HOURS"]))
    # Flask's signed cookie holds only the session id and CSRF token; the
    # session itself lives in the database and ends when that row does.
    config["PERMANENT_SESSION_LIFETIME"] = config["SESSION_MAX_HOURS"] * HOUR
    # The idle timeout lives in the database; re-signing the cookie on every
    # response would only cost time.
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    config["WTF_CSRF_TIME_LIMIT"] = config["SESSION_MAX_HOURS"] * HOUR
    # Flask-WTF's "SSL strict" mode demands a same-origin Referer on HTTPS, but
    # our pages send no Referer at all (they carry sign-in tokens), so every
    # POST would fail. The CSRF token plus a SameSite=Lax __Host- cookie and
    # CSP form-action 'self' protect the forms.
    config["WTF_CSRF_SSL_STRICT"] = False
    return config
