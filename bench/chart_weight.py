"""The same two charts drawn by pygal and by Vega-Lite (vl-convert): bytes, gzipped bytes and render time.

Usage: .venv/bin/python bench/chart_weight.py [--renders 30]

The charts are the ones the portal shows (portal/web/charts.py): a goal's six
scores over a year, and twelve months of held meetings. For each library it
prints the SVG as the library writes it, and as it would sit inline in a page:
pygal's after charts.py has taken out what the CSP refuses (its <script> and
<style>) and what nobody reads; Vega-Lite's needs nothing taken out, and gets the
same name, title and width 100%. The ratio is against the smaller inline SVG,
gzipped (what a phone downloads). Vega-Lite needs the `bench` extra
(`pip install -e '.[bench]'`); without it only pygal is measured.
"""
import argparse
from datetime import date
import gzip
import json
from pathlib import Path
import re
import resource
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.web import charts  # noqa: E402

SCORES = [("2025-12-11", 3), ("2026-02-20", 4), ("2026-04-11", 4), ("2026-06-02", 5), ("2026-09-20", 6),
          ("2026-11-30", 5)]
MONTHS = [(date(2026, month, 1), count) for month, count in zip(range(1, 13), [1, 0, 3, 1, 0, 2, 0, 0, 1, 3, 1, 0])]
THIS_YEAR = 2026


def gzipped(text):
    return len(gzip.compress(text.encode(), compresslevel=6))


def timed(draw, renders):
    """(the last result, milliseconds per render after a first, warming render)."""
    result = draw()
    start = time.perf_counter()
    for _ in range(renders):
        result = draw()
    return result, 1000 * (time.perf_counter() - start) / renders


def pygal_charts(renders):
    """{chart: (as written, inline, ms per render)}; the cache is bypassed so every render draws."""
    points = tuple((date.fromisoformat(day), score) for day, score in SCORES)
    found = {}
    for name, draw in (("goal scores", lambda: charts._goal_progress.__wrapped__(points, THIS_YEAR, "da")),
                       ("meetings per month", lambda: charts._meeting_load.__wrapped__(tuple(MONTHS), "da"))):
        chart, ms = timed(draw, renders)
        found[name] = (_pygal_as_written(name, points), str(chart.svg), ms, chart.sentence)
    return found


def _pygal_as_written(name, points):
    """pygal's own output for the same chart (same options, nothing taken out)."""
    import pygal

    if name == "goal scores":
        chart = pygal.DateLine(**charts.BASE, height=170, range=(0, 10), y_labels=[0, 5, 10], dots_size=4,
                               x_labels=[points[0][0], points[-1][0]], show_x_guides=False)
        chart.add("", list(points))
    else:
        chart = pygal.Bar(**charts.BASE, height=180, range=(0, 3), y_labels=[0, 1, 2, 3],
                          x_labels=[charts._month_abbreviation(month, "da") for month, _ in MONTHS])
        chart.add("", [count for _, count in MONTHS])
    return chart.render(is_unicode=True)


def vega_lite_specs():
    """Vega-Lite specs drawing the same charts at the same size, without interactivity or a background."""
    common = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 330, "height": 140,
              "background": None, "config": {"view": {"stroke": None}, "axis": {"title": None, "grid": False}}}
    goal = {**common, "data": {"values": [{"day": day, "score": score} for day, score in SCORES]},
            "mark": {"type": "line", "point": True, "color": "#1b5e7a", "strokeWidth": 3},
            "encoding": {"x": {"field": "day", "type": "temporal", "axis": {"values": [SCORES[0][0], SCORES[-1][0]],
                                                                             "format": "%-d. %b %y"}},
                         "y": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 10]},
                               "axis": {"values": [0, 5, 10], "grid": True}}}}
    months = {**common, "height": 150,
              "data": {"values": [{"month": charts._month_abbreviation(month, "da"), "meetings": count}
                                  for month, count in MONTHS]},
              "mark": {"type": "bar", "color": "#1b5e7a"},
              "encoding": {"x": {"field": "month", "type": "ordinal", "sort": None, "axis": {"labelAngle": 0}},
                           "y": {"field": "meetings", "type": "quantitative", "axis": {"values": [0, 1, 2, 3],
                                                                                        "grid": True}}}}
    return {"goal scores": goal, "meetings per month": months}


def vega_lite_charts(renders, sentences):
    try:
        import vl_convert
    except ImportError:
        return None
    found = {}
    for name, spec in vega_lite_specs().items():
        text = json.dumps(spec)
        svg, ms = timed(lambda: vl_convert.vegalite_to_svg(text, time_format_locale="da-DK",
                                                           allowed_base_urls=[]), renders)
        found[name] = (svg, _vega_inline(svg, sentences[name]), ms, sentences[name])
    return found


def _vega_inline(svg, sentence):
    """Vega's SVG with the name, title and width the portal gives pygal's."""
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return (f'{head} width="100%" role="img" aria-label="{sentence}"><title>{sentence}</title>' + rest)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args(argv)
    results = {"pygal": pygal_charts(args.renders)}
    sentences = {name: found[3] for name, found in results["pygal"].items()}
    vega = vega_lite_charts(args.renders, sentences)
    if vega is None:
        print("vl-convert is not installed (pip install -e '.[bench]'): only pygal is measured.")
    else:
        results["Vega-Lite"] = vega
    print(f"{'chart':<20} {'library':<10} {'as written B':>13} {'gzip':>6} {'inline B':>9} {'gzip':>6} "
          f"{'ratio':>6} {'ms/render':>10} {'<script':>8} {'style':>6}")
    for name in sentences:
        smallest = min(gzipped(found[name][1]) for found in results.values())
        for library, found in results.items():
            written, inline, ms, _ = found[name]
            scripts = inline.count("<script")
            styles = len(re.findall(r"<style|\sstyle=", inline))
            print(f"{name:<20} {library:<10} {len(written.encode()):>13} {gzipped(written):>6} "
                  f"{len(inline.encode()):>9} {gzipped(inline):>6} {gzipped(inline) / smallest:>6.2f} "
                  f"{ms:>10.1f} {scripts:>8} {styles:>6}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {rss:.0f} MB")
    return results


if __name__ == "__main__":
    main()
