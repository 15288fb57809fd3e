"""The menus and the footer's text are made once per language and page (web/fragments.py), never mixed up.

Every test runs with the fragments kept and, on the plain framework, rendered every time.
"""
import re

from jinja2 import ChoiceLoader, DictLoader
import pytest

from portal import demo as demo_data

from conftest import csrf_from

pytestmark = pytest.mark.both_frameworks


def fragment(env, template_name, **values):
    """What a template's fragment() does."""
    return env.globals["fragment"](template_name, **values)


def current(html):
    """The menu entries marked as the page being shown."""
    menu = html.split('<nav class="menu')[1].split("</nav>")[0]
    return re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', menu)


def test_the_parent_menu_marks_the_page_being_shown(auth, client):
    auth.sign_in()
    assert current(client.get("/").text) == ["Forside"]
    assert current(client.get("/meetings").text) == ["Møder"]
    assert current(client.get("/").text) == ["Forside"]
    assert current(client.get("/goals").text) == ["Mål"]


def test_only_an_admin_sees_the_admin_entries(app):
    admin, coordinator = app.test_client(), app.test_client()
    from conftest import Auth

    Auth(app, admin).staff(demo_data.ADMIN_EMAIL)
    Auth(app, coordinator).staff(demo_data.COORDINATOR_EMAIL)
    assert "Medarbejdere" in admin.get("/staff/").text
    page = coordinator.get("/staff/").text
    assert "Medarbejdere" not in page and "Lukkede sager" in page  # a coordinator's own closed cases
    assert current(page) == ["Dine familier"]
    assert "Medarbejdere" in admin.get("/staff/").text


def test_each_language_has_its_own_menu_and_footer(auth, client):
    auth.sign_in()
    danish = client.get("/").text
    assert "Forside" in danish and "Privatlivspolitik" in danish
    client.post("/language", data={"csrf_token": csrf_from(danish), "lang": "en", "next": "/"})
    english = client.get("/").text
    assert "Forside" not in english and "Privatlivspolitik" not in english
    assert current(english) == ["Home"] and "Privacy policy" in english
    client.post("/language", data={"csrf_token": csrf_from(english), "lang": "da", "next": "/"})
    assert current(client.get("/").text) == ["Forside"]


def test_a_visitor_gets_no_menu(client):
    assert '<nav class="menu' not in client.get("/").text


@pytest.mark.parametrize("source", [
    "{{ request.path }}", "{{ g.user_id }}", "{{ session.sid }}", "{{ csrf_token() }}",
    "{% if g.staff_is_admin %}x{% endif %}", "{{ config.SECRET_KEY }}",
])
def test_a_fragment_cannot_use_who_is_asking(app, source):
    """A fragment is shown to everyone with the same values: request data in it would leak between people."""
    with app.test_request_context("/"):
        env = app.jinja_env
        env.loader = ChoiceLoader([DictLoader({"probe.html": source}), env.loader])
        with pytest.raises(TypeError, match="constant fragment"):
            fragment(env, "probe.html")


@pytest.mark.parametrize("plain_framework", [False])
def test_a_fragment_is_made_once_per_key(app):
    with app.test_request_context("/"):
        env = app.jinja_env
        env.loader = ChoiceLoader([DictLoader({"probe.html": "{{ here }} {{ LANGUAGE }}"}), env.loader])
        assert fragment(env, "probe.html", here="a") == "a da"
        assert fragment(env, "probe.html", here="b") == "b da"
        assert fragment(env, "probe.html", here="a") is fragment(env, "probe.html", here="a")


def test_a_fragment_knows_where_the_portal_is_mounted(app):
    """Its links are relative to the mount point (SCRIPT_NAME), so that is part of the key."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"probe.html": "{{ url_for('parent.home') }}"}), app.jinja_env.loader])
    with app.test_request_context("/"):
        assert fragment(app.jinja_env, "probe.html") == "/"
    with app.test_request_context("/", base_url="http://localhost/kommune"):
        assert fragment(app.jinja_env, "probe.html") == "/kommune/"
