"""Open the SQLite database through sqlite-utils, one connection per request."""
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask import current_app, g
from sqlite_utils import Database

from .migrations import migrations


def connect(path):
    """Open a database with the pragmas every connection needs."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=5, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    return db


def get_db():
    """Return this request's database, opening it on first use.

    Connections are opened lazily, inside a request or command, so none exists
    before a WSGI server forks its workers.
    """
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def migrate(db):
    """Apply pending migrations; safe to run any number of times."""
    # WAL lets readers go on while one writer writes; it is a property of the
    # database file, so setting it once here is enough.
    db.conn.execute("PRAGMA journal_mode = WAL")
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


def utcnow():
    """The current time in UTC, as stored in the database."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_db_time(moment):
    """Format an aware datetime as sortable UTC text: 2026-12-03T09:00:00Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def now_text():
    return to_db_time(utcnow())


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or bring it up to date (safe to run twice)."""
    db = get_db()
    applied = migrate(db)
    if applied:
        click.echo(f"Applied migrations: {', '.join(applied)}")
    else:
        click.echo("Database is up to date.")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
