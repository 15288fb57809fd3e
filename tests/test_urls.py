"""The portal's links are the URL map's own: urls.KeptRouting's shortcuts (constant links, links by id) change nothing.

Every test runs with the overrides and on the plain framework (Flask's own url_for).
"""
from flask import Flask
import pytest

from portal import create_app

pytestmark = pytest.mark.both_frameworks
BASE_URLS = ("http://localhost", "http://localhost/kommune", "http://localhost")  # one app: kept shapes
IDS = ((1, 2, 3), (42, 7, 1000001), (2**62, 10**17 + 7919, 0))


def id_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.arguments and all(type(rule._converters.get(name)).__name__ == "IdConverter" for name in rule.arguments)]


def test_every_link_by_id_is_what_the_url_map_builds(app):
    rules = id_rules(app)
    assert len(rules) > 40  # the staff pages' links and the parent's meeting pages
    for base_url in BASE_URLS:
        with app.test_request_context("/", base_url=base_url):
            for rule in rules:
                for ids in IDS:
                    values = dict(zip(sorted(rule.arguments), ids))
                    assert app.url_for(rule.endpoint, **values) == Flask.url_for(app, rule.endpoint, **values), rule


@pytest.mark.parametrize("plain_framework", [False])
def test_every_link_by_id_is_joined_from_a_shape(app):
    with app.test_request_context("/"):
        for rule in id_rules(app):
            assert app._id_url_shape(rule.endpoint, tuple(sorted(rule.arguments)), ""), rule


def links(portal, base_url):
    """Every endpoint's link, by id where it takes ids, with and without an anchor; the style sheet."""
    rules = [rule for rule in portal.url_map.iter_rules() if not rule.arguments] + id_rules(portal)
    with portal.test_request_context("/", base_url=base_url):
        return [portal.url_for(rule.endpoint, _anchor=anchor, **dict(zip(sorted(rule.arguments), ids)))
                for rule in rules for ids in IDS for anchor in (None, "svar")] + [
                portal.url_for("static", filename="portal.css")]


def test_every_link_is_the_same_with_and_without_the_overrides(app):
    """This app's links, and those of one with the switch the other way."""
    other = create_app({**app.config, "PLAIN_FRAMEWORK": not app.config["PLAIN_FRAMEWORK"]})
    assert type(other) is not type(app)
    for base_url in BASE_URLS:
        assert links(app, base_url) == links(other, base_url)


def test_links_that_are_not_plain_ids_go_through_the_url_map(app):
    with app.test_request_context("/"):
        assert app.url_for("parent.meeting", meeting_id=5, _anchor="svar") == "/meetings/5#svar"
        assert app.url_for("parent.meeting", meeting_id=5, view="print") == "/meetings/5?view=print"
        assert app.url_for("parent.meeting", meeting_id="5") == "/meetings/5"
        assert app.url_for("parent.meeting", meeting_id=5, _external=True) == "http://localhost/meetings/5"
        assert app.url_for("staff.family.goal", family_id=3, goal_id=9) == "/staff/families/3/goals/9"
        assert app.url_for("parent.home") == "/"
