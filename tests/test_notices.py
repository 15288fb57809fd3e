"""Notices to parents: one message per batch of changes, no SMS at night, a reminder the day before, sent once."""
import json
from datetime import time, timedelta, timezone

import pytest

from portal.data import clock
from portal.data.changes import Actor
from portal.data.changes import families, goals, meetings, notices, plan
from portal.data.changes._core import hidden_from
from portal.data.clock import from_local
from portal.data.db import get_db
from portal.demo import _at
from portal.messages import texts

from conftest import HIDDEN_FROM_MARTIN, HOLM, MARTIN, METTE, NADIA, NEXT_NETWORK, SARA, SPLIT, THOMAS, database_before, deliver

METTE_ACTS = Actor("staff", METTE)
REAL_TODAY = clock.today()


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield get_db()


@pytest.fixture
def at(monkeypatch):
    """Set the clock to a Copenhagen wall-clock time, `days` from today."""
    def set_to(hour, minute=0, days=0):
        moment = from_local(REAL_TODAY + timedelta(days=days), time(hour, minute)).astimezone(timezone.utc)
        monkeypatch.setattr(clock, "utcnow", lambda: moment)
        return moment
    return set_to


def open_notices(db, family_id=HOLM):
    return {row["parent_id"]: row for row in db.query(
        "SELECT * FROM notices WHERE family_id = ? AND done_at IS NULL", [family_id])}


def queued(db, family_id=HOLM):
    """The notices queued in the outbox, each with the text it will be sent with ({link} for its link)."""
    rows = list(db.query("SELECT o.*, n.kind, n.topics FROM outbox o JOIN notices n ON n.id = o.notice_id"
                         " WHERE o.family_id = ? AND o.purpose IN ('notice', 'reminder') ORDER BY o.id", [family_id]))
    for row in rows:
        row["subject"], row["body"] = texts.notice(row["kind"], (row["topics"] or "").split(), "{link}")
    return rows


def move(meeting_id, days, hour):
    meeting = get_db()["meetings"].get(meeting_id)
    from portal.data.reads.meetings import participant_keys
    keys = participant_keys(meeting_id)
    follow = get_db().execute("SELECT parent_id, person_involved_id, staff_id FROM meeting_participants"
                              " WHERE meeting_id = ? AND follow_up = 1", [meeting_id]).fetchone()
    follow_up = None
    if follow:
        follow_up = f"parent:{follow[0]}" if follow[0] else f"person:{follow[1]}" if follow[1] else f"staff:{follow[2]}"
    meetings.update_meeting(METTE_ACTS, meeting["family_id"], meeting_id, meeting["version"], kind=meeting["kind"],
                            starts_at=_at(days, hour), ends_at=_at(days, hour + 1), place=meeting["place"],
                            purpose=meeting["purpose"], participants=keys, follow_up=follow_up,
                            hidden_from=hidden_from("meeting", meeting_id),
                            protected_home_parent_id=meeting["protected_home_parent_id"])


def add_plan_item():
    return plan.add_plan_item(METTE_ACTS, HOLM, what="Lektiehjælp", kind="school", responsible="family",
                              when_text="Hver tirsdag", status="active")


# Changes become notices.

def test_a_change_staff_publish_gives_each_parent_who_may_sign_in_one_message_15_minutes_later(ctx, at):
    at(10)
    move(NEXT_NETWORK, 11, 13)
    notices.collect()
    assert set(open_notices(ctx)) == {SARA, THOMAS}
    assert notices.release(at(10, 14)) == 0
    assert notices.release(at(10, 15)) == 2
    rows = queued(ctx)
    assert {row["parent_id"] for row in rows} == {SARA, THOMAS}
    assert all(row["channel"] == "sms" and row["body"].startswith("Der er nyt om et møde i Familieportalen.")
               for row in rows)
    assert open_notices(ctx) == {}


def test_changes_within_15_minutes_become_one_message_naming_only_that_there_is_news(ctx, at):
    at(10)
    move(NEXT_NETWORK, 11, 13)
    notices.collect()
    at(10, 10)
    add_plan_item()
    notices.collect()
    assert notices.release(at(10, 15)) == 2
    bodies = {row["parent_id"]: row["body"] for row in queued(ctx)}
    assert len(queued(ctx)) == 2
    assert bodies[SARA].startswith("Der er nyt i Familieportalen.")


