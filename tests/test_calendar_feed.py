"""A parent's calendar feed and the single-meeting calendar file (portal/parent/feed.py, portal/web/calendar.py)."""
import hashlib
import re
from datetime import timedelta, timezone

import icalendar
import pytest
import vobject

from conftest import (
    CANCELLED_VISIT, CONVERSATION, FOLLOW_UP, HELD_NETWORK, HIDDEN_FROM_MARTIN, METTE, NEXT_NETWORK, NIELSEN_MEETING,
    PROTECTED_HOME_VISIT, SPLIT_NETWORK, csrf_from, main_part,
)


def make_feed(client):
    """Press the button on the meetings page; return the feed's https address."""
    token = csrf_from(client.get("/meetings").text)
    response = client.post("/calendar-feed", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings?feed=new#kalender")
    page = main_part(client.get("/meetings?feed=new").text)
    return re.search(r'id="feed-url" readonly value="([^"]+)"', page).group(1)


def path_of(url):
    return url.removeprefix("http://localhost")


def events(body):
    return {int(e["UID"].split("-")[1].split("@")[0]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


@pytest.fixture
def sara_feed(auth, client):
    auth.sign_in()
    return make_feed(client)


def test_a_parent_subscribes_to_their_meetings_without_a_session(app, sara_feed):
    response = app.test_client().get(path_of(sara_feed))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    found = events(response.data)
    # Every meeting Sara takes part in, cancelled and held ones too; never one she is not in.
    assert set(found) == {HELD_NETWORK, NEXT_NETWORK, FOLLOW_UP, CONVERSATION, CANCELLED_VISIT}
    assert found[CANCELLED_VISIT]["STATUS"] == "CANCELLED" and found[NEXT_NETWORK]["STATUS"] == "CONFIRMED"
    network = found[NEXT_NETWORK]
    assert network["UID"] == f"meeting-{NEXT_NETWORK}@localhost"
    assert network.decoded("DTSTART").tzinfo is not None and network.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "DTSTART:" in response.text and re.search(r"DTSTART:\d{8}T\d{6}Z", response.text)
    assert str(network["SUMMARY"]) == "Netværksmøde (Demo Kommune)"
    assert str(network["LOCATION"]) == "Familiehuset, Skolevej 4, 9999 Demoby"
    assert str(network["URL"]) == f"http://localhost/meetings/{NEXT_NETWORK}"
    assert network["SEQUENCE"] >= 0 and network.decoded("LAST-MODIFIED").utcoffset() == timedelta(0)


def test_the_feed_reads_in_a_second_independent_parser(app, sara_feed):
    body = app.test_client().get(path_of(sara_feed)).text
    calendar = vobject.readOne(body)
    parsed = {e.uid.value: e for e in calendar.vevent_list}
    network = parsed[f"meeting-{NEXT_NETWORK}@localhost"]
    assert network.summary.value == "Netværksmøde (Demo Kommune)"
    assert network.location.value == "Familiehuset, Skolevej 4, 9999 Demoby"
    assert network.dtstart.value.tzinfo is not None and network.dtstart.value.utcoffset() == timedelta(0)
    assert parsed[f"meeting-{CANCELLED_VISIT}@localhost"].status.value == "CANCELLED"
    assert len(parsed) == 5


def test_the_feed_holds_no_purpose_participants_or_case_details(app, sara_feed):
    body = app.test_client().get(path_of(sara_feed)).text
    for private in ("Emil", "Sara", "Thomas", "Holm", "Hanne", "plan sammen", "Hvordan går det", "morgenerne",
                    "Sundhedsplejersken", "Mette", "@example.dk", "ATTENDEE", "ORGANIZER"):
        assert private not in body, private
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_moving_a_meeting_keeps_its_uid_and_raises_its_sequence(app, sara_feed):
    from portal.data.changes import Actor
    from portal.data.changes import meetings
    from portal.data.clock import from_db_time
    from portal.data.reads import meetings as meeting_reads
    from portal.staff.meetings import MeetingForm

    feed = app.test_client()
    before = events(feed.get(path_of(sara_feed)).data)[NEXT_NETWORK]
    with app.test_request_context():
        row = meeting_reads.meeting(1, NEXT_NETWORK)
        values = MeetingForm.data_from(row)
        meetings.update_meeting(
            Actor("staff", METTE), 1, NEXT_NETWORK, row["version"],
            **{key: values[key] for key in ("kind", "place", "purpose", "participants", "follow_up", "hidden_from")},
            starts_at=from_db_time(row["starts_at"]) + timedelta(days=2),
            ends_at=from_db_time(row["ends_at"]) + timedelta(days=2))
    after = events(feed.get(path_of(sara_feed)).data)[NEXT_NETWORK]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=2)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_cancelling_a_meeting_raises_its_sequence_and_marks_it_cancelled(app, sara_feed):
    from portal.data.changes import Actor
    from portal.data.changes import meetings
    from portal.data.db import get_db

    feed = app.test_client()
    before = events(feed.get(path_of(sara_feed)).data)[FOLLOW_UP]
    with app.test_request_context():
        version = get_db()["meetings"].get(FOLLOW_UP)["version"]
        meetings.cancel_meeting(Actor("staff", METTE), 1, FOLLOW_UP, version, reason="Læreren er syg.")
    after = events(feed.get(path_of(sara_feed)).data)[FOLLOW_UP]
    assert after["STATUS"] == "CANCELLED" and after["SEQUENCE"] > before["SEQUENCE"]
    assert "syg" not in feed.get(path_of(sara_feed)).text


def test_a_replaced_feed_address_gets_404_and_the_new_one_works(app, client, sara_feed):
    old = path_of(sara_feed)
    new = path_of(make_feed(client))
    assert new != old
    feed = app.test_client()
    assert feed.get(old).status_code == 404
    assert feed.get(new).status_code == 200
    assert "Et link, du havde før, virker ikke længere" in main_part(client.get("/meetings?feed=new").text)


@pytest.mark.parametrize("path", ["/calendar/x.ics", "/calendar/IjEyMyI.abcdefghijklmnop.ics"])
def test_an_unknown_or_tampered_feed_address_gets_404(app, sara_feed, path):
    feed = app.test_client()
    assert feed.get(path).status_code == 404
    token = path_of(sara_feed).removeprefix("/calendar/").removesuffix(".ics")
    assert feed.get(f"/calendar/{token[:-2]}{'AA' if token[-2:] != 'AA' else 'BB'}.ics").status_code == 404


def test_a_token_made_for_another_purpose_never_opens_a_feed(app, sara_feed, db):
    from portal import tokens

    seed = db.execute("SELECT seed FROM calendar_feeds").fetchone()[0]
    with app.app_context():
        sign_in_token = tokens.sign("parent-sign-in", seed)
    assert app.test_client().get(f"/calendar/{sign_in_token}.ics").status_code == 404


def test_the_database_holds_the_hash_of_the_feed_token_never_the_token(db, sara_feed):
    token = path_of(sara_feed).removeprefix("/calendar/").removesuffix(".ics")
    row = db.execute("SELECT token_hash FROM calendar_feeds").fetchone()
    assert row[0] == hashlib.sha256(token.encode()).hexdigest()
    for table in db.table_names():
        for values in db.execute(f"SELECT * FROM [{table}]"):
            assert not any(isinstance(value, str) and token in value for value in values), table


def test_the_feed_stops_for_a_parent_who_may_no_longer_sign_in(app, db, sara_feed):
    db.execute("UPDATE parents SET can_sign_in = 0 WHERE email = 'sara.holm@example.dk'")
    assert app.test_client().get(path_of(sara_feed)).status_code == 404


def test_a_split_familys_feed_holds_only_what_each_parent_takes_part_in_and_may_see(app, auth, client):
    auth.sign_in("martin.andersen@example.dk")
    martin = events(app.test_client().get(path_of(make_feed(client))).data)
    assert set(martin) == {SPLIT_NETWORK}
    auth.sign_in("nadia.yilmaz@example.dk")
    nadia = events(app.test_client().get(path_of(make_feed(client))).data)
    assert set(nadia) == {SPLIT_NETWORK, PROTECTED_HOME_VISIT, HIDDEN_FROM_MARTIN}
    assert "Skovbrynet" in str(nadia[PROTECTED_HOME_VISIT]["LOCATION"])  # her own home


def test_a_meeting_shown_to_the_family_in_a_protected_home_never_gives_its_place_to_another_participant(app, auth,
                                                                                                      client, db):
    db.execute("INSERT INTO meeting_participants (meeting_id, parent_id, follow_up) VALUES (?, 4, 0)",
               [PROTECTED_HOME_VISIT])
    auth.sign_in("martin.andersen@example.dk")
    body = app.test_client().get(path_of(make_feed(client))).text
    assert f"meeting-{PROTECTED_HOME_VISIT}@" in body and "Skovbrynet" not in body


def test_a_draft_never_reaches_the_feed(app, auth, client):
    from portal.data.changes import Actor
    from portal.data.changes import meetings
    from portal.demo import _at

    with app.test_request_context():
        draft = meetings.create_meeting(Actor("staff", METTE), 1, kind="conversation", starts_at=_at(3, 10),
                                        participants=["parent:1"], publish=False)
    auth.sign_in()
    found = events(app.test_client().get(path_of(make_feed(client))).data)
    assert draft not in found and NEXT_NETWORK in found


def test_the_feed_is_rate_limited_per_parent(app, sara_feed):
    app.config["CALENDAR_FEED_REQUESTS_PER_HOUR"] = 2
    feed = app.test_client()
    assert [feed.get(path_of(sara_feed)).status_code for _ in range(3)] == [200, 200, 429]


def test_the_meetings_page_offers_https_and_webcal_and_a_new_link(auth, client):
    auth.sign_in()
    page = main_part(client.get("/meetings").text)
    assert "Abonnér i din kalender" in page and "Lav et link til din kalender" in page and "webcal://" not in page
    url = make_feed(client)
    page = main_part(client.get("/meetings").text)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    assert f'href="webcal://localhost/calendar/{url.split("/calendar/")[1]}"' in page
    assert "Lav et nyt link" in page and "Det gamle link holder op med at virke" in page


def test_the_beskeder_page_also_offers_the_feed_and_a_new_link_comes_back_there(auth, client):
    auth.sign_in()
    page = main_part(client.get("/messages").text)
    assert "Abonnér i din kalender" in page
    response = client.post("/calendar-feed", data={"csrf_token": csrf_from(page), "back": "messages"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/messages?feed=new#kalender")
    page = main_part(client.get("/messages?feed=new").text)
    assert "Dit link er klar" in page and "webcal://localhost/calendar/" in page


def test_another_parent_cannot_replace_or_read_my_feed(app, auth, client, sara_feed):
    auth.sign_in("thomas.holm@example.dk")
    page = main_part(client.get("/meetings").text)
    assert sara_feed not in page
    make_feed(client)
    assert app.test_client().get(path_of(sara_feed)).status_code == 200


def test_a_feed_token_is_kept_out_of_the_logs(sara_feed):
    from portal.web.security import redact

    line = f'127.0.0.1 "GET {path_of(sara_feed)} HTTP/1.1" 200'
    token = path_of(sara_feed).removeprefix("/calendar/").removesuffix(".ics")
    assert token not in redact(line) and "/calendar/[redacted]" in redact(line)


def test_a_single_meeting_file_is_made_with_icalendar_and_reads_in_a_second_parser(auth, client):
    auth.sign_in()
    response = client.get(f"/meetings/{NEXT_NETWORK}/calendar.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["UID"] == f"meeting-{NEXT_NETWORK}@localhost" and "SEQUENCE" in event
    assert event.decoded("DTSTART").astimezone(timezone.utc) == event.decoded("DTSTART")
    assert vobject.readOne(response.text).vevent.summary.value == "Netværksmøde (Demo Kommune)"


def test_another_familys_meeting_never_reaches_the_feed_even_with_the_parent_on_it(app, db, sara_feed):
    db.execute("INSERT INTO meeting_participants (meeting_id, parent_id, follow_up) VALUES (?, 1, 0)",
               [NIELSEN_MEETING])
    body = app.test_client().get(path_of(sara_feed)).text
    assert f"meeting-{NIELSEN_MEETING}@" not in body and f"meeting-{NEXT_NETWORK}@" in body
