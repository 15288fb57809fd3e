"""Progress you can see: a goal's scores over time and the family's meetings per month, as inline SVG with a sentence.

What a chart shows is what the page may show (one family, what the parent may
see), the sentence says the same as the chart, and the SVG carries nothing the
Content Security Policy refuses.
"""
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
import re
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from portal.data import clock
from portal.data.changes import Actor, goals
from portal.data.db import get_db
from portal.data.reads import goals as goal_reads
from portal.data.reads import meeting_load
from portal.web import charts
from portal.web.security import CONTENT_SECURITY_POLICY

from conftest import HIDDEN_FROM_MARTIN, HOLM, MARTIN, METTE, NADIA, SARA, SPLIT, main_part
from test_languages import choose

METTE_ACTS = Actor("staff", METTE)
EMIL_GOAL, MORNING_GOAL, JOB_GOAL = 1, 2, 3  # Holm's goals in the demo: two scores, one score, none
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield get_db()


def score(family_id, goal_id, value, days_ago):
    goals.score_goal(METTE_ACTS, family_id, goal_id, score=value, noted_on=clock.today() - timedelta(days=days_ago))


def meeting(db, family_id, days_ago, *, kind="follow_up", status="planned", published=True, hour=10):
    """A meeting row `days_ago` days before now (negative: ahead), straight into the table."""
    starts = datetime.combine(clock.today() - timedelta(days=days_ago), time(hour), tzinfo=clock.LOCAL_ZONE)
    return db["meetings"].insert({
        "family_id": family_id, "kind": kind, "starts_at": clock.to_db_time(starts), "status": status,
        "created_at": clock.now_text(), "published_at": clock.now_text() if published else None,
    }).last_pk


def counts(months):
    return [count for _, count in months]


def goal_item(html, goal_id):
    """The goal's item on a goals page, up to the next goal or the end of the list."""
    return html.split(f'<li id="goal-{goal_id}">')[1].split('<li id="goal-')[0].split("</ul>")[0]


def svgs(html):
    return SVG.findall(main_part(html))


# The data: scores in date order, one family's only.

def test_a_goals_scores_are_drawn_in_the_order_they_were_noted_not_the_order_they_were_typed_in(ctx):
    score(HOLM, JOB_GOAL, 7, days_ago=10)
    score(HOLM, JOB_GOAL, 2, days_ago=90)  # typed in later, noted earlier
    score(HOLM, JOB_GOAL, 4, days_ago=50)
    row = goal_reads.goal(HOLM, JOB_GOAL)
    assert [s["score"] for s in row["scores"]] == [2, 4, 7]
    chart = charts.goal_progress(row["scores"], language="da")
    since = charts._day(clock.today() - timedelta(days=90), clock.today().year, "da")
    assert chart.sentence == f"Fra 2 til 7 siden {since}."
    # The line runs left to right through 2, 4, 7: its y falls as the score rises.
    line = re.search(r'<path d="M([\d. L]+)" class="line reactive nofill"', chart.svg).group(1)
    numbers = [float(n) for n in line.replace("L", " ").split()]
    xs, ys = numbers[0::2], numbers[1::2]
    assert xs == sorted(xs) and ys[0] > ys[1] > ys[2]


def test_a_parent_never_sees_another_familys_scores(auth, client, app):
    with app.test_request_context():
        other = goals.add_goal(METTE_ACTS, SPLIT, text="Liva sover i sin egen seng.")
        score(SPLIT, other, 1, days_ago=300)
        score(SPLIT, other, 9, days_ago=5)
    auth.sign_in()  # Sara, Familien Holm
    page = client.get("/goals").text
    assert "Fra 1 til 9" not in page and "Liva sover" not in page
    assert "Fra 3 til 5 siden" in page  # her own family's goal is drawn
    auth.sign_out()
    auth.sign_in("martin.andersen@example.dk")
    assert "Fra 1 til 9 siden" in client.get("/goals").text


def test_the_parents_goals_page_draws_a_chart_for_each_goal_it_shows_and_no_other(auth, client, app):
    auth.sign_in()
    page = client.get("/goals").text
    with app.test_request_context():
        shown = goal_reads.goals(HOLM)
    drawn = [goal for goal in shown if len(goal["scores"]) > 1]
    assert len(svgs(page)) == len(drawn) == 1
    # The chart sits in its own goal's item, under the goal's text.
    assert "<svg" in goal_item(page, EMIL_GOAL) and "Fra 3 til 5 siden" in goal_item(page, EMIL_GOAL)


def test_one_score_is_a_sentence_only_and_no_score_is_nothing(auth, client):
    auth.sign_in()
    page = client.get("/goals").text
    assert "Ét tal indtil nu: 4 ud af 10, den" in goal_item(page, MORNING_GOAL)
    assert "<svg" not in goal_item(page, MORNING_GOAL)
    assert "<figure" not in goal_item(page, JOB_GOAL) and "Ét tal" not in goal_item(page, JOB_GOAL)


