"""The leaders' results page ("Resultater"): the model's outcomes per quarter and organisation unit, aggregates only.

A family belongs to the organisation unit of its contact person (the
department in the staff table); a family counts in a quarter when it was
started before the quarter ended and not closed before it began. Each figure
is one aggregate SQL query over those families (never a loop over families in
Python), and comes back with the number of families it covers: a figure over
fewer than MIN_FAMILIES families is suppressed here, so the page and the CSV
can only show what is safe. Nothing here returns a family, a name or a comment.

Only ended quarters are offered: their figures no longer move, so nobody can
read one family's change off two visits. The figures of an ended quarter are
kept for CACHE_SECONDS, so the page costs the same at 100 and at 10,000
families (bench/pages.py).

A figure is a function in FIGURES. The parents' "Hvordan var mødet?" counts
answers instead of families (its answers are stored apart from families, per
unit and month: reads/verdicts.py), under the same minimum of 5.
"""
from collections import namedtuple
import time

from ...i18n import N_
from ..changes.verdicts import STATEMENTS
from ..db import get_db, read_rows
from .verdicts import ended_quarters

MIN_FAMILIES = 5
QUARTERS_OFFERED = 8
CACHE_SECONDS = 15 * 60

# key: the figure's anchor and CSV name; title and definition: Danish (translated on the page);
# families: how many families it covers; rows: (label, value, kind) with kind "count", "decimal",
# "percent" or "days"; bars: the (label, value) pairs its chart draws. Suppressed: rows and bars are None.
# counts: "families", or "answers" for a figure of parents' answers (then `families` is the number of answers).
Figure = namedtuple("Figure", "key title definition families rows bars counts", defaults=("families",))

# The families that count: of the unit (:unit, or every unit when NULL), live during [:from, :until).
_FAMILIES = """
    fam AS (
        SELECT f.id, f.created_at FROM families f JOIN staff contact ON contact.id = f.coordinator_id
        WHERE (:unit IS NULL OR coalesce(contact.department, '') = :unit)
          AND f.created_at < :until AND (f.closed_at IS NULL OR f.closed_at >= :from)
    )
"""


def _one(sql, params):
    """The one row of a figure's query: `sql` goes on after the families (more tables, ", x AS (...)", or SELECT)."""
    return read_rows(get_db(), f"WITH {_FAMILIES} {sql}", params)[0]


def _share(part, whole):
    return round(100 * part / whole) if whole else None


def _ratio(part, whole):
    return round(part / whole, 1) if whole else None


def network_meetings(params):
    row = _one("""
        SELECT (SELECT count(*) FROM fam) AS families,
               coalesce(sum(m.kind = 'network'), 0) AS network, count(m.id) AS held
        FROM meetings m JOIN fam ON fam.id = m.family_id
        WHERE m.status = 'held' AND m.starts_at >= :from AND m.starts_at < :until
    """, params)
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


def cancelled_meetings(params):
    row = _one("""
        SELECT count(DISTINCT m.family_id) AS families, count(*) AS meetings,
               coalesce(sum(m.status = 'cancelled'), 0) AS cancelled,
               coalesce(sum(m.status = 'cancelled' AND julianday(m.starts_at) - julianday(m.updated_at) < 2), 0) AS late
        FROM meetings m JOIN fam ON fam.id = m.family_id
        WHERE m.starts_at >= :from AND m.starts_at < :until
    """, params)
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


