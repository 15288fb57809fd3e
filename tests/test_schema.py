"""portal/data/schema.sql is today's schema: what a fresh database migrated to the newest migration holds."""
from pathlib import Path

from conftest import load_script
from portal.data.migrations import SCHEMA_FILE, schema_sql


def write_schema():
    return load_script("write_schema")


def test_schema_sql_is_what_the_migrations_make_today():
    assert Path(SCHEMA_FILE).read_text() == write_schema().fresh_schema(), (
        "portal/data/schema.sql is out of date: run python scripts/write_schema.py")


def test_schema_sql_holds_every_table_index_and_trigger(db):
    text = Path(SCHEMA_FILE).read_text()
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"):
        assert f'"{name}"' in text or f" {name} " in text or f"[{name}]" in text, name
    assert schema_sql(db).count("CREATE TABLE") == text.count("CREATE TABLE")
