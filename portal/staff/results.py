"""The leaders' results page ("Resultater"): figures per quarter and organisation unit, and the same as CSV.

Who may open it is access.staff_page_allowed (a leader or an admin); what it
shows, and what it suppresses, is reads/results.py.
"""
import csv
import io

from flask import Response, render_template, request

from . import bp
from ..data.reads import results
from ..i18n import gettext as _
from ..web import charts

ALL_UNITS = ""  # the form's value for "every unit"; a unit named "" is chosen as "-"
NO_UNIT = "-"


def _choice():
    """The chosen quarter and unit (None for every unit) and an error text for a choice that does not exist."""
    quarters = results.quarters()
    units = results.units()
    quarter_key = request.args.get("kvartal", quarters[0]["key"])
    unit_value = request.args.get("enhed", ALL_UNITS)
    quarter = next((q for q in quarters if q["key"] == quarter_key), None)
    unit = None if unit_value == ALL_UNITS else ("" if unit_value == NO_UNIT else unit_value)
    error = None
    if quarter is None or (unit is not None and unit not in units):
        error = _("Det valgte kvartal eller den valgte enhed findes ikke. Vælg igen i listen.")
        quarter, unit, unit_value = quarters[0], None, ALL_UNITS
    return quarters, units, quarter, unit, unit_value, error


@bp.route("/resultater", endpoint="results")
def results_page():
    quarters, units, quarter, unit, unit_value, error = _choice()
    figures = results.figures(quarter, unit)
    shown = [(figure, charts.result_bars(figure.bars) if figure.rows else None) for figure in figures]
    return render_template(
        "staff/results.html", quarters=quarters, units=units, quarter=quarter, unit=unit, unit_value=unit_value,
        figures=shown, error=error, min_families=results.MIN_FAMILIES, no_unit=NO_UNIT,
    ), 400 if error else 200


@bp.route("/resultater.csv")
def results_csv():
    quarters, units, quarter, unit, unit_value, error = _choice()
    if error:
        return Response(error, status=400, mimetype="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    unit_name = _("Alle enheder") if unit is None else (unit or _("Uden afdeling"))
    quarter_name = _("%(quarter)s. kvartal %(year)s", quarter=quarter["quarter"], year=quarter["year"])
    writer.writerow([_("Kvartal"), _("Enhed"), _("Tal"), _("Opgørelse"), _("Værdi"), _("Familier")])
    for figure in results.figures(quarter, unit):
        if figure.rows is None:
            writer.writerow([quarter_name, unit_name, _(figure.title), "", _("for få til at vise"), ""])
            continue
        for label, value, kind in figure.rows:
            writer.writerow([quarter_name, unit_name, _(figure.title), _(label), "" if value is None else value,
                             figure.families if figure.counts == "families" else ""])
    return Response(
        "\ufeff" + buffer.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="resultater-{quarter["key"]}.csv"'})
