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
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN "
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


@migrations()
def m007_coordinator_workspace(db):
    """What a coordinator writes: drafts and publishing, split families, summaries, plan updates, handovers.

    Every row a coordinator can edit gets a `version`, so a second save over an
    older copy is detected instead of silently winning.
    """
    for table in ("staff", "families", "parents", "children", "people_involved", "meetings", "goals", "plan_items", "consents"):
        db[table].add_column("version", int, not_null_default=0)

    db["staff"].add_column("active", int, not_null_default=1)
    db["families"].add_column("active", int, not_null_default=1)
    # Any change to a family row except its own data_version bump shows on its pages.
    db.execute("DROP TRIGGER family_update_bumps_itself")
    db.execute(
        "CREATE TRIGGER family_update_bumps_itself AFTER UPDATE ON families"
        " WHEN NEW.data_version = OLD.data_version BEGIN"
        " UPDATE families SET data_version = data_version + 1 WHERE id = NEW.id; END"
    )

    # Split families: custody (forældremyndighed) and protected name and address.
    db["parents"].add_column("custody", int)  # 1 yes, 0 no, null not recorded
    db["parents"].add_column("protected", int, not_null_default=0)
    db["parents"].add_column("address", str)
    db["parents"].add_column("active", int, not_null_default=1)
    db["children"].add_column("active", int, not_null_default=1)

    db["people_involved"].add_column("show_contact", int, not_null_default=0)  # family may see phone/e-mail
    db["people_involved"].add_column("removed_at", str)

    # Meetings are drafts until published; a moved meeting remembers where it was.
    db["meetings"].add_column("published_at", str)
    db["meetings"].add_column("previous_starts_at", str)
    db["meetings"].add_column("updated_at", str)
    db["meetings"].add_column("protected_home_parent_id", int, fk="parents")
    db.execute("UPDATE meetings SET published_at = created_at")
    db["meeting_participants"].add_column("follow_up", int, not_null_default=0)

    db["meeting_summaries"].create(
        {
            "id": int,
            "meeting_id": int,
            "going_well": str,  # Det går godt
            "worries": str,  # Det er vi bekymrede for
            "next_steps": str,  # Det skal der ske
            "written_by_staff_id": int,
            "created_at": str,
            "updated_at": str,
            "published_at": str,
            "version": int,
        },
        pk="id",
        not_null={"meeting_id", "created_at", "version"},
        defaults={"version": 0},
        foreign_keys=[("meeting_id", "meetings", "id"), ("written_by_staff_id", "staff", "id")],
    )
    db["meeting_summaries"].create_index(["meeting_id"], unique=True)
    _bump_via_meeting(db, "meeting_summaries")

    # The plan: who is responsible is a person involved or the family; kinds
    # show parallel efforts; an item may come from a meeting and serve a goal.
    db["plan_items"].transform(not_null={"responsible": False})
    for trigger in ("insert", "update", "delete"):
        db.execute(f"DROP TRIGGER IF EXISTS plan_items_{trigger}_bumps_family")
    _bump_for_family_table(db, "plan_items")
    db["plan_items"].add_column("kind", str)
    db["plan_items"].add_column("responsible_person_id", int, fk="people_involved")
    db["plan_items"].add_column("responsible_family", int, not_null_default=0)
    db["plan_items"].add_column("goal_id", int, fk="goals")
    db["plan_items"].add_column("meeting_id", int, fk="meetings")
    db["plan_items"].add_column("due_on", str)  # YYYY-MM-DD: done by
    db["plan_items"].add_column("updated_at", str)

    db["action_points"].create(
        {
            "id": int,
            "meeting_id": int,
            "what": str,
            "responsible_person_id": int,
            "responsible_family": int,
            "due_on": str,
            "plan_item_id": int,  # set when published into the plan
            "created_at": str,
        },
        pk="id",
        not_null={"meeting_id", "what", "created_at", "responsible_family"},
        defaults={"responsible_family": 0},
        foreign_keys=[
            ("meeting_id", "meetings", "id"),
            ("responsible_person_id", "people_involved", "id"),
            ("plan_item_id", "plan_items", "id"),
        ],
    )
    db["action_points"].create_index(["meeting_id"])
    _bump_via_meeting(db, "action_points")

    db["goals"].add_column("updated_at", str)
    db["goal_scores"].add_column("note", str)
    # Staff never edit a parent's words: they comment or change the status, recorded here.
    db["goal_notes"].create(
        {
            "id": int,
            "goal_id": int,
            "text": str,
            "status_from": str,
            "status_to": str,
            "written_by_staff_id": int,
            "created_at": str,
        },
        pk="id",
        not_null={"goal_id", "created_at"},
        foreign_keys=[("goal_id", "goals", "id"), ("written_by_staff_id", "staff", "id")],
    )
    db["goal_notes"].create_index(["goal_id"])
    _bump_via(db, "goal_notes", "SELECT family_id FROM goals WHERE id = {}.goal_id")

    # Consents: given by one or more parents, written or oral, and whether
    # they cover network meetings.
    db["consents"].add_column("network_meetings", int, not_null_default=0)
    db["consents"].add_column("written", int, not_null_default=1)
    db["consents"].add_column("withdrawn_reason", str)
    db["consent_givers"].create(
        {"id": int, "consent_id": int, "parent_id": int},
        pk="id",
        not_null={"consent_id", "parent_id"},
        foreign_keys=[("consent_id", "consents", "id"), ("parent_id", "parents", "id")],
    )
    db["consent_givers"].create_index(["consent_id", "parent_id"], unique=True)
    db.execute("INSERT INTO consent_givers (consent_id, parent_id) SELECT id, given_by_parent_id FROM consents")
    db["consents"].transform(drop={"given_by_parent_id"})
    for trigger in ("insert", "update", "delete"):
        db.execute(f"DROP TRIGGER IF EXISTS consents_{trigger}_bumps_family")
    _bump_for_family_table(db, "consents")
    _bump_via(db, "consent_givers", "SELECT family_id FROM consents WHERE id = {}.consent_id")

    db["plan_updates"].create(
        {
            "id": int,
            "family_id": int,
            "body": str,  # Markdown, rendered through portal.web.markdown only
            "written_by_staff_id": int,
            "created_at": str,
            "updated_at": str,
            "published_at": str,
            "version": int,
        },
        pk="id",
        not_null={"family_id", "body", "created_at", "version"},
        defaults={"version": 0},
        foreign_keys=[("family_id", "families", "id"), ("written_by_staff_id", "staff", "id")],
    )
    db["plan_updates"].create_index(["family_id", "published_at"])
    _bump_for_family_table(db, "plan_updates")

    # A meeting, plan item or update that a named parent must not see.
    db["hidden_from_parents"].create(
        {"id": int, "family_id": int, "item_kind": str, "item_id": int, "parent_id": int},
        pk="id",
        not_null={"family_id", "item_kind", "item_id", "parent_id"},
        foreign_keys=[("family_id", "families", "id"), ("parent_id", "parents", "id")],
    )
    db["hidden_from_parents"].create_index(["item_kind", "item_id", "parent_id"], unique=True)
    db["hidden_from_parents"].create_index(["family_id"])
    _bump_for_family_table(db, "hidden_from_parents")

    db["handovers"].create(
        {
            "id": int,
            "family_id": int,
            "from_staff_id": int,
            "to_staff_id": int,
            "effective_on": str,  # YYYY-MM-DD
            "notice_until": str,  # the parent's home page tells them until this date
            "by_staff_id": int,
            "created_at": str,
        },
        pk="id",
        not_null={"family_id", "from_staff_id", "to_staff_id", "effective_on", "notice_until", "created_at"},
        foreign_keys=[
            ("family_id", "families", "id"),
            ("from_staff_id", "staff", "id"),
            ("to_staff_id", "staff", "id"),
            ("by_staff_id", "staff", "id"),
        ],
    )
    db["handovers"].create_index(["family_id", "effective_on"])
    _bump_for_family_table(db, "handovers")

    # What changed in a family, written by every change (portal.data.changes)
    # and never edited: "Nyt siden sidst" for parents, "Nyt fra familien" for staff.
    db["family_events"].create(
        {
            "id": int,
            "family_id": int,
            "at": str,
            "kind": str,  # e.g. meeting.published, goal.added
            "item_kind": str,  # meeting | plan_item | plan_update | goal | consent | family | person
            "item_id": int,
            "actor_kind": str,  # staff | parent | system
            "actor_id": int,
            "for_family": int,  # 1: the family's own pages may show it
            "detail": str,  # JSON
        },
        pk="id",
        not_null={"family_id", "at", "kind", "actor_kind", "for_family"},
        foreign_keys=[("family_id", "families", "id")],
    )
    db["family_events"].create_index(["family_id", "at"])
    _bump_for_family_table(db, "family_events")

    # What a staff member has been shown of a family: parents' additions after
    # that event (by id, so nothing added in the same second is lost) are new.
    db["staff_family_seen"].create(
        {"staff_id": int, "family_id": int, "seen_event_id": int, "seen_at": str},
        pk=("staff_id", "family_id"),
        not_null={"seen_event_id", "seen_at"},
        foreign_keys=[("staff_id", "staff", "id"), ("family_id", "families", "id")],
    )

    db["goals"].create_index(["family_id", "status"])
    db["plan_items"].create_index(["family_id", "status", "due_on"])
    db["meetings"].create_index(["family_id", "status", "starts_at"])

    # Adding a column with a foreign key rebuilds the table, and a rebuilt
    # table has lost its triggers: make sure every family table has them.
    for table in (*_FAMILY_TABLES, "consents", "plan_items", "plan_updates", "hidden_from_parents", "handovers",
                  "family_events"):
        _bump_for_family_table(db, table)
    for table in ("meeting_participants", "agenda_points", "meeting_summaries", "action_points"):
        _bump_via_meeting(db, table)
    _bump_via(db, "goal_scores", "SELECT family_id FROM goals WHERE id = {}.goal_id")
    _bump_via(db, "goal_notes", "SELECT family_id FROM goals WHERE id = {}.goal_id")


