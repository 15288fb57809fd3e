"""What every change shares: who acts, the rules' errors, versions, and the record it leaves."""
import functools
import json
from dataclasses import dataclass
from datetime import date

from flask import current_app

from .. import audit, ratelimit
from ..clock import now_text, today
from ..contact import is_email, normalise_phone
from ..db import get_db, writing
from ..own_words import is_visible
from ..own_words import problem as text_problem
from ...i18n import N_
from ...i18n import gettext as _


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a staff member, a parent, a child, a professional, or the system (demo loader, CLI)."""

    kind: str  # staff | parent | child | professional | system
    id: int | None = None


SYSTEM = Actor("system")


class Invalid(Exception):
    """The change breaks a rule. `errors` maps a form field to a friendly message."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class Conflict(Exception):
    """The row changed since the form was opened. `saved` is the row as it is now."""

    def __init__(self, saved):
        super().__init__("saved by someone else meanwhile")
        self.saved = saved


CASE_CLOSED = N_("Familiens sag er lukket, så den kan ikke ændres. Oplysningerne slettes fra portalen, når slettefristen er gået.")


class Closed(Invalid):
    """The family's case is closed: nothing about it may change any more."""

    def __init__(self):
        super().__init__({"family": _(CASE_CLOSED)})


class NotFound(Exception):
    """No such row in this family: the caller answers 404."""


