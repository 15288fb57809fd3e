"""A coordinator closes a family's case from its page, after a confirm step; admins see closed cases."""
from portal import demo

from conftest import HOLM, Auth, csrf_from, deliver, main_part
from test_request_link import ask, outbox

CLOSE = f"/staff/families/{HOLM}/close"


def close_page(client):
    page = client.get(CLOSE)
    assert page.status_code == 200
    return page


def post_close(client, **fields):
    page = close_page(client)
    version = page.text.split('name="version" value="')[1].split('"')[0]
    return client.post(CLOSE, data={"csrf_token": csrf_from(page.text), "version": version, **fields})


def test_the_family_page_offers_to_close_the_case(auth, client):
    auth.staff()
    assert CLOSE in client.get(f"/staff/families/{HOLM}/members").text


def test_the_confirm_page_says_to_hand_the_case_over_first_and_when_it_is_deleted(auth, client):
    auth.staff()
    text = main_part(close_page(client).text)
    assert "sagssystem" in text and "Efter 90 dage sletter Familieportalen" in text
    assert 'type="checkbox"' in text and "<script" not in text


def test_closing_needs_the_handover_ticked(auth, client, db):
    auth.staff()
    refused = post_close(client)
    assert refused.status_code == 400
    assert "Læg planen og forløbet over i sagssystemet først" in refused.text
    assert db["families"].get(HOLM)["closed_at"] is None


def test_a_coordinator_closes_a_case_and_it_leaves_the_caseload(app, auth, client, db):
    auth.staff()
    done = post_close(client, handed_over="y")
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/")
    caseload = client.get("/staff/")
    assert "Sagen er lukket" in caseload.text and "Familien Holm" not in main_part(caseload.text).split("Sagen er lukket")[1]
    assert db["families"].get(HOLM)["closed_at"] is not None
    messages = outbox(app)
    assert {m["to"] for m in messages} == {demo.PARENT_EMAIL, "thomas.holm@example.dk"}
    assert all("kommunens sagssystem" in m["text"] for m in messages)


def test_nothing_on_a_closed_familys_pages_can_be_changed(auth, client, db):
    auth.staff()
    post_close(client, handed_over="y")
    members = client.get(f"/staff/families/{HOLM}/members")
    assert "Sagen blev lukket" in members.text and CLOSE not in members.text
    edit = client.get(f"/staff/families/{HOLM}/edit")
    refused = client.post(f"/staff/families/{HOLM}/edit",
                          data={"csrf_token": csrf_from(edit.text), "name": "Familien Andet", "version": "0"})
    assert refused.status_code == 409 and "Sagen er lukket" in refused.text
    assert db["families"].get(HOLM)["name"] == "Familien Holm"
    assert client.get(CLOSE).status_code == 409  # closing twice: the same answer


def test_a_parent_of_a_closed_case_asking_for_a_link_gets_the_neutral_answer_and_no_link(app, auth, client, db):
    staff_client = app.test_client()
    Auth(app, staff_client).staff()
    post_close(staff_client, handed_over="y")
    deliver(app)
    before = len(outbox(app))
    known = ask(client, demo.PARENT_EMAIL)
    unknown = ask(client, "nobody@example.dk")
    assert main_part(known.text) == main_part(unknown.text)
    assert len(outbox(app)) == before  # no sign-in link is sent
    assert db.execute("SELECT count(*) FROM sign_in_links WHERE origin = 'requested'").fetchone()[0] == 0


def test_admins_see_closed_cases_with_the_day_each_is_deleted(app, auth, client):
    auth.staff()
    post_close(client, handed_over="y")
    assert client.get("/staff/closed/").status_code == 404  # a coordinator: no such page
    admin = app.test_client()
    Auth(app, admin).staff(demo.ADMIN_EMAIL)
    page = admin.get("/staff/closed/")
    assert page.status_code == 200
    assert "Familien Holm" in page.text and "Slettes" in page.text
    assert "/staff/closed/" in admin.get("/staff/").text
