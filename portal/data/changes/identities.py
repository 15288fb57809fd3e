"""A holder's MitID: bound the first time they confirm with it, removed only by their coordinator.

A binding ties the identity provider's persistent pseudonym (and, where the
municipality turns it on, the CPR number) to one holder (portal/data/holders.py:
a parent, a child or a professional). An identity bound to one holder is never
bound to another, and a holder has one identity per provider: one who needs
another (a new MitID) asks their coordinator to remove the old binding, which
is audited and shown on the parent's insight page.

The functions take a Holder, or a parent's row or id (what the parents' code has always passed).
"""
from .. import sessions
from ..clock import now_text
from ..db import get_db
from ..holders import PARENT, Holder, as_holder, columns, family_of
from ._core import Actor, NotFound, change, record


class BoundToAnother(Exception):
    """This identity is already bound to another holder."""


class ParentHasAnother(Exception):
    """This holder already has another identity from the same provider."""


HolderHasAnother = ParentHasAnother


def _detail(holder):
    """What an audit line says of whose it is: parent_id for a parent (as before holders), else kind and id."""
    return {"parent_id": holder.id} if holder.kind == PARENT else {"holder_kind": holder.kind, "holder_id": holder.id}


@change
def bind(holder, issuer, subject, cpr=None):
    """Bind an identity to the holder (they just confirmed with it); nothing new if it is theirs already."""
    holder = as_holder(holder)
    db = get_db()
    bound = db.execute("SELECT holder_kind, holder_id FROM identity_bindings WHERE issuer = ? AND subject = ?"
                       " AND removed_at IS NULL", [issuer, subject]).fetchone()
    if bound is not None:
        if Holder(*bound) != holder:
            raise BoundToAnother()
        return False
    if db.execute("SELECT 1 FROM identity_bindings WHERE holder_kind = ? AND holder_id = ? AND issuer = ?"
                  " AND removed_at IS NULL", [holder.kind, holder.id, issuer]).fetchone():
        raise HolderHasAnother()
    family_id = family_of(holder)
    binding_id = db["identity_bindings"].insert({
        **columns(holder, family_id), "issuer": issuer, "subject": subject, "cpr": cpr, "created_at": now_text(),
    }).last_pk
    record(Actor(holder.kind, holder.id), "identity.bound", family_id, item_kind="identity", item_id=binding_id,
           event=False, **_detail(holder), cpr_bound=cpr is not None)
    return True


@change
def remove(actor, family_id, binding_id):
    """A coordinator removes a parent's or child's binding (e.g. they got a new MitID); their sessions end."""
    db = get_db()
    row = db.execute("SELECT holder_kind, holder_id FROM identity_bindings WHERE id = ? AND family_id = ?"
                     " AND removed_at IS NULL", [binding_id, family_id]).fetchone()
    if row is None:
        raise NotFound()
    holder = Holder(*row)
    db.execute("UPDATE identity_bindings SET removed_at = ?, removed_by_staff_id = ? WHERE id = ?",
               [now_text(), actor.id, binding_id])
    sessions.end_all(holder.kind, holder.id)
    record(actor, "identity.removed", family_id, item_kind="identity", item_id=binding_id, event=False,
           **_detail(holder))
