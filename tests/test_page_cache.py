"""The home page is rendered once and kept, but never shown stale or with another's token."""
from portal.web.page_cache import CSRF_SLOT

from conftest import Auth, csrf_from


def test_a_new_goal_shows_on_the_plain_home_page_at_once(auth, client):
    auth.sign_in()
    assert "Vi går i svømmehallen" not in client.get("/").text  # now cached
    token = csrf_from(client.get("/").text)
    client.post("/goals", data={"csrf_token": token, "text": "Vi går i svømmehallen", "for_whom": "family"})
    assert "Vi går i svømmehallen" in client.get("/").text


def test_any_change_to_the_familys_data_shows_at_once(auth, client, db):
    auth.sign_in()
    assert "Rådhuset, sal 2" not in client.get("/").text
    db.execute("UPDATE meetings SET place = 'Rådhuset, sal 2' WHERE id = 1")
    assert "Rådhuset, sal 2" in client.get("/").text
    db.execute("UPDATE staff SET phone = '+45 11 22 33 44' WHERE id = 1")  # Jonas covers for Mette
    assert "+45 11 22 33 44" in client.get("/").text
    db.execute("UPDATE meeting_participants SET person_involved_id = NULL, parent_id = 2 WHERE id = 5")
    db.execute("DELETE FROM goal_scores WHERE goal_id = 1")
    db.execute("DELETE FROM goals WHERE text LIKE 'Emil skal have det godt%'")
    assert "Emil skal have det godt" not in client.get("/").text


def test_each_session_gets_its_own_csrf_token_from_a_cached_page(app, auth, client):
    auth.sign_in()
    other = app.test_client()
    Auth(app, other).sign_in()
    first, second = client.get("/").text, other.get("/").text
    assert CSRF_SLOT not in first and CSRF_SLOT not in second
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
