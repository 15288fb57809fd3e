"""Ordered schema migrations, recorded in the database by sqlite-utils."""
from sqlite_utils import Migrations

migrations = Migrations("familieportal")


@migrations()
def m001_core(db):
    """Staff, families, parents, children, people involved, meetings, goals."""
    db["staff"].create(
        {
            "id": int,
            "name": str,
            "title": str,
            "department": str,
            "email": str,
            "phone": str,
            "reachable": str,  # when they can be reached, in their own words
            "role": str,  # coordinator | admin
            "covered_by_id": int,  # who covers while they are away
            "away_until": str,  # date (YYYY-MM-DD) while away, else null
            "created_at": str,
        },
        pk="id",
        not_null={"name", "email", "role", "created_at"},
        defaults={"role": "coordinator"},
        foreign_keys=[("covered_by_id", "staff", "id")],
    )
    db["staff"].create_index(["email"], unique=True)

    db["families"].create(
        {"id": int, "name": str, "coordinator_id": int, "created_at": str},
        pk="id",
        not_null={"name", "coordinator_id", "created_at"},
        foreign_keys=[("coordinator_id", "staff", "id")],
    )
    db["families"].create_index(["coordinator_id"])

    db["parents"].create(
        {
            "id": int,
            "family_id": int,
            "name": str,
            "relation": str,  # mor, far, værge ...
            "email": str,
            "phone": str,  # normalised: digits with country code, e.g. +4512345678
            "can_sign_in": int,
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "name", "can_sign_in", "created_at"},
        defaults={"can_sign_in": 1},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["parents"].create_index(["family_id"])
    db["parents"].create_index(["email"])
    db["parents"].create_index(["phone"])

    db["children"].create(
        {"id": int, "family_id": int, "first_name": str, "birth_year": int},
        pk="id",
        not_null={"family_id", "first_name"},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["children"].create_index(["family_id"])

    db["people_involved"].create(
        {
            "id": int,
            "family_id": int,
            "name": str,
            "role": str,
            "organisation": str,
            "phone": str,
            "email": str,
        },
        pk="id",
        not_null={"family_id", "name", "role"},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["people_involved"].create_index(["family_id"])

    db["meetings"].create(
        {
            "id": int,
            "family_id": int,
            "kind": str,  # network | follow_up | conversation | home_visit
            "starts_at": str,  # UTC, 2026-12-03T09:00:00Z
            "ends_at": str,
            "place": str,
            "purpose": str,
            "status": str,  # planned | cancelled | held
            "cancelled_reason": str,
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "kind", "starts_at", "status", "created_at"},
        defaults={"status": "planned"},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["meetings"].create_index(["family_id", "starts_at"])

    # Exactly one of person_involved_id, parent_id, staff_id is set.
    db["meeting_participants"].create(
        {
            "id": int,
            "meeting_id": int,
            "person_involved_id": int,
            "parent_id": int,
            "staff_id": int,
        },
        pk="id",
        not_null={"meeting_id"},
        foreign_keys=[
            ("meeting_id", "meetings", "id"),
            ("person_involved_id", "people_involved", "id"),
            ("parent_id", "parents", "id"),
            ("staff_id", "staff", "id"),
        ],
    )
    db["meeting_participants"].create_index(["meeting_id"])

    db["goals"].create(
        {
            "id": int,
            "family_id": int,
            "text": str,  # the family's own words, stored exactly as written
            "written_by_parent_id": int,
            "written_by_staff_id": int,  # with the family, e.g. at a meeting
            "for_child_id": int,
            "for_parent_id": int,  # neither set: the whole family
            "status": str,  # active | reached | paused
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "text", "status", "created_at"},
        defaults={"status": "active"},
        foreign_keys=[
            ("family_id", "families", "id"),
            ("written_by_parent_id", "parents", "id"),
            ("written_by_staff_id", "staff", "id"),
            ("for_child_id", "children", "id"),
            ("for_parent_id", "parents", "id"),
        ],
    )
    db["goals"].create_index(["family_id", "created_at"])


@migrations()
def m002_sign_in(db):
    """Sign-in links, sessions, rate limits and the audit log."""
    db["sign_in_links"].create(
        {
            "id": int,
            "token_hash": str,  # sha256 of the random id in the token; never the token
            "subject_kind": str,  # parent | staff
            "subject_id": int,
            "origin": str,  # requested (by the parent) | sent (by staff)
            "channel": str,  # email | sms | shown
            "issued_by_staff_id": int,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"token_hash", "subject_kind", "subject_id", "origin", "created_at", "expires_at"},
        foreign_keys=[("issued_by_staff_id", "staff", "id")],
    )
    db["sign_in_links"].create_index(["token_hash"], unique=True)
    db["sign_in_links"].create_index(["subject_kind", "subject_id"])

    db["sessions"].create(
        {
            "id_hash": str,  # sha256 of the session id in the signed cookie
            "user_kind": str,  # parent | staff
            "user_id": int,
            "created_at": str,
            "last_seen_at": str,
            "ended_at": str,
        },
        pk="id_hash",
        not_null={"user_kind", "user_id", "created_at", "last_seen_at"},
    )
    db["sessions"].create_index(["user_kind", "user_id"])

    db["rate_limit_hits"].create({"bucket": str, "at": str}, not_null={"bucket", "at"})
    db["rate_limit_hits"].create_index(["bucket", "at"])

    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "actor_kind": str,  # parent | staff | system | anonymous
            "actor_id": int,
            "action": str,
            "family_id": int,
            "detail": str,
        },
        pk="id",
        not_null={"at", "action"},
    )
    db["audit_log"].create_index(["family_id", "at"])
    db["audit_log"].create_index(["action", "at"])


# Tables whose rows belong to one family: a write to any of them changes
# what that family's pages show.
_FAMILY_TABLES = ("goals", "meetings", "people_involved", "parents", "children")


@migrations()
def m003_family_data_version(db):
    """families.data_version: bumped by triggers on every write a family's pages show.

    Pages may cache what they render for a family under its data_version; the
    triggers make sure no write, from any code path, leaves a stale page.
    """
    db["families"].add_column("data_version", int, not_null_default=0)

    for table in _FAMILY_TABLES:
        _bump_for_family_table(db, table)
    _bump_via_meeting(db, "meeting_participants")
    # A contact person's details, or those of whoever covers for them.
    _bump_trigger(db, "staff_update_bumps_families", "staff", "UPDATE",
         "SELECT id FROM families WHERE coordinator_id = NEW.id"
         " OR coordinator_id IN (SELECT id FROM staff WHERE covered_by_id = NEW.id)")
    _bump_trigger(db, "family_update_bumps_itself", "families", "UPDATE OF name, coordinator_id", "NEW.id")


def _bump_trigger(db, name, table, event, family_ids):
    """A trigger that bumps data_version of the families `family_ids` selects."""
    # Names come from this module only; SQL cannot take identifiers as parameters.
    db.execute(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
        f"UPDATE families SET data_version = data_version + 1 WHERE id IN ({family_ids}); END"
    )


def _bump_for_family_table(db, table):
    """Triggers for a table whose rows carry family_id."""
    _bump_trigger(db, f"{table}_insert_bumps_family", table, "INSERT", "NEW.family_id")
    _bump_trigger(db, f"{table}_update_bumps_family", table, "UPDATE", "OLD.family_id, NEW.family_id")
    _bump_trigger(db, f"{table}_delete_bumps_family", table, "DELETE", "OLD.family_id")


def _bump_via_meeting(db, table):
    """Triggers for a table whose rows belong to a family through meeting_id."""
    _bump_via(db, table, "SELECT family_id FROM meetings WHERE id = {}.meeting_id")


def _bump_via(db, table, via):
    """Triggers for a table whose rows reach their family through `via` ({} is NEW or OLD)."""
    _bump_trigger(db, f"{table}_insert_bumps_family", table, "INSERT", via.format("NEW"))
    _bump_trigger(db, f"{table}_update_bumps_family", table, "UPDATE", via.format("OLD") + " UNION " + via.format("NEW"))
    _bump_trigger(db, f"{table}_delete_bumps_family", table, "DELETE", via.format("OLD"))


@migrations()
def m004_agenda_points(db):
    """Agenda points: what a parent wants to talk about at a meeting, in their own words."""
    db["agenda_points"].create(
        {
            "id": int,
            "meeting_id": int,
            "text": str,  # stored exactly as written
            "written_by_parent_id": int,
            "written_by_staff_id": int,
            "created_at": str,
        },
        pk="id",
        not_null={"meeting_id", "text", "created_at"},
        foreign_keys=[
            ("meeting_id", "meetings", "id"),
            ("written_by_parent_id", "parents", "id"),
            ("written_by_staff_id", "staff", "id"),
        ],
    )
    db["agenda_points"].create_index(["meeting_id"])
    _bump_via_meeting(db, "agenda_points")


@migrations()
def m005_consents(db):
    """Consents: what a parent agreed may be shared, between whom, and until when."""
    db["consents"].create(
        {
            "id": int,
            "family_id": int,
            "given_by_parent_id": int,
            "shared_between": str,  # who may share, e.g. "Skolen, PPR og Børn og Familie"
            "information": str,  # what may be shared
            "purpose": str,  # why
            "given_on": str,  # YYYY-MM-DD
            "expires_on": str,  # YYYY-MM-DD, or null
            "withdrawn_on": str,  # YYYY-MM-DD, or null
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "given_by_parent_id", "shared_between", "information", "given_on", "created_at"},
        foreign_keys=[("family_id", "families", "id"), ("given_by_parent_id", "parents", "id")],
    )
    db["consents"].create_index(["family_id"])
    _bump_for_family_table(db, "consents")


@migrations()
def m006_plan_and_progress(db):
    """The family's one plan (who does what, when) and goal follow-up on a 0–10 scale."""
    db["plan_items"].create(
        {
            "id": int,
            "family_id": int,
            "what": str,  # the effort (indsats), in plain words
            "responsible": str,  # who does it: a person, a department or the family
            "when_text": str,  # when, in plain words: "Hver tirsdag", "Fra januar"
            "status": str,  # planned | active | done | stopped
            "sort_order": int,
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "what", "responsible", "status", "created_at"},
        defaults={"status": "planned", "sort_order": 0},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["plan_items"].create_index(["family_id", "sort_order"])
    _bump_for_family_table(db, "plan_items")

    # Signs of Safety scaling: "on a scale from 0 to 10, where are we now?"
    db["goal_scores"].create(
        {
            "id": int,
            "goal_id": int,
            "score": int,
            "noted_on": str,  # YYYY-MM-DD
            "noted_by_staff_id": int,
            "created_at": str,
        },
        pk="id",
        not_null={"goal_id", "score", "noted_on", "created_at"},
        foreign_keys=[("goal_id", "goals", "id"), ("noted_by_staff_id", "staff", "id")],
    )
    db["goal_scores"].create_index(["goal_id", "noted_on"])
    db.execute("CREATE TRIGGER goal_scores_score_range BEFORE INSERT ON goal_scores"
               " WHEN NEW.score NOT BETWEEN 0 AND 10 BEGIN SELECT RAISE(ABORT, 'score must be 0-10'); END")
    _bump_via(db, "goal_scores", "SELECT family_id FROM goals WHERE id = {}.goal_id")
