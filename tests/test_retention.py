"""Closing a family's case, deleting it completely on time, and pruning what only helps for a while."""
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.data import retention
from portal.data.changes import (
    Actor, Closed, Conflict, calendar_feeds, identities, families, goals, notices, plan, professionals, replies, staff, timeline, verdicts,
)
from portal.data.changes.retention import FAMILY_ROWS, NOT_FAMILY_DATA, delete_family, family_keys
from portal.data.changes import passkeys as passkey_changes
from portal.data.clock import to_db_time, utcnow
from portal.data.db import get_db
from portal.data.reads import caseload
from portal.settings import retention_days
from portal.data import links, sessions

from conftest import deliver, csrf_from, HELD_NETWORK, HOLM, JONAS, METTE, NEXT_NETWORK, NIELSEN, SARA, SPLIT, THOMAS

METTE_ACTS = Actor("staff", METTE)
# What only Familien Holm's rows hold (see portal/demo.py): none of it may be left in the file.
HOLM_TEXTS = ["Familien Holm", "Sara Holm", "Thomas Holm", "sara.holm@example.dk", "thomas.holm@example.dk",
              "+4520304050", "Lars Østergaard", "Emil skal have det godt i skolen",
              "Hvordan kan Emil få en god start", "Karen fra Familiehuset kommer hver tirsdag",
              "Sara vil selv tale med jobcentret", "Vi er hos farmor i Aabenraa", "1203854128",
              "Forældremøde i 3.b samme dag", "Emil læser nu en hel side selv"]


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield get_db()


def version(db, family_id):
    return db["families"].get(family_id)["version"]


def close(db, family_id=HOLM):
    families.close_family(METTE_ACTS, family_id, version(db, family_id))


def age(db, family_id=HOLM, days=None):
    """Move the closing back in time, as if the retention period had passed."""
    days = retention_days() + 1 if days is None else days
    db.execute("UPDATE families SET closed_at = ? WHERE id = ?", [to_db_time(utcnow() - timedelta(days=days)), family_id])


def file_bytes(app):
    path = Path(app.config["DATABASE"])
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def family_row_counts(db, keys):
    return {table: db.execute(f"SELECT count(*) FROM [{table}] WHERE {condition}", keys).fetchone()[0]
            for table, condition in FAMILY_ROWS.items()}


