""""Hvordan var møderne?": what parents answered after meetings, for the staff member's own unit, aggregated only."""
from flask import render_template

from . import bp
from ..data.changes.verdicts import SCALE
from ..data.reads import verdicts
from ..sign_in import who


@bp.route("/verdicts")
def verdicts_page():
    """The unit's ended quarters, per statement; groups under 5 answers are suppressed (reads/verdicts.py)."""
    staff = who.current_staff()
    unit = verdicts.unit_of(staff)
    return render_template(
        "staff/verdicts.html", unit=unit, quarters=verdicts.results(unit), now=verdicts.current_quarter(),
        min_answers=verdicts.MIN_ANSWERS, scale=SCALE,
    )
