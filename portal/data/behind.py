"""Writes that a page view leaves behind, made by a thread rather than the request.

A coordinator's family page logs the view (an audit line) and what they have
now seen. Written by the request, every view would be a commit: it waits for
the write lock and the disk, and makes every other connection of the server
throw away its page cache (SQLite sees that the database changed), so the
next pages read cold. Measured under real traffic, that write cost about a
third of the family page's throughput.

So a server process holds such writes in memory, and a thread writes them
together, in one transaction, every few seconds and when the worker stops.
Each row carries the time of the view, never the time of the write. What a
failed write held is kept and tried again with the next one. A process killed
outright (kill -9, a power cut) loses what it held: at most one interval.
Without the thread (tests, the CLI, `flask run`) each write is made at once.
"""
import threading

from .db import get_db, writing


class Behind:
    """Rows held in memory and written by a thread; subclasses say how to hold and how to write."""

    name = "behind"

    def __init__(self):
        self.lock = threading.Lock()
        self.flusher = None
        self.stopping = None
        self.pending = self.empty()

    def empty(self):
        return []

    def hold(self, pending, row):
        pending.append(row)

    def merge(self, older, newer):
        """What to hold when a write failed (`older`) and more came meanwhile (`newer`)."""
        return older + newer

    def write(self, db, batch):
        raise NotImplementedError

    def add(self, db, row):
        if self.flusher is None:
            batch = self.empty()
            self.hold(batch, row)
            self.write(db, batch)
            return
        with self.lock:
            self.hold(self.pending, row)

    def flush(self, db):
        with self.lock:
            batch, self.pending = self.pending, self.empty()
        if not batch:
            return
        try:
            self.write(db, batch)
        except BaseException:
            with self.lock:
                self.pending = self.merge(batch, self.pending)
            raise

    def start(self, app, interval):
        """Write behind, in this process: a daemon thread (gunicorn's post_worker_init)."""
        stopping = self.stopping = threading.Event()

        def run():
            while not stopping.wait(interval):
                try:
                    with app.app_context():
                        self.flush(get_db())
                except Exception:  # keep going: the next flush writes what this one could not
                    app.logger.exception("Writing behind: %s", self.name)

        self.flusher = threading.Thread(target=run, name=self.name, daemon=True)
        self.flusher.start()
        return self.flusher

    def stop(self, app):
        """Stop the thread and write what is left; writes are made at once again."""
        if self.flusher is not None:
            self.stopping.set()
            self.flusher.join()
            self.flusher = None
        with app.app_context():
            self.flush(get_db())


class Statements(Behind):
    """SQL statements (sql, parameters), written in order in one transaction that waits for the disk."""

    name = "view-log"

    def write(self, db, batch):
        with writing(db):
            for sql, parameters in batch:
                db.conn.execute(sql, parameters)


# A view's audit line and seen mark; started in each gunicorn worker.
views = Statements()
VIEWS_FLUSH_SECONDS = 1
