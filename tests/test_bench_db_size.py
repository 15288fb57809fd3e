"""bench/db_size.py keeps working (a smoke test at a tiny scale; no size or time is asserted beyond pruning)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import db_size  # noqa: E402


def test_db_size_plays_a_year_and_retention_keeps_the_database_smaller(tmp_path, capsys):
    rows = db_size.main(["--families", "40", "--days", "130", "--every", "7", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "with retention" in out and "retention: 18 runs" in out
    assert rows["130 days, with retention"] < rows["130 days, no retention"]
    pruned, kept = db_size.counts(tmp_path / "with_retention.db"), db_size.counts(tmp_path / "without.db")
    for table in ("sessions", "sign_in_links", "outbox", "rate_limit_hits"):
        assert pruned[table] < kept[table], table
    assert pruned["families"] < kept["families"]  # closed longer ago than the retention period: deleted
