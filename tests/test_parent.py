"""The parent's home page: contact person, meetings, goals in their own words."""
import re

from portal.web.formatting import meeting_time

from conftest import (
    Auth,
    CANCELLED_VISIT, FOLLOW_UP, NEXT_NETWORK, NIELSEN_MEETING, PETER, csrf_from, deliver, main_part,
)


def add_goal(client, text, for_whom="family"):
    token = csrf_from(client.get("/").text)
    return client.post("/goals", data={"csrf_token": token, "text": text, "for_whom": for_whom})


def test_home_shows_contact_person_with_phone_and_email_links(auth, client):
    auth.sign_in()
    page = main_part(client.get("/").text)
    assert "Din kontaktperson" in page
    assert "Mette Lund" in page and "Familiekoordinator" in page and "Børn og Familie" in page
    assert 'href="tel:+4570101011"' in page
    assert 'href="mailto:mette.lund@demo-kommune.dk"' in page
    assert "Mandag–torsdag kl. 8.30–10" in page
    assert "Jonas Berg" in page  # who covers while Mette is away


def test_home_shows_the_next_meeting_in_danish_with_a_link_to_it(auth, client):
    auth.sign_in()
    page = main_part(client.get("/").text)
    assert "Dit næste møde" in page
    next_part = page.split("Dit næste møde")[1].split("Nyt siden sidst")[0]
    assert re.search(r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) \d+\. \w+ kl\. \d+\.\d\d", next_part)
    assert "Opfølgningsmøde" in next_part  # the soonest one, in 4 days
    assert f'href="/meetings/{FOLLOW_UP}"' in next_part


def test_a_meeting_page_shows_who_is_coming_and_who_follows_up(auth, client):
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{NEXT_NETWORK}").text)
    assert "Netværksmøde" in page and "Hvad er et netværksmøde?" in page
    assert "<bdi>Hanne Bech</bdi>, <bdi>Klasselærer, 3.b</bdi> (<bdi>Demoby Skole</bdi>)" in page
    assert "Ansvarlig for opfølgning" in page and "Lars Østergaard" in page
    assert "Sæt i min kalender" in page


def test_next_meetings_are_soonest_first_without_past_or_cancelled_ones(auth, client):
    auth.sign_in()
    page = main_part(client.get("/meetings").text)
    upcoming = page.split("Dine næste møder")[1].split("Aflyste møder")[0]
    assert "Rådhuset, mødelokale 3" not in upcoming  # the past meeting
    assert "Aflyst" not in upcoming
    assert upcoming.index("Opfølgningsmøde") < upcoming.index("Netværksmøde")
    cancelled = page.split("Aflyste møder")[1].split("Tidligere møder")[0]
    assert "Sundhedsplejersken er syg" in cancelled and "Aflyst" in cancelled
    past = page.split("Tidligere møder")[1]
    assert "Rådhuset, mødelokale 3" in past and "Referat" in past
    cancelled_page = main_part(client.get(f"/meetings/{CANCELLED_VISIT}").text)
    assert "Mødet er aflyst." in cancelled_page
    assert "Sæt i min kalender" not in cancelled_page and "Sæt punktet på mødet" not in cancelled_page


def test_meeting_times_are_copenhagen_time_across_daylight_saving():
    assert meeting_time("2026-12-03T09:00:00Z") == "torsdag 3. december kl. 10.00"
    assert meeting_time("2026-07-02T08:00:00Z") == "torsdag 2. juli kl. 10.00"
    # The night summer time ends (25 October 2026): 01:30 UTC is 02:30 winter time.
    assert meeting_time("2026-10-25T00:30:00Z") == "søndag 25. oktober kl. 2.30"
    assert meeting_time("2026-10-25T01:30:00Z") == "søndag 25. oktober kl. 2.30"


def test_the_goals_page_shows_goals_with_author_and_for_whom(auth, client):
    auth.sign_in()
    page = main_part(client.get("/goals").text)
    assert "Vores mål" in page
    assert "Emil skal have det godt i skolen" in page
    assert "For Emil" in page and "Skrevet af Sara Holm" in page
    assert "Skrevet sammen med Mette Lund" in page
    assert "For hele familien" in page
    assert "I gang" in page


