""""Hvordan var mødet?": a parent's verdict after a meeting, stored apart from them (portal/data/changes/verdicts.py).

Demo: Sara and Thomas took part in the held network meeting (HELD_NETWORK), 21
days ago; Mette Lund and Jonas Berg are in "Børn og Familie", Peter Friis in
"Handicap og Familie".
"""
import json
import secrets
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from conftest import (
    CANCELLED_VISIT, HELD_NETWORK, HOLM, METTE, NEXT_NETWORK, SARA, SPLIT_NETWORK, THOMAS, csrf_from, deliver,
    main_part,
)
from portal.data import clock
from portal.data.db import get_db
from portal.data.reads import verdicts as verdict_reads

ALL_FIVE = {"heard": "5", "who_does_what": "4", "what_matters": "3", "trust": "2", "understood": "1"}
COMMENT = "  Det var godt 🙂\r\nMen for langt.  "


@pytest.fixture(autouse=True)
def no_earlier_answers(db):
    """Start from no answers: the demo brings last quarter's answers from families before it (demo.EARLIER_VERDICTS)."""
    db.execute("DELETE FROM meeting_verdicts")


def give(client, meeting_id, values=None, comment="", share=False, token=None):
    token = token or csrf_from(client.get("/meetings").text)
    data = {"csrf_token": token, **(ALL_FIVE if values is None else values), "comment": comment}
    if share:
        data["share_comment"] = "y"
    return client.post(f"/meetings/{meeting_id}/verdict", data=data)


def stored(db):
    return list(db.query("SELECT * FROM meeting_verdicts"))


def given(db):
    return list(db.query("SELECT * FROM meeting_verdicts_given"))


def test_a_parent_who_took_part_is_asked_on_the_meeting_page_and_answers_once(auth, client, db):
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{HELD_NETWORK}").text)
    assert "Hvordan var mødet?" in page
    for text in ("Jeg blev hørt", "Jeg ved, hvem der gør hvad", "Vi talte om det, der er vigtigt for os",
                 "Jeg har tillid til, at det bliver gjort", "Min kommentar må læses af min kontaktperson"):
        assert text in page, text
    assert page.count('type="radio"') == 25 and "<script" not in page
    response = give(client, HELD_NETWORK, comment=COMMENT, share=True)
    assert response.status_code == 302 and response.headers["Location"].endswith("verdict_given=1#hvordan")
    page = main_part(client.get(f"/meetings/{HELD_NETWORK}?verdict_given=1").text)
    assert "Tak for dine svar" in page and "Du har svaret på, hvordan mødet var." in page
    assert 'type="radio"' not in page
    [row] = stored(db)
    assert {key: row[key] for key in ("meeting_kind", "unit", "heard", "who_does_what", "what_matters", "trust",
                                      "understood")} == {
        "meeting_kind": "network", "unit": "Børn og Familie", "heard": 5, "who_does_what": 4, "what_matters": 3,
        "trust": 2, "understood": 1}
    assert row["comment"] == COMMENT  # kept exactly as written
    assert given(db) == [{"meeting_id": HELD_NETWORK, "parent_id": SARA}]


def test_the_meeting_list_asks_about_each_meeting_the_parent_can_still_answer(auth, client):
    auth.sign_in()
    link = f'href="/meetings/{HELD_NETWORK}#hvordan"'
    assert main_part(client.get("/meetings").text).count("Fortæl os, hvordan mødet var") == 1
    assert link in client.get("/meetings").text
    give(client, HELD_NETWORK)
    assert "Fortæl os, hvordan mødet var" not in main_part(client.get("/meetings").text)


def test_the_home_page_links_the_meeting_to_answer_until_it_is_answered(auth, client):
    auth.sign_in()
    assert f'href="/meetings/{HELD_NETWORK}#hvordan"' in main_part(client.get("/").text)
    give(client, HELD_NETWORK)
    assert "Fortæl os, hvordan mødet var" not in main_part(client.get("/").text)