def test_a_change_after_the_message_was_made_gives_a_new_message(ctx, at):
    at(10)
    move(NEXT_NETWORK, 11, 13)
    notices.collect()
    notices.release(at(10, 15))
    at(10, 20)
    add_plan_item()
    notices.collect()
    assert notices.release(at(10, 34)) == 0
    assert notices.release(at(10, 35)) == 2
    assert [row["body"].split("\n")[0] for row in queued(ctx) if row["parent_id"] == SARA] == [
        "Der er nyt om et møde i Familieportalen.", "Der er nyt i jeres plan i Familieportalen."]


def test_what_parents_write_themselves_gives_them_no_message(ctx, at):
    at(10)
    goals.add_goal(Actor("parent", SARA), HOLM, text="Vi spiser morgenmad sammen.")
    notices.collect()
    assert open_notices(ctx) == {}


def test_a_parent_who_may_not_see_the_item_or_sign_in_hears_nothing_of_it(ctx, at):
    at(10)
    move(HIDDEN_FROM_MARTIN, 9, 9)
    notices.collect()
    assert set(open_notices(ctx, SPLIT)) == {NADIA}
    thomas = ctx["parents"].get(THOMAS)
    families.update_parent(METTE_ACTS, HOLM, THOMAS, thomas["version"], **{
        **{k: thomas[k] for k in families.PARENT_FIELDS}, "can_sign_in": False})
    add_plan_item()
    notices.collect()
    assert set(open_notices(ctx)) == {SARA}


def test_a_parent_who_lost_access_before_the_message_was_made_gets_none(ctx, at):
    at(10)
    add_plan_item()
    notices.collect()
    families.set_parent_active(METTE_ACTS, HOLM, THOMAS, ctx["parents"].get(THOMAS)["version"], False)
    assert notices.release(at(10, 15)) == 1
    assert [row["parent_id"] for row in queued(ctx)] == [SARA]
    assert ctx.execute("SELECT skipped FROM notices WHERE parent_id = ?", [THOMAS]).fetchone()[0] == "no_access"


# The night.

def test_no_sms_between_21_and_8_it_waits_until_morning_and_the_nights_changes_join_it(ctx, at):
    at(20, 50)
    add_plan_item()
    notices.collect()
    assert notices.release(at(21, 5)) == 0
    morning = from_local(REAL_TODAY + timedelta(days=1), time(8)).astimezone(timezone.utc)
    assert open_notices(ctx)[SARA]["due_at"] == clock.to_db_time(morning)
    at(23, 30)
    move(NEXT_NETWORK, 11, 13)
    notices.collect()
    assert notices.release(at(7, 59, days=1)) == 0
    assert notices.release(at(8, 0, days=1)) == 2
    assert len(queued(ctx)) == 2
    assert all(row["body"].startswith("Der er nyt i Familieportalen.") for row in queued(ctx))


def test_an_email_is_not_held_back_at_night(ctx, at):
    notices.choose_channel(Actor("parent", SARA), SARA, "email")
    at(22)
    add_plan_item()
    notices.collect()
    assert notices.release(at(22, 15)) == 1
    assert [(row["parent_id"], row["channel"]) for row in queued(ctx)] == [(SARA, "email")]


@pytest.mark.parametrize("hour, minute, quiet", [(20, 59, False), (21, 0, True), (2, 0, True), (7, 59, True),
                                                 (8, 0, False), (12, 0, False)])
def test_the_sms_free_night_is_21_to_8_copenhagen_time(hour, minute, quiet):
    moment = from_local(REAL_TODAY, time(hour, minute))
    assert (notices.quiet_until(moment) is not None) == quiet


def test_the_night_ends_at_8_also_when_summer_time_ends():
    from datetime import date
    night = from_local(date(2026, 10, 25), time(1, 30))  # the clocks go back at 3 this night
    morning = notices.quiet_until(night)
    assert morning.astimezone(clock.LOCAL_ZONE).hour == 8
    assert morning.astimezone(timezone.utc).hour == 7  # winter time: UTC+1


