"""Small charts drawn on the server as inline SVG, each with a sentence that says the same thing.

pygal draws them (chosen over Vega-Lite through vl-convert by page weight and
render time: bench/chart_weight.py, figures in bench/README.md). pygal's SVG
carries a <script> (its tooltips' configuration) and a <style>; the Content
Security Policy refuses both on our pages, so they are taken out here, with
pygal's comments, tooltip texts and ids. What is left is shapes, axis labels and
pygal's class names, which portal.css colours (".chart ..."): the CSP stays as
it is. The SVG scales to its box (a viewBox, width 100%) and is read as one
image whose name is the sentence shown under it (role="img",
aria-label); its <title> is the same sentence, for a mouse.

A chart's axis runs left to right in every language, as numbers and dates do,
so an Arabic page keeps it "ltr" (portal.css); the sentence follows the page.
"""
from collections import namedtuple
from datetime import date
from functools import lru_cache
import math
import re
import xml.etree.ElementTree as ElementTree

from babel.dates import format_date, get_month_names
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup
import pygal

from ..data.clock import today as local_today
from ..i18n import N_, current_language, gettext_in, ngettext_in

# The sentences, translated into the language the chart is drawn for (a cached chart keeps its language).
ONE_SCORE = N_("Ét tal indtil nu: %(score)s ud af 10, den %(date)s.")
FROM_TO = N_("Fra %(first)s til %(last)s siden %(date)s.")
NO_MEETINGS = N_("Ingen møder det seneste år.")
ONE_MEETING = N_("1 møde det seneste år, i %(month)s.")

# sentence: the text alternative, shown under the chart; svg: Markup, or None when a chart would say nothing more.
Chart = namedtuple("Chart", "sentence svg")

# Elements that are scripts, styles or tooltip texts: the CSP refuses the first two, nobody reads the rest.
DROPPED = {"script", "style", "desc", "title", "defs"}
# A month's name this long or shorter fits under its bar on a phone.
SHORT_MONTH = 4
# Groups pygal draws for its tooltips and titles: empty or hidden here.
UNSEEN = {"tooltip-overlay", "text-overlay", "titles"}
# Attributes whose numbers pygal writes to fifteen digits: a tenth of a unit is finer than a phone's pixel.
COORDINATES = {"x", "y", "width", "height", "d", "transform", "cx", "cy", "points", "x1", "x2", "y1", "y2"}
DECIMALS = re.compile(r"-?\d+\.\d+")
# One shape for every chart: a phone's width at a readable size; the SVG scales from it.
BASE = dict(
    width=360, show_legend=False, disable_xml_declaration=True, explicit_size=False, js=[], css=[],
    no_prefix=True, pretty_print=False, tooltip_border_radius=0, margin=6, spacing=6, truncate_label=-1,
    label_font_size=13, major_label_font_size=13,
)


def goal_progress(scores, *, today=None, language=None):
    """A goal's 0–10 scores over time (rows with score and noted_on, oldest first).

    None without scores; one score is a sentence only; two or more a line over time.
    """
    if not scores:
        return None
    points = tuple((date.fromisoformat(row["noted_on"][:10]), row["score"]) for row in scores)
    return _goal_progress(points, (today or local_today()).year, language or current_language())


def meeting_load(months, *, language=None):
    """Held meetings per month ([(first day of month, count)], oldest first) as bars, with what they add up to."""
    return _meeting_load(tuple(months), language or current_language())


def result_bars(bars, *, language=None):
    """A results figure's parts ([(Danish label, number)]) as horizontal bars; the sentence names each part."""
    return _result_bars(tuple(bars), language or current_language())


@lru_cache(maxsize=512)
def _result_bars(bars, language):
    translate = gettext_in(language)
    labels = [translate(label) for label, value in bars]
    sentence = "; ".join(f"{label}: {format_decimal(value, locale=language)}"
                         for label, (_, value) in zip(labels, bars)) + "."
    most = math.ceil(max((value for _, value in bars), default=0))
    chart = pygal.HorizontalBar(
        **{**BASE, "margin": None}, margin_top=6, margin_bottom=6, margin_right=12,
        # pygal guesses a label's width narrower than the page's font draws it: room for the difference.
        margin_left=6 + 2 * max(map(len, labels)),
        height=40 + 34 * len(bars), range=(0, max(most, 1)), y_labels=_whole_steps(most), x_labels=labels,
        print_values=False, show_x_guides=True, show_y_guides=False,
    )
    chart.add("", [value for _, value in bars])
    return Chart(sentence, _svg(chart, sentence))


