"""Issue (or reserve, for a message that makes the URL as it is sent), check, use and revoke sign-in links."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from . import access, audit
from .clock import from_db_time, now_text, to_db_time, utcnow
from .db import get_db, read_one, writing
from ..paths import url_for_message
from ..tokens import TokenExpired, TokenInvalid, hash_id, new_random_id, sign, verify

PURPOSE = {"parent": "parent-sign-in", "staff": "staff-sign-in", "child": "child-sign-in",
           "professional": "professional-sign-in"}
ENDPOINT = {"parent": "sign_in.parent_link", "staff": "sign_in.staff_link", "child": "sign_in.child_link",
            "professional": "sign_in.professional_link"}
# Where a link's person is, and the column that names them.
TABLE = {"parent": ("parents", "name"), "staff": ("staff", "name"), "child": ("children", "first_name"),
         "professional": ("professionals", "name")}
# A child's link is only ever shown by their coordinator in person (a QR code), never sent.
SHOWN_ONLY = ("child",)
MAX_LIFETIME = timedelta(hours=72)
# A link asked for lives at most as long as a rate limit counts (the per-address limit counts its lifetime).
MAX_REQUESTED_LIFETIME = timedelta(hours=1)
# Links of these origins replace only older unused links of the same origin; a link
# a parent asked for replaces none (see reserve).
OWN_ORIGIN = ("notice", "reminder")


def lifetime(origin):
    config = current_app.config
    if origin == "requested":
        return min(timedelta(minutes=config["REQUESTED_LINK_MINUTES"]), MAX_REQUESTED_LIFETIME)
    return min(timedelta(hours=config["SENT_LINK_HOURS"]), MAX_LIFETIME)


def issue(subject_kind, subject_id, *, origin="sent", channel="shown", issued_by_staff_id=None, landing=None):
    """Create a link for a parent, staff member or professional and return its full URL (to show it, or to send it now)."""
    link_id = reserve(subject_kind, subject_id, origin=origin, channel=channel,
                      issued_by_staff_id=issued_by_staff_id, landing=landing)
    return _new_token(link_id, subject_kind)


def reserve(subject_kind, subject_id, *, origin="sent", channel="shown", issued_by_staff_id=None, landing=None,
            expires_at=None):
    """Create a link that no token opens yet and return its id; make_url gives it one when it is sent.

    So a link waiting in the outbox is only a row saying whose it is, who
    sent it and until when it works: neither the database nor its WAL (which
    Litestream copies off the machine) ever holds a token. Its lifetime counts
    from now (when staff asked), or ends at `expires_at` (a parent's request: when
    the request expires), never later than its origin's lifetime from now.

    A link sent by staff replaces the person's older unused links at once. A
    notice's or reminder's link replaces only older links of its own origin. A
    link asked for (by anyone who knows the address) replaces none: it just
    expires, so a stranger's requests never take away a link the parent has,
    nor one staff sent. `landing` ("meeting:12") is where the person lands
    after signing in.
    """
    db = get_db()
    now = utcnow()
    ends = now + lifetime(origin)
    if expires_at is not None:
        ends = min(ends, expires_at)
    with writing(db):
        if origin != "requested":
            db.execute(
                "UPDATE sign_in_links SET revoked_at = ? WHERE subject_kind = ? AND subject_id = ?"
                " AND used_at IS NULL AND revoked_at IS NULL" + (" AND origin = ?" if origin in OWN_ORIGIN else ""),
                [to_db_time(now), subject_kind, subject_id, *([origin] if origin in OWN_ORIGIN else [])],
            )
        link_id = db["sign_in_links"].insert(
            {
                # The hash of a random id nobody keeps: no token opens the link until make_url.
                "token_hash": hash_id(new_random_id()),
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "origin": origin,
                "channel": channel,
                "issued_by_staff_id": issued_by_staff_id,
                "created_at": to_db_time(now),
                "expires_at": to_db_time(ends),
                "landing": landing,
            }
        ).last_pk
    audit.record(
        "sign_in.link_issued",
        actor_kind="staff" if issued_by_staff_id else "system",
        actor_id=issued_by_staff_id,
        family_id=_family_of(subject_kind, subject_id),
        link_id=link_id,
        subject=f"{subject_kind}:{subject_id}",
        origin=origin,
        channel=channel,
    )
    return link_id


def make_url(link_id):
    """Give a link a new token and return Check(None, link, url) - the URL lives only in memory, to be sent.

    A link that is used, revoked or expired, or whose person may no longer
    sign in, gets no token: Check(problem, link). A message tried again gets a
    new token, and the one a failed try made stops working.
    """
    link = read_one(get_db(), "SELECT * FROM sign_in_links WHERE id = ?", [link_id])
    if link is None:
        return Check("invalid")
    if not _may_sign_in(link["subject_kind"], link["subject_id"]):
        return Check("revoked", link)
    url = _new_token(link_id, link["subject_kind"])
    if url is None:
        return Check("used" if link["used_at"] else "revoked" if link["revoked_at"] else "expired", link)
    return Check(None, link, url)


def _new_token(link_id, subject_kind):
    """Store the hash of a new random id for a usable link and return its URL; None if the link is not usable."""
    random_id = new_random_id()
    given = get_db().execute(
        "UPDATE sign_in_links SET token_hash = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL"
        " AND expires_at > ?",
        [hash_id(random_id), link_id, now_text()],
    ).rowcount
    if given != 1:
        return None
    return url_for_message(ENDPOINT[subject_kind], token=sign(PURPOSE[subject_kind], random_id))


@dataclass
class Check:
    """What a token turned out to be."""

    problem: str | None  # None | invalid | expired | used | revoked
    link: dict | None = None
    url: str | None = None  # from make_url: the link's URL, never stored


def check(subject_kind, token):
    """Look a token up without using it (safe for GET)."""
    try:
        random_id = verify(PURPOSE[subject_kind], token, max_age=MAX_LIFETIME.total_seconds())
    except TokenExpired:
        return Check("expired")
    except TokenInvalid:
        return Check("invalid")
    rows = list(get_db()["sign_in_links"].rows_where("token_hash = ?", [hash_id(random_id)]))
    if not rows or rows[0]["subject_kind"] != subject_kind:
        return Check("invalid")
    link = rows[0]
    if link["used_at"]:
        return Check("used", link)
    if link["revoked_at"]:
        return Check("revoked", link)
    if link["subject_kind"] in SHOWN_ONLY and not (link["channel"] == "shown" and link["issued_by_staff_id"]):
        return Check("invalid", link)
    if from_db_time(link["expires_at"]) <= utcnow():
        return Check("expired", link)
    if not _may_sign_in(link["subject_kind"], link["subject_id"]):
        return Check("revoked", link)
    return Check(None, link)


def _may_sign_in(subject_kind, subject_id):
    allowed = access.may_sign_in_sql(subject_kind, "?")
    if allowed is None:
        return False
    return get_db().execute(f"SELECT {allowed}", [subject_id]).fetchone()[0] == 1


def consume(link):
    """Use a link once: True for exactly one caller, however many race."""
    cursor = get_db().execute(
        "UPDATE sign_in_links SET used_at = ? WHERE id = ? AND used_at IS NULL"
        " AND revoked_at IS NULL AND expires_at > ?",
        [now_text(), link["id"], now_text()],
    )
    return cursor.rowcount == 1


def revoke_unused(subject_kind, subject_id):
    """Revoke every unused link of a person, e.g. when their access or contact details change."""
    get_db().execute(
        "UPDATE sign_in_links SET revoked_at = ? WHERE subject_kind = ? AND subject_id = ?"
        " AND used_at IS NULL AND revoked_at IS NULL",
        [now_text(), subject_kind, subject_id],
    )


def subject_name(link):
    table, column = TABLE[link["subject_kind"]]
    return get_db()[table].get(link["subject_id"])[column]


def _family_of(subject_kind, subject_id):
    if subject_kind not in ("parent", "child"):
        return None
    table = "parents" if subject_kind == "parent" else "children"
    row = get_db().execute(f"SELECT family_id FROM {table} WHERE id = ?", [subject_id]).fetchone()
    return row[0] if row else None


def family_of(link):
    return _family_of(link["subject_kind"], link["subject_id"])