def test_the_stored_answer_holds_no_person_family_meeting_or_time_finer_than_the_month(auth, client, db):
    auth.sign_in()
    give(client, HELD_NETWORK, comment="Fint", share=True)
    columns = [row[1] for row in db.execute("PRAGMA table_info(meeting_verdicts)")]
    assert columns == ["id", "meeting_kind", "month", "unit", "heard", "who_does_what", "what_matters", "trust",
                       "understood", "comment"]
    [row] = stored(db)
    assert len(row["id"]) == 32 and not row["id"].isdigit()  # random, not a counter
    assert len(row["month"]) == 7 and row["month"][4] == "-"  # "2026-12": no day, no time
    assert not any(isinstance(value, int) and value > 5 for value in row.values())
    # No rowid: the table cannot be read in the order rows were written.
    with pytest.raises(Exception, match="rowid"):
        db.execute("SELECT rowid FROM meeting_verdicts").fetchall()
    with pytest.raises(Exception, match="rowid"):
        db.execute("SELECT rowid FROM meeting_verdicts_given").fetchall()
    assert [row[1] for row in db.execute("PRAGMA table_info(meeting_verdicts_given)")] == ["meeting_id", "parent_id"]
    # No trigger or foreign key ties an answer to anything.
    assert list(db.query("PRAGMA foreign_key_list(meeting_verdicts)")) == []
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'meeting_verdicts%'"
                      ).fetchone()[0] == 0
    # Neither the event log nor the audit line holds what was answered.
    assert db.execute("SELECT count(*) FROM family_events WHERE kind LIKE '%verdict%'").fetchone()[0] == 0
    audit = list(db.query("SELECT * FROM audit_log WHERE action = 'meeting.verdict_given'"))
    assert len(audit) == 1 and "Fint" not in str(audit) and '"heard"' not in str(audit)


def test_the_order_answers_are_stored_in_says_nothing_about_who_answered_first(app, db):
    with app.test_request_context():
        ids = []
        for _ in range(40):
            key = secrets.token_hex(16)
            ids.append(key)
            get_db().execute("INSERT INTO meeting_verdicts (id, meeting_kind, month, unit, heard)"
                             " VALUES (?, 'network', '2026-01', 'x', 3)", [key])
        read = [row[0] for row in get_db().execute("SELECT id FROM meeting_verdicts")]
    assert read == sorted(ids) != ids


def test_an_unshared_comment_is_not_stored(auth, client, db):
    auth.sign_in()
    assert give(client, HELD_NETWORK, comment="Kun til mig selv", share=False).status_code == 302
    assert stored(db)[0]["comment"] is None


def test_answering_twice_is_refused_with_a_clear_message(auth, client, db):
    auth.sign_in()
    token = csrf_from(client.get(f"/meetings/{HELD_NETWORK}").text)
    assert give(client, HELD_NETWORK, token=token).status_code == 302
    response = give(client, HELD_NETWORK, {"heard": "1"}, token=token)
    assert response.status_code == 400
    assert "Du har allerede svaret på, hvordan mødet var." in main_part(response.text)
    assert len(stored(db)) == 1 and len(given(db)) == 1


def test_a_parent_who_did_not_take_part_cannot_answer(app, auth, client, db):
    db.execute("DELETE FROM meeting_participants WHERE meeting_id = ? AND parent_id = ?", [HELD_NETWORK, THOMAS])
    db.conn.commit()
    auth.sign_in("thomas.holm@example.dk")
    page = main_part(client.get(f"/meetings/{HELD_NETWORK}").text)
    assert "Hvordan var mødet?" not in page
    response = give(client, HELD_NETWORK)
    assert response.status_code == 400
    assert "Du var ikke med til mødet" in main_part(response.text)
    assert stored(db) == [] and given(db) == []


