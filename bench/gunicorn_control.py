"""gunicorn masters on 127.0.0.1 with the portal's production settings (portal/gunicorn_conf.py)."""
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, always


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """One gunicorn master with the portal's settings, on 127.0.0.1, stopped on exit."""

    def __init__(self, app_spec, env, log_path):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILIEPORTAL_")}
        for keep in ("FAMILIEPORTAL_WORKERS", "FAMILIEPORTAL_THREADS"):
            if keep in os.environ:
                child_env[keep] = os.environ[keep]
        child_env.update(env)
        child_env["FAMILIEPORTAL_BIND"] = f"{HOST}:{self.port}"
        child_env["FAMILIEPORTAL_BASE_URL"] = self.base_url
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", app_spec],
            cwd=REPO, env=child_env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_up(timeout=30)

    def _wait_until_up(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log.name}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start within {timeout} s; see {self.log.name}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def gunicorn_settings():
    """Worker class, workers and threads as portal/gunicorn_conf.py decides them."""
    conf = importlib.import_module("portal.gunicorn_conf")
    return {"worker_class": conf.worker_class, "workers": conf.workers, "threads": conf.threads}
