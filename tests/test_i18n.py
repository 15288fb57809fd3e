"""Danish first, English second, from one translation catalogue.

The pages are tested with texts translated when compiled and, on the plain framework, at render time.
"""
import pytest

from conftest import csrf_from, load_script

pytestmark = pytest.mark.both_frameworks



def test_every_danish_text_has_an_english_translation():
    from babel.messages.pofile import read_po

    script = load_script("update_translations")
    wanted = {m.id for m in script.extract() if m.id}
    with open(script.CATALOGUE, "rb") as f:
        translated = {m.id: m.string for m in read_po(f, locale="en") if m.id}
    # A plural's translation is a tuple of forms: every form must be there.
    missing = sorted(str(i) for i in wanted
                     if not translated.get(i) or (isinstance(translated[i], tuple) and not all(translated[i])))
    assert missing == [], f"run scripts/update_translations.py and translate: {missing}"


def choose(client, lang):
    token = csrf_from(client.get("/").text)
    return client.post("/language", data={"csrf_token": token, "lang": lang, "next": "/"})


def test_a_parent_can_read_their_pages_in_english(auth, client):
    auth.sign_in()
    choose(client, "en")
    pages = {path: client.get(path).text for path in ("/", "/meetings", "/goals", "/plan", "/people", "/consents")}
    assert '<html lang="en">' in pages["/"]
    for path, texts in {
        "/": ("Your contact person", "Your next meeting", "Sign out", "Accessibility statement"),
        "/meetings": ("Your next meetings", "Network meeting", "/info/en/netvaerksmoeder/"),
        "/goals": ("Our goals", "Add a goal"),
        "/plan": ("Your plan",),
    }.items():
        for text in texts:
            assert text in pages[path], (path, text)
    for page in pages.values():
        for danish in ("Dit næste møde", "Dine næste møder", "Tilføj et mål", "Log ud", "Tilgængelighedserklæring"):
            assert danish not in page
    choose(client, "da")
    assert "Dit næste møde" in client.get("/").text


def test_staff_pages_read_in_english_too(auth, client):
    auth.staff()
    token = csrf_from(client.get("/staff/").text)
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/staff/"})
    for path, text in (("/staff/", "Your families"), ("/staff/families/1", "New from the family"),
                       ("/staff/families/1/meetings/new", "Save as draft")):
        page = client.get(path).text
        assert text in page, (path, text)


def test_the_language_switch_only_redirects_within_the_site(client):
    token = csrf_from(client.get("/").text)
    for target in ("https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com"):
        response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
        assert response.headers["Location"] == "/"


def test_the_data_layer_says_what_is_wrong_without_a_request_in_danish_or_the_language_in_use(app):
    # The write side needs no web request to explain a broken rule (the CLI, the worker, the demo loader).
    from portal import i18n
    from portal.data.changes import Actor, Invalid, people

    with app.app_context():
        with pytest.raises(Invalid) as danish:
            people.add_person(Actor("system"), 1, name="", role="Lærer", organisation="Skolen")
        token = i18n.use_language("en")
        try:
            with pytest.raises(Invalid) as english:
                people.add_person(Actor("system"), 1, name="", role="Lærer", organisation="Skolen")
        finally:
            i18n.reset_language(token)
    assert danish.value.errors["name"] == "Skriv personens navn."
    assert english.value.errors["name"] == "Write the person's name."


def test_a_requests_language_does_not_stay_with_its_thread(app):
    # A gunicorn thread serves one request after another, and its outbox worker writes Danish.
    from portal import i18n

    with app.test_request_context("/login", headers={"Cookie": "sprog=ar"}):
        app.preprocess_request()
        assert i18n.current_language() == "ar"
        app.do_teardown_request()
        assert i18n.current_language() == i18n.DEFAULT
