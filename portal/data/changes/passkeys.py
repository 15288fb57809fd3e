"""People who cannot use MitID: why (a coordinator's record), and the passkeys they enrol in person.

Records and passkeys belong to a holder (portal/data/holders.py): a parent, a
child or a professional; the functions take a Holder, or a parent's row or id
(what the parents' code has always passed). Only a holder with a record in
force may make or use a passkey. A coordinator records the reason and may
withdraw it; a coordinator may remove a passkey. Withdrawing or removing ends
the holder's sessions confirmed with a passkey. Every change is audited and
shown on the parent's insight page.
"""
from datetime import timedelta

from .. import sessions
from ..clock import now_text, to_db_time, utcnow
from ..db import get_db
from ..holders import CHILD, PARENT, Holder, as_holder, columns, family_of
from ...i18n import N_
from ._core import Actor, Invalid, NotFound, Rules, change, record

# Why a parent cannot use MitID; "other" needs a short note.
REASONS = {
    "no_cpr": N_("Ingen CPR-nummer endnu"),
    "guardianship": N_("Under værgemål"),
    "other": N_("Andet"),
    "child": N_("Barn uden MitID"),  # set by a child's sign-in (changes/child_voice.py), for a child only
}
NOTE_MAX = 200
# How long a challenge may be answered: the time to tap "Opret" or "Brug" and confirm on the phone.
CHALLENGE_LIFETIME = timedelta(minutes=5)


def _holder_of_family(family_id, holder):
    """The holder if they are a parent or child of this family; NotFound for anyone else."""
    if holder.kind not in (PARENT, CHILD) or family_of(holder) != family_id:
        raise NotFound("holders")
    return holder


def _detail(holder):
    """What an audit line says of whose it is: parent_id for a parent (as before holders), else kind and id."""
    return {"parent_id": holder.id} if holder.kind == PARENT else {"holder_kind": holder.kind, "holder_id": holder.id}


@change
def record_exemption(actor, family_id, holder, reason, note=None):
    """Record why a parent or child cannot use MitID; it replaces the record in force, if there is one."""
    holder = _holder_of_family(family_id, as_holder(holder))
    rules = Rules()
    rules.check(reason in REASONS and (reason == "child") == (holder.kind == CHILD), "reason", N_("Vælg en grund."))
    note = rules.text("note", note, required=reason == "other", max_length=NOTE_MAX,
                      blank=N_("Skriv kort, hvorfor forælderen ikke kan bruge MitID.")) if reason == "other" else None
    if rules.errors:
        raise Invalid(rules.errors)
    db = get_db()
    now = now_text()
    db.execute("UPDATE mitid_exemptions SET withdrawn_at = ?, withdrawn_by_staff_id = ?"
               " WHERE holder_kind = ? AND holder_id = ? AND withdrawn_at IS NULL",
               [now, actor.id, holder.kind, holder.id])
    exemption_id = db["mitid_exemptions"].insert({
        **columns(holder, family_id), "reason": reason, "note": note, "created_at": now,
        "created_by_staff_id": actor.id,
    }).last_pk
    record(actor, "mitid_exemption.recorded", family_id, item_kind="mitid_exemption", item_id=exemption_id,
           event=False, **_detail(holder), reason=reason)
    return exemption_id


@change
def withdraw_exemption(actor, family_id, exemption_id):
    """Withdraw the record: the holder can no longer make or use a passkey, and their passkey sessions end."""
    db = get_db()
    row = db.execute("SELECT holder_kind, holder_id FROM mitid_exemptions WHERE id = ? AND family_id = ?"
                     " AND withdrawn_at IS NULL", [exemption_id, family_id]).fetchone()
    if row is None:
        raise NotFound("mitid_exemptions")
    holder = Holder(*row)
    db.execute("UPDATE mitid_exemptions SET withdrawn_at = ?, withdrawn_by_staff_id = ? WHERE id = ?",
               [now_text(), actor.id, exemption_id])
    sessions.end_confirmed_with(holder.kind, holder.id, "passkey")
    record(actor, "mitid_exemption.withdrawn", family_id, item_kind="mitid_exemption", item_id=exemption_id,
           event=False, **_detail(holder))