def test_a_retry_that_falls_in_the_night_waits_until_morning(app, ctx, at, db):
    at(20, 40)
    add_plan_item()
    notices.collect()
    notices.release(at(20, 55))
    ctx.execute("UPDATE outbox SET next_attempt_at = ? WHERE purpose = 'notice'", [clock.to_db_time(at(21, 10))])
    assert deliver(app) == 0
    row = queued(ctx)[0]
    assert row["sent_at"] is None and row["attempts"] == 0
    assert row["next_attempt_at"] == clock.to_db_time(from_local(REAL_TODAY + timedelta(days=1), time(8)))


# Durable and once.

def test_collecting_twice_makes_no_second_notice_and_releasing_twice_sends_once(ctx, at):
    at(10)
    add_plan_item()
    notices.collect()
    notices.collect()
    assert notices.release(at(10, 15)) == 2
    assert notices.release(at(10, 16)) == 0
    assert len(queued(ctx)) == 2


def test_a_worker_killed_midway_loses_no_notice_and_sends_none_twice(ctx, at, monkeypatch):
    at(10)
    add_plan_item()
    real_queue = notices._queue
    calls = []

    def dies_on_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real_queue(*args)

    monkeypatch.setattr(notices, "_queue", dies_on_second)
    notices.collect()
    with pytest.raises(KeyboardInterrupt):
        notices.release(at(10, 15))
    assert queued(ctx) == [] and len(open_notices(ctx)) == 2  # all of it rolled back
    monkeypatch.setattr(notices, "_queue", real_queue)
    assert notices.release(at(10, 16)) == 2
    assert sorted(row["parent_id"] for row in queued(ctx)) == [SARA, THOMAS]


def test_events_before_the_cursor_are_never_read_again(ctx, at):
    at(10)
    add_plan_item()
    assert notices.collect() >= 1
    assert notices.collect() == 0


# Reminders.

def test_the_day_before_a_meeting_each_parent_taking_part_gets_one_reminder(ctx, at):
    at(9)
    move(NEXT_NETWORK, 1, 13)
    notices.step(at(9, 59))
    assert notices.remind(at(9, 59)) == 0
    assert notices.remind(at(10)) == 2
    assert notices.remind(at(10, 1)) == 0
    notices.release(at(10, 1))
    reminders = [row for row in queued(ctx) if row["purpose"] == "reminder"]
    assert sorted(row["parent_id"] for row in reminders) == [SARA, THOMAS]
    assert reminders[0]["body"].startswith("Husk: Du har et møde i morgen.")


def test_a_draft_meeting_gets_no_reminder_until_it_is_published(ctx, at):
    at(9)
    draft = meetings.create_meeting(METTE_ACTS, HOLM, kind="conversation", starts_at=_at(1, 13), ends_at=_at(1, 14),
                                    place="Rådhuset", participants=[f"parent:{SARA}", f"parent:{THOMAS}"])
    assert notices.step(at(10)) == 0  # the worker's round at the hour reminders are made
    notices.release(at(10, 1))
    assert ctx.execute("SELECT count(*) FROM notices WHERE kind = 'reminder'").fetchone()[0] == 0
    assert [row for row in queued(ctx) if row["purpose"] == "reminder"] == []
    meeting = ctx["meetings"].get(draft)
    meetings.update_meeting(METTE_ACTS, HOLM, draft, meeting["version"], publish=True, kind=meeting["kind"],
                            starts_at=_at(1, 13), ends_at=_at(1, 14), place=meeting["place"],
                            participants=[f"parent:{SARA}", f"parent:{THOMAS}"])
    notices.step(at(10, 5))
    notices.release(at(10, 5))
    reminders = [row for row in queued(ctx) if row["purpose"] == "reminder"]
    assert sorted(row["parent_id"] for row in reminders) == [SARA, THOMAS]


def test_a_moved_meeting_gets_a_new_reminder_and_a_cancelled_one_none(ctx, at):
    at(9)
    move(NEXT_NETWORK, 1, 13)
    notices.remind(at(10))
    notices.release(at(10))
    at(11)
    move(NEXT_NETWORK, 1, 15)
    assert notices.remind(at(11)) == 2
    meeting = ctx["meetings"].get(NEXT_NETWORK)
    meetings.cancel_meeting(METTE_ACTS, HOLM, NEXT_NETWORK, meeting["version"], reason="Syg")
    notices.release(at(11, 1))
    assert len([row for row in queued(ctx) if row["purpose"] == "reminder"]) == 2
    assert ctx.execute("SELECT skipped FROM notices WHERE kind = 'reminder' ORDER BY id DESC").fetchone()[0] == \
        "meeting_gone"


