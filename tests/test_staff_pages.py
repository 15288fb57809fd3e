"""The coordinator's workspace through its pages: forms, conflicts, what is new, and what the parent then sees."""
import csv
import io
import re

from conftest import Auth, FOLLOW_UP, JONAS, METTE, NEXT_NETWORK, csrf_from, main_part


def post(client, path, data, token_from=None):
    token = csrf_from(client.get(token_from or path).text)
    return client.post(path, data={"csrf_token": token, **data})


def field_error(html, field_id):
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def parent_client(app, email="sara.holm@example.dk"):
    client = app.test_client()
    Auth(app, client).sign_in(email)
    return client


def test_a_form_with_mistakes_says_what_is_wrong_in_danish_next_to_the_field_and_keeps_the_input(auth, client, db):
    auth.staff()
    before = db["parents"].count
    response = post(client, "/staff/families/1/parents/new", {"name": "Kim Holm", "email": "kim(at)example",
                                                              "phone": "12", "can_sign_in": "y"})
    assert response.status_code == 400
    assert field_error(response.text, "email") == "Det ligner ikke en e-mail. Skriv den sådan: navn@eksempel.dk"
    assert field_error(response.text, "phone").startswith("Det ligner ikke et telefonnummer")
    assert 'aria-describedby="email-error"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="kim(at)example"' in response.text and 'value="Kim Holm"' in response.text
    assert "Der er noget, du skal rette" in response.text
    assert db["parents"].count == before


def test_a_form_without_its_csrf_token_saves_nothing(auth, client, db):
    auth.staff()
    before = db["people_involved"].count
    response = client.post("/staff/families/1/people/new", data={"name": "X", "role": "Y", "organisation": "Z"})
    assert response.status_code == 400
    assert db["people_involved"].count == before


def test_two_coordinators_saving_the_same_person_see_both_versions_and_choose(app, auth, client, db):
    auth.staff()
    admin = app.test_client()
    Auth(app, admin).staff("anne.krogh@demo-kommune.dk")
    path = "/staff/families/1/people/1/edit"
    mine, theirs = client.get(path).text, admin.get(path).text
    fields = {"name": "Lars Østergaard", "role": "Sagsbehandler", "organisation": "Børn og Familie",
              "phone": "+45 70 10 10 20", "show_contact": "y"}
    version = re.search(r'name="version" value="(\d+)"', mine).group(1)
    first = admin.post(path, data={**fields, "phone": "+45 11 11 11 11", "csrf_token": csrf_from(theirs), "version": version})
    assert first.status_code == 302
    second = client.post(path, data={**fields, "phone": "+45 22 22 22 22", "csrf_token": csrf_from(mine), "version": version})
    assert second.status_code == 409
    assert "En anden har gemt, mens du skrev" in second.text
    assert "+45 11 11 11 11" in second.text and "+45 22 22 22 22" in second.text
    assert phone_of_person(db, 1) == "+45 11 11 11 11"  # not silently overwritten
    # Choosing "mine": the form now carries the saved version, so saving again wins knowingly.
    new_version = re.search(r'name="version" value="(\d+)"', second.text).group(1)
    assert new_version != version
    third = client.post(path, data={**fields, "phone": "+45 22 22 22 22", "csrf_token": csrf_from(second.text),
                                    "version": new_version})
    assert third.status_code == 302 and phone_of_person(db, 1) == "+45 22 22 22 22"


def phone_of_person(db, person_id):
    return db.execute("SELECT pro.phone FROM people_involved p JOIN professionals pro ON pro.id = p.professional_id"
                      " WHERE p.id = ?", [person_id]).fetchone()[0]