def every_row(db):
    """Every row of every table, to compare before and after."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: sorted(map(repr, db.execute(f"SELECT * FROM [{table}]").fetchall())) for table in tables}


def give_holm_a_row_in_every_table(app, auth, client):
    """The demo's Holm family, plus what the demo does not make: sign-ins, requests, a handover, hiding, a seen mark."""
    auth.sign_in()  # Sara: a link, a session
    auth.sign_out()
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_from(page.text), "contact": "sara.holm@example.dk"})
    with app.test_request_context():
        plan.add_plan_item(METTE_ACTS, HOLM, what="Skjult for Thomas", responsible="family", status="planned",
                           hidden_from=[THOMAS])
        staff.hand_over(METTE_ACTS, HOLM, version(get_db(), HOLM), to_staff_id=JONAS)
        get_db().execute("INSERT INTO staff_family_seen (staff_id, family_id, seen_event_id, seen_at)"
                         " VALUES (?, ?, 1, ?)", [METTE, HOLM, to_db_time(utcnow())])
        sara = get_db()["parents"].get(SARA)
        replies.answer_meeting(Actor("parent", SARA), get_db()["meetings"].get(NEXT_NETWORK), "not_coming",
                               reason="Vi er hos farmor i Aabenraa")
        calendar_feeds.new_calendar_feed(Actor("parent", SARA), sara)
        from portal.data.changes import meeting_calls

        teacher, called = get_db().execute(
            "SELECT inv.professional_id, m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
            " JOIN people_involved inv ON inv.id = mp.person_involved_id JOIN professionals pro"
            " ON pro.id = inv.professional_id WHERE pro.name = 'Hanne Bech' AND m.family_id = ?"
            " AND m.status = 'planned' AND m.published_at IS NOT NULL ORDER BY m.starts_at DESC", [HOLM]).fetchone()
        meeting_calls.answer_call(Actor("professional", teacher), called, "not_coming",
                                  reason="Forældremøde i 3.b samme dag")
        from portal.data.changes import meeting_inputs

        get_db().execute("UPDATE meetings SET input_due_on = date('now', '+7 days') WHERE id = ?", [called])
        meeting_inputs.save_input(Actor("professional", teacher), called, going_well="Emil læser højt")
        from portal.data.changes import overdue, professional_plan

        emil = get_db().execute("SELECT i.* FROM plan_items i JOIN people_involved inv ON inv.id = i.responsible_person_id"
                                " WHERE inv.professional_id = ? AND i.family_id = ?", [teacher, HOLM]).fetchone()
        professional_plan.update_own_item(Actor("professional", teacher), emil[0], None, what=emil[2], kind="school",
                                          status="active", when_text=None, due_on=date(2026, 1, 5),
                                          note="Emil læser nu en hel side selv")
        overdue.notify()  # its owner is told it is overdue
        from portal.data.changes import handovers

        own, colleague = (handovers.own_involvements(professional, HOLM)[0] for professional in (
            teacher, get_db().execute("SELECT id FROM professionals WHERE name = 'Rasmus Kjær'").fetchone()[0]))
        item = get_db().execute("SELECT id FROM plan_items WHERE responsible_person_id = ? AND status = 'active'",
                                [own]).fetchone()[0]
        handovers.hand_over(Actor("professional", teacher), HOLM, [own], {item: str(colleague)})
        verdicts.answer(Actor("parent", SARA), get_db()["meetings"].get(HELD_NETWORK), {"heard": "4"})
        timeline.mark_event(METTE_ACTS, HOLM, 23, None, significant=True, note="Første netværksmøde")
        hidden = get_db().execute("SELECT item_id FROM hidden_from_parents WHERE family_id = ? AND item_kind = 'plan_item'",
                                  [HOLM]).fetchone()[0]
        professionals.show_to_professionals(METTE_ACTS, HOLM, "plan_item", hidden, True)
        identities.bind(sara, "https://test-idp.familieportalen.invalid/nemlogin", "urn:uuid:sara", cpr="1203854128")
        passkey_changes.record_exemption(METTE_ACTS, HOLM, THOMAS, "other", note="Bor i udlandet")
        passkey_changes.add_passkey(get_db()["parents"].get(THOMAS), "Y3JlZGVudGlhbA", "cHVibGljLWtleQ", 0)
        notices.collect()  # the hidden plan item above: a notice for Sara


# Closing a case.

def test_closing_a_case_ends_its_parents_links_and_sessions_at_once(app, auth, client, ctx):
    auth.sign_in()  # Sara
    assert client.get("/plan").status_code == 200
    url = links.issue("parent", THOMAS, origin="sent", channel="email", issued_by_staff_id=METTE)
    close(ctx)
    # Ended in the database at once, not only refused when next used.
    assert ctx.execute("SELECT count(*) FROM sessions WHERE user_kind = 'parent' AND user_id = ? AND ended_at IS NULL",
                       [SARA]).fetchone()[0] == 0
    assert ctx.execute("SELECT count(*) FROM sign_in_links WHERE subject_id = ? AND revoked_at IS NULL AND used_at IS NULL",
                       [THOMAS]).fetchone()[0] == 0
    assert client.get("/plan").status_code == 302  # signed out
    assert links.check("parent", url.rsplit("/", 1)[-1]).problem == "revoked"


def test_closing_a_case_twice_is_refused_as_a_conflict(ctx):
    close(ctx)
    with pytest.raises(Conflict):
        close(ctx)
    assert [row[0] for row in ctx.execute("SELECT action FROM audit_log WHERE action = 'family.closed'")] == [
        "family.closed"]


