"""A coordinator's mark on a line of the family's timeline: significant, and what it meant for the child.

The lines are the family's events, written by every other change and never
edited; the mark is the only thing written about them, one per line.
"""
from ._core import Conflict, NotFound, Rules, change, record, update_row
from ..clock import now_text
from ..db import get_db, read_one
from ...i18n import N_

NOTE_LIMIT = 1000


def mark_for(event_id):
    return read_one(get_db(), "SELECT * FROM timeline_marks WHERE event_id = ?", [event_id])


@change
def mark_event(actor, family_id, event_id, version, *, significant, note=None, note_for_family=False):
    """Mark a line significant (or not) with a short note; the family sees the note only when it is for them.

    `version` is the mark's version when the form was read; None when there was no mark yet.
    """
    if get_db().execute("SELECT 1 FROM family_events WHERE id = ? AND family_id = ?",
                        [event_id, family_id]).fetchone() is None:
        raise NotFound("family_events")
    rules = Rules()
    note = rules.text("note", note, required=False, max_length=NOTE_LIMIT, multiline=True)
    rules.check(note or not note_for_family, "note_for_family",
                N_("Skriv en note, hvis familien skal kunne se den."))
    rules.done()
    values = {"significant": int(bool(significant)), "note": note, "note_for_family": int(bool(note_for_family)),
              "by_staff_id": actor.id if actor.kind == "staff" else None, "at": now_text()}
    before = mark_for(event_id)
    if before is None:
        if version:
            raise Conflict(None)  # the mark the form showed is gone
        get_db()["timeline_marks"].insert({**values, "family_id": family_id, "event_id": event_id, "version": 0})
    else:
        # A form read before anyone marked the line carries no version: saving it would overwrite that mark.
        update_row("timeline_marks", before["id"], -1 if version is None else version, values)
    # Marking is not an event of the family's story (it would be a line of its own): audited only.
    record(actor, "timeline.marked", family_id, item_kind="family_event", item_id=event_id, event=False,
           significant=values["significant"], note_for_family=values["note_for_family"], note=bool(note))
