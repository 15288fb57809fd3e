"""Who may make or use a passkey, their passkeys, and what a family's people see of them."""
from ..db import get_db, read_one, read_rows


def exemption_in_force(parent_id):
    """The coordinator's record of why this parent cannot use MitID, if one is in force; else None."""
    return read_one(get_db(), "SELECT * FROM mitid_exemptions WHERE parent_id = ? AND withdrawn_at IS NULL",
                    [parent_id])


def passkeys_of(parent_id):
    """A parent's passkeys in use, oldest first."""
    return read_rows(get_db(), "SELECT * FROM passkeys WHERE parent_id = ? AND removed_at IS NULL ORDER BY id",
                     [parent_id])


def passkey_to_use(parent_id, credential_id):
    """The parent's own passkey in use with this credential id; None for anyone else's, or a removed one."""
    return read_one(get_db(), "SELECT * FROM passkeys WHERE parent_id = ? AND credential_id = ? AND removed_at IS NULL",
                    [parent_id, credential_id])


def session_link(session_hash):
    """The sign-in link a session began from (origin, channel, who issued it), or None."""
    return read_one(get_db(), "SELECT l.id, l.origin, l.channel, l.issued_by_staff_id FROM sessions s"
                              " JOIN sign_in_links l ON l.id = s.link_id WHERE s.id_hash = ?", [session_hash])


def offer(parent_id):
    """(has a record in force, how many passkeys in use): what the sign-in pages may offer the parent."""
    row = get_db().execute(
        "SELECT EXISTS (SELECT 1 FROM mitid_exemptions WHERE parent_id = :p AND withdrawn_at IS NULL),"
        " (SELECT count(*) FROM passkeys WHERE parent_id = :p AND removed_at IS NULL)", {"p": parent_id}).fetchone()
    return bool(row[0]), row[1]


def exemptions_for_family(family_id):
    """Every record of the family's parents, newest first, with who made and who withdrew it (staff pages)."""
    return list(get_db().query(
        "SELECT e.id, e.parent_id, p.name AS parent_name, e.reason, e.note, e.created_at, c.name AS created_by,"
        " e.withdrawn_at, w.name AS withdrawn_by"
        " FROM mitid_exemptions e JOIN parents p ON p.id = e.parent_id"
        " LEFT JOIN staff c ON c.id = e.created_by_staff_id LEFT JOIN staff w ON w.id = e.withdrawn_by_staff_id"
        " WHERE e.family_id = ? ORDER BY e.created_at DESC, e.id DESC", [family_id]))


def passkeys_for_family(family_id):
    """Every passkey of the family's parents, newest first, with who removed it (staff pages)."""
    return list(get_db().query(
        "SELECT k.id, k.parent_id, p.name AS parent_name, k.created_at, k.last_used_at, k.removed_at,"
        " s.name AS removed_by FROM passkeys k JOIN parents p ON p.id = k.parent_id"
        " LEFT JOIN staff s ON s.id = k.removed_by_staff_id"
        " WHERE k.family_id = ? ORDER BY k.created_at DESC, k.id DESC", [family_id]))
