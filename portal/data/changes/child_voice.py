"""The child's own voice: their own sign-in, their own words, and whether a bisidder should come.

- A coordinator sets up a child's sign-in with the parents' knowledge: a child
  with a birth year, MitID from 13 (bound at their first sign-in through a link
  the coordinator shows them), else a passkey made in person with the
  coordinator. Which parents were told is recorded; ending it ends the child's
  sessions and unused links.
- A child's own words ("Det vil jeg gerne have", "Det er svært for mig") are
  stored exactly as written and never changed: there is no function that
  changes them, and the database refuses any UPDATE (m026_child_voice).
- A younger child's words are written with them by the coordinator or a named
  professional: `written_with` is the adult's name, shown as "Skrevet sammen med …".
"""
import json

from .. import links, sessions
from ..clock import now_text, today
from ..db import get_db
from ..holders import CHILD, Holder
from ..own_words import problem as own_words_problem
from ...i18n import N_
from . import passkeys as passkey_changes
from ._core import Actor, Invalid, NotFound, Rules, change, record

# A child has MitID from this age (the year they turn it counts).
MITID_AGE = 13
METHODS = {"mitid": N_("MitID"), "passkey": N_("Adgangsnøgle på telefonen")}
KINDS = {"wish": N_("Det vil jeg gerne have"), "hard": N_("Det er svært for mig")}
WORDS_TEXT = dict(
    max_length=1000,
    blank_message=N_("Skriv med dine egne ord."),
    too_long_message=N_("Det er for langt. Der er plads til %(max)s tegn. Du har skrevet %(count)s."),
)
WHO_MAX = 100


def _child(family_id, child_id):
    row = get_db().execute("SELECT * FROM children WHERE id = ? AND family_id = ? AND active = 1",
                           [child_id, family_id]).fetchone()
    if row is None:
        raise NotFound("children")
    return get_db()["children"].get(child_id)


def age(child):
    """The age a child turns this year (None without a birth year)."""
    return None if child["birth_year"] is None else today().year - child["birth_year"]


@change
def set_up_sign_in(actor, family_id, child_id, *, method, told_parent_ids):
    """A coordinator lets a child sign in, having told the parents `told_parent_ids`; replaces one in force."""
    child = _child(family_id, child_id)
    rules = Rules()
    rules.check(child["birth_year"] is not None, "method", N_("Skriv barnets fødselsår først."))
    rules.check(method in METHODS, "method", N_("Vælg, hvordan barnet logger ind."))
    if method == "mitid" and child["birth_year"] is not None:
        rules.check(age(child) >= MITID_AGE, "method", N_("Børn under 13 år har ikke MitID. Vælg adgangsnøgle."))
    parents = {row[0] for row in get_db().execute(
        "SELECT id FROM parents WHERE family_id = ? AND active = 1", [family_id])}
    told = sorted({int(i) for i in told_parent_ids if str(i).isdigit()})
    rules.check(told and set(told) <= parents, "told", N_("Vælg, hvilke forældre der ved det."))
    if rules.errors:
        raise Invalid(rules.errors)
    db = get_db()
    now = now_text()
    db.execute("UPDATE child_sign_ins SET ended_at = ?, ended_by_staff_id = ? WHERE child_id = ? AND ended_at IS NULL",
               [now, actor.id, child_id])
    sign_in_id = db["child_sign_ins"].insert({
        "family_id": family_id, "child_id": child_id, "method": method, "told_parent_ids": json.dumps(told),
        "created_at": now, "created_by_staff_id": actor.id,
    }).last_pk
    if method == "passkey":  # a passkey is for those who cannot use MitID: a child, here
        passkey_changes.record_exemption(actor, family_id, Holder(CHILD, child_id), "child")
    record(actor, "child_sign_in.set_up", family_id, item_kind="child_sign_in", item_id=sign_in_id, event=False,
           child_id=child_id, method=method, told_parent_ids=told)
    return sign_in_id


@change
def end_sign_in(actor, family_id, child_id):
    """A coordinator ends a child's sign-in: their sessions and unused links end with it."""
    db = get_db()
    if db.execute("UPDATE child_sign_ins SET ended_at = ?, ended_by_staff_id = ? WHERE child_id = ? AND family_id = ?"
                  " AND ended_at IS NULL", [now_text(), actor.id, child_id, family_id]).rowcount != 1:
        raise NotFound("child_sign_ins")
    sessions.end_all(CHILD, child_id)
    links.revoke_unused(CHILD, child_id)
    record(actor, "child_sign_in.ended", family_id, item_kind="child", item_id=child_id, event=False,
           child_id=child_id)


@change
def add_words(actor, family_id, child_id, *, kind, text, written_with=None):
    """Keep a child's own words: the child's (actor kind 'child'), or written with them by staff (named)."""
    _child(family_id, child_id)
    if actor.kind == CHILD and actor.id != child_id:
        raise NotFound("children")
    rules = Rules()
    rules.check(kind in KINDS, "kind", N_("Vælg, hvad du vil skrive om."))
    problem = own_words_problem(text, **WORDS_TEXT)
    if problem:
        rules.error("text", problem)
    if actor.kind == "staff":
        written_with = rules.text("written_with", written_with, max_length=WHO_MAX,
                                  blank=N_("Skriv, hvem der skrev sammen med barnet."))
    elif actor.kind == CHILD:
        written_with = None
    else:
        raise NotFound("children")  # parents and others never write a child's words
    if rules.errors:
        raise Invalid(rules.errors)
    words_id = get_db()["child_words"].insert({
        "family_id": family_id, "child_id": child_id, "kind": kind, "text": text, "written_by_kind": actor.kind,
        "written_by_id": actor.id, "written_with": written_with, "created_at": now_text(),
    }).last_pk
    record(actor, "child_words.added", family_id, item_kind="child_words", item_id=words_id, event=False,
           child_id=child_id)
    return words_id


@change
def say_bisidder(actor, family_id, child_id, *, wanted, who=None):
    """The child says whether a bisidder should come to their meetings, and who."""
    _child(family_id, child_id)
    if actor != Actor(CHILD, child_id):
        raise NotFound("children")
    rules = Rules()
    who = rules.text("who", who, required=False, max_length=WHO_MAX) if wanted else None
    if rules.errors:
        raise Invalid(rules.errors)
    row_id = get_db()["child_bisidder"].insert({
        "family_id": family_id, "child_id": child_id, "wanted": int(bool(wanted)), "who": who,
        "created_at": now_text(),
    }).last_pk
    record(actor, "child_bisidder.said", family_id, item_kind="child_bisidder", item_id=row_id, event=False,
           child_id=child_id, wanted=bool(wanted))
    return row_id
