"""Consents with who gave them and their state today."""
from ..clock import today_text
from ..db import get_db


def consents(family_id, *, consent_id=None):
    """What the parents have agreed may be shared (or only consent_id): in force first, newest first."""
    today = today_text()
    rows = list(get_db().query(
        f"""
        SELECT c.*, (SELECT group_concat(p.name, ', ') FROM consent_givers cg JOIN parents p ON p.id = cg.parent_id
                     WHERE cg.consent_id = c.id) AS given_by
        FROM consents c
        WHERE c.family_id = ?{"" if consent_id is None else " AND c.id = ?"}
        ORDER BY c.withdrawn_on IS NOT NULL, c.given_on DESC, c.id DESC
        """,
        [family_id] if consent_id is None else [family_id, consent_id],
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


def consent(family_id, consent_id):
    """One consent as consents() has it; None if not in the family."""
    return next(iter(consents(family_id, consent_id=consent_id)), None)
