"""What the coordinator decides about professionals: which hidden items they may still see."""
from ._core import Invalid, change, record, row_in_family
from ..clock import now_text
from ..db import get_db
from ..vocabulary import HIDEABLE
from ...i18n import N_

# Items hidden from a parent that a coordinator can still show to the professionals (access.professional_sees_sql).
SHOWABLE = ("meeting", "plan_item", "plan_update")


@change
def show_to_professionals(actor, family_id, item_kind, item_id, shown):
    """Show an item hidden from a parent to the family's professionals (shown=True), or stop showing it."""
    if item_kind not in SHOWABLE:
        raise Invalid({"item_kind": N_("Det kan ikke vises for fagpersoner.")})
    row_in_family(HIDEABLE[item_kind], item_id, family_id)
    db = get_db()
    was = db.execute("SELECT 1 FROM shown_to_professionals WHERE item_kind = ? AND item_id = ?",
                     [item_kind, item_id]).fetchone() is not None
    if was == bool(shown):
        return False
    if shown:
        db["shown_to_professionals"].insert({"family_id": family_id, "item_kind": item_kind, "item_id": item_id,
                                             "created_at": now_text()})
    else:
        db.execute("DELETE FROM shown_to_professionals WHERE item_kind = ? AND item_id = ?", [item_kind, item_id])
    record(actor, f"{item_kind}.changed", family_id, item_kind=item_kind, item_id=item_id, event=False,
           fields=["shown_to_professionals"])
    return True
