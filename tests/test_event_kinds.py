"""One table of event kinds (data/vocabulary.py EVENT_KINDS), and every place that reads events agrees with it."""
import ast
import re
from pathlib import Path

from portal.data.vocabulary import EVENT_KINDS, NOTICE_TOPICS, event_kinds

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def recorded_kinds(source):
    """The kinds a module's record(actor, kind, …) calls write as family events (not those with event=False).

    A kind is a string, a conditional of two strings, or a name assigned such a value in the same function.
    """
    kinds = set()

    def values(node, assigned):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return values(node.body, assigned) + values(node.orelse, assigned)
        if isinstance(node, ast.Name):
            return [value for assignment in assigned.get(node.id, []) for value in values(assignment, {})]
        raise AssertionError(f"a kind the test cannot read: {ast.dump(node)}")

    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.Module)):
            continue
        assigned = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, []).append(node.value)
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) >= 2:
                event = next((k.value for k in node.keywords if k.arg == "event"), None)
                if isinstance(event, ast.Constant) and event.value is False:
                    continue
                family = node.args[2] if len(node.args) > 2 else None
                if family is None or (isinstance(family, ast.Constant) and family.value is None):
                    continue  # no family, no family event: audited only (e.g. a staff account)
                kinds.update(values(node.args[1], assigned))
    return kinds


def test_every_kind_the_write_side_records_is_in_the_table():
    recorded = set()
    for path in (PORTAL / "data" / "changes").glob("*.py"):
        recorded |= recorded_kinds(path.read_text(encoding="utf-8"))
    assert "meeting.moved" in recorded and "plan_item.ended" in recorded  # the ones chosen by a condition
    assert recorded - set(EVENT_KINDS) == set()


def test_the_check_finds_a_kind_missing_from_the_table():
    source = 'def change(actor):\n    kind = "goal.renamed" if actor else "goal.changed"\n    record(actor, kind, 1)\n'
    assert recorded_kinds(source) == {"goal.renamed", "goal.changed"}
    assert recorded_kinds('record(actor, "x.y", 1, event=False)\nrecord(actor, "staff.z", None)\n') == set()


def test_every_kind_in_the_demos_story_is_in_the_table(db):
    kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM family_events")}
    assert kinds and kinds - set(EVENT_KINDS) == set()


def test_the_parents_news_has_a_line_for_exactly_the_kinds_parents_hear_of():
    from portal.parent.news import _LINES

    assert set(_LINES) == set(event_kinds(news=True))


def test_the_timeline_has_a_line_for_exactly_the_kinds_of_the_familys_story():
    template = (PORTAL / "templates" / "_timeline.html").read_text(encoding="utf-8")
    assert set(re.findall(r'e\.kind == "([a-z_.]+)"', template)) == set(event_kinds(story=True))


def test_every_notice_topic_has_its_line_in_the_message():
    from portal.messages.texts import TOPIC_LINES

    assert set(TOPIC_LINES) == set(NOTICE_TOPICS.values())


def test_what_parents_write_is_news_to_the_other_parent_and_a_line_of_the_story():
    for kind in event_kinds(from_parents=True):
        assert EVENT_KINDS[kind].news and EVENT_KINDS[kind].story, kind
