"""A bare Flask "hello" app: the baseline the parent home page is measured against.

Served by gunicorn with the portal's own settings:
    gunicorn -c python:portal.gunicorn_conf bench.hello_app:app
"""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello"
