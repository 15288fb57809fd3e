"""The MitID identities bound to holders: who signs in with which, and what a family's people see of it.

A binding belongs to a holder (portal/data/holders.py): a parent, a child or a
professional. The functions that take `holder` take a Holder, or a parent's row or id.
"""
from .. import access
from ..db import get_db, read_one
from ..holders import Holder, as_holder, name_sql


def holder_signing_in_with(issuer, subject):
    """The holder bound to this identity, if they may sign in now (access.may_sign_in_sql); else None."""
    row = get_db().execute("SELECT holder_kind, holder_id FROM identity_bindings WHERE issuer = ? AND subject = ?"
                           " AND removed_at IS NULL", [issuer, subject]).fetchone()
    if row is None:
        return None
    holder = Holder(*row)
    rule = access.may_sign_in_sql(holder.kind, ":id")
    if rule is None or not get_db().execute(f"SELECT {rule}", {"id": holder.id}).fetchone()[0]:
        return None
    return holder


def parent_signing_in_with(issuer, subject):
    """The parent bound to this identity, if they may sign in; else None."""
    return read_one(get_db(), (
        "SELECT p.* FROM identity_bindings b JOIN parents p ON p.id = b.holder_id"
        " WHERE b.holder_kind = 'parent' AND b.issuer = ? AND b.subject = ? AND b.removed_at IS NULL"
        f" AND {access.parent_may_sign_in_sql('p.id')}"), [issuer, subject])


def bound_to_other(holder, issuer, subject):
    """Whether this identity is bound, now, to someone other than `holder`."""
    holder = as_holder(holder)
    return get_db().execute(
        "SELECT 1 FROM identity_bindings WHERE issuer = ? AND subject = ? AND removed_at IS NULL"
        " AND NOT (holder_kind = ? AND holder_id = ?)", [issuer, subject, holder.kind, holder.id]).fetchone() is not None


def bound_to_other_parent(parent_id, issuer, subject):
    """Whether this identity is bound, now, to anyone other than parent `parent_id`."""
    return bound_to_other(Holder("parent", parent_id), issuer, subject)


def has_binding(holder):
    """Whether the holder (a Holder, a parent's row, or a parent's id) has a MitID bound now."""
    holder = as_holder(holder)
    return get_db().execute("SELECT 1 FROM identity_bindings WHERE holder_kind = ? AND holder_id = ?"
                            " AND removed_at IS NULL", [holder.kind, holder.id]).fetchone() is not None


def for_family(family_id):
    """Every binding of the family's parents and children, newest first, with who removed it (staff pages).

    `parent_name` is the holder's name (a child's first name for a child's), as before holders.
    """
    return list(get_db().query(
        f"SELECT b.id, b.holder_kind, b.holder_id, b.parent_id, {name_sql('b.holder_kind', 'b.holder_id')}"
        " AS parent_name, b.created_at, b.removed_at, s.name AS removed_by, b.cpr IS NOT NULL AS cpr_bound"
        " FROM identity_bindings b LEFT JOIN staff s ON s.id = b.removed_by_staff_id"
        " WHERE b.family_id = ? ORDER BY b.created_at DESC, b.id DESC", [family_id]))


def for_holder(holder):
    """A holder's own bindings, newest first: when their MitID was bound, and when and by whom it was removed."""
    holder = as_holder(holder)
    return list(get_db().query(
        "SELECT b.created_at, b.removed_at, s.name AS removed_by, b.cpr IS NOT NULL AS cpr_bound"
        " FROM identity_bindings b LEFT JOIN staff s ON s.id = b.removed_by_staff_id"
        " WHERE b.holder_kind = ? AND b.holder_id = ? ORDER BY b.created_at DESC, b.id DESC",
        [holder.kind, holder.id]))


def for_parent(parent_id):
    """A parent's own bindings (for_holder of the parent)."""
    return for_holder(Holder("parent", parent_id))
