"""The leaders' results page ("Resultater"): the model's outcomes per quarter and organisation unit, aggregates only.

A family belongs to the organisation unit of its contact person (the
department in the staff table); a family counts in a quarter when it was
started before the quarter ended and not closed before it began. Each figure
comes back with the number of families it covers: a figure over fewer than
MIN_FAMILIES families is suppressed here, so the page and the CSV can only
show what is safe. Nothing here returns a family, a name or a comment.

Why a summary, and which. "Alle enheder" covers every family of the
municipality by definition, so any query over the families, their meetings,
goals or plan items costs more the bigger the municipality (each figure
counted so took 80-130 times as long at 10,000 families as at 100, up to
0.2 s; the page 2.2 s: bench/results_figures.py). The figures are therefore read
from counts kept per organisation unit and quarter (migration m024): SQL
triggers on every table a figure reads take a family's part away just before
a change and add it again just after, in the same transaction as the change,
so the counts are never stale and no job has to run when a quarter ends. A
page reads a few rows per unit (the quarter's counts, plus what holds from
quarter to quarter summed up to it), and finds the median of the whole days to
the first network meeting in a tree of counts (WAIT_LEVELS steps down, see
_median_wait; a list of every wait would grow with the families), so it costs
the same at 100 and at 10,000 families, with no cache.
Chosen over a summary recomputed when a quarter ends because a change to an
ended quarter (a meeting recorded as held afterwards, a handover to another
unit, a family closed or deleted) shows at once, as the queries over the
families themselves showed it, and because nothing has to be computed on the
first visit. tests/test_results.py checks the summary against the same
figures computed straight from the families after each kind of change.

Only ended quarters are offered: their figures no longer move with everyday
work, so nobody can read one family's change off two visits.

A figure is a function in FIGURES, of one unit's (or every unit's) Counts.
The parents' "Hvordan var mødet?" counts answers instead of families (its
answers are stored apart from families, per unit and month:
reads/verdicts.py), under the same minimum of 5; it reads their counts per
unit and month (result_unit_verdicts), which changes/verdicts.store keeps as it
stores an answer (no trigger may touch the answers).
"""
from collections import Counter, namedtuple

from ...i18n import N_
from ..changes.verdicts import STATEMENTS
from ..db import get_db, read_rows
from ..migrations import WAIT_LEVELS
from .verdicts import ended_quarters

MIN_FAMILIES = 5
QUARTERS_OFFERED = 8
WAIT_STEP = 4  # levels of the tree of waits taken in one read (_median_wait)

# key: the figure's anchor and CSV name; title and definition: Danish (translated on the page);
# families: how many families it covers; rows: (label, value, kind) with kind "count", "decimal",
# "percent" or "days"; bars: the (label, value) pairs its chart draws. Suppressed: rows and bars are None.
# counts: "families", or "answers" for a figure of parents' answers (then `families` is the number of answers).
Figure = namedtuple("Figure", "key title definition families rows bars counts", defaults=("families",))

# What the figures are made of, for one unit or all: the summary's counts (migration m024), the first network
# meetings (Waits) and the parents' answers (a dict of counts).
Counts = namedtuple("Counts", "summary first_network verdicts")
# The families that held their first network meeting in the quarter, and a function that finds the median
# of their whole days from the start (looked up only for a figure that can be shown).
Waits = namedtuple("Waits", "families median")

SUMMARY_COUNTS = ("open_families", "people", "organisations", "meeting_families", "meetings", "held", "network",
                  "cancelled", "late", "goal_families", "goals", "rising", "item_families", "items", "on_time")
# These hold from the quarter they change in on: the summary keeps each change, summed up to the quarter asked for.
_LASTING = ("open_families", "people", "organisations")


def quarter_number(quarter):
    """The summary's number for a quarter: year × 4 + quarter − 1 (migrations._quarter_of)."""
    return quarter["year"] * 4 + quarter["quarter"] - 1


def _share(part, whole):
    return round(100 * part / whole) if whole else None


def _ratio(part, whole):
    return round(part / whole, 1) if whole else None


