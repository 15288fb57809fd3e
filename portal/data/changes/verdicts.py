""""Hvordan var mødet?": a parent's answers after a meeting they took part in, stored apart from them.

What is stored (migration m022): in `meeting_verdicts` the answers with only
the meeting's kind, the month of answering and the organisation unit (the
coordinator's department), under a random key in a table without rowid; in
`meeting_verdicts_given` only that this parent answered this meeting. Nothing
joins the two: no id, no time finer than the month, no insertion order.

The month is the month of answering, not of the meeting: a quarter that has
ended then never changes, so the results page (reads/verdicts.py), which
shows only ended quarters, cannot be read twice to work out one late answer.

What is not stored: a comment the parent did not let their contact person
read (nobody would ever read it), and the time of the answer (the audit line
says that the parent answered, which the parent's own insight shows them).

Left to the operator: someone with the raw database file, its WAL or a
Litestream replica (which keeps WAL segments by time) and forensic tools can
see which pages one transaction wrote; the two rows are written together.
The portal's users, and anyone reading the tables with SQL, cannot link them.
"""
import secrets
from datetime import timedelta

from ._core import Invalid, change, limit_parent_writes, record, row_in_family
from ..clock import LOCAL_ZONE, now_text, to_db_time, utcnow
from ..db import get_db
from ..own_words import is_visible
from ..own_words import problem as own_words_problem
from ...i18n import N_
from ...i18n import gettext as _

# The statements, in the order they are asked: column name -> the Danish text.
STATEMENTS = {
    "heard": N_("Jeg blev hørt"),
    "who_does_what": N_("Jeg ved, hvem der gør hvad"),
    "what_matters": N_("Vi talte om det, der er vigtigt for os"),
    "trust": N_("Jeg har tillid til, at det bliver gjort"),
    "understood": N_("Jeg forstod det, der blev sagt"),
}
# The five points, from 1 to 5.
SCALE = {
    1: N_("Helt uenig"),
    2: N_("Uenig"),
    3: N_("Både og"),
    4: N_("Enig"),
    5: N_("Helt enig"),
}
# A meeting can be answered this many days after it ended; then it is not offered any more.
ANSWER_DAYS = 60

COMMENT_TEXT = dict(
    max_length=1000,
    blank_message=N_("Skriv din kommentar."),
    too_long_message=N_(
        "Din kommentar er for lang. Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør den lidt kortere."
    ),
)
NOT_A_PARTICIPANT = N_("Du var ikke med til mødet, så du kan ikke svare på, hvordan det var.")
CANCELLED = N_("Mødet blev aflyst, så der er ikke noget at svare på.")
NOT_HELD = N_("Mødet er ikke holdt endnu. Du kan svare, når det er slut.")
TOO_OLD = N_("Mødet er mere end %(days)s dage gammelt, så du kan ikke længere svare på det.")
ALREADY = N_("Du har allerede svaret på, hvordan mødet var. Tak for det.")
CHOOSE = N_("Vælg et svar ved mindst én af sætningerne.")
BAD_POINT = N_("Vælg et af de fem svar ved hver sætning.")


def meeting_has_ended(meeting, now=None):
    """Held, or planned and over (a summary is not always written): not cancelled, and its end has passed."""
    now = now or now_text()
    return meeting["status"] == "held" or (
        meeting["status"] == "planned" and (meeting["ends_at"] or meeting["starts_at"]) <= now)


def why_not_answerable(meeting, parent_id):
    """A friendly reason the parent cannot answer how this meeting was, or None."""
    if meeting["status"] == "cancelled":
        return _(CANCELLED)
    if not meeting_has_ended(meeting):
        return _(NOT_HELD)
    if not is_participant(meeting["id"], parent_id):
        return _(NOT_A_PARTICIPANT)
    if has_answered(meeting["id"], parent_id):
        return _(ALREADY)
    if (meeting["ends_at"] or meeting["starts_at"]) < to_db_time(utcnow() - timedelta(days=ANSWER_DAYS)):
        return _(TOO_OLD, days=ANSWER_DAYS)
    return None


