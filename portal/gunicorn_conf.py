"""gunicorn settings for production: `gunicorn -c python:portal.gunicorn_conf 'portal:create_app()'`.

Parents are often on slow mobile connections. gunicorn's sync workers are
blocked for the whole time a slow client takes to send or read a request, so
we use threaded workers (gthread): a slow phone ties up one thread, not a
whole worker. Behind a buffering proxy (nginx) sync workers would also do.
"""
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from portal.ops import logs
from portal.web.security import install_log_filters

bind = os.environ.get("FAMILIEPORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FAMILIEPORTAL_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "gthread"
threads = int(os.environ.get("FAMILIEPORTAL_THREADS", 8))
# Slow clients: give a request time to arrive, but not forever.
timeout = 30
keepalive = 5
# Do not import the app before forking: each worker opens its own database
# connections (SQLite connections must never cross a fork).
preload_app = False
# JSON lines on stdout (portal/ops/logs.py): one per request with its id, method, route template, status and
# duration, never a path, query string, token or name; gunicorn's own lines and the app's too.
errorlog = "-"
logconfig_dict = logs.logconfig()
logger_class = logs.GunicornLogger


def on_starting(server):
    """Request metrics are counted by every worker in files here (prometheus_client's multiprocess mode).

    Set before any worker starts, so each imports prometheus_client already in that
    mode; a fresh count at each start (a restart resets counters, as Prometheus expects).
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="familieportal-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        server.familieportal_metrics_made = folder
    Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()


def on_exit(server):
    made = getattr(server, "familieportal_metrics_made", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    install_log_filters()


def post_worker_init(worker):
    """Each worker holds the lock that keeps `familieportal restore` off the database while it runs (data/serving.py),
    sends queued messages (claims keep two workers off the same one) and writes behind session touches and what a
    page view leaves (data/behind.py)."""
    from portal.data import behind, serving
    from portal.messages.worker import start_worker
    from portal.sign_in.sessions import touches

    serving.hold(worker.wsgi.config["DATABASE"], log=worker.log.info)
    start_worker(worker.wsgi)
    touches.start(worker.wsgi)
    behind.views.start(worker.wsgi, behind.VIEWS_FLUSH_SECONDS)


def worker_exit(server, worker):
    """A worker stopping writes what it still holds behind."""
    from portal.data import behind
    from portal.sign_in.sessions import touches

    app = getattr(worker, "wsgi", None)
    if app is not None:
        touches.stop(app)
        behind.views.stop(app)


def when_ready(server):
    install_log_filters()
