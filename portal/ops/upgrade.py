"""`familieportal upgrade`: back up, migrate, check; a failed migration leaves the database as it was.

Stop the portal first (see README, "Upgrading"). Each migration runs in its
own transaction, so one that fails would leave the ones before it applied:
the database is put back from the backup made a moment earlier, and the
command says which migration failed and why.
"""
from dataclasses import dataclass, field
from pathlib import Path

from ..data.backup import BackupError, backup, check, restore
from ..data.clock import utcnow
from ..data.db import migrate
from ..data.migrations import migrations
from . import health


class UpgradeFailed(RuntimeError):
    """A migration or the check after it failed; the database is the one from before the upgrade."""


@dataclass
class Upgrade:
    backup: Path
    applied: list = field(default_factory=list)


def default_backup_path(database):
    """Beside the database: backups/before-upgrade-<UTC time>.db."""
    stamp = utcnow().strftime("%Y-%m-%dT%H%M%SZ")
    return Path(database).resolve().parent / "backups" / f"before-upgrade-{stamp}.db"


def upgrade(open_db, database, backup_path=None):
    """Back up `database`, apply pending migrations through the connection `open_db()` gives, check the result.

    Return an Upgrade; raise UpgradeFailed, with the database as it was, if any step fails.
    """
    if not Path(database).is_file():  # opening a connection would make an empty one
        raise UpgradeFailed(f"There is no database at {database}: make one with `familieportal init-db`.")
    db = open_db()
    try:
        check(database)
        written = backup(database, backup_path or default_backup_path(database))
    except BackupError as error:
        raise UpgradeFailed(f"No upgrade: the database could not be backed up first ({error}).") from None
    try:
        applied = migrate(db)
    except Exception as error:
        failed = next(iter(m.name for m in migrations.pending(db)), "?")
        if db.conn.in_transaction:
            db.conn.rollback()
        restore(written, database)
        raise UpgradeFailed(
            f"Migration {failed} failed: {type(error).__name__}: {error}. The database is as it was before the"
            f" upgrade (put back from {written}). Keep running the previous version of the portal, and report"
            f" this message to its maintainers.") from error
    problems = _problems(database)
    if problems:
        restore(written, database)
        raise UpgradeFailed(f"The upgraded database failed its check ({'; '.join(problems)}). The database is as"
                            f" it was before the upgrade (put back from {written}).")
    return Upgrade(backup=written, applied=applied)


def _problems(database):
    try:
        check(database)
    except BackupError as error:
        return [str(error)]
    _ready, results = health.checks(database)
    return [f"{name}: {results[name]['detail']}" for name in ("database", "schema") if not results[name]["ok"]]
