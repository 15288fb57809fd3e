"""The MitID identities bound to parents: who signs in with which, and what a family's people see of it."""
from .. import access
from ..db import get_db, read_one


def parent_signing_in_with(issuer, subject):
    """The parent bound to this identity, if they may sign in; else None."""
    return read_one(get_db(), (
        "SELECT p.* FROM identity_bindings b JOIN parents p ON p.id = b.parent_id"
        " WHERE b.issuer = ? AND b.subject = ? AND b.removed_at IS NULL"
        f" AND {access.parent_may_sign_in_sql('p.id')}"), [issuer, subject])


def bound_to_other_parent(parent_id, issuer, subject):
    """Whether this identity is bound, now, to a parent other than `parent_id`."""
    return get_db().execute(
        "SELECT 1 FROM identity_bindings WHERE issuer = ? AND subject = ? AND removed_at IS NULL AND parent_id != ?",
        [issuer, subject, parent_id]).fetchone() is not None


def has_binding(parent_id):
    return get_db().execute("SELECT 1 FROM identity_bindings WHERE parent_id = ? AND removed_at IS NULL",
                            [parent_id]).fetchone() is not None


def for_family(family_id):
    """Every binding of the family's parents, newest first, with who removed it (staff pages)."""
    return list(get_db().query(
        "SELECT b.id, b.parent_id, p.name AS parent_name, b.created_at, b.removed_at, s.name AS removed_by,"
        " b.cpr IS NOT NULL AS cpr_bound"
        " FROM identity_bindings b JOIN parents p ON p.id = b.parent_id"
        " LEFT JOIN staff s ON s.id = b.removed_by_staff_id"
        " WHERE b.family_id = ? ORDER BY b.created_at DESC, b.id DESC", [family_id]))


def for_parent(parent_id):
    """A parent's own bindings, newest first: when their MitID was bound, and when and by whom it was removed."""
    return list(get_db().query(
        "SELECT b.created_at, b.removed_at, s.name AS removed_by, b.cpr IS NOT NULL AS cpr_bound"
        " FROM identity_bindings b LEFT JOIN staff s ON s.id = b.removed_by_staff_id"
        " WHERE b.parent_id = ? ORDER BY b.created_at DESC, b.id DESC", [parent_id]))