@pytest.mark.parametrize("meeting_id, message", [
    (NEXT_NETWORK, "Mødet er ikke holdt endnu."),
    (CANCELLED_VISIT, "Mødet blev aflyst"),
])
def test_a_meeting_not_held_cannot_be_answered(auth, client, db, meeting_id, message):
    auth.sign_in()
    assert "Hvordan var mødet?" not in main_part(client.get(f"/meetings/{meeting_id}").text)
    response = give(client, meeting_id)
    assert response.status_code == 400 and message in main_part(response.text)
    assert stored(db) == [] and given(db) == []


def test_another_familys_meeting_or_no_meeting_is_404(auth, client, db):
    auth.sign_in()
    assert give(client, SPLIT_NETWORK).status_code == 404
    assert give(client, 99999).status_code == 404
    assert stored(db) == [] and given(db) == []


def test_a_meeting_older_than_the_answer_days_is_not_offered(auth, client, db):
    db.execute("UPDATE meetings SET starts_at = '2020-01-01T09:00:00Z', ends_at = '2020-01-01T10:00:00Z'"
               " WHERE id = ?", [HELD_NETWORK])
    db.conn.commit()
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{HELD_NETWORK}").text)
    assert "mere end 60 dage gammelt" in page and 'type="radio"' not in page
    response = give(client, HELD_NETWORK)
    assert response.status_code == 400 and stored(db) == []


@pytest.mark.parametrize("values, comment, share, message", [
    ({}, "", False, "Vælg et svar ved mindst én af sætningerne."),
    ({"heard": "", "trust": ""}, "Kun en kommentar", True, "Vælg et svar ved mindst én af sætningerne."),
    ({"heard": "6"}, "", False, "Vælg et af de fem svar ved hver sætning."),
    ({"heard": "0"}, "", False, "Vælg et af de fem svar ved hver sætning."),
    ({"heard": "٣"}, "", False, "Vælg et af de fem svar ved hver sætning."),
    ({"heard": "3 "}, "", False, "Vælg et af de fem svar ved hver sætning."),
    ({"heard": "3"}, "x" * 1001, True, "Din kommentar er for lang. Der er plads til 1.000 tegn"),
    ({"heard": "3"}, "Hej\x00med dig", True, "Teksten indeholder tegn, som vi ikke kan gemme."),
])
def test_odd_answers_get_a_clear_danish_message_and_nothing_is_stored(auth, client, db, values, comment, share,
                                                                      message):
    auth.sign_in()
    response = give(client, HELD_NETWORK, values, comment, share)
    assert response.status_code == 400
    page = main_part(response.text)
    assert message in page
    if comment and "\x00" not in comment:
        assert comment in page  # what they wrote comes back to be corrected, unchanged
    assert stored(db) == [] and given(db) == []


def test_an_invisible_comment_counts_as_none(auth, client, db):
    auth.sign_in()
    assert give(client, HELD_NETWORK, {"trust": "4"}, "\u200b\u3164 \u2800", True).status_code == 302
    assert stored(db)[0]["comment"] is None and stored(db)[0]["trust"] == 4


def test_a_huge_form_is_refused_without_a_server_error(auth, client, db):
    auth.sign_in()
    response = give(client, HELD_NETWORK, comment="x" * 3_000_000, share=True)
    assert response.status_code == 413  # over MAX_CONTENT_LENGTH: refused before it is read
    assert stored(db) == []


# The results staff see.

def add_answers(db, count, *, unit="Børn og Familie", month="2026-04", comment=None, **scores):
    for _ in range(count):
        db.execute("INSERT INTO meeting_verdicts (id, meeting_kind, month, unit, heard, trust, comment)"
                   " VALUES (?, 'network', ?, ?, ?, ?, ?)",
                   [secrets.token_hex(16), month, unit, scores.get("heard", 4), scores.get("trust"), comment])
    db.conn.commit()


