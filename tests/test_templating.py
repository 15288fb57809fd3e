"""The portal's Jinja environment reads templates exactly as Jinja's own does (templating.Environment)."""
from jinja2 import Environment as JinjaEnvironment
import pytest

SOURCES = [
    "{{ d.name }}", "{{ d.missing is defined }}", "{{ d.missing }}", "{{ d.items is callable }}",
    "{{ d['items'] }}", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "{{ d.get('name') }}",
    "{{ d.name.upper() }}", "{{ n.real }}", "{{ d.nested.name }}", "{{ d.nested.gone is defined }}",
]
VALUES = {"d": {"name": "Sara", "items": "a key named like a method", "nested": {"name": "Holm"}}, "n": 3}


@pytest.mark.parametrize("source", SOURCES)
def test_attributes_and_items_read_as_jinja_reads_them(app, source):
    with app.test_request_context("/"):
        ours = app.jinja_env.from_string(source).render(**VALUES)
    assert ours == JinjaEnvironment(autoescape=True).from_string(source).render(**VALUES)


def test_a_missing_item_is_undefined_as_usual(app):
    with app.test_request_context("/"):
        assert app.jinja_env.from_string("[{{ d.missing }}]").render(d={}) == "[]"


def test_globals_set_before_a_template_loads_are_seen(app):
    with app.test_request_context("/"):
        env = app.jinja_env
        assert env.from_string("{{ LANGUAGE }} {{ url_for('parent.home') }}").render() == "da /"
