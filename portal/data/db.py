"""Open the SQLite database through sqlite-utils, one connection per request."""
import contextlib
import os
import secrets
import sqlite3
import threading
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask import current_app, g
from sqlite_utils import Database

from .migrations import migrations


# How long a writer waits for another process's write to finish (gunicorn gives a
# request 30 s).
BUSY_SECONDS = 15
# Within one process, writers take turns on this lock first: SQLite's own busy
# handler polls with growing sleeps and is not fair, so under many concurrent
# writers one could wait past any timeout while others come and go.
_process_write_lock = threading.Lock()


def connect(path):
    """Open a database with the pragmas every connection needs.

    A new database file is created readable by its owner only (its -wal and
    -shm files take the same mode), in a folder only the owner can enter.
    """
    if str(path) != ":memory:":
        private_file(Path(path))
    conn = sqlite3.connect(str(path), timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a commit is on disk before a parent is told it is saved, even if
    # the power goes a moment later (NORMAL may lose the last commits in WAL mode).
    conn.execute("PRAGMA synchronous = FULL")
    # Connections live as long as their thread: give each a useful page cache.
    conn.execute("PRAGMA cache_size = -16000")
    conn.execute("PRAGMA mmap_size = 268435456")
    return Database(conn)


def private_folder(folder):
    """Create a folder (and missing parents) that only the owner can enter."""
    folder = Path(folder)
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def private_file(path):
    """Create an empty file readable by its owner only, unless it exists."""
    private_folder(Path(path).parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    return Path(path)


@contextlib.contextmanager
def writing(db):
    """One transaction that holds the write lock from its first statement (BEGIN IMMEDIATE).

    A transaction that starts by reading and writes later cannot wait for the
    lock: if another connection committed meanwhile, SQLite answers "database
    is locked" at once, whatever the busy timeout. Taking the lock first makes
    every writer wait its turn instead. Nested, it is a savepoint.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"nested_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    with _process_write_lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")


def write_unsynced(db, sql, rows):
    """One transaction of writes (sql once per row) whose loss in a power cut does no harm, without waiting for the disk.

    For bookkeeping such as a session's last_seen_at, written on a parent's first
    view each minute: waiting for fsync there would make most page views wait for
    the disk and for each other. In WAL mode a NORMAL commit is still atomic and
    survives a crash of the process; only a power cut may lose it (until the next
    FULL commit, which syncs the whole log). Never for what a person wrote.
    """
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("write_unsynced is its own transaction")
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        with writing(db):
            conn.executemany(sql, rows)
    finally:
        conn.execute("PRAGMA synchronous = FULL")


def read_rows(db, sql, params=()):
    """Every row of a read as a dict, for the reads on the busiest pages (no savepoint: see read_one)."""
    cursor = db.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row)) for row in cursor.fetchall()]


def read_one(db, sql, params):
    """The first row of a read as a dict, or None.

    For the few reads on every request: db.query() wraps each statement in a
    savepoint, which these single SELECTs do not need.
    """
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip((column[0] for column in cursor.description), row))


# One connection per thread and database file, reused across requests: opening
# a connection costs more than most pages' queries. Connections are opened
# lazily inside a request or command, so none exists before a WSGI server forks
# its workers, and one made in another process is never used.
_per_thread = threading.local()


def get_db():
    """Return this thread's connection to the app's database, opening it on first use."""
    if "db" not in g:
        path = current_app.config["DATABASE"]
        key = (os.getpid(), path)
        connections = _per_thread.__dict__.setdefault("connections", {})
        db = connections.get(key)
        if db is None:
            db = connections[key] = connect(path)
        g.db = db
    return g.db


def close_db(exc=None):
    """After each request: never leave a transaction open on a reused connection."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def migrate(db):
    """Apply pending migrations; safe to run any number of times."""
    # WAL lets readers go on while one writer writes; it is a property of the
    # database file, so setting it once here is enough.
    db.conn.execute("PRAGMA journal_mode = WAL")
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


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