def test_results_show_only_groups_of_at_least_five_answers(app, db):
    add_answers(db, 4, heard=2, trust=5, month="2026-04")  # Q2: 4 of each (one group of 5 with the next line)
    add_answers(db, 1, heard=5, month="2026-06")  # Q2: heard 5 answers, trust 4
    add_answers(db, 4, heard=1, month="2026-08")  # Q3: 4 answers
    add_answers(db, 9, heard=5, unit="Handicap og Familie", month="2026-04")
    with app.test_request_context():
        q3, q2, _q1, _q0 = verdict_reads.results("Børn og Familie", on=date(2026, 12, 3))
    assert (q2["year"], q2["quarter"], q3["quarter"]) == (2026, 2, 3)
    heard, trust = q2["statements"][0], q2["statements"][3]
    assert heard["shown"] and heard["answers"] == 5 and heard["average"] == 2.6 and heard["agree_share"] == 20
    assert not trust["shown"] and trust["answers"] is None and trust["average"] is None
    assert q2["answers"] == 5
    assert not q3["statements"][0]["shown"] and q3["statements"][0]["average"] is None and q3["answers"] is None
    assert q3["comments"] is None


def test_the_quarter_under_way_is_never_shown(app, db):
    add_answers(db, 20, month="2026-12")
    with app.test_request_context():
        quarters = verdict_reads.results("Børn og Familie", on=date(2026, 12, 3))
    assert [(q["year"], q["quarter"]) for q in quarters] == [(2026, 3), (2026, 2), (2026, 1), (2025, 4)]
    assert all(q["answers"] is None for q in quarters)


def test_shared_comments_are_shown_only_five_or_more_together_and_sorted(app, db):
    add_answers(db, 4, comment="b", month="2026-07")
    add_answers(db, 3, month="2026-07")
    with app.test_request_context():
        assert verdict_reads.results("Børn og Familie", on=date(2026, 12, 3))[0]["comments"] is None
    add_answers(db, 1, comment="a", month="2026-09")
    with app.test_request_context():
        shown = verdict_reads.results("Børn og Familie", on=date(2026, 12, 3))[0]["comments"]
    assert shown == ["a", "b", "b", "b", "b"]


def test_retention_removes_comments_once_their_quarter_is_no_longer_shown_and_keeps_the_points(app, db):
    from portal.data import retention

    add_answers(db, 1, month="2025-09", comment="Gammel kommentar om Emil", heard=2)
    add_answers(db, 1, month="2025-10", comment="Stadig vist", heard=3)
    with app.test_request_context():
        now = clock.from_local(date(2026, 12, 3), time(12))
        assert verdict_reads.oldest_month_shown(now) == "2025-10"
        assert retention.prune(now)["meeting_verdicts"] == 1
    rows = {row["month"]: row for row in stored(db)}
    assert rows["2025-09"]["comment"] is None and rows["2025-09"]["heard"] == 2
    assert rows["2025-10"]["comment"] == "Stadig vist"


def test_the_coordinator_sees_the_results_page_from_the_caseload_and_never_one_answer(auth, client, db):
    add_answers(db, 4, heard=1, month="2026-01", comment="Kun fire kommentarer")
    auth.staff()
    caseload = client.get("/staff/").text
    assert 'href="/staff/verdicts"' in caseload
    page = main_part(client.get("/staff/verdicts").text)
    assert "Hvordan var møderne?" in page and "Børn og Familie" in page
    assert "Færre end 5 svar: vises ikke, så ingen kan genkendes" in page
    assert "Kun fire kommentarer" not in page and "1,0" not in page


def test_the_coordinator_sees_only_their_own_units_results(auth, client, db):
    add_answers(db, 6, heard=5, unit="Handicap og Familie", month="2026-07", comment="Fra en anden afdeling")
    auth.staff()
    page = main_part(client.get("/staff/verdicts?unit=Handicap+og+Familie").text)
    assert "Fra en anden afdeling" not in page and "5,0" not in page


