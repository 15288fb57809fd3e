"""A bare Flask "hello" app: the baseline the parent home page is measured against.

Served by gunicorn with the portal's own settings:
    gunicorn -c python:portal.gunicorn_conf bench.hello_app:app
"""
import os
from pathlib import Path

from flask import Flask

app = Flask(__name__)
# portal/gunicorn_conf.py's worker hooks take the restore lock on the app's DATABASE and start
# the portal's outbox and write-behind threads on the app. Hello gets an empty file of its own,
# never the portal's database: the lock is taken, and the threads find no tables and log so
# (as they did before the lock, when they found no DATABASE). Nothing of the portal's is read.
app.config["DATABASE"] = os.environ.get(
    "BENCH_HELLO_DATABASE", str(Path(__file__).resolve().parent / "out" / "hello.db"))


@app.route("/")
def hello():
    return "Hello"