# A chart is the same for the same numbers: scores change seldom, and a page of twenty goals
# would otherwise spend ~4 ms on each (bench/chart_weight.py prints the time).
@lru_cache(maxsize=2048)
def _goal_progress(points, this_year, language):
    translate = gettext_in(language)
    (first_day, first), last = points[0], points[-1][1]
    since = _day(first_day, this_year, language)
    if len(points) == 1:
        return Chart(translate(ONE_SCORE, score=first, date=since), None)
    sentence = translate(FROM_TO, first=first, last=last, date=since)
    chart = pygal.DateLine(
        **BASE, height=170, range=(0, 10), y_labels=[0, 5, 10], dots_size=4,
        x_value_formatter=lambda day: _short_day(day, language), x_labels=_ends(points), x_labels_major_count=2,
        show_minor_x_labels=False, show_x_guides=False, show_y_guides=True,
    )
    chart.add("", list(points))
    return Chart(sentence, _svg(chart, sentence))


@lru_cache(maxsize=2048)
def _meeting_load(months, language):
    total = sum(count for month, count in months)
    if not total:
        return Chart(gettext_in(language)(NO_MEETINGS), None)
    most = max(count for _, count in months)
    busiest = [month for month, count in months if count == most]
    names = format_list([_month_name(month, language) for month in busiest], locale=language)
    ngettext = ngettext_in(language)  # by this name, scripts/update_translations.py finds the plural
    if total == 1:
        sentence = gettext_in(language)(ONE_MEETING, month=names)
    else:
        sentence = ngettext("%(num)s møde det seneste år, flest i %(months)s: %(most)s.",
                            "%(num)s møder det seneste år, flest i %(months)s: %(most)s.", total, months=names,
                            most=most)
    labels = [_month_abbreviation(month, language) for month, count in months]
    chart = pygal.Bar(
        **BASE, height=180, range=(0, max(most, 1)), y_labels=_whole_steps(most), print_values=False,
        x_labels=labels, show_x_guides=False, show_y_guides=True,
        # Twelve names fit under the bars when they are short ("jan"); Arabic's are whole words:
        # then every third month is named, counting back from this month.
        x_labels_major=labels[::-3] if max(map(len, labels)) > SHORT_MONTH else None,
        show_minor_x_labels=max(map(len, labels)) <= SHORT_MONTH,
    )
    chart.add("", [count for month, count in months])
    return Chart(sentence, _svg(chart, sentence))


def _svg(chart, sentence):
    """pygal's SVG without what the CSP refuses or nobody reads, named by `sentence`, scaling to its box."""
    root = chart.render_tree()
    _drop(root)
    for attribute in ("id", "class"):
        root.attrib.pop(attribute, None)
    root.set("class", "chart-svg")
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-label", sentence)
    title = ElementTree.Element("title")
    title.text = sentence
    root.insert(0, title)
    return Markup(ElementTree.tostring(root, encoding="unicode", short_empty_elements=True))


def _drop(element, in_x_axis=False):
    """Take out scripts, styles, comments, tooltips, ids and unseen guides; round coordinates to 0.1."""
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""  # a comment's tag is a function
        classes = set(child.get("class", "").split())
        if (tag in DROPPED or not tag or classes & UNSEEN
                or (in_x_axis and tag == "path" and "guide" in classes)):
            element.remove(child)
            continue
        for name in ("id", "style"):
            child.attrib.pop(name, None)
        for name, value in child.attrib.items():
            if name in COORDINATES:
                child.set(name, DECIMALS.sub(_round, value))
        _drop(child, in_x_axis or {"axis", "x"} <= classes)


def _round(match):
    return f"{float(match.group()):.1f}".removesuffix(".0")


def _ends(points):
    """The first and last day as the x axis' labels: the sentence says the rest."""
    return [points[0][0], points[-1][0]] if points[0][0] != points[-1][0] else [points[0][0]]


def _whole_steps(most):
    """The y axis' labels: whole numbers (a count has no halves), at most four of them."""
    if most <= 1:
        return [0, 1]
    return sorted({0, most // 2, most}) if most > 3 else list(range(most + 1))


def _day(day_, this_year, language):
    """'11. november', with the year when it is not this year's."""
    with_year = day_.year != this_year
    if language == "da":
        pattern = "d. MMMM y" if with_year else "d. MMMM"
    else:
        pattern = "d MMMM y" if with_year else "d MMMM"
    return format_date(day_, pattern, locale=language)


def _short_day(day_, language):
    return format_date(day_, "d. MMM yy" if language == "da" else "d MMM yy", locale=language)


def _month_name(month, language):
    return get_month_names("wide", context="stand-alone", locale=language)[month.month]


def _month_abbreviation(month, language):
    return get_month_names("abbreviated", context="stand-alone", locale=language)[month.month].rstrip(".")

