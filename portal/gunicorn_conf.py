"""gunicorn settings for production: `gunicorn -c python:portal.gunicorn_conf 'portal:create_app()'`.

Parents are often on slow mobile connections. gunicorn's sync workers are
blocked for the whole time a slow client takes to send or read a request, so
we use threaded workers (gthread): a slow phone ties up one thread, not a
whole worker. Behind a buffering proxy (nginx) sync workers would also do.
"""
import multiprocessing
import os

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
accesslog = "-"
errorlog = "-"
# The access log never shows the query string or a sign-in token.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


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