def change(function):
    """Run a change in one transaction: all of it is written, or none."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        with writing(get_db()):
            return function(*args, **kwargs)

    return wrapped


def record(actor, action, family_id=None, *, item_kind=None, item_id=None, for_family=False, event=True, **detail):
    """Leave the audit line, and the family's event unless event=False.

    Events are the family's story (never edited); for_family=True lets the
    family's own pages show it. Neither ever holds what a parent wrote.
    Every change to a family records, so this is where a closed case refuses
    it: raised inside the change's transaction, nothing of it is written.
    """
    if family_id is not None and is_closed(family_id):
        raise Closed()
    audit.record(action, actor_kind=actor.kind, actor_id=actor.id, family_id=family_id,
                 **({"item": f"{item_kind}:{item_id}"} if item_kind else {}), **detail)
    if family_id is not None and event:
        get_db()["family_events"].insert(
            {
                "family_id": family_id,
                "at": now_text(),
                "kind": action,
                "item_kind": item_kind,
                "item_id": item_id,
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "for_family": int(for_family),
                "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
            }
        )


def is_closed(family_id):
    row = get_db().execute("SELECT closed_at FROM families WHERE id = ?", [family_id]).fetchone()
    return row is not None and row[0] is not None


TOO_MANY_WRITES = N_("Du har skrevet meget på kort tid. Vent en time, og prøv så igen. Haster det, så ring til din kontaktperson.")


def limit_parent_writes(actor, field):
    """A parent adds at most PARENT_WRITES_PER_HOUR goals and agenda points an hour, across all workers.

    Call it last in a change: a refused change rolls the count back with it.
    """
    if actor.kind == "parent" and not ratelimit.hit(
            f"writes:parent:{actor.id}", current_app.config["PARENT_WRITES_PER_HOUR"]):
        raise Invalid({field: _(TOO_MANY_WRITES)})


def row_in_family(table, row_id, family_id):
    """The row of `table` with this id in this family, else NotFound."""
    row = next(get_db().query(f"SELECT * FROM [{table}] WHERE id = ? AND family_id = ?", [row_id, family_id]), None)
    if row is None:
        raise NotFound(table)
    return row


def update_row(table, row_id, version, values):
    """Write `values` over a row still at `version` (None: whatever its version); else Conflict."""
    sets = ", ".join(f"[{column}] = ?" for column in values)
    params = [*values.values(), row_id]
    sql = f"UPDATE [{table}] SET {sets}, version = version + 1 WHERE id = ?"
    if version is not None:
        sql += " AND version = ?"
        params.append(version)
    if get_db().execute(sql, params).rowcount != 1:
        raise Conflict(get_db()[table].get(row_id))


def changed_fields(before, values):
    return sorted(key for key, value in values.items() if before.get(key) != value)


def set_hidden_from(family_id, item_kind, item_id, parent_ids):
    """Make the item invisible to exactly these parents of the family; True if that changed anything."""
    db = get_db()
    before = hidden_from(item_kind, item_id)
    db.execute("DELETE FROM hidden_from_parents WHERE item_kind = ? AND item_id = ?", [item_kind, item_id])
    for parent_id in sorted(set(parent_ids)):
        db["hidden_from_parents"].insert(
            {"family_id": family_id, "item_kind": item_kind, "item_id": item_id, "parent_id": parent_id}
        )
    return before != sorted(set(parent_ids))


def hidden_from(item_kind, item_id):
    return [row[0] for row in get_db().execute(
        "SELECT parent_id FROM hidden_from_parents WHERE item_kind = ? AND item_id = ? ORDER BY parent_id",
        [item_kind, item_id],
    )]


BLANK = N_("Skriv noget her.")
TOO_LONG = N_("Der er plads til %(max)s tegn, og du har skrevet %(count)s. Gør det lidt kortere.")


class Rules:
    """Collect every problem with a change's input, then raise them together.

    Single-line fields are trimmed; longer texts are kept exactly as written.
    """

    def __init__(self):
        self.errors = {}

    def error(self, field, message):
        self.errors.setdefault(field, message)

    def check(self, condition, field, message, **variables):
        if not condition:
            self.error(field, _(message, **variables))
        return condition

    def text(self, field, value, *, required=True, max_length=200, multiline=False, blank=BLANK):
        value = value if multiline else (value or "").strip()
        if not any(is_visible(character) for character in value or ""):
            if required:
                self.error(field, _(blank))
            return None
        message = text_problem(value, max_length=max_length, blank_message=blank,
                               too_long_message=TOO_LONG, multiline=multiline)
        if message:
            self.error(field, message)
        return value

    def email(self, field, value, *, required=False):
        value = (value or "").strip()
        if not value:
            self.check(not required, field, N_("Skriv en e-mail."))
            return None
        self.check(is_email(value), field, N_("Det ligner ikke en e-mail. Skriv den sådan: navn@eksempel.dk"))
        return value

    def phone(self, field, value):
        if not (value or "").strip():
            return None
        phone = normalise_phone(value)
        self.check(phone is not None, field, N_("Det ligner ikke et telefonnummer. Skriv fx 12 34 56 78."))
        return phone

    def choice(self, field, value, choices, *, required=True, message=N_("Vælg en af mulighederne.")):
        if value in (None, "") and not required:
            return None
        self.check(value in choices, field, message)
        return value

    def date(self, field, value, *, required=False, not_after=None, not_before=None, message=None):
        """A date (datetime.date); not_after/not_before are (date, message) pairs."""
        if value is None:
            self.check(not required, field, message or N_("Skriv en dato."))
            return None
        if not isinstance(value, date):
            self.error(field, _(N_("Skriv datoen sådan: 24-11-2026.")))
            return None
        for limit, compare in ((not_after, lambda d, l: d <= l), (not_before, lambda d, l: d >= l)):
            if limit and limit[0] is not None:
                self.check(compare(value, limit[0]), field, limit[1])
        return value

    def hidden_from(self, family_id, parent_ids):
        """The family's parents an item is not shown to (sorted ids); others are an error."""
        parents = {row[0] for row in get_db().execute("SELECT id FROM parents WHERE family_id = ?", [family_id])}
        hidden = sorted(set(parent_ids or []))
        self.check(set(hidden) <= parents, "hidden_from", N_("Vælg forældre fra listen."))
        return hidden

    def done(self):
        if self.errors:
            raise Invalid(self.errors)


def iso(day):
    return day.isoformat() if day else None


def not_in_future():
    return (today(), N_("Datoen kan ikke ligge i fremtiden."))