def network_meetings(c):
    row = c.summary
    row = {"families": row["open_families"], "network": row["network"], "held": row["held"]}
    return Figure(
        "netvaerksmoeder", N_("Netværksmøder"),
        N_("Holdte netværksmøder i kvartalet delt med antallet af familier i forløb i kvartalet. Andelen er "
           "netværksmøderne ud af alle holdte møder (alle slags møder)."),
        row["families"],
        [(N_("Netværksmøder pr. familie"), _ratio(row["network"], row["families"]), "decimal"),
         (N_("Andel af alle holdte møder"), _share(row["network"], row["held"]), "percent"),
         (N_("Holdte netværksmøder"), row["network"], "count"),
         (N_("Holdte møder i alt"), row["held"], "count")],
        [(N_("Netværksmøder"), row["network"]), (N_("Andre møder"), row["held"] - row["network"])])


def cancelled_meetings(c):
    row = {**c.summary, "families": c.summary["meeting_families"]}
    return Figure(
        "aflyste", N_("Aflyste møder"),
        N_("Møder, der skulle have været holdt i kvartalet, og som blev aflyst. Kort varsel er mindre end 48 timer "
           "fra aflysningen til mødets start."),
        row["families"],
        [(N_("Aflyste møder"), row["cancelled"], "count"),
         (N_("Andel aflyst"), _share(row["cancelled"], row["meetings"]), "percent"),
         (N_("Aflyst med under 48 timers varsel"), row["late"], "count"),
         (N_("Møder i kvartalet i alt"), row["meetings"], "count")],
        [(N_("Ikke aflyst"), row["meetings"] - row["cancelled"]),
         (N_("Aflyst i god tid"), row["cancelled"] - row["late"]), (N_("Aflyst under 48 timer før"), row["late"])])


def people_involved(c):
    families = c.summary["open_families"]
    people = _ratio(c.summary["people"], families)
    organisations = _ratio(c.summary["organisations"], families)
    row = {"families": families}
    return Figure(
        "fagpersoner", N_("Fagpersoner og organisationer"),
        N_("Gennemsnitligt antal forskellige fagpersoner og forskellige organisationer, der var med omkring en "
           "familie i kvartalet (fagpersoner på familiens liste, som ikke var fjernet før kvartalet)."),
        row["families"],
        [(N_("Fagpersoner pr. familie"), people, "decimal"),
         (N_("Organisationer pr. familie"), organisations, "decimal")],
        [(N_("Fagpersoner"), people or 0), (N_("Organisationer"), organisations or 0)])


def first_network_meeting(c):
    families = c.first_network.families
    median = c.first_network.median() if families >= MIN_FAMILIES else None
    median = round(median) if median is not None else None
    row = {"families": families}
    return Figure(
        "foerste-netvaerksmoede", N_("Tid til første netværksmøde"),
        N_("For familier, der holdt deres første netværksmøde i kvartalet: antal dage fra forløbets start til "
           "mødet. Medianen er den midterste værdi: halvdelen ventede kortere, halvdelen længere."),
        row["families"],
        [(N_("Dage til første netværksmøde (median)"), median, "days")],
        [(N_("Dage (median)"), median or 0)])


def rising_goals(c):
    row = {**c.summary, "families": c.summary["goal_families"]}
    return Figure(
        "maal", N_("Mål i fremgang"),
        N_("Mål, der fik en score i kvartalet og har mindst to scores: andelen, hvor den seneste score (til og med "
           "kvartalet) er højere end den første."),
        row["families"],
        [(N_("Andel mål i fremgang"), _share(row["rising"], row["goals"]), "percent"),
         (N_("Mål i fremgang"), row["rising"], "count"),
         (N_("Mål fulgt op"), row["goals"], "count")],
        [(N_("I fremgang"), row["rising"]), (N_("Ikke i fremgang"), row["goals"] - row["rising"])])


