"""Consents with who gave them and their state today."""
from ..clock import today_text
from ..db import get_db, read_rows


# An organisation a parent may see named: that of a person involved in the family who is not hidden from them.
_SEEN_BY_PARENT = (" AND EXISTS (SELECT 1 FROM people_involved pi WHERE pi.family_id = c.family_id"
                   " AND trim(pi.organisation) = co.organisation COLLATE NOCASE"
                   " AND NOT EXISTS (SELECT 1 FROM hidden_from_parents h WHERE h.item_kind = 'person'"
                   " AND h.item_id = pi.id AND h.parent_id = ?))")


def consents(family_id, *, consent_id=None, parent=None):
    """What the parents have agreed may be shared (or only consent_id): in force first, newest first.

    Each with the organisations whose professionals may see the family by it;
    for a `parent`, only organisations of people involved they may see (a
    crisis centre hidden from them is never named, not even here).
    """
    today = today_text()
    rows = list(get_db().query(
        f"""
        SELECT c.*, (SELECT group_concat(p.name, ', ') FROM consent_givers cg JOIN parents p ON p.id = cg.parent_id
                     WHERE cg.consent_id = c.id) AS given_by,
               (SELECT group_concat(co.organisation, char(10)) FROM consent_organisations co
                     WHERE co.consent_id = c.id{_SEEN_BY_PARENT if parent is not None else ""}) AS organisations
        FROM consents c
        WHERE c.family_id = ?{"" if consent_id is None else " AND c.id = ?"}
        ORDER BY c.withdrawn_on IS NOT NULL, c.given_on DESC, c.id DESC
        """,
        [*([] if parent is None else [parent["id"]]), family_id, *([] if consent_id is None else [consent_id])],
    ))
    for row in rows:
        row["organisations"] = sorted((row["organisations"] or "").split("\n"), key=str.casefold) if row["organisations"] else []
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


def network_consent_missing(family_id, on_day):
    """Who has not given a written consent to share information at network meetings, in force on `on_day`.

    Every active parent with custody must have given one; where no custody is
    recorded, one active parent's consent is enough. Returns the parents still
    missing (empty when the rule is met); a family with no active parent
    misses "the parents" (id None).
    """
    day = on_day.isoformat()
    rows = read_rows(
        get_db(),
        """
        SELECT p.id, p.name, p.custody,
               EXISTS (SELECT 1 FROM consent_givers cg JOIN consents c ON c.id = cg.consent_id
                       WHERE cg.parent_id = p.id AND c.family_id = p.family_id
                         AND c.network_meetings = 1 AND c.written = 1 AND c.given_on <= :day
                         AND (c.expires_on IS NULL OR c.expires_on >= :day)
                         AND (c.withdrawn_on IS NULL OR c.withdrawn_on > :day)) AS consented
        FROM parents p WHERE p.family_id = :family AND p.active = 1 ORDER BY p.id
        """,
        {"family": family_id, "day": day},
    )
    custodians = [row for row in rows if row["custody"] == 1]
    if custodians:
        return [row for row in custodians if not row["consented"]]
    if not rows:
        return [{"id": None, "name": _("forældrene"), "custody": None, "consented": 0}]
    return [] if any(row["consented"] for row in rows) else rows



def family_organisations(family_id):
    """The organisations of the family's people involved (now or before), trimmed: what a consent can cover."""
    return sorted({row[0] for row in get_db().execute(
        "SELECT DISTINCT trim(organisation) FROM people_involved WHERE family_id = ?"
        " AND nullif(trim(organisation), '') IS NOT NULL", [family_id])}, key=str.casefold)
