"""Start the production setup on loopback: gunicorn, and deploy/nginx.conf in front of it.

Used by tests/test_nginx.py and bench/slow_clients.py. The nginx config is the
one in deploy/, with only what must differ on a test machine rewritten: ports,
paths, the certificate (a fresh self-signed one) and the user.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SERVER_NAME = "familie.example-kommune.dk"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_ports(count):
    """`count` different free ports (held open together while chosen, so none comes twice)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def wait_for_port(port, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {Path(log).read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}: {Path(log).read_text()[-2000:]}")


def certificate(folder):
    """A self-signed certificate for SERVER_NAME: (certificate path, key path)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME}", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def nginx_config(folder, *, https_port, http_port, upstream_port, per_address=None):
    """deploy/nginx.conf with this machine's ports and paths.

    per_address replaces the limit of requests at once from one address: a load
    test from one machine is every parent at one address.
    """
    text = (DEPLOY / "nginx.conf").read_text()
    cert, key = certificate(folder)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    temp = "".join(f"    {directive}_temp_path {folder / name};\n" for directive, name in (
        ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"), ("scgi", "scgi")))
    replacements = [
        (r"^user www-data;", "user root;" if os.geteuid() == 0 else ""),
        (r"^pid /run/nginx\.pid;", f"pid {folder / 'nginx.pid'};"),
        (r"^error_log /var/log/nginx/error\.log warn;", f"error_log {folder / 'error.log'} warn;"),
        (r"access_log /var/log/nginx/access\.log portal;", f"access_log {folder / 'access.log'} portal;"),
        (r"^http \{\n", "http {\n" + temp),
        (r"listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        (r"listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (r"/etc/ssl/certs/familieportal\.pem", str(cert)),
        (r"/etc/ssl/private/familieportal\.key", str(key)),
        (r"/etc/nginx/familieportal-headers\.conf", str(DEPLOY / "familieportal-headers.conf")),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if not count:
            raise ValueError(f"deploy/nginx.conf has no line matching {pattern!r}")
    if per_address:
        text, count = re.subn(r"limit_conn per_address \d+;", f"limit_conn per_address {per_address};", text)
        if not count:
            raise ValueError("deploy/nginx.conf has no limit_conn per_address")
    path = folder / "nginx.conf"
    path.write_text(text)
    return path


def confirm_as_mitid(database, user_id=None):
    """Raise live parent sessions (all, or one parent's) to Substantial, confirmed now, as MitID does.

    A stand-in for the round trip through NemLog-in: benchmarks and these
    tests measure the pages behind the gate (FAMILIEPORTAL_MITID_GATE), not
    NemLog-in; tests/test_mitid.py and test_browser_mitid.py take the real way.
    """
    import sqlite3

    from portal.data.clock import now_text

    conn = sqlite3.connect(database, timeout=30)
    with conn:
        conn.execute("UPDATE sessions SET level = 2, method = 'mitid', assured_at = ? WHERE user_kind = 'parent'"
                     " AND ended_at IS NULL AND level < 2 AND (? IS NULL OR user_id = ?)",
                     [now_text(), user_id, user_id])
    conn.close()


class Production:
    """gunicorn (production settings) on one port, nginx on another; stop() ends both."""

    def __init__(self, folder, env, *, nginx=True, workers=None, port=None, per_address=None):
        self.folder = Path(folder)
        ports = free_ports(3)
        self.gunicorn_port = port or ports[0]
        self.https_port, self.http_port = (ports[1], ports[2]) if nginx else (None, None)
        env = {**os.environ, **env, "FAMILIEPORTAL_BIND": f"127.0.0.1:{self.gunicorn_port}"}
        if workers:
            env["FAMILIEPORTAL_WORKERS"] = str(workers)
        self.gunicorn_log = self.folder / "gunicorn.log"
        self.gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal:create_app()"],
            env=env, cwd=REPO, stdout=open(self.gunicorn_log, "a"), stderr=subprocess.STDOUT, start_new_session=True)
        self.nginx = None
        try:
            wait_for_port(self.gunicorn_port, self.gunicorn, self.gunicorn_log)
            if nginx:
                config = nginx_config(self.folder, https_port=self.https_port, http_port=self.http_port,
                                      upstream_port=self.gunicorn_port, per_address=per_address)
                check = subprocess.run([NGINX, "-t", "-c", str(config), "-p", str(self.folder)], capture_output=True,
                                       text=True)
                if check.returncode:
                    raise RuntimeError(check.stderr)
                self.nginx_log = self.folder / "nginx.out"
                self.nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(self.folder), "-g", "daemon off;"],
                                              stdout=open(self.nginx_log, "w"), stderr=subprocess.STDOUT,
                                              start_new_session=True)
                wait_for_port(self.https_port, self.nginx, self.folder / "error.log")
        except BaseException:
            self.stop()
            raise

    def stop(self):
        for process in (self.nginx, self.gunicorn):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def tls_context():
    """A client context that trusts the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class LoopbackHTTPS(http.client.HTTPSConnection):
    """HTTPS to SERVER_NAME (its SNI and certificate name) at 127.0.0.1."""

    def __init__(self, port, timeout=10):
        super().__init__(SERVER_NAME, port, timeout=timeout, context=tls_context())

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=SERVER_NAME)


CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Browser:
    """A parent's browser on one keep-alive connection: over TLS to nginx, or plain http to gunicorn.

    Straight to gunicorn it sends what nginx would add (X-Forwarded-Proto: https), since
    the portal runs with FAMILIEPORTAL_PROXY_COUNT=1.
    """

    def __init__(self, port, tls=True):
        self.port, self.tls, self.cookie, self.connection, self.token = port, tls, None, None, None

    def _connect(self, timeout):
        if self.tls:
            return LoopbackHTTPS(self.port, timeout=timeout)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, timeout=30):
        if self.connection is None:
            self.connection = self._connect(timeout)
        self.connection.timeout = timeout
        headers = {"Host": SERVER_NAME, "Sec-Fetch-Site": "same-origin"}
        if not self.tls:
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1"})
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self.connection.sock is not None
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()
            self.connection = None
            if not reused:
                raise
            # The server had closed the kept-alive connection (as nginx does after
            # keepalive_requests): a browser sends the request again on a new one.
            return self.request(method, path, body, timeout)
        except Exception:
            self.connection.close()
            self.connection = None
            raise
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";")[0]
        return response.status, text

    def hang_up(self):
        """Close the kept-alive connection: the next request arrives anew, as a phone opening the page does."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, link_path, database):
        """Open the link, press Fortsæt, confirm as MitID would (in `database`), keep a CSRF token for forms."""
        _status, page = self.request("GET", link_path)
        status, _ = self.request("POST", link_path, body=f"csrf_token={CSRF.search(page).group(1)}")
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
        confirm_as_mitid(database)
        _status, page = self.request("GET", "/goals")
        self.token = CSRF.search(page).group(1)

    def add_goal(self, text, timeout=30):
        """True when the portal acknowledged the goal (its redirect)."""
        status, _ = self.request("POST", "/goals", body=f"csrf_token={self.token}&text={text.replace(' ', '+')}"
                                                         "&for_whom=family", timeout=timeout)
        return status == 302