def test_what_a_parent_writes_is_new_to_the_coordinator_until_they_open_the_family(app, auth, client):
    sara = parent_client(app)
    goal_text = "Vi vil gerne på ferie sammen 🏕️"
    assert post(sara, "/goals", {"text": goal_text, "for_whom": "family"}).status_code == 302
    assert post(sara, f"/meetings/{FOLLOW_UP}/agenda", {"text": "Lektier?"}, token_from="/goals").status_code == 302
    auth.staff()
    caseload = client.get("/staff/?sort=new").text
    holm_row = caseload.split("Familien Holm")[1].split("</tr>")[0]
    assert "5 nye" in holm_row  # the demo's three, and these two
    overview = main_part(client.get("/staff/families/1").text)
    assert goal_text in overview and "Lektier?" in overview and "Sara Holm" in overview
    holm_row = client.get("/staff/").text.split("Familien Holm")[1].split("</tr>")[0]
    assert "nye" not in holm_row and "nyt" not in holm_row
    assert "Intet nyt fra familien" in client.get("/staff/families/1").text
    # Seen by Mette is not seen by the admin.
    admin = app.test_client()
    Auth(app, admin).staff("anne.krogh@demo-kommune.dk")
    assert "5 nye" in admin.get("/staff/").text.split("Familien Holm")[1].split("</tr>")[0]


def test_the_caseload_sorts_by_next_meeting_and_by_what_is_new(app, auth, client):
    sara = parent_client(app, "nadia.yilmaz@example.dk")
    for text in ("Et", "To", "Tre", "Fire"):
        post(sara, "/goals", {"text": text, "for_whom": "family"})
    auth.staff()
    by_new = client.get("/staff/?sort=new").text
    assert by_new.index("Familien Yilmaz Andersen") < by_new.index("Familien Holm")
    by_next = client.get("/staff/?sort=next").text
    assert by_next.index("Familien Holm") < by_next.index("Familien Yilmaz Andersen")  # 4 days vs 5 days
    assert 'aria-sort="ascending"' in by_next


def test_a_network_meeting_form_says_which_consent_is_missing_and_saves_nothing(app, auth, client, db):
    auth.staff()
    token = csrf_from(client.get("/staff/families/new").text)
    client.post("/staff/families/new", data={"csrf_token": token, "name": "Familien Ny"})
    family_id = db.execute("SELECT id FROM families WHERE name = 'Familien Ny'").fetchone()[0]
    post(client, f"/staff/families/{family_id}/parents/new", {"name": "Ida Ny", "email": "ida.ny@example.dk",
                                                               "can_sign_in": "y", "custody": "1"})
    path = f"/staff/families/{family_id}/meetings/new"
    form = {"kind": "network", "day": "2030-03-05", "starts": "10:00", "ends": "11:30", "place": "Rådhuset",
            "participants": ["staff:2"], "follow_up": "staff:2", "publish": "1"}
    response = post(client, path, form)
    assert response.status_code == 400
    assert "Det mangler fra: Ida Ny." in response.text
    assert f'href="/staff/families/{family_id}/consents/new"' in response.text
    assert db.execute("SELECT count(*) FROM meetings WHERE family_id = ?", [family_id]).fetchone()[0] == 0
    # As a draft it is saved; the times are Danish wall-clock time, stored in UTC.
    assert post(client, path, {**form, "publish": "0"}).status_code == 302
    assert db.execute("SELECT starts_at, ends_at, published_at FROM meetings WHERE family_id = ?",
                      [family_id]).fetchone() == ("2030-03-05T09:00:00Z", "2030-03-05T10:30:00Z", None)


def test_a_time_the_clocks_skip_gets_a_danish_message(auth, client, db):
    auth.staff()
    before = db["meetings"].count
    response = post(client, "/staff/families/1/meetings/new", {"kind": "conversation", "day": "28-03-2027",
                                                               "starts": "2.30", "publish": "0"})
    assert response.status_code == 400
    assert field_error(response.text, "starts") == "Det klokkeslæt findes ikke den dag, fordi uret stilles frem. Vælg et andet."
    bad = post(client, "/staff/families/1/meetings/new", {"kind": "conversation", "day": "31-02-2027",
                                                          "starts": "25:00", "publish": "0"})
    assert field_error(bad.text, "day") == "Skriv datoen sådan: 24-11-2026."
    assert field_error(bad.text, "starts") == "Skriv klokkeslættet sådan: 10:30."
    assert db["meetings"].count == before