def test_a_parent_can_add_a_goal_in_their_own_words_exactly_as_written(auth, client, db):
    auth.sign_in()
    text = "Vi vil spise morgenmad sammen 🍞\r\nOgså om søndagen – æøå ÆØÅ <b>vigtigt</b> & \"citat\"  "
    response = add_goal(client, text, for_whom="child:1")
    assert response.status_code == 302 and response.headers["Location"].startswith("/goals")
    stored = db.execute("SELECT text, for_child_id, written_by_parent_id FROM goals ORDER BY id DESC").fetchone()
    assert stored == (text, 1, 1)
    page = client.get(response.headers["Location"]).text
    assert "Tak. Dit mål er gemt." in page
    assert "&lt;b&gt;vigtigt&lt;/b&gt;" in page and "<b>vigtigt</b>" not in page
    assert "🍞" in page


def test_a_blank_goal_gets_a_clear_message(auth, client, db):
    auth.sign_in()
    before = db["goals"].count
    response = add_goal(client, "   \r\n ")
    assert response.status_code == 400
    assert "Skriv dit mål med dine egne ord." in response.text
    assert db["goals"].count == before


def test_an_over_long_goal_gets_a_message_and_the_typing_is_kept(auth, client, db):
    auth.sign_in()
    before = db["goals"].count
    text = "Vi vil " + "rigtig " * 300 + "🙂"
    response = add_goal(client, text)
    assert response.status_code == 400
    assert "Dit mål er for langt" in response.text and "2.000 tegn" in response.text
    assert text in response.text  # the parent's typing is still in the form
    assert db["goals"].count == before
    assert add_goal(client, "x" * 2000).status_code == 302


def test_a_goal_for_someone_outside_the_family_is_refused(auth, client, db):
    auth.sign_in()
    before = db["goals"].count
    response = add_goal(client, "Et mål", for_whom="child:4")  # Noah, Familien Nielsen
    assert response.status_code == 400
    assert db["goals"].count == before


def test_a_parent_sees_only_their_own_family(auth, client):
    auth.sign_in("lene.nielsen@example.dk")
    for path in ("/", "/meetings", "/plan", "/goals", "/people", "/consents"):
        page = client.get(path).text
        for other in ("Holm", "Emil", "Mette Lund", "Demoby Skole", "Yilmaz"):
            assert other not in page, (path, other)
    assert "Noah" in client.get("/people").text


def test_a_parent_cannot_open_another_familys_meeting(auth, client):
    auth.sign_in("lene.nielsen@example.dk")
    own = client.get(f"/meetings/{NIELSEN_MEETING}/calendar.ics")
    assert own.status_code == 200
    for meeting_id in (1, 2, 3, 6, 999999):
        for path in (f"/meetings/{meeting_id}/calendar.ics", f"/meetings/{meeting_id}"):
            response = client.get(path)
            assert response.status_code == 404
            assert "Siden findes ikke" in response.text


def test_a_parent_sees_a_summary_and_its_action_points_only_once_it_is_published(app, auth, client):
    auth.staff()
    summary_path = f"/staff/families/1/meetings/{FOLLOW_UP}/summary"
    client.post(summary_path, data={"csrf_token": csrf_from(client.get(summary_path).text), "version": "",
                                    "going_well": "Emil cykler selv i skole nu."})
    token = csrf_from(client.get(summary_path).text)
    client.post(f"/staff/families/1/meetings/{FOLLOW_UP}/action-points",
                data={"csrf_token": token, "what": "Ring til svømmeklubben", "responsible": "family"})
    staff_page = client.get(summary_path).text
    assert "Emil cykler selv i skole nu." in staff_page and "Ring til svømmeklubben" in staff_page
    parent = app.test_client()
    Auth(app, parent).sign_in()
    draft = main_part(parent.get(f"/meetings/{FOLLOW_UP}").text)
    assert "Referat fra mødet" not in draft
    assert "Emil cykler selv i skole nu." not in draft and "Ring til svømmeklubben" not in draft
    page = client.get(summary_path).text
    client.post(summary_path, data={"csrf_token": csrf_from(page), "version": re.search(
        r'name="version" value="(\d+)"', page).group(1), "going_well": "Emil cykler selv i skole nu.",
        "publish": "1"})
    published = main_part(parent.get(f"/meetings/{FOLLOW_UP}").text)
    assert "Emil cykler selv i skole nu." in published and "Ring til svømmeklubben" in published


