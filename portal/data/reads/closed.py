"""Closed cases: when each was closed, until when it may be reopened and when `familieportal retention` deletes it."""
from datetime import timedelta

from .. import access, clock
from ..clock import from_db_time, to_db_time, today_text
from ..db import get_db
from ...settings import retention_days


def deleted_at(closed_at):
    """When a family closed at `closed_at` (UTC text) is deleted: the first daily run after this moment."""
    return to_db_time(from_db_time(closed_at) + timedelta(days=retention_days()))


def reopenable(closed_at, now=None):
    """A closed case may be opened again until the moment it is due for deletion."""
    return (now or clock.utcnow()) < from_db_time(deleted_at(closed_at))


def closed_families(staff_id):
    """The closed families the staff member may see (an admin: all), soonest deleted first."""
    rows = list(get_db().query(
        f"SELECT f.id, f.name, f.closed_at, c.name AS coordinator_name FROM families f"
        f" JOIN staff c ON c.id = f.coordinator_id"
        f" WHERE f.closed_at IS NOT NULL AND {access.staff_families_sql('f')} ORDER BY f.closed_at, f.id",
        {"staff": staff_id, "today": today_text()},
    ))
    for row in rows:
        row["deleted_at"] = deleted_at(row["closed_at"])
        row["reopenable"] = reopenable(row["closed_at"])
    return rows