def people_involved(params):
    row = _one("""
        , per_family AS (
            SELECT count(DISTINCT p.id) AS people, count(DISTINCT lower(trim(p.organisation))) AS organisations
            FROM fam LEFT JOIN people_involved p ON p.family_id = fam.id
                 AND (p.removed_at IS NULL OR p.removed_at >= :from)
            GROUP BY fam.id
        )
        SELECT count(*) AS families, avg(people) AS people, avg(organisations) AS organisations FROM per_family
    """, params)
    people = round(row["people"], 1) if row["people"] is not None else None
    organisations = round(row["organisations"], 1) if row["organisations"] is not None else None
    return Figure(
        "fagpersoner", N_("Fagpersoner og organisationer"),
        N_("Gennemsnitligt antal forskellige fagpersoner og forskellige organisationer, der var med omkring en "
           "familie i kvartalet (fagpersoner på familiens liste, som ikke var fjernet før kvartalet)."),
        row["families"],
        [(N_("Fagpersoner pr. familie"), people, "decimal"),
         (N_("Organisationer pr. familie"), organisations, "decimal")],
        [(N_("Fagpersoner"), people or 0), (N_("Organisationer"), organisations or 0)])


def first_network_meeting(params):
    row = _one("""
        , firsts AS (
            SELECT fam.created_at, min(m.starts_at) AS first_at FROM fam
            JOIN meetings m ON m.family_id = fam.id AND m.kind = 'network' AND m.status = 'held'
            GROUP BY fam.id HAVING first_at >= :from AND first_at < :until
        ), ranked AS (
            SELECT julianday(first_at) - julianday(created_at) AS days,
                   row_number() OVER (ORDER BY julianday(first_at) - julianday(created_at)) AS place,
                   count(*) OVER () AS n
            FROM firsts
        )
        SELECT (SELECT count(*) FROM firsts) AS families,
               (SELECT avg(days) FROM ranked WHERE place IN ((n + 1) / 2, (n + 2) / 2)) AS median
    """, params)
    median = round(row["median"]) if row["median"] is not None else None
    return Figure(
        "foerste-netvaerksmoede", N_("Tid til første netværksmøde"),
        N_("For familier, der holdt deres første netværksmøde i kvartalet: antal dage fra forløbets start til "
           "mødet. Medianen er den midterste værdi: halvdelen ventede kortere, halvdelen længere."),
        row["families"],
        [(N_("Dage til første netværksmøde (median)"), median, "days")],
        [(N_("Dage (median)"), median or 0)])


def rising_goals(params):
    row = _one("""
        , per_goal AS (
            SELECT g.family_id,
                   (SELECT s.score FROM goal_scores s WHERE s.goal_id = g.id
                    ORDER BY s.noted_on, s.id LIMIT 1) AS first,
                   (SELECT s.score FROM goal_scores s WHERE s.goal_id = g.id AND s.noted_on < :until
                    ORDER BY s.noted_on DESC, s.id DESC LIMIT 1) AS latest
            FROM goals g JOIN fam ON fam.id = g.family_id
            WHERE EXISTS (SELECT 1 FROM goal_scores s WHERE s.goal_id = g.id
                          AND s.noted_on >= :from AND s.noted_on < :until)
              AND (SELECT count(*) FROM goal_scores s WHERE s.goal_id = g.id AND s.noted_on < :until) >= 2
        )
        SELECT count(DISTINCT family_id) AS families, count(*) AS goals, coalesce(sum(latest > first), 0) AS rising
        FROM per_goal
    """, params)
    return Figure(
        "maal", N_("Mål i fremgang"),
        N_("Mål, der fik en score i kvartalet og har mindst to scores: andelen, hvor den seneste score (til og med "
           "kvartalet) er højere end den første."),
        row["families"],
        [(N_("Andel mål i fremgang"), _share(row["rising"], row["goals"]), "percent"),
         (N_("Mål i fremgang"), row["rising"], "count"),
         (N_("Mål fulgt op"), row["goals"], "count")],
        [(N_("I fremgang"), row["rising"]), (N_("Ikke i fremgang"), row["goals"] - row["rising"])])


