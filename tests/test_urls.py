"""The portal's links are the URL map's own: Portal.url_for's shortcuts (constant links, links by id) change nothing."""
from flask import Flask


def id_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.arguments and all(type(rule._converters.get(name)).__name__ == "IdConverter" for name in rule.arguments)]


def test_every_link_by_id_is_what_the_url_map_builds(app):
    rules = id_rules(app)
    assert len(rules) > 40  # the staff pages' links and the parent's meeting pages
    for base_url in ("http://localhost", "http://localhost/kommune", "http://localhost"):  # one app: kept shapes
        with app.test_request_context("/", base_url=base_url):
            for rule in rules:
                for ids in ((1, 2, 3), (42, 7, 1000001), (2**62, 10**17 + 7919, 0)):
                    values = dict(zip(sorted(rule.arguments), ids))
                    assert app.url_for(rule.endpoint, **values) == Flask.url_for(app, rule.endpoint, **values), rule
                assert app._id_url_shape(rule.endpoint, tuple(sorted(rule.arguments)), ""), rule


def test_links_that_are_not_plain_ids_go_through_the_url_map(app):
    with app.test_request_context("/"):
        assert app.url_for("parent.meeting", meeting_id=5, _anchor="svar") == "/meetings/5#svar"
        assert app.url_for("parent.meeting", meeting_id=5, view="print") == "/meetings/5?view=print"
        assert app.url_for("parent.meeting", meeting_id="5") == "/meetings/5"
        assert app.url_for("parent.meeting", meeting_id=5, _external=True) == "http://localhost/meetings/5"
        assert app.url_for("staff.family.goal", family_id=3, goal_id=9) == "/staff/families/3/goals/9"
        assert app.url_for("parent.home") == "/"