def test_a_reminder_link_signs_in_and_lands_on_the_meeting(app, client, ctx, at):
    at(9)
    move(NEXT_NETWORK, 1, 13)
    notices.remind(at(10))
    notices.release(at(10))
    deliver(app)
    text = _outbox_texts(app)[-1]
    path = text.split("http://localhost")[1].split()[0]
    page = client.get(path)
    from conftest import csrf_from
    response = client.post(path, data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{NEXT_NETWORK}")


# What the messages say.

def _outbox_texts(app):
    from pathlib import Path
    folder = Path(app.config["OUTBOX_DIR"])
    return [json.loads(path.read_text())["text"] for path in sorted(folder.glob("*.json"))]


def test_no_message_names_a_person_a_child_a_time_or_a_place(app, ctx, at):
    at(10)
    move(NEXT_NETWORK, 1, 13)
    add_plan_item()
    plan.add_plan_update(METTE_ACTS, HOLM, body="Emil har det bedre i skolen.", publish=True)
    notices.collect()
    notices.release(at(10, 15))
    notices.remind(at(10, 15))
    notices.release(at(10, 15))
    notices.choose_channel(Actor("parent", THOMAS), THOMAS, "email")
    at(10, 20)
    meeting = ctx["meetings"].get(NEXT_NETWORK)
    meetings.cancel_meeting(METTE_ACTS, HOLM, NEXT_NETWORK, meeting["version"], reason="Emil er syg")
    notices.collect()
    notices.release(at(10, 35))
    assert deliver(app) >= 4
    texts = _outbox_texts(app)
    assert len(texts) >= 4
    words = set()
    for row in ctx.query("SELECT name, email, phone, address FROM parents WHERE family_id = ?", [HOLM]):
        words |= {part for value in row.values() if value for part in value.split()}
    words |= {row["first_name"] for row in ctx.query("SELECT first_name FROM children WHERE family_id = ?", [HOLM])}
    words |= {row["name"].split()[0] for row in ctx.query("SELECT pro.name FROM people_involved p JOIN professionals pro"
                                                       " ON pro.id = p.professional_id WHERE p.family_id = ?", [HOLM])}
    words |= {ctx["families"].get(HOLM)["name"].split()[-1], "Familiehuset", "Skolevej", "13:00", "13.00", "kl."}
    for text in texts:
        for word in words:
            assert word not in text, (word, text)
        assert "http://localhost/login/" in text


def test_a_notice_link_leaves_the_link_staff_sent_working(app, client, ctx, at, auth):
    staff_link = auth.link(origin="sent")
    at(10)
    add_plan_item()
    notices.collect()
    notices.release(at(10, 15))
    deliver(app)
    assert auth.use(staff_link).status_code == 302


def test_events_from_before_the_notices_existed_are_not_news(tmp_path):
    from portal.data.db import migrate

    db = database_before(tmp_path / "old.db", "m013_notices")
    db["family_events"].insert({"family_id": 1, "at": "2026-01-01T00:00:00Z", "kind": "plan_item.added",
                                "actor_kind": "staff", "actor_id": 1, "for_family": 1})
    assert "m013_notices" in migrate(db)
    assert db.execute("SELECT last_event_id FROM notice_cursor").fetchone()[0] == 1
    assert "notices_by" in db["parents"].columns_dict and "landing" in db["sign_in_links"].columns_dict


def test_the_worker_round_makes_notices_and_reminders_and_takes_no_write_lock_when_idle(ctx, at, monkeypatch):
    at(9, 50)
    move(NEXT_NETWORK, 1, 13)
    assert notices.step(at(9, 55)) == 0
    assert set(open_notices(ctx)) == {SARA, THOMAS}
    assert notices.step(at(10)) == 2  # the two reminders; the change waits its 15 minutes
    assert notices.step(at(10, 1)) == 0
    writes = []
    monkeypatch.setattr(notices, "release", lambda *a: writes.append("release"))
    monkeypatch.setattr(notices, "collect", lambda *a: writes.append("collect"))
    monkeypatch.setattr(notices, "remind", lambda *a: writes.append("remind"))
    notices.step(at(10, 2))
    assert writes == []