def plan_items_on_time(c):
    row = {**c.summary, "families": c.summary["item_families"]}
    return Figure(
        "planen", N_("Planens punkter gjort til tiden"),
        N_("Punkter i planen med en senest-dato i kvartalet: andelen, der blev markeret som afsluttet senest den "
           "dato."),
        row["families"],
        [(N_("Andel gjort til tiden"), _share(row["on_time"], row["items"]), "percent"),
         (N_("Gjort til tiden"), row["on_time"], "count"),
         (N_("Punkter med senest-dato i kvartalet"), row["items"], "count")],
        [(N_("Til tiden"), row["on_time"]), (N_("Ikke til tiden"), row["items"] - row["on_time"])])


def meeting_verdicts(c):
    """Not families but answers: meeting_verdicts holds only unit, month and meeting kind (reads/verdicts.py)."""
    row = c.verdicts
    # A statement fewer than MIN_FAMILIES answered is left out on its own ("–"), even when the figure is shown.
    shares = [(text, _share(row[f"{s}_agree"], row[f"{s}_n"]) if row[f"{s}_n"] >= MIN_FAMILIES else None)
              for s, text in STATEMENTS.items()]
    return Figure(
        "moedet", N_("Hvordan var mødet?"),
        N_("Forældrenes svar efter holdte møder i kvartalet: andelen, der er enig eller helt enig (4 eller 5 på en "
           "skala fra 1 til 5) i hver sætning. Her tæller svar, ikke familier: en sætning med færre end 5 svar vises "
           "som en streg."),
        row["answers"],
        [(text, share, "percent") for text, share in shares] + [(N_("Svar i alt"), row["answers"], "count")],
        [(text, share or 0) for text, share in shares], "answers")


# The figures, in the page's order: one function each, taking a unit's (or every unit's) Counts and returning a Figure.
FIGURES = [network_meetings, cancelled_meetings, people_involved, first_network_meeting, rising_goals,
           plan_items_on_time, meeting_verdicts]



def quarters(on=None):
    """The quarters a leader can choose, newest first: ended ones only ("2026-3" as key)."""
    return [{**q, "key": f"{q['year']}-{q['quarter']}"} for q in ended_quarters(QUARTERS_OFFERED, on=on)]


def units():
    """The organisation units: every department staff have ("" for staff without one), sorted."""
    return sorted({row[0] or "" for row in get_db().execute("SELECT DISTINCT department FROM staff")})


def _suppressed(figure, *, too_small_elsewhere=False):
    if figure.families >= MIN_FAMILIES and not too_small_elsewhere:
        return figure
    return figure._replace(families=None, rows=None, bars=None)


def figures(quarter, unit):
    """Every figure for a quarter (one of quarters()) and a unit (None for all), small groups suppressed.

    All units together hide a figure too when some unit has 1-4 families in it: else all units minus the
    shown units would give that unit's figure away.
    """
    per_unit = counts(quarter)
    unsafe = [False] * len(FIGURES)
    if unit is None:
        for one in units():
            # Only how many each figure covers: no median is looked up for a unit not shown.
            of_unit = per_unit.get(one, NOTHING)
            of_unit = of_unit._replace(first_network=Waits(of_unit.first_network.families, lambda: None))
            figures_of_unit = [figure(of_unit) for figure in FIGURES]
            unsafe = [was or 0 < figure.families < MIN_FAMILIES for was, figure in zip(unsafe, figures_of_unit)]
    chosen = _all_units(quarter, per_unit.values()) if unit is None else per_unit.get(unit, NOTHING)
    return [_suppressed(figure(chosen), too_small_elsewhere=small) for figure, small in zip(FIGURES, unsafe)]


