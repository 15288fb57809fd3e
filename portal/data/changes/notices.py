"""Notices to parents: built from what staff publish, batched, kept out of the night, sent once.

Three steps, each one transaction, run by the outbox worker every second
(`portal.messages.worker.work`):

- collect(): family events that staff made for the family become one open
  notice per parent who may sign in and may see the item; changes within
  15 minutes of the first join it. A cursor remembers the last event read,
  in the same transaction, so a killed worker neither loses nor repeats one.
- remind(): the day before a meeting, each parent taking part gets a
  reminder, once per meeting, parent and start time (a moved meeting gets a
  new one).
- release(): due notices become outbox rows in the transaction that marks
  them done. An SMS is not sent between 21 and 8: it waits until 8.

The parent chooses SMS, e-mail or none (choose_channel); until they do, the
channel they have is used (SMS if a phone, else e-mail).
"""
from datetime import datetime, time, timedelta

from ._core import Rules, change, record
from .. import access
from .. import clock
from ..clock import LOCAL_ZONE, from_local, to_db_time
from ..db import get_db, read_one
from ..outbox import queue_notice
from ..vocabulary import NOTICE_TOPICS
from ...i18n import N_

BATCH = timedelta(minutes=15)
QUIET_FROM, QUIET_UNTIL = time(21), time(8)  # no SMS from 21 until 8, Copenhagen time
REMIND_FROM = time(10)  # reminders are made from 10 the day before
CHANNELS = ("sms", "email")

# Which family events a parent hears of, and under which topic.
TOPICS = NOTICE_TOPICS


def channels_for(parent):
    """The channels this parent has an address for, SMS first."""
    return [channel for channel in CHANNELS if parent[_ADDRESS[channel]]]


_ADDRESS = {"sms": "phone", "email": "email"}


def channel_of(parent):
    """Where this parent's notices go now: their choice, else the channel they have; None for none."""
    available = channels_for(parent)
    choice = parent.get("notices_by")
    if choice == "none":
        return None
    if choice in available:
        return choice
    return available[0] if available else None


def recipient(parent, channel):
    return parent[_ADDRESS[channel]] if channel else None


def quiet_until(moment):
    """The next 8 o'clock if `moment` falls in the SMS-free night (21-8 in Copenhagen), else None."""
    here = moment.astimezone(LOCAL_ZONE)
    if QUIET_UNTIL <= here.time() < QUIET_FROM:
        return None
    day = here.date() if here.time() < QUIET_UNTIL else here.date() + timedelta(days=1)
    return from_local(day, QUIET_UNTIL)


@change
def choose_channel(actor, parent_id, channel):
    """A parent chooses how notices reach them: SMS, e-mail or none (only channels they have an address for)."""
    parent = read_one(get_db(), "SELECT * FROM parents WHERE id = ?", [parent_id])
    rules = Rules()
    rules.choice("notices_by", channel, [*channels_for(parent), "none"],
                 message=N_("Vælg SMS, e-mail eller ingen beskeder."))
    rules.done()
    # Its own column, not on the coordinator's form: no version bump, so no false conflict there.
    get_db().execute("UPDATE parents SET notices_by = ? WHERE id = ?", [channel, parent_id])
    record(actor, "parent.notices_chosen", parent["family_id"], item_kind="parent", item_id=parent_id,
           event=False, channel=channel)


def skip_history():
    """Treat every event so far as read (the demo's history is not news)."""
    get_db().execute("UPDATE notice_cursor SET last_event_id = (SELECT coalesce(max(id), 0) FROM family_events)")


@change
def collect(limit=500):
    """Turn new family events into notices; return how many events were read."""
    db = get_db()
    cursor = db.execute("SELECT last_event_id FROM notice_cursor WHERE id = 1").fetchone()[0]
    events = list(db.query("SELECT * FROM family_events WHERE id > ? ORDER BY id LIMIT ?", [cursor, limit]))
    for event in events:
        topic = TOPICS.get(event["kind"])
        if topic is None or event["actor_kind"] != "staff" or not event["for_family"]:
            continue
        parents = db.execute(
            # Not "p": the access conditions use that alias inside.
            f"SELECT candidate.id FROM parents candidate JOIN family_events e ON e.id = ?"
            f" WHERE candidate.family_id = e.family_id AND {access.parent_may_sign_in_sql('candidate.id')}"
            f" AND {access.parent_sees_event_sql('e', 'candidate.id')}",
            [event["id"]],
        ).fetchall()
        for (parent_id,) in parents:
            _add_topic(event, parent_id, topic)
    if events:
        db.execute("UPDATE notice_cursor SET last_event_id = ? WHERE id = 1", [events[-1]["id"]])
    return len(events)


def _add_topic(event, parent_id, topic):
    db = get_db()
    open_notice = read_one(db, "SELECT id, topics FROM notices WHERE parent_id = ? AND kind = 'changes'"
                               " AND done_at IS NULL", [parent_id])
    if open_notice:
        topics = sorted({*open_notice["topics"].split(), topic})
        db.execute("UPDATE notices SET topics = ? WHERE id = ?", [" ".join(topics), open_notice["id"]])
        return
    first = datetime.fromisoformat(event["at"])
    db["notices"].insert({
        "family_id": event["family_id"], "parent_id": parent_id, "kind": "changes", "topics": topic,
        "first_at": event["at"], "due_at": to_db_time(first + BATCH),
    })