def test_a_parents_own_additions_are_not_news_to_them_but_to_the_other_parent(app, auth, client):
    auth.sign_in()
    token = csrf_from(client.get("/").text)
    assert client.post("/goals", data={"csrf_token": token, "text": "Vi spiser aftensmad sammen",
                                       "for_whom": "family"}).status_code == 302
    assert client.post(f"/meetings/{NEXT_NETWORK}/agenda",
                       data={"csrf_token": token, "text": "Skolevejen"}).status_code == 302
    thomas = app.test_client()
    Auth(app, thomas).sign_in("thomas.holm@example.dk")
    news = main_part(thomas.get("/").text).split('id="nyt"')[1]
    assert "Nyt mål fra Sara Holm" in news and "Sara Holm har sat et punkt på mødet" in news
    own = main_part(client.get("/").text).split('id="nyt"')[1]
    assert "Sara Holm" not in own


def test_a_parent_can_put_a_meeting_in_their_calendar(auth, client):
    auth.sign_in()
    response = client.get(f"/meetings/{NEXT_NETWORK}/calendar.ics")
    assert response.mimetype == "text/calendar"
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:" in body and body.split("DTSTART:")[1][15] == "Z"
    assert "SUMMARY:Netværksmøde (Demo Kommune)" in body
    assert "LOCATION:Familiehuset\\, Skolevej 4\\, 9999 Demoby" in body
    for private in ("Emil", "Sara", "Holm"):
        assert private not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_signed_out_visitors_cannot_see_parent_pages(client):
    assert "Velkommen" in client.get("/").text
    assert client.get(f"/meetings/{NEXT_NETWORK}/calendar.ics").status_code == 302
    for path in ("/meetings", "/plan", "/goals", "/people", "/consents", f"/meetings/{NEXT_NETWORK}"):
        assert client.get(path).status_code == 302
    # With a valid CSRF token, so that what turns the post away is the sign-in check.
    token = csrf_from(client.get("/login").text)
    refused = client.post("/goals", data={"csrf_token": token, "text": "x", "for_whom": "family"})
    assert refused.status_code == 302 and "/logged-out" in refused.headers["Location"]


# Written by a GET on purpose: who signed in and was last seen, what was viewed, what staff have seen.
BOOKKEEPING = {"sessions", "audit_log", "rate_limit_hits", "staff_family_seen", "_sqlite_migrations",
               "sign_in_requests"}  # GET /mitid/login notes the round trip it starts


