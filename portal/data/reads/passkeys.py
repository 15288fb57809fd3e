"""Who may make or use a passkey, their passkeys, and what a family's people see of them.

A passkey and a record of why someone cannot use MitID belong to a holder
(portal/data/holders.py): a parent, a child or a professional. The functions
that take `holder` take a Holder, or a parent's row.
"""
from ..db import get_db, read_one, read_rows
from ..holders import as_holder, name_sql


def _holder_params(holder):
    holder = as_holder(holder)
    return {"kind": holder.kind, "holder": holder.id}


def exemption_in_force(holder):
    """The coordinator's record of why this holder cannot use MitID, if one is in force; else None."""
    return read_one(get_db(), "SELECT * FROM mitid_exemptions WHERE holder_kind = :kind AND holder_id = :holder"
                              " AND withdrawn_at IS NULL", _holder_params(holder))


def passkeys_of(holder):
    """A holder's passkeys in use, oldest first."""
    return read_rows(get_db(), "SELECT * FROM passkeys WHERE holder_kind = :kind AND holder_id = :holder"
                               " AND removed_at IS NULL ORDER BY id", _holder_params(holder))


def passkey_to_use(holder, credential_id):
    """The holder's own passkey in use with this credential id; None for anyone else's, or a removed one."""
    return read_one(get_db(), "SELECT * FROM passkeys WHERE holder_kind = :kind AND holder_id = :holder"
                              " AND credential_id = :credential AND removed_at IS NULL",
                    {**_holder_params(holder), "credential": credential_id})


def session_link(session_hash):
    """The sign-in link a session began from (origin, channel, who issued it), or None."""
    return read_one(get_db(), "SELECT l.id, l.origin, l.channel, l.issued_by_staff_id FROM sessions s"
                              " JOIN sign_in_links l ON l.id = s.link_id WHERE s.id_hash = ?", [session_hash])


def offer(holder):
    """(has a record in force, how many passkeys in use): what the sign-in pages may offer the holder."""
    row = get_db().execute(
        "SELECT EXISTS (SELECT 1 FROM mitid_exemptions WHERE holder_kind = :kind AND holder_id = :holder"
        " AND withdrawn_at IS NULL),"
        " (SELECT count(*) FROM passkeys WHERE holder_kind = :kind AND holder_id = :holder AND removed_at IS NULL)",
        _holder_params(holder)).fetchone()
    return bool(row[0]), row[1]


def exemptions_for_family(family_id):
    """Every record of the family's parents and children, newest first, with who made and withdrew it (staff pages).

    `parent_name` is the holder's name (a child's first name for a child's), as before holders.
    """
    return list(get_db().query(
        f"SELECT e.id, e.holder_kind, e.holder_id, e.parent_id, {name_sql('e.holder_kind', 'e.holder_id')}"
        " AS parent_name, e.reason, e.note, e.created_at, c.name AS created_by, e.withdrawn_at, w.name AS withdrawn_by"
        " FROM mitid_exemptions e"
        " LEFT JOIN staff c ON c.id = e.created_by_staff_id LEFT JOIN staff w ON w.id = e.withdrawn_by_staff_id"
        " WHERE e.family_id = ? ORDER BY e.created_at DESC, e.id DESC", [family_id]))


def passkeys_for_family(family_id):
    """Every passkey of the family's parents and children, newest first, with who removed it (staff pages)."""
    return list(get_db().query(
        f"SELECT k.id, k.holder_kind, k.holder_id, k.parent_id, {name_sql('k.holder_kind', 'k.holder_id')}"
        " AS parent_name, k.created_at, k.last_used_at, k.removed_at, s.name AS removed_by FROM passkeys k"
        " LEFT JOIN staff s ON s.id = k.removed_by_staff_id"
        " WHERE k.family_id = ? ORDER BY k.created_at DESC, k.id DESC", [family_id]))