def _reminder_candidates():
    """Meetings tomorrow (:start to :end) and the parents taking part who may see them and sign in."""
    return f"""
        SELECT m.family_id, mp.parent_id, m.id AS meeting_id, m.starts_at
        FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id
        WHERE m.status = 'planned' AND m.starts_at >= :start AND m.starts_at < :end AND mp.parent_id IS NOT NULL
          AND {access.parent_sees_sql('meeting', 'm', 'mp.parent_id')}
          AND {access.parent_may_sign_in_sql('mp.parent_id')}
    """


def _tomorrow(now):
    """The Copenhagen day after `now` as UTC bounds, or None before 10 (reminders are made from 10 the day before)."""
    here = now.astimezone(LOCAL_ZONE)
    if here.time() < REMIND_FROM:
        return None
    tomorrow = here.date() + timedelta(days=1)
    start, end = from_local(tomorrow, time(0)), from_local(tomorrow + timedelta(days=1), time(0))
    return {"now": to_db_time(now), "start": to_db_time(start), "end": to_db_time(end)}


@change
def remind(now=None):
    """From 10 the day before, a reminder for each parent taking part in a meeting; return how many were made."""
    params = _tomorrow(now or clock.utcnow())
    if params is None:
        return 0
    return get_db().execute(
        "INSERT OR IGNORE INTO notices (family_id, parent_id, kind, meeting_id, meeting_starts_at, first_at, due_at)"
        f" SELECT family_id, parent_id, 'reminder', meeting_id, starts_at, :now, :now FROM ({_reminder_candidates()})",
        params,
    ).rowcount


@change
def release(now=None, limit=200):
    """Turn due notices into outbox rows, each marked done in the same transaction; return how many were queued."""
    now = now or clock.utcnow()
    db = get_db()
    queued = 0
    due = list(db.query("SELECT * FROM notices WHERE done_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?",
                        [to_db_time(now), limit]))
    for notice in due:
        parent = read_one(db, f"SELECT *, {access.parent_may_sign_in_sql('parents.id')} AS may_sign_in"
                              " FROM parents WHERE id = ?", [notice["parent_id"]])
        channel = channel_of(parent)
        skipped = (
            "no_access" if not parent["may_sign_in"]
            else "none" if parent.get("notices_by") == "none"
            else "no_contact" if channel is None
            else "meeting_gone" if notice["kind"] == "reminder" and not _meeting_still_on(notice, now)
            else None
        )
        if skipped:
            db.execute("UPDATE notices SET done_at = ?, skipped = ? WHERE id = ?",
                       [to_db_time(now), skipped, notice["id"]])
            continue
        if channel == "sms" and (morning := quiet_until(now)):
            # The night: wait for the morning, and let the night's changes join this one message.
            db.execute("UPDATE notices SET due_at = ? WHERE id = ?", [to_db_time(morning), notice["id"]])
            continue
        outbox_id = _queue(notice, parent, channel, now)
        db.execute("UPDATE notices SET done_at = ?, outbox_id = ? WHERE id = ?",
                   [to_db_time(now), outbox_id, notice["id"]])
        queued += 1
    return queued


def _meeting_still_on(notice, now):
    return get_db().execute(
        f"SELECT 1 FROM meetings m WHERE m.id = ? AND m.status = 'planned' AND m.starts_at = ? AND m.starts_at > ?"
        f" AND {access.parent_sees_sql('meeting', 'm', '?')}",
        [notice["meeting_id"], notice["meeting_starts_at"], to_db_time(now), notice["parent_id"]],
    ).fetchone() is not None


def _queue(notice, parent, channel, now):
    # The text and its link are made when the message is sent; a reminder is not worth sending after the meeting began.
    return queue_notice(notice, parent["id"], channel, recipient(parent, channel),
                        expires_at=notice["meeting_starts_at"] if notice["kind"] == "reminder" else None, now=now)


def step(now=None):
    """One round of the worker: collect, remind, release; each only when a read shows there is work.

    The reads take no write lock, so the worker in every web process costs
    the writers nothing while there is nothing to do.
    """
    now = now or clock.utcnow()
    db = get_db()
    if db.execute("SELECT (SELECT coalesce(max(id), 0) FROM family_events)"
                  " > (SELECT last_event_id FROM notice_cursor WHERE id = 1)").fetchone()[0]:
        collect()
    params = _tomorrow(now)
    if params and db.execute(
            f"SELECT 1 FROM ({_reminder_candidates()}) c WHERE NOT EXISTS (SELECT 1 FROM notices n"
            " WHERE n.kind = 'reminder' AND n.meeting_id = c.meeting_id AND n.parent_id = c.parent_id"
            " AND n.meeting_starts_at = c.starts_at) LIMIT 1", params).fetchone():
        remind(now)
    if db.execute("SELECT 1 FROM notices WHERE done_at IS NULL AND due_at <= ? LIMIT 1", [to_db_time(now)]).fetchone():
        return release(now)
    return 0