@migrations()
def m008_outbox(db):
    """Every e-mail and SMS waits here until a worker has sent it: never lost, never sent by two workers."""
    db["outbox"].create(
        {
            "id": int,
            "channel": str,  # email | sms
            "recipient": str,
            "subject": str,
            "body": str,  # blanked once sent or given up: it may hold a sign-in link
            "purpose": str,  # sign_in_link
            "family_id": int,  # whose coordinator sees the message's state
            "parent_id": int,
            "staff_id": int,
            "created_at": str,
            "expires_at": str,  # not worth sending after this (the link has expired)
            "attempts": int,
            "next_attempt_at": str,
            "claimed_by": str,  # the worker sending it now
            "claimed_until": str,  # a worker killed mid-send lets go at this time
            "sent_at": str,
            "failed_at": str,  # given up: shown to the coordinator
            "last_error": str,  # the kind of error only, never an address
        },
        pk="id",
        not_null={"channel", "recipient", "created_at", "attempts", "next_attempt_at"},
        defaults={"attempts": 0},
    )
    db["outbox"].create_index(["sent_at", "failed_at", "next_attempt_at"])
    db["outbox"].create_index(["family_id", "created_at"])


@migrations()
def m009_previous_visit(db):
    """When the person was last seen before this session began: what is new to them is after it."""
    db["sessions"].add_column("previous_visit_at", str)