def test_closing_a_case_is_audited_and_in_the_familys_story(ctx):
    close(ctx)
    assert ctx.execute("SELECT actor_kind, actor_id FROM audit_log WHERE action = 'family.closed' AND family_id = ?",
                       [HOLM]).fetchone() == ("staff", METTE)
    assert ctx.execute("SELECT count(*) FROM family_events WHERE kind = 'family.closed' AND family_id = ?",
                       [HOLM]).fetchone()[0] == 1


def test_nothing_about_a_closed_case_can_change(ctx):
    close(ctx)
    with pytest.raises(Closed) as refused:
        goals.add_goal(METTE_ACTS, HOLM, text="Et nyt mål")
    assert "sag er lukket" in refused.value.errors["family"]
    with pytest.raises(Closed):
        families.rename_family(METTE_ACTS, HOLM, None, name="Familien Andet")
    with pytest.raises(Closed):
        families.set_family_active(METTE_ACTS, HOLM, None, True)  # a closed case is never taken up again
    assert ctx["families"].get(HOLM)["name"] == "Familien Holm"
    assert ctx.execute("SELECT count(*) FROM goals WHERE text = 'Et nyt mål'").fetchone()[0] == 0


def test_a_closed_family_leaves_the_caseload_active_and_inactive(ctx):
    families.set_family_active(METTE_ACTS, SPLIT, version(ctx, SPLIT), False)
    close(ctx)
    shown = {row["id"] for row in caseload.caseload(METTE)[0]} | {
        row["id"] for row in caseload.caseload(METTE, active=False)[0]}
    assert HOLM not in shown and SPLIT in shown
    assert caseload.inactive_count(METTE) == 1


def test_parents_of_a_closed_case_get_a_last_notice_that_names_no_case_details(app, ctx):
    close(ctx)
    queued = ctx.execute("SELECT id, channel, recipient FROM outbox WHERE purpose = 'case_closed'"
                         " ORDER BY parent_id").fetchall()
    assert [(channel, recipient) for _, channel, recipient in queued] == [
        ("email", "sara.holm@example.dk"), ("email", "thomas.holm@example.dk")]
    ctx.conn.commit()
    assert deliver(app) == 2
    for outbox_id, _, _ in queued:
        sent = json.loads((Path(app.config["OUTBOX_DIR"]) / f"{outbox_id:05d}-email.json").read_text())
        subject, body = sent["subject"], sent["text"]
        assert "lukket" in subject and "kommunens sagssystem" in body
        assert f"Om {retention_days()} dage sletter vi" in body
        assert "70 10 10 10" in body and "Demo Kommune" in body  # from content/settings.yml
        for detail in ("Holm", "Emil", "Alma", "Sara", "Thomas", "Mette"):
            assert detail not in subject + body


def test_pruning_old_messages_keeps_the_notices_they_carried(app, ctx):
    # A notice points at its message: pruning a sent one used to break the foreign key and stop the nightly run.
    notice = ctx["notices"].insert({"family_id": HOLM, "parent_id": SARA, "kind": "changes", "topics": "plan",
                                    "first_at": "2026-01-01T10:00:00Z", "due_at": "2026-01-01T10:15:00Z",
                                    "done_at": "2026-01-01T10:15:00Z"}).last_pk
    message = ctx["outbox"].insert({"channel": "sms", "recipient": "+4520304050", "purpose": "notice",
                                    "family_id": HOLM, "parent_id": SARA, "notice_id": notice,
                                    "created_at": "2026-01-01T10:15:00Z", "next_attempt_at": "2026-01-01T10:15:00Z",
                                    "sent_at": "2026-01-01T10:15:01Z", "attempts": 1}).last_pk
    ctx.execute("UPDATE notices SET outbox_id = ? WHERE id = ?", [message, notice])
    ctx.conn.commit()
    report = retention.run()
    assert report.pruned["outbox"] >= 1
    assert ctx["notices"].get(notice)["outbox_id"] is None and not ctx["outbox"].count_where("id = ?", [message])


# Deleting on time.

