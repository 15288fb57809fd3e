"""Who holds a sign-in identity: a parent, a child, or a professional.

Passkeys, MitID bindings (identity_bindings) and the records of why someone
cannot use MitID (mitid_exemptions) each belong to one holder: its kind and
its id in that kind's table (`holder_kind`, `holder_id`). A parent's or a
child's rows also carry their family (`family_id`); a professional is not in
one family, so theirs may have none. A parent's rows keep `parent_id` as well.

A holder's kind is also the `user_kind` of their sessions, and the actor kind
of what they do (audit).
"""
from typing import NamedTuple

from .db import get_db

PARENT = "parent"
CHILD = "child"
PROFESSIONAL = "professional"
KINDS = (PARENT, CHILD, PROFESSIONAL)

# The table of each kind of holder that is in a family (constants only: these go into SQL).
_FAMILY_TABLES = {PARENT: "parents", CHILD: "children"}


class Holder(NamedTuple):
    """One holder: ("parent", 3), ("child", 7), ("professional", 12)."""

    kind: str
    id: int


def as_holder(who):
    """A Holder from a Holder, or from a parent's row or id (what the parents' code passed before holders)."""
    if isinstance(who, Holder):
        if who.kind not in KINDS:
            raise ValueError(f"unknown holder kind {who.kind!r}")
        return who
    if isinstance(who, int):
        return Holder(PARENT, who)
    return Holder(PARENT, who["id"])


def family_of(holder):
    """The holder's family id (None for a professional, or a holder that does not exist)."""
    holder = as_holder(holder)
    if holder.kind not in _FAMILY_TABLES:
        return None
    row = get_db().execute(f"SELECT family_id FROM {_FAMILY_TABLES[holder.kind]} WHERE id = ?", [holder.id]).fetchone()
    return None if row is None else row[0]


def columns(holder, family_id):
    """The holder columns of a new row: holder_kind, holder_id, parent_id (a parent's only) and family_id."""
    holder = as_holder(holder)
    return {"holder_kind": holder.kind, "holder_id": holder.id,
            "parent_id": holder.id if holder.kind == PARENT else None, "family_id": family_id}


def name_sql(kind_expr, id_expr):
    """SQL for the name of a holder in a family as staff read it: a parent's name, a child's first name."""
    return (f"CASE {kind_expr} WHEN 'parent' THEN (SELECT name FROM parents WHERE id = {id_expr})"
            f" WHEN 'child' THEN (SELECT first_name FROM children WHERE id = {id_expr}) END")