@migrations()
def m010_no_page_cache(db):
    """The page cache is gone (issue 9: pages render fast enough without it), and with it families.data_version.

    Its triggers made every write to a family's tables also update the family's
    row; nothing else reads the version.
    """
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%data_version%'"
    ).fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("ALTER TABLE families DROP COLUMN data_version")


@migrations()
def m011_meeting_replies_and_calendar_feeds(db):
    """A parent's answer to a meeting ("Jeg kommer" / "Jeg kan ikke komme"), and each parent's calendar feed."""
    db["meeting_replies"].create(
        {
            "id": int,
            "family_id": int,
            "meeting_id": int,
            "parent_id": int,
            "answer": str,  # coming | not_coming
            "reason": str,  # why they cannot come, in their own words, stored exactly as written
            "answered_at": str,
        },
        pk="id",
        not_null={"family_id", "meeting_id", "parent_id", "answer", "answered_at"},
        foreign_keys=[("family_id", "families", "id"), ("meeting_id", "meetings", "id"), ("parent_id", "parents", "id")],
    )
    db["meeting_replies"].create_index(["meeting_id", "parent_id"], unique=True)
    # The caseload counts "kan ikke komme" per family.
    db["meeting_replies"].create_index(["family_id", "answer"])

    # The database holds the SHA-256 of a feed's token and a random seed that
    # makes the token only together with the secret key: never the token.
    db["calendar_feeds"].create(
        {
            "id": int,
            "parent_id": int,
            "seed": str,
            "token_hash": str,
            "created_at": str,
            "replaced_at": str,  # a new link was made: this one answers 404 from then on
        },
        pk="id",
        not_null={"parent_id", "seed", "token_hash", "created_at"},
        foreign_keys=[("parent_id", "parents", "id")],
    )
    db["calendar_feeds"].create_index(["token_hash"], unique=True)
    db["calendar_feeds"].create_index(["parent_id", "replaced_at"])


@migrations()
def m012_closed_families(db):
    """families.closed_at: a closed case (issue 10). Its parents lose access; `familieportal retention` deletes it later."""
    db["families"].add_column("closed_at", str)
    db["families"].create_index(["closed_at"])


