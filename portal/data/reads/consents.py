"""Consents with who gave them and their state today."""
from ..clock import today_text
from ..db import get_db


def consents(family_id):
    """What the parents have agreed may be shared: in force first, newest first."""
    today = today_text()
    rows = list(get_db().query(
        """
        SELECT c.*, (SELECT group_concat(p.name, ', ') FROM consent_givers cg JOIN parents p ON p.id = cg.parent_id
                     WHERE cg.consent_id = c.id) AS given_by
        FROM consents c
        WHERE c.family_id = ?
        ORDER BY c.withdrawn_on IS NOT NULL, c.given_on DESC, c.id DESC
        """,
        [family_id],
    ))
    for row in rows:
        if row["withdrawn_on"]:
            row["state"] = "withdrawn"
        elif row["expires_on"] and row["expires_on"] < today:
            row["state"] = "expired"
        elif row["given_on"] > today:
            row["state"] = "future"
        else:
            row["state"] = "active"
    return rows
