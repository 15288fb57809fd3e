"""Write portal/data/schema.sql: today's schema, from a fresh database migrated to the newest migration.

Usage: python scripts/write_schema.py   (after adding a migration; tests/test_schema.py fails until you do)
"""
from pathlib import Path
import sys
import tempfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from portal.data.db import connect, migrate  # noqa: E402
from portal.data.migrations import SCHEMA_FILE, schema_sql  # noqa: E402


def fresh_schema():
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "schema.db")
        migrate(db)
        text = schema_sql(db)
        db.conn.close()
        return text


if __name__ == "__main__":
    Path(SCHEMA_FILE).write_text(fresh_schema())
    print(f"wrote {SCHEMA_FILE}")