def plan_items_on_time(params):
    row = _one("""
        SELECT count(DISTINCT p.family_id) AS families, count(*) AS items,
               coalesce(sum(p.status = 'done' AND (
                   SELECT max(e.at) FROM family_events e
                   WHERE e.family_id = p.family_id AND e.kind = 'plan_item.ended'
                     AND e.item_kind = 'plan_item' AND e.item_id = p.id) < date(p.due_on, '+1 day')), 0) AS on_time
        FROM plan_items p JOIN fam ON fam.id = p.family_id
        WHERE p.due_on >= :from AND p.due_on < :until
    """, params)
    return Figure(
        "planen", N_("Planens punkter gjort til tiden"),
        N_("Punkter i planen med en senest-dato i kvartalet: andelen, der blev markeret som afsluttet senest den "
           "dato."),
        row["families"],
        [(N_("Andel gjort til tiden"), _share(row["on_time"], row["items"]), "percent"),
         (N_("Gjort til tiden"), row["on_time"], "count"),
         (N_("Punkter med senest-dato i kvartalet"), row["items"], "count")],
        [(N_("Til tiden"), row["on_time"]), (N_("Ikke til tiden"), row["items"] - row["on_time"])])


def meeting_verdicts(params):
    """Not families but answers: meeting_verdicts holds only unit, month and meeting kind (reads/verdicts.py)."""
    columns = ", ".join(f"count({s}) AS {s}_n, coalesce(sum({s} >= 4), 0) AS {s}_agree" for s in STATEMENTS)
    row = read_rows(get_db(), f"""
        SELECT count(*) AS answers, {columns} FROM meeting_verdicts
        WHERE (:unit IS NULL OR unit = :unit) AND month >= substr(:from, 1, 7) AND month < substr(:until, 1, 7)
    """, params)[0]
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


# The figures, in the page's order: one function each, taking the query's parameters and returning a Figure.
FIGURES = [network_meetings, cancelled_meetings, people_involved, first_network_meeting, rising_goals,
           plan_items_on_time, meeting_verdicts]

_cache = {}


def quarters(on=None):
    """The quarters a leader can choose, newest first: ended ones only ("2026-3" as key)."""
    return [{**q, "key": f"{q['year']}-{q['quarter']}"} for q in ended_quarters(QUARTERS_OFFERED, on=on)]


def units():
    """The organisation units: every department staff have ("" for staff without one), sorted."""
    return [row[0] for row in get_db().execute(
        "SELECT DISTINCT coalesce(department, '') AS unit FROM staff ORDER BY unit")]


def _suppressed(figure, *, too_small_elsewhere=False):
    if figure.families >= MIN_FAMILIES and not too_small_elsewhere:
        return figure
    return figure._replace(families=None, rows=None, bars=None)


def figures(quarter, unit):
    """Every figure for a quarter (one of quarters()) and a unit (None for all), small groups suppressed.

    All units together hide a figure too when some unit has 1-4 families in it: else all units minus the
    shown units would give that unit's figure away.
    """
    unsafe = [False] * len(FIGURES)
    if unit is None:
        for figures_of_unit in (_figures(quarter, one) for one in units()):
            unsafe = [was or 0 < figure.families < MIN_FAMILIES for was, figure in zip(unsafe, figures_of_unit)]
    return [_suppressed(figure, too_small_elsewhere=small) for figure, small in zip(_figures(quarter, unit), unsafe)]


def _figures(quarter, unit):
    """The figures before suppression, kept a while per database (see the module's docstring)."""
    key = (_database(), quarter["key"], unit)
    kept = _cache.get(key)
    if kept and time.monotonic() - kept[0] < CACHE_SECONDS:
        return kept[1]
    params = {"unit": unit, "from": f"{quarter['from']}-01", "until": f"{quarter['until']}-01"}
    result = [figure(params) for figure in FIGURES]
    _cache[key] = (time.monotonic(), result)
    return result


def _database():
    """Which database the figures come from (a test's, or the served one): a kept result is for that one only."""
    return get_db().execute("PRAGMA database_list").fetchone()[2]
