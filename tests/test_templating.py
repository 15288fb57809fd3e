"""The portal's Jinja environment reads templates exactly as Jinja's own does (jinja.Environment).

Every test runs with the overrides and on the plain framework (Flask's own environment).
"""
from pathlib import Path
import re

from jinja2 import Environment as JinjaEnvironment
import pytest

pytestmark = pytest.mark.both_frameworks

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


def free_names(env, name):
    """Names a template reads that none of its macros, arguments, loops or sets declare."""
    from jinja2 import nodes

    ast = env.parse(env.loader.get_source(env, name)[0])
    loaded = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
    declared = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    declared |= {m.name for m in ast.find_all(nodes.Macro)} | {"caller", "loop", "varargs", "kwargs"}
    for imported in ast.find_all(nodes.FromImport):
        declared |= {n if isinstance(n, str) else n[-1] for n in imported.names}
    return loaded - declared


def imported_without_context(templates):
    found = set()
    for path in templates.rglob("*.html"):
        for match in re.finditer(r'\{% from "([^"]+)" import ([^%]*)%\}', path.read_text()):
            if "with context" not in match.group(2):
                found.add(match.group(1))
    return found


def test_macros_imported_without_context_need_nothing_from_the_page(app):
    """Imported without context, a macro file is made once per language; a page's variables would be missing in it."""
    templates = Path(__file__).resolve().parent.parent / "portal" / "templates"
    files = imported_without_context(templates)
    assert "_macros.html" in files
    with app.test_request_context("/"):
        env = app.jinja_env
        for name in files:
            assert free_names(env, name) <= set(env.globals), (name, free_names(env, name) - set(env.globals))


def test_the_check_finds_a_page_variable(app):
    from jinja2 import ChoiceLoader, DictLoader

    with app.test_request_context("/"):
        env = app.jinja_env
        env.loader = ChoiceLoader([DictLoader({"probe.html": "{% macro m(x) %}{{ x }}{{ family.name }}{% endmacro %}"}),
                                   env.loader])
        assert free_names(env, "probe.html") == {"family"}
