"""Slow clients against the production setup: gunicorn alone, and deploy/nginx.conf in front of it.

    .venv/bin/python bench/slow_clients.py            # 200 slow connections, 20 home page loads each way

A signed-in parent loads their home page 20 times with no other traffic (the
baseline of this run), then again while N connections are open that each send
one header line every few seconds and reconnect when dropped (slowloris).
Target: through nginx, with 200 slow connections open, median under 1 s and
no failed load. Loopback only; a load that takes longer than --timeout failed
and counts as --timeout.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.servers import SERVER_NAME, Browser, Production, tls_context  # noqa: E402

OUT = REPO / "bench" / "out"


def home_page_loads(browser, count, timeout):
    """(median seconds, failed loads) of `count` home page loads."""
    times, failures = [], 0
    for _ in range(count):
        browser.hang_up()  # each load on a new connection, as a parent opening the portal
        started = time.monotonic()
        try:
            status, page = browser.request("GET", "/", timeout=timeout)
            ok = status == 200 and 'id="kontakt"' in page
        except OSError:
            ok = False
        times.append(time.monotonic() - started if ok else timeout)
        failures += not ok
    return statistics.median(times), failures


class SlowClients:
    """N connections that send a request line, then a header line every `interval` s; dropped ones reconnect."""

    def __init__(self, port, tls, count, interval):
        self.port, self.tls, self.stop = port, tls, threading.Event()
        self.sockets = [connection for connection in (self.connect() for _ in range(count)) if connection]
        self.thread = threading.Thread(target=self.trickle, args=(count, interval), daemon=True)
        self.thread.start()

    def connect(self):
        try:
            raw = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            connection = tls_context().wrap_socket(raw, server_hostname=SERVER_NAME) if self.tls else raw
            connection.sendall(f"GET / HTTP/1.1\r\nHost: {SERVER_NAME}\r\n".encode())
            return connection
        except OSError:
            return None

    def trickle(self, count, interval):
        while not self.stop.wait(interval):
            alive = []
            for connection in self.sockets:
                try:
                    connection.sendall(b"X-Slow: 1\r\n")
                    alive.append(connection)
                except OSError:
                    connection.close()
            self.sockets = alive + [c for c in (self.connect() for _ in range(count - len(alive))) if c]

    def close(self):
        self.stop.set()
        self.thread.join()
        for connection in self.sockets:
            connection.close()


def measure(servers, env, cli, args):
    results = {}
    for name, port, tls in (("gunicorn alone", servers.gunicorn_port, False),
                            ("nginx in front", servers.https_port, True)):
        link = subprocess.run([*cli, "link", "sara.holm@example.dk"], env={**os.environ, **env}, check=True,
                              capture_output=True, text=True).stdout.strip().removeprefix(f"https://{SERVER_NAME}")
        browser = Browser(port, tls)
        browser.sign_in(link, env["FAMILIEPORTAL_DATABASE"])
        calm = home_page_loads(browser, args.loads, args.timeout)
        slow = SlowClients(port, tls, args.slow, args.interval)
        time.sleep(1)
        attacked = home_page_loads(browser, args.loads, args.timeout)
        results[name] = {"calm_median_s": round(calm[0], 4), "calm_failures": calm[1],
                         "attacked_median_s": round(attacked[0], 4), "attacked_failures": attacked[1],
                         "slow_connections_open": len(slow.sockets)}
        slow.close()
        time.sleep(args.interval)  # let the server drop what is left before the next part
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=200, help="slow connections (default 200)")
    parser.add_argument("--loads", type=int, default=20, help="home page loads per measurement (default 20)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between a slow client's lines")
    parser.add_argument("--timeout", type=float, default=10.0, help="a load taking longer failed (default 10 s)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="slow-clients-"))
    env = {"FAMILIEPORTAL_PRODUCTION": "1", "FAMILIEPORTAL_SECRET_KEY": os.urandom(24).hex(),
           "FAMILIEPORTAL_BASE_URL": f"https://{SERVER_NAME}", "FAMILIEPORTAL_DATABASE": str(folder / "portal.db"),
           "FAMILIEPORTAL_OUTBOX_DIR": str(folder / "outbox"), "FAMILIEPORTAL_EMAIL_BACKEND": "outbox",
           "FAMILIEPORTAL_PROXY_COUNT": "1"}
    cli = [sys.executable, "-c", "from portal.command import main; main()"]
    subprocess.run([*cli, "demo"], env={**os.environ, **env}, check=True, capture_output=True)
    servers = Production(folder, env)
    try:
        results = measure(servers, env, cli, args)
    finally:
        servers.stop()
    print(json.dumps(results, indent=2))
    for name, figures in results.items():
        ratio = figures["attacked_median_s"] / max(figures["calm_median_s"], 1e-6)
        print(f"{name:15} {args.slow} slow connections: median {figures['attacked_median_s'] * 1000:7.0f} ms"
              f" ({ratio:6.1f}x calm), {figures['attacked_failures']} of {args.loads} loads failed")
    nginx = results["nginx in front"]
    met = nginx["attacked_median_s"] < 1.0 and nginx["attacked_failures"] == 0
    print(f"target (through nginx: median < 1 s, no failure): {'met' if met else 'MISSED'}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "slow_clients.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=2))


if __name__ == "__main__":
    main()
