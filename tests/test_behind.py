"""What a page view leaves behind (data/behind.py): held by a server process, written by a thread."""
import sqlite3

import pytest

from portal.data import audit, behind
from portal.data.db import get_db


@pytest.fixture
def views(app):
    """Views as a gunicorn worker has them: held in memory, written by a thread (here: slowly)."""
    behind.views.start(app, interval=3600)
    yield behind.views
    behind.views.stop(app)


def flush(app):
    with app.app_context():
        behind.views.flush(get_db())


def _views(db):
    return list(db.query("SELECT at, actor_id, family_id FROM audit_log WHERE action = 'family.viewed'"))


def _seen(db):
    return db.execute("SELECT seen_event_id, seen_at FROM staff_family_seen WHERE family_id = 1").fetchone()


def test_a_family_page_view_is_logged_by_the_next_flush_with_the_time_of_the_view(app, auth, client, db, views,
                                                                                   monkeypatch):
    auth.staff()
    assert client.get("/staff/families/1").status_code == 200
    assert _views(db) == [] and _seen(db) is None  # held: the request did not write
    monkeypatch.setattr(audit, "now_text", lambda: "2999-01-01T00:00:00Z")  # "now" at the flush
    flush(app)
    [line] = _views(db)
    assert line["family_id"] == 1 and line["at"] < "2999"
    assert _seen(db) is not None


def test_a_failed_flush_keeps_what_it_held_and_the_next_one_writes_it_once(app, auth, client, db, views, monkeypatch):
    auth.staff()
    client.get("/staff/families/1")
    real_writing = behind.writing

    def locked(database):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(behind, "writing", locked)
    with pytest.raises(sqlite3.OperationalError):
        flush(app)
    client.get("/staff/families/1/meetings")  # more comes meanwhile
    monkeypatch.setattr(behind, "writing", real_writing)
    flush(app)
    assert len(_views(db)) == 2
    flush(app)
    assert len(_views(db)) == 2


def test_a_late_seen_mark_never_moves_back(app, auth, client, db, views):
    auth.staff()
    client.get("/staff/families/1")  # held: this view's mark
    # Meanwhile another server process wrote a later view's mark.
    db.execute("INSERT INTO staff_family_seen (staff_id, family_id, seen_event_id, seen_at)"
               " SELECT id, 1, 1000000, '2999-01-01T00:00:00Z' FROM staff WHERE email = 'mette.lund@demo-kommune.dk'")
    flush(app)
    assert tuple(_seen(db)) == (1000000, "2999-01-01T00:00:00Z")


def test_a_stopping_worker_writes_what_it_holds(app, auth, client, db):
    behind.views.start(app, interval=3600)
    try:
        auth.staff()
        client.get("/staff/families/1")
        assert _views(db) == []
    finally:
        behind.views.stop(app)
    assert len(_views(db)) == 1
    client.get("/staff/families/1")  # the thread is gone: written at once
    assert len(_views(db)) == 2
