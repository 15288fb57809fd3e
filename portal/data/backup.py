"""Consistent backups of the live database, and restoring one.

A plain file copy of a database in WAL mode under write load is torn (its
integrity check fails and acknowledged writes are missing). VACUUM INTO reads
one consistent snapshot in a read transaction, so writers go on meanwhile.
"""
import os
import sqlite3
from pathlib import Path

from .db import private_folder
from .serving import alone


class BackupError(RuntimeError):
    """The backup or the copy to restore is not a sound portal database."""


def backup(database, target):
    """Write a consistent copy of `database` to `target`, atomically: a reader never sees half a file."""
    target = Path(target)
    private_folder(target.parent)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        source.execute("VACUUM INTO ?", [str(partial)])
    finally:
        source.close()
    try:
        os.chmod(partial, 0o600)
        check(partial)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself survives a power cut
        finally:
            os.close(folder)
    finally:
        partial.unlink(missing_ok=True)
    return target


def check(path):
    """Refuse a file that is not a sound portal database."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        migrated = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a database: {error}") from None
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"{path} fails its integrity check: {result}")
    if not migrated:
        raise BackupError(f"{path} is not a Familieportalen database")


def restore(source, database):
    """Put a backup in place of the database, through SQLite, so connections still open see it whole.

    Refused (serving.PortalRunning) while the portal runs: every session and
    every write since the backup would be gone without anyone noticing. A
    portal started meanwhile waits until the restore is done.
    """
    check(source)
    with alone(database):
        backup_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(database, timeout=30)
        try:
            backup_connection.backup(live)
        finally:
            backup_connection.close()
            live.close()
        check(database)
