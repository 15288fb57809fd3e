"""A parent's MitID: bound the first time they confirm with it, removed only by their coordinator.

A binding ties the identity provider's persistent pseudonym (and, where the
municipality turns it on, the CPR number) to one parent. An identity bound to
one parent is never bound to another, and a parent has one identity per
provider: a parent who needs another (a new MitID) asks their coordinator to
remove the old binding, which is audited and shown on the parent's insight page.
"""
from .. import sessions
from ..clock import now_text
from ..db import get_db
from ._core import Actor, NotFound, change, record


class BoundToAnother(Exception):
    """This identity is already bound to another parent."""


class ParentHasAnother(Exception):
    """This parent already has another identity from the same provider."""


@change
def bind(parent, issuer, subject, cpr=None):
    """Bind an identity to the parent (they just confirmed with it); nothing new if it is theirs already."""
    db = get_db()
    holder = db.execute("SELECT parent_id FROM identity_bindings WHERE issuer = ? AND subject = ? AND removed_at IS NULL",
                        [issuer, subject]).fetchone()
    if holder is not None:
        if holder[0] != parent["id"]:
            raise BoundToAnother()
        return False
    if db.execute("SELECT 1 FROM identity_bindings WHERE parent_id = ? AND issuer = ? AND removed_at IS NULL",
                  [parent["id"], issuer]).fetchone():
        raise ParentHasAnother()
    binding_id = db["identity_bindings"].insert({
        "family_id": parent["family_id"], "parent_id": parent["id"], "issuer": issuer, "subject": subject,
        "cpr": cpr, "created_at": now_text(),
    }).last_pk
    record(Actor("parent", parent["id"]), "identity.bound", parent["family_id"], item_kind="identity", item_id=binding_id,
           event=False, parent_id=parent["id"], cpr_bound=cpr is not None)
    return True


@change
def remove(actor, family_id, binding_id):
    """A coordinator removes a parent's binding (e.g. the parent got a new MitID); their sessions end."""
    db = get_db()
    row = db.execute("SELECT parent_id FROM identity_bindings WHERE id = ? AND family_id = ? AND removed_at IS NULL",
                     [binding_id, family_id]).fetchone()
    if row is None:
        raise NotFound()
    db.execute("UPDATE identity_bindings SET removed_at = ?, removed_by_staff_id = ? WHERE id = ?",
               [now_text(), actor.id, binding_id])
    sessions.end_all("parent", row[0])
    record(actor, "identity.removed", family_id, item_kind="identity", item_id=binding_id, event=False,
           parent_id=row[0])