@migrations()
def m013_notices(db):
    """Notices to parents: their choice of channel, the queue of notices and reminders, and where a link lands.

    A notice gathers one parent's changes for 15 minutes (one open notice per
    parent); a reminder is made once per meeting, parent and start time. The
    cursor remembers the last family event turned into notices, so a killed
    worker neither loses nor repeats one.
    """
    db["parents"].add_column("notices_by", str)  # sms | email | none; null: the channel they have
    db["notices"].create(
        {
            "id": int,
            "family_id": int,
            "parent_id": int,
            "kind": str,  # changes | reminder
            "topics": str,  # changes: space-separated, e.g. "meeting plan"
            "meeting_id": int,  # reminder: the meeting, and its start when reminded
            "meeting_starts_at": str,
            "first_at": str,  # the first change (or when the reminder was made)
            "due_at": str,  # first change + 15 min; SMS pushed out of the night
            "done_at": str,  # turned into an outbox row, or skipped
            "outbox_id": int,
            "skipped": str,  # why nothing was sent: none | no_contact | no_access | meeting_gone
        },
        pk="id",
        not_null={"family_id", "parent_id", "kind", "first_at", "due_at"},
        foreign_keys=[("family_id", "families", "id"), ("parent_id", "parents", "id"),
                      ("meeting_id", "meetings", "id"), ("outbox_id", "outbox", "id")],
    )
    # One open notice of changes per parent: new changes join it.
    db.execute("CREATE UNIQUE INDEX notices_one_open_per_parent ON notices (parent_id)"
               " WHERE kind = 'changes' AND done_at IS NULL")
    # One reminder per meeting, parent and start time: a moved meeting gets a new one.
    db.execute("CREATE UNIQUE INDEX notices_one_reminder ON notices (meeting_id, parent_id, meeting_starts_at)"
               " WHERE kind = 'reminder'")
    db["notices"].create_index(["done_at", "due_at"])
    db["notices"].create_index(["family_id", "id"])
    db["notices"].create_index(["parent_id", "id"])
    db["notice_cursor"].create({"id": int, "last_event_id": int}, pk="id", not_null={"last_event_id"})
    # Events before the notices existed are not news any more.
    db.execute("INSERT INTO notice_cursor (id, last_event_id) SELECT 1, coalesce(max(id), 0) FROM family_events")
    db["sign_in_links"].add_column("landing", str)  # e.g. "meeting:12": where the parent lands after signing in


@migrations()
def m014_timeline_marks(db):
    """A coordinator's mark on a line of the family's timeline: significant, and a short note on what it meant.

    The lines themselves are family_events, never edited; a mark is the only
    thing written about them (one per event), and a parent sees its note only
    when it is marked for the family.
    """
    db["timeline_marks"].create(
        {
            "id": int,
            "family_id": int,
            "event_id": int,
            "significant": int,  # 1: a significant event in the child's story
            "note": str,  # what it meant for the child, written by staff
            "note_for_family": int,  # 1: the family's own timeline shows the mark and the note
            "by_staff_id": int,
            "at": str,
            "version": int,
        },
        pk="id",
        not_null={"family_id", "event_id", "significant", "note_for_family", "at", "version"},
        defaults={"significant": 0, "note_for_family": 0, "version": 0},
        foreign_keys=[("family_id", "families", "id"), ("event_id", "family_events", "id"),
                      ("by_staff_id", "staff", "id")],
    )
    db["timeline_marks"].create_index(["event_id"], unique=True)
    db["timeline_marks"].create_index(["family_id"])


@migrations()
def m015_closed_families_partial_index(db):
    """Index only closed families' closed_at (what `familieportal retention` looks for).

    A full index on closed_at made SQLite read every open family ("closed_at IS
    NULL") for a coordinator's caseload instead of only theirs: 2.1 times slower
    at 10,000 families than at 100. A partial index cannot serve "IS NULL".
    """
    db.execute("DROP INDEX IF EXISTS idx_families_closed_at")
    db.execute("CREATE INDEX idx_families_closed_at ON families (closed_at) WHERE closed_at IS NOT NULL")


@migrations()
def m016_outbox_link_id(db):
    """outbox.link_id: a sign-in message names its link; the worker makes the link's URL as it sends it.

    Until now the message's text, link and all, waited in outbox.body, so the
    database, its WAL and Litestream's copies held usable tokens. So every
    unused link that went out that way (sent or asked for, by e-mail or SMS)
    stops working now - a parent asks for a new one, or the coordinator sends
    one - and a message of that kind still waiting is given up (its coordinator
    sees that) with its text dropped. Notices' links were never stored.
    """
    db["outbox"].add_column("link_id", int)  # purpose sign_in_link: the sign_in_links row it carries
    db.execute("UPDATE sign_in_links SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
               " WHERE used_at IS NULL AND revoked_at IS NULL"
               " AND origin IN ('sent', 'requested') AND channel IN ('email', 'sms')")
    db.execute("UPDATE outbox SET failed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), last_error = 'revoked',"
               " body = NULL, claimed_until = NULL"
               " WHERE purpose = 'sign_in_link' AND sent_at IS NULL AND failed_at IS NULL")