def test_the_coordinators_goal_view_draws_the_scores(auth, client):
    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/goals/{EMIL_GOAL}").text
    assert len(svgs(page)) == 1 and "Fra 3 til 5 siden" in page


# The data: held meetings per month, as the page may show them.

def test_meetings_per_month_count_held_meetings_only(ctx):
    before = counts(meeting_load.held_per_month(SPLIT))
    meeting(ctx, SPLIT, 40)
    meeting(ctx, SPLIT, 41, status="held")
    meeting(ctx, SPLIT, 42, status="cancelled")  # cancelled: not counted
    meeting(ctx, SPLIT, 43, kind="professionals")  # among professionals only: spares the family a meeting
    meeting(ctx, SPLIT, -3)  # not yet held
    meeting(ctx, SPLIT, 400)  # more than a year ago
    after = counts(meeting_load.held_per_month(SPLIT))
    assert sum(after) - sum(before) == 2
    assert len(after) == 12


def test_meetings_per_month_are_one_familys_only(ctx):
    holm = counts(meeting_load.held_per_month(HOLM))
    meeting(ctx, SPLIT, 30)
    meeting(ctx, SPLIT, 60)
    assert counts(meeting_load.held_per_month(HOLM)) == holm


def test_a_parent_counts_only_the_meetings_they_may_see(ctx):
    ctx.execute("UPDATE meetings SET starts_at = ? WHERE id = ?",
                [clock.to_db_time(clock.utcnow() - timedelta(days=20)), HIDDEN_FROM_MARTIN])
    meeting(ctx, SPLIT, 25, published=False)  # a draft: the family never saw it
    martin, nadia = {"id": MARTIN, "family_id": SPLIT}, {"id": NADIA, "family_id": SPLIT}
    staff = sum(counts(meeting_load.held_per_month(SPLIT)))
    assert sum(counts(meeting_load.held_per_month(SPLIT, parent=nadia))) == staff - 1
    assert sum(counts(meeting_load.held_per_month(SPLIT, parent=martin))) == staff - 2


def test_a_meeting_falls_in_its_copenhagen_month(ctx, monkeypatch):
    # 23.30 UTC on 31 March is 1.30 on 1 April in Copenhagen.
    moment = datetime(2026, 6, 15, 12, tzinfo=timezone.utc)
    monkeypatch.setattr(meeting_load, "today", lambda: date(2026, 6, 15))
    monkeypatch.setattr(meeting_load, "now_text", lambda: clock.to_db_time(moment))
    ctx["meetings"].insert({"family_id": SPLIT, "kind": "follow_up", "starts_at": "2026-03-31T23:30:00Z",
                            "status": "planned", "created_at": "2026-03-01T00:00:00Z",
                            "published_at": "2026-03-01T00:00:00Z"})
    months = dict(meeting_load.held_per_month(SPLIT))
    assert months[date(2026, 4, 1)] == 1 and months[date(2026, 3, 1)] == 0
    assert list(months)[0] == date(2025, 7, 1) and list(months)[-1] == date(2026, 6, 1)


def test_the_parents_timeline_shows_their_meetings_per_month_and_says_what_is_not_counted(auth, client, app):
    auth.sign_in()
    page = client.get("/timeline").text
    assert "Møder måned for måned" in page
    assert "Aflyste møder og møder uden jer tæller ikke med." in page
    assert len(svgs(page)) == 1
    assert "1 møde det seneste år, i " in page  # the held network meeting three weeks ago
    auth.sign_out()
    auth.staff()
    page = client.get(f"/staff/families/{HOLM}/timeline").text
    assert "Aflyste møder og samarbejdsmøder uden familien tæller ikke med." in page
    assert len(svgs(page)) == 1 and "1 møde det seneste år, i " in page


# The text alternative.

def test_the_sentence_says_where_a_goal_went_from_and_to_and_since_when():
    rows = [{"score": 3, "noted_on": "2026-11-11"}, {"score": 6, "noted_on": "2026-11-20"},
            {"score": 5, "noted_on": "2026-12-01"}]
    today = date(2026, 12, 3)
    assert charts.goal_progress(rows, today=today, language="da").sentence == "Fra 3 til 5 siden 11. november."
    assert charts.goal_progress(rows, today=today, language="en").sentence == "From 3 to 5 since 11 November."
    assert charts.goal_progress(rows, today=today, language="ar").sentence == "من 3 إلى 5 منذ 11 نوفمبر."
    # Another year's date says its year.
    assert charts.goal_progress(rows, today=date(2027, 1, 5), language="da").sentence == (
        "Fra 3 til 5 siden 11. november 2026.")
    one = charts.goal_progress(rows[:1], today=today, language="da")
    assert one.sentence == "Ét tal indtil nu: 3 ud af 10, den 11. november." and one.svg is None
    assert charts.goal_progress([], language="da") is None


