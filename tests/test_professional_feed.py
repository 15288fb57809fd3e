"""A professional's calendar feed: one address for their meetings in every family (portal/professional/feed.py)."""
import hashlib
import re
from datetime import timedelta

import icalendar
import pytest

from conftest import HOLM, METTE, SPLIT, csrf_from, main_part
from portal.data.changes import Actor
from test_professionals import professional_id, sign_in_professional

METTE_ACTS = Actor("staff", METTE)


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


def make_feed(client):
    """Press the button on Mine familier; return the feed's https address."""
    response = client.post("/fagperson/kalender", data={"csrf_token": csrf_from(client.get("/fagperson/").text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/fagperson/?feed=new#kalender")
    page = main_part(client.get("/fagperson/?feed=new").text)
    assert "Abonnér i din kalender" in page
    return re.search(r'id="feed-url" readonly value="([^"]+)"', page).group(1)


def path_of(url):
    return url.removeprefix("http://localhost")


def events(body):
    return {int(e["UID"].split("-")[1].split("@")[0]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def called_meetings(db, professional, family_id):
    return {row[0] for row in db.execute(
        "SELECT m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id"
        " JOIN people_involved inv ON inv.id = mp.person_involved_id"
        " WHERE inv.professional_id = ? AND m.family_id = ? AND m.published_at IS NOT NULL", [professional, family_id])}


@pytest.fixture
def hanne_feed(app, client, hanne):
    sign_in_professional(app, client, hanne)
    return make_feed(client)


def test_one_feed_holds_her_meetings_in_every_family_and_never_a_family(app, db, hanne, hanne_feed):
    response = app.test_client().get(path_of(hanne_feed))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    found = events(response.data)
    holm, split = called_meetings(db, hanne, HOLM), called_meetings(db, hanne, SPLIT)
    assert holm and split and set(found) == holm | split
    for event in found.values():
        assert str(event["SUMMARY"]).endswith(" (Familieportalen)")
        assert str(event["URL"]) == f"http://localhost/fagperson/moeder/{int(event['UID'].split('-')[1].split('@')[0])}"
    # No family, parent or child (the place is there, as in the parents' feed): calendars sync to clouds.
    text = response.text
    for table, column in (("families", "name"), ("parents", "name"), ("children", "first_name")):
        for (value,) in db.execute(f"SELECT {column} FROM {table}"):
            if value:
                assert value not in text, value
    for (name,) in db.execute("SELECT name FROM families"):
        assert not re.search(rf"\b{re.escape(name.split()[-1])}\b", text), name  # "Holm" of "Familien Holm"


def test_the_token_is_kept_only_as_its_hash(db, hanne_feed):
    token = path_of(hanne_feed).removeprefix("/fagperson/kalender/").removesuffix(".ics")
    assert db.execute("SELECT token_hash FROM professional_calendar_feeds").fetchone()[0] == \
        hashlib.sha256(token.encode()).hexdigest()
    for table in db.table_names():
        for values in db.execute(f"SELECT * FROM [{table}]"):
            assert not any(isinstance(value, str) and token in value for value in values), table


def _a_holm_meeting(db, hanne):
    return min(m for m in called_meetings(db, hanne, HOLM)
               if db.execute("SELECT status FROM meetings WHERE id = ?", [m]).fetchone()[0] == "planned")


def test_a_move_raises_sequence_and_a_cancellation_says_cancelled(app, db, hanne, hanne_feed):
    from portal.data.changes import meetings
    from portal.data.clock import from_db_time
    from portal.data.db import get_db
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    meeting_id = _a_holm_meeting(db, hanne)
    feed = app.test_client()
    before = events(feed.get(path_of(hanne_feed)).data)[meeting_id]
    with app.test_request_context():
        row = meeting_reads.meeting(HOLM, meeting_id)
        values = MeetingForm.data_from(row)
        meetings.update_meeting(
            METTE_ACTS, HOLM, meeting_id, row["version"],
            **{key: values[key] for key in ("kind", "place", "purpose", "participants", "follow_up", "hidden_from")},
            starts_at=from_db_time(row["starts_at"]) + timedelta(days=2),
            ends_at=row["ends_at"] and from_db_time(row["ends_at"]) + timedelta(days=2))
    moved = events(feed.get(path_of(hanne_feed)).data)[meeting_id]
    assert moved["UID"] == before["UID"] and moved["SEQUENCE"] > before["SEQUENCE"]
    assert moved.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=2)
    assert moved["STATUS"] == "CONFIRMED"
    with app.test_request_context():
        version = get_db()["meetings"].get(meeting_id)["version"]
        meetings.cancel_meeting(METTE_ACTS, HOLM, meeting_id, version, reason="Læreren er syg.")
    cancelled = events(feed.get(path_of(hanne_feed)).data)[meeting_id]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] > moved["SEQUENCE"]


def test_a_withdrawn_consent_takes_that_familys_meetings_out_of_the_feed(app, db, hanne, hanne_feed):
    from portal.data.changes import consents

    feed = app.test_client()
    assert called_meetings(db, hanne, SPLIT) <= set(events(feed.get(path_of(hanne_feed)).data))
    with app.test_request_context():
        for consent_id, version in db.execute("SELECT id, version FROM consents WHERE family_id = ?"
                                              " AND withdrawn_on IS NULL", [SPLIT]).fetchall():
            consents.withdraw_consent(METTE_ACTS, SPLIT, consent_id, version)
    found = set(events(feed.get(path_of(hanne_feed)).data))
    assert not found & called_meetings(db, hanne, SPLIT)
    assert called_meetings(db, hanne, HOLM) <= found


def test_a_protected_homes_place_is_left_out(app, db, hanne, hanne_feed):
    meeting_id = _a_holm_meeting(db, hanne)
    parent = db.execute("SELECT id FROM parents WHERE family_id = ?", [HOLM]).fetchone()[0]
    db.execute("UPDATE meetings SET protected_home_parent_id = ? WHERE id = ?", [parent, meeting_id])
    db.conn.commit()
    assert "LOCATION" not in events(app.test_client().get(path_of(hanne_feed)).data)[meeting_id]


def test_a_replaced_address_and_a_parents_token_get_404(app, client, db, hanne_feed):
    from portal import tokens

    new = make_feed(client)
    assert new != hanne_feed
    feed = app.test_client()
    assert feed.get(path_of(hanne_feed)).status_code == 404 and feed.get(path_of(new)).status_code == 200
    seed = db.execute("SELECT seed FROM professional_calendar_feeds WHERE replaced_at IS NULL").fetchone()[0]
    with app.app_context():
        parents_token = tokens.sign("calendar-feed", seed)
    assert feed.get(f"/fagperson/kalender/{parents_token}.ics").status_code == 404


def test_the_feed_stops_for_a_deactivated_professional(app, db, hanne, hanne_feed):
    db.execute("UPDATE professionals SET active = 0 WHERE id = ?", [hanne])
    db.conn.commit()
    assert app.test_client().get(path_of(hanne_feed)).status_code == 404


def test_a_link_alone_cannot_make_a_feed(app, client, hanne):
    from portal.data import access

    sign_in_professional(app, client, hanne, level=access.LINK, method="link")
    token = csrf_from(client.get("/fagperson/").text)
    assert "Abonnér i din kalender" not in client.get("/fagperson/").text
    assert client.post("/fagperson/kalender", data={"csrf_token": token}).status_code == 404


def test_deleting_the_last_family_of_a_professional_deletes_their_feed_and_passkeys(app, db):
    from portal.data.changes import calendar_feeds, passkeys
    from portal.data.changes.retention import delete_family
    from portal.data.db import get_db
    from portal.data.holders import PROFESSIONAL, Holder

    with app.test_request_context():
        database = get_db()
        only_holm = database.execute(
            "SELECT professional_id FROM people_involved WHERE family_id = ? AND professional_id NOT IN"
            " (SELECT professional_id FROM people_involved WHERE family_id != ?)", [HOLM, HOLM]).fetchone()[0]
        calendar_feeds.new_professional_calendar_feed(METTE_ACTS, only_holm)
        passkeys.add_passkey(Holder(PROFESSIONAL, only_holm), "cred-1", "key-1", 0)
        calendar_feeds.new_professional_calendar_feed(METTE_ACTS, professional_id(db, "Hanne Bech"))  # in two
        database.execute("UPDATE families SET closed_at = '2020-01-01T00:00:00Z' WHERE id = ?", [HOLM])
        delete_family(HOLM)
    assert db.execute("SELECT count(*) FROM professional_calendar_feeds WHERE professional_id = ?",
                      [only_holm]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM passkeys WHERE holder_id = ?", [only_holm]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM professional_calendar_feeds").fetchone()[0] == 1  # Hanne keeps hers