def test_retention_keeps_a_closed_case_until_its_period_has_passed(ctx):
    close(ctx)
    age(ctx, days=retention_days() - 1)
    report = retention.run()
    assert report.families_deleted == 0
    assert ctx["families"].get(HOLM)["name"] == "Familien Holm"


def test_retention_deletes_a_closed_family_completely_even_from_the_file(app, auth, client):
    give_holm_a_row_in_every_table(app, auth, client)
    with app.test_request_context():
        ctx = get_db()
        close(ctx)
        keys = family_keys(HOLM)
        before = family_row_counts(ctx, keys)
        # Every table that can hold a family's rows holds some of Holm's, so each condition is tried.
        assert sorted(table for table, count in before.items() if count == 0) == []
        ctx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        on_disk = file_bytes(app)
        assert [text for text in HOLM_TEXTS if text.encode() not in on_disk] == []

        age(ctx)
        report = retention.run()

        assert report.families_deleted == 1 and report.family_rows_deleted == sum(before.values())
        assert sorted(table for table, count in family_row_counts(ctx, keys).items() if count) == []
    on_disk = file_bytes(app)
    assert [text for text in HOLM_TEXTS if text.encode() in on_disk] == []


def test_a_deletion_leaves_one_anonymous_audit_line(ctx):
    close(ctx)
    age(ctx)
    closed_on = ctx["families"].get(HOLM)["closed_at"][:10]
    retention.run()
    lines = ctx.execute("SELECT actor_kind, actor_id, family_id, detail FROM audit_log WHERE action = 'family.deleted'"
                        ).fetchall()
    assert len(lines) == 1
    actor_kind, actor_id, family_id, detail = lines[0]
    assert (actor_kind, actor_id, family_id) == ("system", None, None)
    assert json.loads(detail).keys() == {"closed_on", "rows"} and json.loads(detail)["closed_on"] == closed_on


def test_retention_touches_nothing_of_an_open_family(ctx):
    families.set_family_active(METTE_ACTS, NIELSEN, version(ctx, NIELSEN), False)  # inactive, but not closed
    close(ctx)
    others = {}
    for family_id in (SPLIT, NIELSEN):
        keys = family_keys(family_id)
        others[family_id] = {table: sorted(map(repr, ctx.execute(f"SELECT * FROM [{table}] WHERE {condition}",
                                                                 keys).fetchall()))
                             for table, condition in FAMILY_ROWS.items() if table not in ("audit_log",)}
    age(ctx)
    retention.run()
    for family_id in (SPLIT, NIELSEN):
        keys = family_keys(family_id)
        assert {table: sorted(map(repr, ctx.execute(f"SELECT * FROM [{table}] WHERE {condition}", keys).fetchall()))
                for table, condition in FAMILY_ROWS.items() if table not in ("audit_log",)} == others[family_id]


def test_only_a_closed_family_can_be_deleted(ctx):
    with pytest.raises(ValueError):
        delete_family(SPLIT)
    assert ctx["families"].get(SPLIT)


