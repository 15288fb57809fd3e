"""The access log: staff views of a family are kept FAMILIEPORTAL_ACCESS_LOG_MONTHS (6) months, then pruned.

Danish data-processing agreements ask for access logs kept six months. The
nightly `familieportal retention` prunes older view lines, for open families
too; a parent's insight keeps showing who looked and when within the period.
"""
import json
from datetime import datetime, timedelta, timezone

from portal.data.clock import to_db_time, utcnow
from portal.data.retention import months_before

from conftest import HOLM, METTE


def add_view(db, at, action="family.viewed"):
    db.execute("INSERT INTO audit_log (at, actor_kind, actor_id, action, family_id, detail) VALUES (?, 'staff', ?, ?, ?, ?)",
               [to_db_time(at), METTE, action, HOLM, json.dumps({"page": "staff.family", "format": "json"})])


def views(db):
    return sorted(row[0] for row in db.execute(
        "SELECT at FROM audit_log WHERE family_id = ? AND action IN ('family.viewed', 'insight.downloaded')", [HOLM]))


def test_staff_views_older_than_six_months_are_pruned_also_for_an_open_family(app, runner, db, auth, client):
    now = utcnow()
    kept = [now - timedelta(days=5), months_before(now, 6) + timedelta(days=1)]
    pruned = [months_before(now, 6) - timedelta(days=1), now - timedelta(days=400)]
    for at in kept + pruned:
        add_view(db, at)
    add_view(db, pruned[0], action="insight.downloaded")
    db.execute("INSERT INTO audit_log (at, actor_kind, actor_id, action, family_id) VALUES (?, 'staff', ?,"
               " 'goal.added', ?)", [to_db_time(pruned[1]), METTE, HOLM])  # a change, not a view: kept
    assert db["families"].get(HOLM)["closed_at"] is None
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Pruned 3 rows from audit_log." in result.output
    assert views(db) == sorted(to_db_time(at) for at in kept)
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'goal.added' AND at = ?",
                      [to_db_time(pruned[1])]).fetchone()[0] == 1
    # The parent still sees, within the period, who looked and when.
    auth.sign_in()
    looked = [line["at"] for line in client.get("/insight.json").json["audit"] if line["action"] == "family.viewed"]
    assert sorted(looked) == sorted(to_db_time(at) for at in kept)


def test_the_period_is_a_setting(app, runner, db):
    app.config["ACCESS_LOG_MONTHS"] = 1
    add_view(db, utcnow() - timedelta(days=40))
    add_view(db, utcnow() - timedelta(days=20))
    assert runner.invoke(args=["retention"]).exit_code == 0
    assert views(db) == [to_db_time(utcnow() - timedelta(days=20))]


def test_months_are_calendar_months_and_a_short_month_ends_on_its_last_day():
    def at(text):
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

    assert months_before(at("2026-09-15T10:00:00"), 6) == at("2026-03-15T10:00:00")
    assert months_before(at("2026-08-31T10:00:00"), 6) == at("2026-02-28T10:00:00")
    assert months_before(at("2026-03-31T00:00:00"), 13) == at("2025-02-28T00:00:00")
    assert months_before(at("2027-01-10T00:00:00"), 1) == at("2026-12-10T00:00:00")