def test_no_get_request_changes_data(app, auth, client, db):
    """Every GET route in the URL map, as a parent and as the family's coordinator."""
    tables = [t for t in db.table_names() if t not in BOOKKEEPING]

    def snapshot():
        return {t: list(db.query(f"SELECT * FROM [{t}]")) for t in tables}

    ids = {"family_id": 1, "meeting_id": NEXT_NETWORK, "parent_id": 1, "child_id": 1, "goal_id": 3, "consent_id": 1,
           "person_id": 1, "item_id": 1, "update_id": 1, "point_id": 1, "staff_id": 2, "token": "x", "path": "",
           "filename": "portal.css", "event_id": 23, "handover_id": 1}
    routes = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    clients = []
    for who, kind in (("sara.holm@example.dk", "parent"), ("mette.lund@demo-kommune.dk", "staff")):
        clients.append(app.test_client())
        Auth(app, clients[-1]).sign_in(who, kind=kind)
    before = snapshot()
    for visitor in clients:
        for rule in routes:
            visitor.get(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    assert len(routes) > 30
    assert snapshot() == before


def test_a_staff_member_sees_only_their_own_families_and_each_view_is_audited(auth, client, db):
    auth.sign_in("peter.friis@demo-kommune.dk", kind="staff")
    assert client.get("/staff/families/1").status_code == 404
    assert client.get("/staff/families/3").status_code == 200
    views = list(db.query("SELECT actor_id, family_id FROM audit_log WHERE action = 'family.viewed'"))
    assert views == [{"actor_id": PETER, "family_id": 3}]


def test_a_coordinator_can_send_a_parent_a_sign_in_link_by_sms(app, auth, client):
    auth.sign_in("mette.lund@demo-kommune.dk", kind="staff")
    page = client.get("/staff/families/1/members")
    response = client.post("/staff/families/1/parents/1/link",
                           data={"csrf_token": csrf_from(page.text), "channel": "sms"})
    assert response.status_code == 200 and "Linket er på vej" in response.text
    assert deliver(app) == 1
    import json
    from pathlib import Path

    message = json.loads(next(Path(app.config["OUTBOX_DIR"]).glob("*.json")).read_text())
    assert message["to"] == "+4520304050" and "72 timer" in message["text"]
    # A coordinator cannot send links for another coordinator's family.
    assert client.post("/staff/families/3/parents/5/link",
                       data={"csrf_token": csrf_from(page.text), "channel": "sms"}).status_code == 404


def test_unknown_pages_get_a_danish_404(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404 and "Siden findes ikke" in response.text


def test_a_parent_can_see_what_they_have_agreed_may_be_shared(auth, client):
    auth.sign_in()
    page = main_part(client.get("/consents").text)
    assert "Det har du sagt ja til" in page
    assert "Oplysninger om Emils trivsel og skolegang" in page
    assert "Demoby Skole, PPR og Børn og Familie" in page
    assert "Sagt ja af" in page and "Sara Holm" in page
    assert "<bdi>Sara Holm, Thomas Holm</bdi>" in page  # the network consent, given by both
    assert "Trukket tilbage" in page  # the withdrawn consent is still shown, marked
    assert page.index("Oplysninger om Emils trivsel") < page.index("Oplysninger om Saras helbred")
    assert "Sig det til din kontaktperson" in page


def test_another_family_sees_none_of_these_consents(auth, client):
    auth.sign_in("lene.nielsen@example.dk")
    page = main_part(client.get("/consents").text)
    assert "Du har ikke givet samtykke til at dele oplysninger." in page
    assert "Emils trivsel" not in page


def test_a_parent_sees_the_one_plan_who_does_what_and_when(auth, client):
    auth.sign_in()
    page = main_part(client.get("/plan").text)
    assert "Jeres plan" in page
    assert "Familiebehandling hjemme: gode morgenrutiner" in page
    assert "<bdi>Karen Dahl</bdi>, <bdi>Familiebehandler</bdi>" in page and "Hver tirsdag kl. 7–9" in page
    # Grouped by who does it: the family's own items first, then organisations A–Z.
    plan = page.split("Hvem gør hvad, og hvornår")[1]
    assert plan.index("Familien selv") < plan.index("<bdi>Børn og Familie</bdi>") < plan.index("<bdi>Familiehuset</bdi>")
    # Plan updates come first, newest first, as safe HTML.
    assert page.index("Nyt om planen") < page.index("Hvem gør hvad")
    assert "<strong>Status efter det første netværksmøde</strong>" in page
    # Finished efforts come last.
    assert page.index("Plads i børnehave til Alma") < page.index("Forældrekursus om søvn")
    assert "Hvad står der i en plan?" in page


def test_a_parent_sees_how_far_a_goal_has_come_on_the_0_to_10_scale(auth, client):
    auth.sign_in()
    page = main_part(client.get("/goals").text)
    assert "Hvor er vi nu: 5 ud af 10 (sidst 3)" in page
    assert "Hvor er vi nu: 4 ud af 10" in page


def test_a_score_outside_0_to_10_is_refused_by_the_database(db):
    import sqlite3

    import pytest

    with pytest.raises(sqlite3.IntegrityError):
        db["goal_scores"].insert({"goal_id": 1, "score": 11, "noted_on": "2026-01-01", "created_at": "x"})


def test_a_plan_change_shows_at_once(auth, client, db):
    auth.sign_in()
    client.get("/plan")
    db.execute("UPDATE plan_items SET when_text = 'Hver onsdag kl. 8' WHERE id = 1")
    assert "Hver onsdag kl. 8" in client.get("/plan").text
