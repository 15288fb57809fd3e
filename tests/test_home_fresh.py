"""The home page shows every change at once, and each session its own token and greeting."""
from conftest import Auth, csrf_from


def test_a_goal_from_the_other_parent_shows_on_the_home_page_at_once(app, auth, client):
    auth.sign_in()
    assert "Nyt mål fra Thomas Holm" not in client.get("/").text
    thomas = app.test_client()
    Auth(app, thomas).sign_in("thomas.holm@example.dk")
    token = csrf_from(thomas.get("/goals").text)
    thomas.post("/goals", data={"csrf_token": token, "text": "Vi går i svømmehallen", "for_whom": "family"})
    assert "Nyt mål fra Thomas Holm" in client.get("/").text


def test_any_change_to_the_familys_data_shows_at_once(auth, client, db):
    auth.sign_in()
    assert "Demoby Skole, sal 2" not in client.get("/").text
    db.execute("UPDATE meetings SET place = 'Demoby Skole, sal 2' WHERE id = 3")  # the next meeting
    assert "Demoby Skole, sal 2" in client.get("/").text
    db.execute("UPDATE staff SET phone = '+45 11 22 33 44' WHERE id = 1")  # Jonas covers for Mette
    assert "+45 11 22 33 44" in client.get("/").text
    db.execute("UPDATE meetings SET status = 'cancelled' WHERE id = 3")
    assert "Opfølgningsmøde" not in client.get("/").text.split("Dit næste møde")[1].split('id="nyt"')[0]


def test_each_session_gets_its_own_csrf_token(app, auth, client):
    auth.sign_in()
    other = app.test_client()
    Auth(app, other).sign_in()
    first, second = client.get("/").text, other.get("/").text
    assert csrf_from(first) != csrf_from(second)
    for c, page in ((client, first), (other, second)):
        response = c.post("/goals", data={"csrf_token": csrf_from(page), "text": "Mål", "for_whom": "family"})
        assert response.status_code == 302


def test_parents_in_one_family_each_see_their_own_greeting(app, auth, client):
    auth.sign_in()
    other = app.test_client()
    Auth(app, other).sign_in("thomas.holm@example.dk")
    assert "Hej Sara" in client.get("/").text
    assert "Hej Thomas" in other.get("/").text
