"""A parent can put what they want to talk about on an upcoming meeting's agenda."""
from conftest import (
    CANCELLED_VISIT, FOLLOW_UP, HELD_NETWORK, NEXT_NETWORK, NIELSEN_MEETING, csrf_from, main_part,
)


def add_point(client, meeting_id, text):
    token = csrf_from(client.get("/").text)
    return client.post(f"/meetings/{meeting_id}/agenda", data={"csrf_token": token, "text": text})


def test_the_network_meeting_shows_the_parents_agenda_point(auth, client):
    auth.sign_in()
    page = main_part(client.get(f"/meetings/{NEXT_NETWORK}").text)
    assert "Punkter til mødet" in page
    assert "Hvordan kan Emil få en god start på skoledagen" in page


def test_a_parent_adds_an_agenda_point_in_their_own_words(auth, client, db):
    auth.sign_in()
    text = "Kan vi holde møderne om eftermiddagen? 🙏\r\nJeg arbejder til kl. 12 <i>hver dag</i>."
    response = add_point(client, FOLLOW_UP, text)
    assert response.status_code == 302
    assert db.execute("SELECT text, written_by_parent_id FROM agenda_points ORDER BY id DESC").fetchone() == (text, 1)
    page = client.get(response.headers["Location"]).text
    assert "Tak. Dit punkt er sat på mødet." in page
    assert "&lt;i&gt;hver dag&lt;/i&gt;" in page
    assert "Kan vi holde møderne om eftermiddagen? 🙏" in page


def test_a_blank_or_over_long_point_gets_a_message_and_the_typing_is_kept(auth, client, db):
    auth.sign_in()
    before = db["agenda_points"].count
    blank = add_point(client, FOLLOW_UP, "  ")
    assert blank.status_code == 400 and "Skriv, hvad du gerne vil tale om." in blank.text
    invisible = add_point(client, FOLLOW_UP, "\u200b\u200b")
    assert invisible.status_code == 400 and "Skriv, hvad du gerne vil tale om." in invisible.text
    long_text = "Vi skal tale om " + "mange ting " * 120
    too_long = add_point(client, FOLLOW_UP, long_text)
    assert too_long.status_code == 400
    assert "Dit punkt er for langt. Der er plads til 1.000 tegn" in too_long.text
    assert long_text in too_long.text
    assert 'aria-invalid="true"' in too_long.text
    assert db["agenda_points"].count == before


def test_no_points_on_cancelled_past_or_another_familys_meetings(auth, client, db):
    auth.sign_in()
    before = db["agenda_points"].count
    assert add_point(client, CANCELLED_VISIT, "Aflyst møde").status_code == 400
    assert "ikke har været endnu" in add_point(client, HELD_NETWORK, "Fortid").text
    assert add_point(client, NIELSEN_MEETING, "Andens møde").status_code == 404
    assert add_point(client, 999, "Findes ikke").status_code == 404
    assert db["agenda_points"].count == before


def test_the_coordinator_sees_the_familys_agenda_points(auth, client):
    auth.staff()
    page = client.get(f"/staff/families/1/meetings/{NEXT_NETWORK}").text
    assert "Hvordan kan Emil få en god start på skoledagen" in page
    assert "Sæt punktet på mødet" not in page