def test_every_table_in_the_schema_is_covered_by_deletion_or_holds_no_family_data(ctx):
    """A new table with a family or parent reference fails here until FAMILY_ROWS deletes its rows."""
    tables = {row[0] for row in ctx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert sorted(tables - set(FAMILY_ROWS) - set(NOT_FAMILY_DATA)) == []
    family_tables = set(FAMILY_ROWS) - {"sign_in_links", "sessions", "outbox", "audit_log", "rate_limit_hits"}
    for table in tables & set(NOT_FAMILY_DATA):
        columns = {row[1] for row in ctx.execute(f"PRAGMA table_info([{table}])")}
        references = {row[2] for row in ctx.execute(f"PRAGMA foreign_key_list([{table}])")}
        assert not columns & {"family_id", "parent_id", "subject_id", "user_id"}, table
        assert not references & family_tables, table


# Pruning.

def test_retention_prunes_old_sessions_but_keeps_each_persons_newest(ctx):
    old = to_db_time(utcnow() - timedelta(days=retention.SESSION_DAYS + 5))
    older = to_db_time(utcnow() - timedelta(days=retention.SESSION_DAYS + 9))
    for id_hash, when in (("a", older), ("b", old)):
        ctx["sessions"].insert({"id_hash": id_hash, "user_kind": "parent", "user_id": SARA, "created_at": when,
                                "last_seen_at": when})
    pruned = retention.prune()
    assert pruned["sessions"] >= 1
    assert [row[0] for row in ctx.execute("SELECT id_hash FROM sessions WHERE user_id = ? AND user_kind = 'parent'",
                                          [SARA])] == ["b"]


def test_retention_prunes_expired_links_old_rate_limit_hits_and_sent_messages(ctx):
    long_ago = utcnow() - timedelta(days=max(retention.LINK_DAYS, retention.SENT_DAYS) + 1)
    links.issue("parent", SARA, origin="sent", channel="email", issued_by_staff_id=METTE)
    ctx.execute("UPDATE sign_in_links SET expires_at = ?", [to_db_time(long_ago)])
    fresh = links.issue("parent", THOMAS, origin="sent", channel="email", issued_by_staff_id=METTE)
    ctx["rate_limit_hits"].insert_all([{"bucket": "ip:1", "at": to_db_time(long_ago)},
                                       {"bucket": "ip:2", "at": to_db_time(utcnow())}])
    base = {"channel": "email", "recipient": "x@example.dk", "attempts": 1, "created_at": to_db_time(long_ago),
            "next_attempt_at": to_db_time(long_ago)}
    ctx["outbox"].insert_all([{**base, "sent_at": to_db_time(long_ago)},  # pruned
                              {**base, "sent_at": to_db_time(utcnow())},  # sent today: kept
                              {**base, "failed_at": to_db_time(long_ago)},  # failed, still shown: kept
                              {**base}])  # still waiting: kept
    # A MitID round trip the browser never came back from (with the identity it answered), and one under way;
    # an accepted assertion's id past its time, and one still valid.
    ctx["sign_in_requests"].insert_all([
        {"key_hash": "old", "request_id": "_1", "created_at": to_db_time(long_ago), "answer": '{"subject": "x"}'},
        {"key_hash": "new", "request_id": "_2", "created_at": to_db_time(utcnow())}])
    ctx["saml_assertions_seen"].insert_all([{"assertion_id": "_a", "until": to_db_time(long_ago)},
                                            {"assertion_id": "_b", "until": to_db_time(utcnow() + timedelta(minutes=5))}])
    # A passkey challenge nobody answered, and one a session may still answer.
    ctx["passkey_challenges"].insert_all([
        {"session_hash": "old", "purpose": "use", "challenge": "x", "created_at": to_db_time(utcnow() - timedelta(minutes=6))},
        {"session_hash": "new", "purpose": "use", "challenge": "y", "created_at": to_db_time(utcnow())}])
    pruned = retention.prune()
    assert pruned == {"sessions": 0, "sign_in_links": pruned["sign_in_links"], "rate_limit_hits": 1, "outbox": 1,
                      "audit_log": 0, "sign_in_requests": 1, "saml_assertions_seen": 1, "passkey_challenges": 1,
                      "meeting_verdicts": 0}
    assert [row[0] for row in ctx.execute("SELECT session_hash FROM passkey_challenges")] == ["new"]
    assert [row[0] for row in ctx.execute("SELECT key_hash FROM sign_in_requests")] == ["new"]
    assert [row[0] for row in ctx.execute("SELECT assertion_id FROM saml_assertions_seen")] == ["_b"]
    assert pruned["sign_in_links"] >= 1
    assert links.check("parent", fresh.rsplit("/", 1)[-1]).problem is None
    buckets = [row[0] for row in ctx.execute("SELECT bucket FROM rate_limit_hits")]
    assert "ip:2" in buckets and "ip:1" not in buckets
    assert ctx.execute("SELECT count(*) FROM outbox WHERE recipient = 'x@example.dk'").fetchone()[0] == 3


def test_the_retention_command_reports_what_it_did(app, runner):
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 closed families" in result.output and "Pruned" in result.output