def test_a_cancelled_meeting_shows_the_reason_to_the_parent(app, auth, client):
    auth.staff()
    page = client.get(f"/staff/families/1/meetings/{FOLLOW_UP}/cancel").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(f"/staff/families/1/meetings/{FOLLOW_UP}/cancel",
                           data={"csrf_token": csrf_from(page), "version": version, "reason": "Hanne er på kursus."})
    assert response.status_code == 302
    assert "Mødet er aflyst." in client.get(response.headers["Location"]).text  # the notice for this change
    sara = parent_client(app)
    meeting = main_part(sara.get(f"/meetings/{FOLLOW_UP}").text)
    assert "Mødet er aflyst." in meeting and "Hanne er på kursus." in meeting
    assert "Hanne er på kursus." in sara.get("/meetings").text.split("Aflyste møder")[1]


def test_a_plan_update_is_previewed_without_saving_then_published_for_the_parent(app, auth, client, db):
    auth.staff()
    body = "**Nyt fra Mette**\n\n- Karen kommer [i morgen](https://demo-kommune.dk)\n\n<script>alert(1)</script>"
    preview = post(client, "/staff/families/1/updates/new", {"body": body, "action": "preview"})
    assert preview.status_code == 200
    assert "Sådan ser familien det" in preview.text and "<strong>Nyt fra Mette</strong>" in preview.text
    assert "<script>alert(1)</script>" not in preview.text
    assert db["plan_updates"].count == 1  # the demo's; the preview saved nothing
    published = post(client, "/staff/families/1/updates/new", {"body": body, "action": "publish"})
    assert published.status_code == 302
    plan_page = main_part(parent_client(app).get("/plan").text)
    assert plan_page.index("Nyt fra Mette") < plan_page.index("Status efter det første netværksmøde")  # newest first
    assert "<script>alert(1)</script>" not in plan_page


def test_a_draft_update_is_not_shown_to_the_parent(app, auth, client):
    auth.staff()
    post(client, "/staff/families/1/updates/new", {"body": "Kladde til senere", "action": "draft"})
    assert "Kladde til senere" not in parent_client(app).get("/plan").text


def test_a_summary_published_by_the_coordinator_shows_under_the_meeting_and_in_the_plan(app, auth, client):
    auth.staff()
    path = f"/staff/families/1/meetings/{FOLLOW_UP}"
    post(client, f"{path}/action-points", {"what": "Hanne laver et skema til frikvarteret", "responsible": "2",
                                           "due_on": "2030-01-15"}, token_from=f"{path}/summary")
    response = post(client, f"{path}/summary", {"going_well": "Emil leger mere.", "worries": "Frikvarteret.",
                                                "next_steps": "Et skema.", "publish": "1", "version": ""})
    assert response.status_code == 302
    sara = parent_client(app)
    meeting = main_part(sara.get(f"/meetings/{FOLLOW_UP}").text)
    assert "Det går godt" in meeting and "Emil leger mere." in meeting and "Frikvarteret." in meeting
    assert "Hanne laver et skema til frikvarteret" in meeting and "15. januar 2030" in meeting
    assert "Hanne laver et skema til frikvarteret" in sara.get("/plan").text


def test_a_goal_gets_scores_over_time_and_a_status_the_parent_sees(app, auth, client):
    auth.staff()
    for score in ("6", "8"):
        response = post(client, "/staff/families/1/goals/1/score", {"score-score": score, "score-note": f"Tal {score}"},
                        token_from="/staff/families/1/goals/1")
        assert response.status_code == 302
    bad = post(client, "/staff/families/1/goals/1/score", {"score-score": "11"}, token_from="/staff/families/1/goals/1")
    assert bad.status_code == 400 and "Vælg et tal fra 0 til 10." in bad.text
    page = client.get("/staff/families/1/goals/1").text
    version = re.search(r'name="status-version" value="(\d+)"', page).group(1)
    client.post("/staff/families/1/goals/1/status", data={"status-csrf_token": csrf_from(page), "status-version": version,
                                                          "status-status": "reached", "status-note": "Emil har en ven."})
    goals = main_part(parent_client(app).get("/goals").text)
    assert "Hvor er vi nu: 8 ud af 10 (sidst 6)" in goals
    assert re.search(r">3</span>.*>5</span>.*>6</span>.*>8</span>", goals, re.S)  # the history, oldest first
    assert "Status ændret til Nået." in goals and "Emil har en ven." in goals