def test_a_parent_cannot_open_the_results_page(auth, client):
    auth.sign_in()
    assert client.get("/staff/verdicts").status_code == 404


# The notice.

def sent_texts(app):
    """Every message the outbox backend wrote, by recipient, oldest first."""
    out = {}
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json")):
        message = json.loads(path.read_text())
        out.setdefault(str(message.get("to")), []).append(message.get("text") or message.get("body") or "")
    return out


def test_the_first_notice_after_a_held_meeting_asks_how_it_was_and_names_nothing(app, auth, client, monkeypatch):
    from portal.data import clock
    from portal.data.changes import Actor, notices, plan

    noon = clock.from_local(clock.today(), time(12))
    monkeypatch.setattr(clock, "utcnow", lambda: noon)  # not in the SMS-free night

    def notice_now(minutes, what):
        monkeypatch.setattr(clock, "utcnow", lambda: noon + timedelta(minutes=minutes))
        with app.test_request_context():
            plan.add_plan_item(Actor("staff", METTE), HOLM, what=what, kind="school", responsible="family",
                               status="active")
            notices.collect()
        monkeypatch.setattr(clock, "utcnow", lambda: noon + timedelta(minutes=minutes + 15))
        with app.test_request_context():
            notices.release(noon + timedelta(minutes=minutes + 15))
        deliver(app)

    auth.sign_in("thomas.holm@example.dk")
    give(client, HELD_NETWORK)  # Thomas has answered; Sara has not
    notice_now(0, "Lektiehjælp")
    texts = sent_texts(app)
    sara, thomas = texts["+4520304050"], texts["+4560708090"]
    assert len(sara) == len(thomas) == 1
    assert "Fortæl os, hvordan mødet var." in sara[0] and "Fortæl os" not in thomas[0]
    for private in ("Netværksmøde", "Sara", "Emil", "Rådhuset", "Lektiehjælp"):
        assert private not in sara[0]
    notice_now(60, "Svømning")  # the next notice: asked once is enough
    assert "Fortæl os" not in sent_texts(app)["+4520304050"][1]


def test_no_notice_asks_once_the_meeting_is_too_old(app):
    with app.test_request_context():
        assert verdict_reads.ask_in_notice(SARA, 0)
        get_db().execute("UPDATE meetings SET starts_at = '2020-01-01T09:00:00Z', ends_at = '2020-01-01T10:00:00Z'")
        assert not verdict_reads.ask_in_notice(SARA, 0)


def test_the_parents_insight_says_which_meetings_they_answered_but_not_what(auth, client):
    auth.sign_in()
    give(client, HELD_NETWORK, {"heard": "2"}, "Min hemmelige kommentar", True)
    data = client.get("/insight.json").json
    assert [row["meeting_id"] for row in data["meeting_verdicts_given"]] == [HELD_NETWORK]
    assert "Min hemmelige kommentar" not in str(data)
    page = main_part(client.get("/insight").text)
    assert "Møder, du har sagt, hvordan var" in page and "Min hemmelige kommentar" not in page


def test_a_meeting_hidden_from_the_parent_is_neither_offered_nor_answerable(app, auth, client, db):
    db.execute("INSERT INTO hidden_from_parents (family_id, item_kind, item_id, parent_id) VALUES (?, 'meeting', ?, ?)",
               [HOLM, HELD_NETWORK, THOMAS])
    db.conn.commit()
    with app.test_request_context():
        assert verdict_reads.open_meetings(THOMAS) == [] and not verdict_reads.ask_in_notice(THOMAS, 0)
        assert verdict_reads.open_meetings(SARA) == [HELD_NETWORK]
    auth.sign_in("thomas.holm@example.dk")
    assert give(client, HELD_NETWORK, token=csrf_from(client.get("/meetings").text)).status_code == 404
    assert stored(db) == []