def is_participant(meeting_id, parent_id):
    return get_db().execute("SELECT 1 FROM meeting_participants WHERE meeting_id = ? AND parent_id = ?",
                            [meeting_id, parent_id]).fetchone() is not None


def has_answered(meeting_id, parent_id):
    return get_db().execute("SELECT 1 FROM meeting_verdicts_given WHERE meeting_id = ? AND parent_id = ?",
                            [meeting_id, parent_id]).fetchone() is not None


def scores_from(values):
    """The statements' points from the form ({statement: "1".."5" or ""}): {statement: int or None}, or Invalid."""
    scores = {}
    for statement in STATEMENTS:
        value = values.get(statement)
        if value in (None, ""):
            scores[statement] = None
        elif isinstance(value, str) and value in {str(point) for point in SCALE}:
            scores[statement] = int(value)
        else:
            raise Invalid({"scores": _(BAD_POINT)})
    if all(score is None for score in scores.values()):
        raise Invalid({"scores": _(CHOOSE)})
    return scores


@change
def store(meeting_kind, month, unit, scores, comment=None):
    """Store one parent's answers apart from them, and count them for the leaders' results (migration m024).

    `scores` maps each statement to 1-5 or None. The one way answers are stored: the results page reads
    the counts in result_unit_verdicts, kept here in the same transaction (no trigger may touch the answers).
    """
    db = get_db()
    db.execute(
        f"INSERT INTO meeting_verdicts (id, meeting_kind, month, unit, {', '.join(STATEMENTS)}, comment)"
        f" VALUES (?, ?, ?, ?, {', '.join('?' for _ in STATEMENTS)}, ?)",
        [secrets.token_hex(16), meeting_kind, month, unit, *(scores.get(s) for s in STATEMENTS), comment],
    )
    counted = {f"{s}_n": int(scores.get(s) is not None) for s in STATEMENTS}
    counted.update({f"{s}_agree": int((scores.get(s) or 0) >= 4) for s in STATEMENTS})
    columns = ", ".join(counted)
    db.execute(
        f"INSERT INTO result_unit_verdicts (month, unit, answers, {columns})"
        f" VALUES (?, ?, 1, {', '.join('?' for _ in counted)})"
        f" ON CONFLICT (month, unit) DO UPDATE SET answers = answers + 1, "
        + ", ".join(f"{column} = {column} + excluded.{column}" for column in counted),
        [month, unit, *counted.values()])


def answer(actor, meeting, values, comment=None, share_comment=False):
    """Store a parent's answers to how a meeting went, once, apart from the parent.

    `values` maps each statement to "1".."5" or "" (not answered). The comment
    is kept exactly as written, and only when share_comment is true.
    """
    assert actor.kind == "parent"
    # Read again inside the transaction: the meeting may have been cancelled since the page was shown.
    meeting = row_in_family("meetings", meeting["id"], meeting["family_id"])
    problem = why_not_answerable(meeting, actor.id)
    if problem:
        raise Invalid({"verdict": problem})
    scores = scores_from(values)
    if share_comment and any(is_visible(character) for character in comment or ""):
        error = own_words_problem(comment, **COMMENT_TEXT)
        if error:
            raise Invalid({"comment": error})
    else:
        comment = None
    limit_parent_writes(actor, "verdict")
    db = get_db()
    unit = db.execute(
        "SELECT coalesce(s.department, '') FROM families f JOIN staff s ON s.id = f.coordinator_id WHERE f.id = ?",
        [meeting["family_id"]]).fetchone()[0]
    store(meeting["kind"], utcnow().astimezone(LOCAL_ZONE).strftime("%Y-%m"), unit, scores, comment)
    db.execute("INSERT INTO meeting_verdicts_given (meeting_id, parent_id) VALUES (?, ?)", [meeting["id"], actor.id])
    # The audit line says that the parent answered, never what; no family event, so no time on the timeline.
    record(actor, "meeting.verdict_given", meeting["family_id"], item_kind="meeting", item_id=meeting["id"],
           event=False)