def test_staff_get_no_edit_form_for_a_goal_a_parent_wrote(auth, client, db):
    auth.staff()
    assert "Ret målet" not in client.get("/staff/families/1/goals/1").text
    response = post(client, "/staff/families/1/goals/1/edit", {"text": "Rettet", "for_whom": "family"},
                    token_from="/staff/families/1/goals/1")
    assert response.status_code == 403 and "ikke rette teksten" in response.text
    assert db["goals"].get(1)["text"].startswith("Emil skal have det godt")


def test_the_admin_hands_a_family_over_and_the_parent_is_told(app, auth, client):
    auth.staff("anne.krogh@demo-kommune.dk")
    page = client.get("/staff/families/1/handover").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post("/staff/families/1/handover", data={"csrf_token": csrf_from(page), "version": version,
                                                               "to_staff_id": str(JONAS)})
    assert response.status_code == 302
    home = main_part(parent_client(app).get("/").text)
    assert re.search(r"Fra \d+\. \w+ \d{4} er Jonas Berg din kontaktperson\.", home)
    assert "Ring til Jonas" in home
    mette = app.test_client()
    Auth(app, mette).staff()
    assert mette.get("/staff/families/1").status_code == 404


def test_the_admin_reads_and_downloads_a_familys_audit_log(auth, client, db):
    db["audit_log"].insert({"at": "2026-01-01T00:00:00Z", "actor_kind": "staff", "actor_id": METTE, "family_id": 1,
                            "action": "test.formula", "detail": "=HYPERLINK(\"https://evil.example\")"})
    auth.staff("anne.krogh@demo-kommune.dk")
    assert client.get("/staff/families/1").status_code == 200  # logged when the page is ready
    assert "family.viewed" in client.get("/staff/families/1/audit").text
    response = client.get("/staff/families/1/audit.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["at_utc", "actor_kind", "actor_id", "actor_name", "action", "detail"]
    assert any(row[4] == "family.viewed" and row[3] == "Anne Krogh" for row in rows[1:])
    assert any(row[5].startswith("'=HYPERLINK") for row in rows[1:])
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'audit.downloaded'").fetchone()[0] == 1


def test_the_parent_sees_what_is_new_since_their_last_visit(app, auth, client, db):
    db.execute("UPDATE family_events SET at = '2026-01-01T00:00:00Z'")  # the demo happened long ago
    sara = app.test_client()
    sara_auth = Auth(app, sara)
    sara_auth.sign_in()
    sara.get("/")
    sara_auth.sign_out()
    auth.staff()
    post(client, "/staff/families/1/plan/new", {"what": "Svømning for Emil", "kind": "leisure", "responsible": "family",
                                                 "status": "planned"})
    sara_auth.sign_in()
    news = main_part(sara.get("/").text).split('id="nyt"')[1]
    assert "Nyt siden sidst" in news and "Ny indsats i planen: <span dir=\"auto\">Svømning for Emil</span>" in news
    assert "Nyt møde" not in news  # the demo's meetings came before the last visit


def test_a_deactivated_family_loses_access_at_once(app, auth, client):
    sara = parent_client(app)
    assert "Din kontaktperson" in sara.get("/").text
    auth.staff()
    page = client.get("/staff/families/1/members").text
    version = re.search(r'action="/staff/families/1/active".*?name="version" value="(\d+)"', page, re.S).group(1)
    client.post("/staff/families/1/active", data={"csrf_token": csrf_from(page), "version": version, "active": "0"})
    assert "Din kontaktperson" not in sara.get("/").text
    assert "Familien Holm" not in client.get("/staff/").text
    assert "Familien Holm" in client.get("/staff/?inactive=1").text


def test_a_new_family_starts_with_its_name_then_parents_and_children(auth, client, db):
    auth.staff()
    response = post(client, "/staff/families/new", {"name": "Familien Berg"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/members")
    family = db.execute("SELECT id, coordinator_id FROM families WHERE name = 'Familien Berg'").fetchone()
    assert family[1] == METTE
    members = response.headers["Location"]
    assert post(client, f"/staff/families/{family[0]}/children/new", {"first_name": "Bo", "birth_year": "2019"},
                token_from=members).status_code == 302
    bad = post(client, f"/staff/families/{family[0]}/children/new", {"first_name": "Ida", "birth_year": "١٩٩٠"},
               token_from=members)  # Arabic-Indic digits are not read as a year
    assert bad.status_code == 400 and field_error(bad.text, "birth_year") == "Skriv et tal."
    blank = post(client, f"/staff/families/{family[0]}/children/new", {"first_name": " ", "birth_year": "1990"},
                 token_from=members)
    assert field_error(blank.text, "first_name") == "Skriv barnets fornavn."
    assert field_error(blank.text, "birth_year").startswith("Skriv et fødselsår mellem")
    assert db.execute("SELECT count(*) FROM children WHERE family_id = ?", [family[0]]).fetchone()[0] == 1


def test_staff_add_on_the_command_line_creates_an_account_that_can_sign_in(runner, db):
    result = runner.invoke(args=["staff", "add", "--name", "Ny Admin", "--email", "ny.admin@demo-kommune.dk",
                                 "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert db.execute("SELECT role, active FROM staff WHERE email = 'ny.admin@demo-kommune.dk'").fetchone() == ("admin", 1)
    again = runner.invoke(args=["staff", "add", "--name", "X", "--email", "NY.admin@demo-kommune.dk"])
    assert again.exit_code != 0 and "allerede" in again.output
    assert runner.invoke(args=["link", "--staff", "ny.admin@demo-kommune.dk"]).output.startswith("http://localhost/staff/login/")


def test_an_admin_creates_and_deactivates_a_staff_account(app, auth, client, db):
    auth.staff("anne.krogh@demo-kommune.dk")
    response = post(client, "/staff/accounts/new", {"name": "Kirsten Ny", "email": "kirsten@demo-kommune.dk",
                                                    "role": "coordinator", "covered_by_id": str(JONAS)})
    assert response.status_code == 302
    kirsten = db.execute("SELECT id, version FROM staff WHERE email = 'kirsten@demo-kommune.dk'").fetchone()
    page = client.get("/staff/accounts/").text
    client.post(f"/staff/accounts/{kirsten[0]}/active", data={"csrf_token": csrf_from(page), "version": str(kirsten[1]),
                                                             "active": "0"})
    assert db["staff"].get(kirsten[0])["active"] == 0
    refused = client.post(f"/staff/accounts/{METTE}/active", data={"csrf_token": csrf_from(page), "active": "0",
                                                                   "version": str(db["staff"].get(METTE)["version"])})
    assert refused.status_code == 400 and "Giv dem videre til en anden først" in refused.text


def test_a_meeting_in_the_next_network_shows_the_follow_up_responsible_on_the_staff_page(auth, client):
    auth.staff()
    page = main_part(client.get(f"/staff/families/1/meetings/{NEXT_NETWORK}").text)
    assert "Ansvarlig for opfølgning" in page and "Lars Østergaard" in page
    assert "Vist for familien" in page


def test_an_addition_in_the_same_second_as_the_coordinators_view_is_still_new(app, auth, client, db):
    auth.staff()
    client.get("/staff/families/1")  # everything so far is seen
    seen_at = db.execute("SELECT seen_at FROM staff_family_seen WHERE staff_id = ?", [METTE]).fetchone()[0]
    sara = parent_client(app)
    post(sara, "/goals", {"text": "Skrevet i samme sekund", "for_whom": "family"})
    db.execute("UPDATE family_events SET at = ? WHERE kind = 'goal.added' AND id = (SELECT max(id) FROM family_events)",
               [seen_at])
    assert "1 nyt" in client.get("/staff/").text.split("Familien Holm")[1].split("</tr>")[0]
    assert "Skrevet i samme sekund" in client.get("/staff/families/1").text


def test_many_additions_are_shown_a_page_at_a_time_and_none_is_lost(app, auth, client, db):
    from portal.data.changes import Actor, goals

    app.config["PARENT_WRITES_PER_HOUR"] = 1000
    with app.test_request_context():
        for number in range(60):
            goals.add_goal(Actor("parent", 1), 1, text=f"Mål nummer {number:02d}")
    auth.staff()
    first = main_part(client.get("/staff/families/1").text)
    assert "Der er mere nyt" in first
    second = main_part(client.get("/staff/families/1").text)
    shown = set(re.findall(r"Mål nummer (\d\d)", first)) | set(re.findall(r"Mål nummer (\d\d)", second))
    assert shown == {f"{n:02d}" for n in range(60)}


def test_parallel_efforts_name_the_family_in_words_when_it_is_one_of_them(app, auth, client):
    from portal.data.changes import Actor, plan

    with app.test_request_context():
        plan.add_plan_item(Actor("staff", METTE), 1, what="Vi øver morgenrutinen selv", kind="family_support",
                           responsible="family", status="active")
    auth.staff()
    for path in ("/staff/families/1", "/staff/families/1/plan"):
        page = main_part(client.get(path).text)
        assert "familien selv" in page and " og family" not in page and "family og" not in page


def test_the_edit_form_of_a_staff_member_who_is_away_shows_the_date_they_are_back(auth, client, db):
    db.execute("UPDATE staff SET away_until = '2026-12-24', covered_by_id = ? WHERE id = ?", [JONAS, METTE])
    db.conn.commit()
    auth.staff("anne.krogh@demo-kommune.dk")
    form = client.get(f"/staff/accounts/{METTE}/edit")
    assert form.status_code == 200
    assert 'name="away_until" value="2026-12-24"' in form.text


def test_two_coordinators_saving_a_plan_item_with_due_dates_see_both_dates_and_keep_their_typing(app, auth, client, db):
    auth.staff()
    admin = app.test_client()
    Auth(app, admin).staff("anne.krogh@demo-kommune.dk")
    item = db.execute("SELECT id FROM plan_items WHERE family_id = 1 AND due_on IS NOT NULL").fetchone()[0]
    path = f"/staff/families/1/plan/{item}/edit"
    mine, theirs = client.get(path), admin.get(path)
    assert mine.status_code == theirs.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', mine.text).group(1)
    fields = {"what": "Lektiehjælp to gange om ugen", "kind": "school", "responsible": "family", "status": "active"}
    first = admin.post(path, data={**fields, "due_on": "2027-01-15", "csrf_token": csrf_from(theirs.text),
                                   "version": version})
    assert first.status_code == 302
    second = client.post(path, data={**fields, "due_on": "31-01-2027", "when_text": "Mandag og torsdag",
                                     "csrf_token": csrf_from(mine.text), "version": version})
    assert second.status_code == 409
    conflict = main_part(second.text)
    assert "En anden har gemt, mens du skrev" in conflict
    assert "2027-01-15" in conflict  # theirs, saved
    assert 'value="2027-01-31"' in conflict and 'value="Mandag og torsdag"' in conflict  # mine, kept in the form


def test_the_oldest_of_many_plan_updates_opens_for_editing(auth, client, db):
    # The edit view used to look for the update among the newest 1,000: the 1,001st answered 404.
    now = "2026-11-01T10:00:00Z"
    db["plan_updates"].insert_all({"family_id": 1, "body": f"Opdatering {n}", "written_by_staff_id": METTE,
                                   "created_at": now, "updated_at": now, "published_at": now} for n in range(1001))
    db.conn.commit()
    oldest = db.execute("SELECT min(id) FROM plan_updates WHERE family_id = 1 AND body LIKE 'Opdatering %'").fetchone()[0]
    auth.staff()
    page = client.get(f"/staff/families/1/updates/{oldest}/edit")
    assert page.status_code == 200 and "Opdatering 0" in page.text