def counts(quarter):
    """Each unit's Counts for the quarter: a few rows a unit of the summary and of the answers' counts."""
    db = get_db()
    number = quarter_number(quarter)
    summary = {}
    lasting = ", ".join(f"sum({column}) AS {column}" for column in _LASTING)
    for row in read_rows(db, f"SELECT unit, {lasting} FROM result_unit_quarters WHERE quarter <= ? GROUP BY unit",
                         [number]):
        summary[row["unit"]] = {**dict.fromkeys(SUMMARY_COUNTS, 0), **{c: row[c] for c in _LASTING}}
    in_quarter = ", ".join(column for column in SUMMARY_COUNTS if column not in _LASTING)
    for row in read_rows(db, f"SELECT unit, {in_quarter} FROM result_unit_quarters WHERE quarter = ?", [number]):
        summary.setdefault(row["unit"], dict.fromkeys(SUMMARY_COUNTS, 0)).update(
            {c: row[c] for c in SUMMARY_COUNTS if c not in _LASTING})
    waits = {unit: families for unit, families in db.execute(
        "SELECT unit, families FROM result_first_network_days WHERE quarter = ? AND level = ? AND bucket = 0",
        [number, WAIT_LEVELS])}
    columns = ", ".join(f"sum({s}_n) AS {s}_n, sum({s}_agree) AS {s}_agree" for s in STATEMENTS)
    answers = {row["unit"]: row for row in read_rows(db, f"""
        SELECT unit, sum(answers) AS answers, {columns} FROM result_unit_verdicts
        WHERE month >= ? AND month < ? GROUP BY unit
    """, [quarter["from"], quarter["until"]])}
    return {unit: Counts(summary.get(unit, NOTHING.summary), _waits(number, unit, waits.get(unit, 0)),
                         answers.get(unit, NOTHING.verdicts))
            for unit in set(summary) | set(waits) | set(answers)}


def _waits(number, unit, families):
    """Waits for quarter `number` and a unit (None: every unit)."""
    return Waits(families, lambda: _median_wait(number, unit, families))


def _median_wait(number, unit, families):
    """The median of the whole days to the first network meeting, read off the tree of counts (migration m024).

    Level L of the tree counts, per bucket b, the families whose days >> L is b. From the top (one bucket
    with every family) each read takes the 2 ** WAIT_STEP buckets below the one the middle family is in,
    WAIT_STEP levels down, and finds the bucket it is in there: WAIT_LEVELS / WAIT_STEP reads (for an
    even count, the middle two's, mostly the same), whatever the number of families.
    """
    if not families:
        return None
    db = get_db()
    # [bucket, place in it] of the middle family, or of each of the middle two.
    paths = [[0, place] for place in sorted({(families + 1) // 2, families // 2 + 1})]
    level = WAIT_LEVELS
    while level > 0:
        down = min(WAIT_STEP, level)
        level -= down
        below = {}
        for top in {path[0] for path in paths}:
            below.update(db.execute(
                "SELECT bucket, sum(families) FROM result_first_network_days WHERE quarter = ? AND level = ?"
                " AND bucket BETWEEN ? AND ? AND (? IS NULL OR unit = ?) GROUP BY bucket",
                [number, level, top << down, ((top + 1) << down) - 1, unit, unit]).fetchall())
        for path in paths:
            bucket, place = path[0] << down, path[1]
            while place > below.get(bucket, 0):
                place -= below.get(bucket, 0)
                bucket += 1
            path[:] = [bucket, place]
    return sum(bucket for bucket, _place in paths) / len(paths)


NOTHING = Counts(dict.fromkeys(SUMMARY_COUNTS, 0), Waits(0, lambda: None),
                 {"answers": 0, **{f"{s}_{part}": 0 for s in STATEMENTS for part in ("n", "agree")}})


def counts_for(quarter, unit):
    """The Counts of one unit (None: every unit added up) for the quarter."""
    per_unit = counts(quarter)
    return _all_units(quarter, per_unit.values()) if unit is None else per_unit.get(unit, NOTHING)


def _all_units(quarter, counts_of_units):
    """Every unit's Counts added up."""
    summary, verdicts, waited = Counter(NOTHING.summary), Counter(NOTHING.verdicts), 0
    number = quarter_number(quarter)
    for one in counts_of_units:
        summary.update(one.summary)
        verdicts.update({key: one.verdicts[key] for key in NOTHING.verdicts})
        waited += one.first_network.families
    return Counts(summary, Waits(waited, lambda: _median_wait(number, None, waited)), verdicts)
