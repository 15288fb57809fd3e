"""Staff accounts, for the admin's pages and the choice of a contact person."""
from ..db import get_db


def accounts():
    return list(get_db().query(
        """
        SELECT s.*, cover.name AS cover_name,
               (SELECT count(*) FROM families f WHERE f.coordinator_id = s.id AND f.active = 1) AS families
        FROM staff s LEFT JOIN staff cover ON cover.id = s.covered_by_id
        ORDER BY s.active DESC, s.name COLLATE NOCASE
        """
    ))


def account(staff_id):
    return next(get_db().query("SELECT * FROM staff WHERE id = ?", [staff_id]), None)


def active_choices(exclude=None):
    """[(id, "Name, department")] of active staff, for a select."""
    return [(row["id"], row["name"] + (f", {row['department']}" if row["department"] else ""))
            for row in get_db().query("SELECT id, name, department FROM staff WHERE active = 1 AND id != ?"
                                      " ORDER BY name COLLATE NOCASE", [exclude or 0])]


def by_sign_in_name(value):
    """Staff whose e-mail address is `value` in any case (what single sign-on matches on), active or not."""
    return list(get_db().query("SELECT * FROM staff WHERE lower(email) = lower(?)", [value.strip()]))