def test_the_sentence_says_how_many_meetings_and_which_month_had_most():
    months = [(date(2026, month, 1), 0) for month in range(1, 13)]
    assert charts.meeting_load(months, language="da") == ("Ingen møder det seneste år.", None)
    months[2] = (date(2026, 3, 1), 3)
    months[5] = (date(2026, 6, 1), 2)
    months[10] = (date(2026, 11, 1), 1)
    assert charts.meeting_load(months, language="da").sentence == "6 møder det seneste år, flest i marts: 3."
    assert charts.meeting_load(months, language="en").sentence == "6 meetings in the past year, most in March: 3."
    assert charts.meeting_load(months, language="ar").sentence == (
        "6 اجتماعات في السنة الماضية، وأكثرها في مارس: 3.")
    months[5] = (date(2026, 6, 1), 3)
    assert charts.meeting_load(months, language="da").sentence == "7 møder det seneste år, flest i marts og juni: 3."
    only = [(date(2026, month, 1), int(month == 4)) for month in range(1, 13)]
    assert charts.meeting_load(only, language="da").sentence == "1 møde det seneste år, i april."


def test_the_chart_is_named_by_its_sentence(auth, client):
    auth.sign_in()
    page = client.get("/goals").text
    svg = svgs(page)[0]
    sentence = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert sentence.startswith("Fra 3 til 5 siden")
    assert 'role="img"' in svg and f"<title>{sentence}</title>" in svg
    assert f"<figcaption>{sentence}</figcaption>" in page  # and shown, for everyone


def test_the_sentence_is_in_the_parents_language(auth, client):
    auth.sign_in()
    choose(client, "ar")
    goals_page = client.get("/goals").text
    assert "من 3 إلى 5 منذ" in goals_page and "Fra 3 til 5" not in goals_page
    timeline = client.get("/timeline").text
    assert "الاجتماعات شهرًا بشهر" in timeline and "اجتماع واحد في السنة الماضية" in timeline
    choose(client, "en")
    assert "From 3 to 5 since" in client.get("/goals").text
    choose(client, "da")


# The SVG: inline, scaling, nothing the CSP refuses.

@pytest.mark.parametrize("kind", ["goal", "meetings"])
def test_the_svg_has_no_script_no_style_and_scales_to_its_box(kind):
    if kind == "goal":
        chart = charts.goal_progress([{"score": 3, "noted_on": "2026-10-01"}, {"score": 5, "noted_on": "2026-11-01"}],
                                     language="da")
    else:
        chart = charts.meeting_load([(date(2026, month, 1), month % 3) for month in range(1, 13)], language="da")
    svg = str(chart.svg)
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg
    assert "javascript:" not in svg and " on" not in svg.replace(" one", "")
    root = ElementTree.fromstring(svg)
    assert root.get("width") == "100%" and root.get("viewBox") and root.get("height") is None
    assert root.get("role") == "img" and root.get("aria-label") == chart.sentence
    assert not [element for element in root.iter() if element.get("id") is not None]  # two charts on a page never clash
    # No request leaves the page: nothing is linked.
    assert "href" not in svg and "xml-stylesheet" not in svg and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_the_pages_with_charts_keep_the_content_security_policy(auth, client):
    auth.sign_in()
    for path in ("/goals", "/timeline"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "<svg" in response.text
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "style-src 'self'" in CONTENT_SECURITY_POLICY


def test_a_chart_is_drawn_once_for_the_same_numbers():
    rows = [{"score": 1, "noted_on": "2026-10-01"}, {"score": 2, "noted_on": "2026-11-01"}]
    assert charts.goal_progress(rows, language="da") is charts.goal_progress(list(rows), language="da")
    assert charts.goal_progress(rows, language="da") is not charts.goal_progress(rows, language="en")


# The benchmark keeps working, and its choice holds.

def test_the_chart_weight_bench_prints_pygal_lighter_than_vega_lite(capsys):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import chart_weight

    results = chart_weight.main(["--renders", "1"])
    out = capsys.readouterr().out
    assert "goal scores" in out and "meetings per month" in out
    for name, (written, inline, ms, sentence) in results["pygal"].items():
        assert "<script" in written and "<script" not in inline
        if "Vega-Lite" in results:
            assert chart_weight.gzipped(inline) < chart_weight.gzipped(results["Vega-Lite"][name][1])


def test_long_month_names_name_every_third_month_so_they_do_not_overlap_on_a_phone():
    months = [(date(2026, month, 1), 1) for month in range(1, 13)]
    labels = {language: re.findall(r'<text x="[\d.]+" y="[\d.]+" class="[^"]*">([^<0-9]+)</text>',
                                   str(charts.meeting_load(months, language=language).svg))
              for language in ("da", "ar")}
    assert labels["da"] == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    assert labels["ar"] == ["مارس", "يونيو", "سبتمبر", "ديسمبر"]  # ending with this month
