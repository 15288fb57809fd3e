"""`familieportal upgrade`: back up, migrate, check; a migration that fails leaves the old database in place."""
import sqlite3

import pytest

from portal import create_app
from portal.data.db import connect
from portal.data.migrations import migrations, schema_sql

from conftest import database_before

# A database as an older version of the portal left it: before the closing of cases (issue 11) and everything after.
OLD = "m012_closed_families"


@pytest.fixture
def old(tmp_path):
    path = tmp_path / "old.db"
    database_before(path, OLD).conn.close()
    app = create_app({"TESTING": True, "DATABASE": str(path), "BASE_URL": "http://localhost"})
    return app, path


def applied(path):
    return [row[0] for row in sqlite3.connect(path).execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]


def test_upgrade_backs_up_migrates_an_old_database_and_checks_it(old, tmp_path):
    app, path = old
    before = applied(path)
    result = app.test_cli_runner().invoke(args=["upgrade", "--backup", str(tmp_path / "before.db")])
    assert result.exit_code == 0, result.output
    newer = [m.name for m in migrations._migrations][len(before):]
    assert newer[0] == OLD and f"Applied migrations: {', '.join(newer)}" in result.output
    assert "integrity check" in result.output and "newest migration" in result.output
    assert applied(tmp_path / "before.db") == before  # the backup is the database as it was
    assert applied(path) == before + newer
    assert sqlite3.connect(path).execute("SELECT name FROM families").fetchall() == [("Familien Holm",)]
    again = app.test_cli_runner().invoke(args=["upgrade", "--backup", str(tmp_path / "again.db")])
    assert again.exit_code == 0 and "No migrations were pending." in again.output
    healthcheck = app.test_cli_runner().invoke(args=["healthcheck"])
    assert '"schema": {\n   "ok": true' in healthcheck.output


def test_upgrade_writes_its_backup_beside_the_database_by_default(old):
    app, path = old
    result = app.test_cli_runner().invoke(args=["upgrade"])
    assert result.exit_code == 0, result.output
    [backup] = (path.parent / "backups").glob("before-upgrade-*.db")
    assert f"Backed up to {backup}" in result.output and applied(backup) != applied(path)


def test_a_failing_migration_leaves_the_old_database_and_says_what_happened(old, tmp_path):
    app, path = old
    schema_before, rows_before = schema_sql(connect(path)), applied(path)

    @migrations()
    def m999_test_breaks_halfway(db):
        db["half_done"].create({"id": int}, pk="id")
        raise RuntimeError("the disk said no")

    try:
        result = app.test_cli_runner().invoke(args=["upgrade", "--backup", str(tmp_path / "before.db")])
    finally:
        migrations._migrations.pop()
    assert result.exit_code != 0
    assert "Migration m999_test_breaks_halfway failed: RuntimeError: the disk said no." in result.output
    assert "The database is as it was before the upgrade" in result.output and "before.db" in result.output
    # Not only the broken migration: the ones before it that went well are undone too.
    assert applied(path) == rows_before
    assert schema_sql(connect(path)) == schema_before
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_upgrade_without_a_database_says_how_to_make_one(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "none.db"), "BASE_URL": "http://localhost"})
    result = app.test_cli_runner().invoke(args=["upgrade"])
    assert result.exit_code != 0 and "familieportal init-db" in result.output
    assert not (tmp_path / "none.db").exists()
