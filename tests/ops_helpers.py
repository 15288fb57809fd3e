"""Shared by tests/test_ops_*.py: the portal under gunicorn as production runs it, and its metrics."""
import http.client
import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from bench.servers import SERVER_NAME

CLI = [sys.executable, "-c", "from portal.command import main; main()"]


def portal_env(folder, **more):
    return {
        "FAMILIEPORTAL_PRODUCTION": "1",
        "FAMILIEPORTAL_SECRET_KEY": "o" * 48,
        "FAMILIEPORTAL_BASE_URL": f"https://{SERVER_NAME}",
        "FAMILIEPORTAL_DATABASE": str(folder / "portal.db"),
        "FAMILIEPORTAL_OUTBOX_DIR": str(folder / "outbox"),
        "FAMILIEPORTAL_EMAIL_BACKEND": "outbox",
        "FAMILIEPORTAL_PROXY_COUNT": "1",
        "FAMILIEPORTAL_WORKERS": "2",
        "FAMILIEPORTAL_THREADS": "4",
        **more,
    }


def run_cli(env, *args, check=True):
    return subprocess.run([*CLI, *args], env={**os.environ, **env}, check=check, capture_output=True, text=True)


def get(port, path, headers=None, method="GET"):
    """One request on a new connection (so it may go to either worker): (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": SERVER_NAME, "X-Forwarded-Proto": "https",
                                                  **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def scrape(port):
    """/metrics, parsed by prometheus_client's own parser: {sample name: [(labels, value)]}."""
    status, headers, text = get(port, "/metrics", headers={"Host": "127.0.0.1"})
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples, name, **labels):
    """The one sample `name` with these labels (others ignored)."""
    found = [v for sample_labels, v in samples.get(name, []) if all(sample_labels.get(k) == w for k, w in labels.items())]
    assert len(found) == 1, (name, labels, samples.get(name))
    return found[0]