@change
def add_passkey(holder, credential_id, public_key, sign_count):
    """Keep a passkey the holder just made (credential id and public key as base64url)."""
    holder = as_holder(holder)
    family_id = family_of(holder)
    db = get_db()
    if db.execute("SELECT 1 FROM passkeys WHERE credential_id = ?", [credential_id]).fetchone():
        raise Invalid({"credential": N_("Den adgangsnøgle findes allerede.")})
    passkey_id = db["passkeys"].insert({
        **columns(holder, family_id), "credential_id": credential_id,
        "public_key": public_key, "sign_count": sign_count, "created_at": now_text(),
    }).last_pk
    record(Actor(holder.kind, holder.id), "passkey.created", family_id, item_kind="passkey",
           item_id=passkey_id, event=False, **_detail(holder))
    return passkey_id


@change
def passkey_used(passkey_id, old_sign_count, new_sign_count):
    """Note a passkey's use and its new counter; False if another sign-in with it came first (a clone or replay)."""
    return get_db().execute(
        "UPDATE passkeys SET last_used_at = ?, sign_count = ? WHERE id = ? AND sign_count = ? AND removed_at IS NULL",
        [now_text(), new_sign_count, passkey_id, old_sign_count]).rowcount == 1


@change
def remove_passkey(actor, family_id, passkey_id):
    """A coordinator removes a parent's or child's passkey (e.g. a lost phone): their passkey sessions end."""
    db = get_db()
    row = db.execute("SELECT holder_kind, holder_id FROM passkeys WHERE id = ? AND family_id = ? AND removed_at IS NULL",
                     [passkey_id, family_id]).fetchone()
    if row is None:
        raise NotFound("passkeys")
    holder = Holder(*row)
    db.execute("UPDATE passkeys SET removed_at = ?, removed_by_staff_id = ? WHERE id = ?",
               [now_text(), actor.id, passkey_id])
    sessions.end_confirmed_with(holder.kind, holder.id, "passkey")
    record(actor, "passkey.removed", family_id, item_kind="passkey", item_id=passkey_id, event=False,
           **_detail(holder))


@change
def remove_passkeys_of(actor, holder):
    """Remove every passkey a holder has in use (a professional whose last access a coordinator ended).

    Their passkey sessions end; returns how many were removed. The audit lines name no family: a professional's
    passkeys are not one family's (and its parents' insight page is not the place for them).
    """
    holder = as_holder(holder)
    db = get_db()
    removed = [row[0] for row in db.execute(
        "SELECT id FROM passkeys WHERE holder_kind = ? AND holder_id = ? AND removed_at IS NULL",
        [holder.kind, holder.id])]
    if not removed:
        return 0
    db.execute("UPDATE passkeys SET removed_at = ?, removed_by_staff_id = ? WHERE holder_kind = ? AND holder_id = ?"
               " AND removed_at IS NULL", [now_text(), actor.id if actor.kind == "staff" else None,
                                           holder.kind, holder.id])
    sessions.end_confirmed_with(holder.kind, holder.id, "passkey")
    for passkey_id in removed:
        record(actor, "passkey.removed", None, item_kind="passkey", item_id=passkey_id, event=False,
               **_detail(holder))
    return len(removed)


# Challenges: one a session may answer, used once, for a few minutes.


@change
def open_challenge(session_hash, purpose, challenge):
    """Keep the challenge a session is to answer (`purpose`: create | use); it replaces the session's last one."""
    db = get_db()
    db.execute("DELETE FROM passkey_challenges WHERE created_at < ?", [to_db_time(utcnow() - CHALLENGE_LIFETIME)])
    db.execute("INSERT OR REPLACE INTO passkey_challenges (session_hash, purpose, challenge, created_at)"
               " VALUES (?, ?, ?, ?)", [session_hash, purpose, challenge, now_text()])


@change
def take_challenge(session_hash, purpose):
    """The session's challenge for `purpose` if it is fresh, deleted: it is answered once. None otherwise."""
    db = get_db()
    row = db.execute("SELECT challenge, purpose, created_at FROM passkey_challenges WHERE session_hash = ?",
                     [session_hash]).fetchone()
    if row is None or db.execute("DELETE FROM passkey_challenges WHERE session_hash = ? AND challenge = ?",
                                 [session_hash, row[0]]).rowcount != 1:
        return None
    if row[1] != purpose or row[2] < to_db_time(utcnow() - CHALLENGE_LIFETIME):
        return None
    return row[0]
