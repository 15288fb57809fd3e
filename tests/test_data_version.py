"""Contract: every write a family's pages show bumps the family's data_version.

The parent's home page is kept in a cache keyed on data_version, so a table
whose rows belong to a family (directly or through a meeting, goal or
consent) without the triggers would leave a stale page.
"""
import pytest

from portal.data.db import connect, migrate

# Tables with a family_id that no family page shows, and why.
NOT_SHOWN_TO_FAMILIES = {
    "audit_log": "the audit log is read by admins only",
    "staff_family_seen": "when a coordinator last opened a family: staff bookkeeping",
    "outbox": "messages waiting to be sent; their state is shown to coordinators only",
}
# How rows of a table reach their family, when not by a family_id column.
VIA = {"meeting_id": "meetings", "goal_id": "goals", "consent_id": "consents"}


def family_tables(db):
    for table in db.table_names():
        if table.startswith("_") or table in NOT_SHOWN_TO_FAMILIES or table == "families":
            continue
        columns = set(db[table].columns_dict)
        if "family_id" in columns or columns & set(VIA):
            yield table


@pytest.fixture
def schema(tmp_path):
    db = connect(tmp_path / "schema.db")
    migrate(db)
    yield db
    db.conn.close()


def test_every_family_table_has_triggers_that_bump_data_version(schema):
    tables = list(family_tables(schema))
    assert {"meetings", "plan_items", "plan_updates", "meeting_summaries", "hidden_from_parents", "family_events",
            "consent_givers", "goal_notes", "handovers", "action_points"} <= set(tables)
    missing = []
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            found = [sql for sql, in schema.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [table])
                if f"AFTER {event}" in sql and "SET data_version = data_version + 1" in sql]
            if not found:
                missing.append(f"{table} {event}")
    assert missing == []


def test_every_family_table_bumps_data_version_on_insert_update_and_delete(app, db):
    """Behaviour, table by table: a demo row written, changed and removed bumps its family's version."""
    db.execute("PRAGMA foreign_keys = OFF")  # remove rows freely; the triggers are what is tested
    checked = []
    for table in family_tables(db):
        columns = db[table].columns_dict
        if "family_id" in columns:
            family = "t.family_id"
        else:
            key = next(c for c in VIA if c in columns)
            family = f"(SELECT family_id FROM {VIA[key]} WHERE id = t.{key})"
        row = db.execute(f"SELECT {family}, t.rowid, t.* FROM [{table}] t LIMIT 1").fetchone()
        assert row is not None, f"the demo has no {table} row"
        family_id, rowid, values = row[0], row[1], row[2:]
        version = lambda: db.execute("SELECT data_version FROM families WHERE id = ?", [family_id]).fetchone()[0]
        for statement in (f"UPDATE [{table}] SET rowid = rowid WHERE rowid = ?", f"DELETE FROM [{table}] WHERE rowid = ?"):
            before = version()
            db.execute(statement, [rowid])
            assert version() > before, f"{statement.split()[0]} on {table}"
        before = version()
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO [{table}] VALUES ({marks})", list(values))
        assert version() > before, f"INSERT on {table}"
        checked.append(table)
    assert len(checked) >= 15
