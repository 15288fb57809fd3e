"""The write side (portal/data/changes): each change checks the domain's rules, is audited, and never loses data."""
from datetime import date, time, timedelta

import pytest

from portal.data.changes import Actor, Conflict, Invalid, NotFound
from portal.data.changes import consents, families, goals, meetings, people, plan, staff, summaries
from portal.data.clock import LOCAL_ZONE, NoSuchLocalTime, from_local, today
from portal.data.db import get_db
from portal.data.reads import meetings as meeting_reads
from portal.demo import _at

from conftest import (
    CANCELLED_VISIT, FOLLOW_UP, HELD_NETWORK, JONAS, MARTIN, METTE, NADIA, NEXT_NETWORK, PETER, SARA, SPLIT, THOMAS,
)

METTE_ACTS = Actor("staff", METTE)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield get_db()


def audit_actions(db, family_id):
    return [row[0] for row in db.execute("SELECT action FROM audit_log WHERE family_id = ? ORDER BY id", [family_id])]


def new_family(name="Familien Test", with_consent=False, custody=True):
    family_id = families.create_family(METTE_ACTS, name=name, coordinator_id=METTE)
    mother = families.add_parent(METTE_ACTS, family_id, name="Mor Test", email=f"mor.{family_id}@example.dk",
                                 can_sign_in=True, custody=custody)
    father = families.add_parent(METTE_ACTS, family_id, name="Far Test", email=f"far.{family_id}@example.dk",
                                 can_sign_in=True, custody=custody)
    person = people.add_person(METTE_ACTS, family_id, name="Lise Lærer", role="Lærer", organisation="Skolen")
    if with_consent:
        consents.record_consent(METTE_ACTS, family_id, given_by=[mother, father], network_meetings=True,
                                information="Alt om hverdagen", shared_between="Netværket",
                                given_on=today() - timedelta(days=10))
    return family_id, mother, father, person


def network(family_id, participants, follow_up=None, publish=True, days=7, **extra):
    return meetings.create_meeting(METTE_ACTS, family_id, kind="network", starts_at=_at(days, 10),
                                   ends_at=_at(days, 11), place="Rådhuset", participants=participants,
                                   follow_up=follow_up, publish=publish, **extra)


# Network meetings: written consent from the parents, and one responsible for follow-up.

def test_a_network_meeting_cannot_be_published_without_written_consent(ctx):
    family_id, mother, father, person = new_family()
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"parent:{mother}", f"person:{person}"], follow_up=f"person:{person}")
    assert "skriftligt samtykke" in refused.value.errors["consent"]
    assert "Mor Test" in refused.value.errors["consent"] and "Far Test" in refused.value.errors["consent"]
    assert ctx.execute("SELECT count(*) FROM meetings WHERE family_id = ?", [family_id]).fetchone()[0] == 0
    # A draft may be saved; the family does not see it.
    draft = network(family_id, [f"parent:{mother}"], publish=False)
    assert ctx["meetings"].get(draft)["published_at"] is None


def test_every_parent_with_custody_must_have_consented(ctx):
    family_id, mother, father, person = new_family()
    consents.record_consent(METTE_ACTS, family_id, given_by=[mother], network_meetings=True,
                            information="Hverdagen", shared_between="Netværket")
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"person:{person}"], follow_up=f"person:{person}")
    assert "Far Test" in refused.value.errors["consent"] and "Mor Test" not in refused.value.errors["consent"]
    consents.record_consent(METTE_ACTS, family_id, given_by=[father], network_meetings=True,
                            information="Hverdagen", shared_between="Netværket")
    assert network(family_id, [f"person:{person}"], follow_up=f"person:{person}")


def test_oral_expired_withdrawn_or_other_consents_do_not_count(ctx):
    family_id, mother, father, person = new_family()
    given = today() - timedelta(days=30)
    consents.record_consent(METTE_ACTS, family_id, given_by=[mother, father], network_meetings=True, written=False,
                            information="Mundtligt", shared_between="Netværket", given_on=given)
    consents.record_consent(METTE_ACTS, family_id, given_by=[mother, father], network_meetings=True,
                            information="Udløber", shared_between="Netværket", given_on=given,
                            expires_on=today() + timedelta(days=3))  # before the meeting in 7 days
    consents.record_consent(METTE_ACTS, family_id, given_by=[mother, father], network_meetings=False,
                            information="Kun skolen", shared_between="Skolen", given_on=given)
    withdrawn = consents.record_consent(METTE_ACTS, family_id, given_by=[mother, father], network_meetings=True,
                                        information="Trukket", shared_between="Netværket", given_on=given)
    consents.withdraw_consent(METTE_ACTS, family_id, withdrawn, 0)
    with pytest.raises(Invalid):
        network(family_id, [f"person:{person}"], follow_up=f"person:{person}")


def test_without_recorded_custody_one_parents_written_consent_is_enough(ctx):
    family_id, mother, father, person = new_family(custody=None)
    consents.record_consent(METTE_ACTS, family_id, given_by=[father], network_meetings=True,
                            information="Hverdagen", shared_between="Netværket")
    assert network(family_id, [f"person:{person}"], follow_up=f"person:{person}")


def test_a_network_meeting_names_one_responsible_for_follow_up_among_its_participants(ctx):
    family_id, mother, father, person = new_family(with_consent=True)
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"parent:{mother}", f"person:{person}"])
    assert "ansvarlig for opfølgning" in refused.value.errors["follow_up"]
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"parent:{mother}"], follow_up=f"person:{person}")
    assert "follow_up" in refused.value.errors
    meeting_id = network(family_id, [f"parent:{mother}", f"person:{person}"], follow_up=f"person:{person}")
    rows = ctx.execute("SELECT person_involved_id FROM meeting_participants WHERE meeting_id = ? AND follow_up = 1",
                       [meeting_id]).fetchall()
    assert rows == [(person,)]


def test_meeting_participants_must_belong_to_the_family(ctx):
    family_id, mother, father, person = new_family(with_consent=True)
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"parent:{SARA}", f"person:{person}"], follow_up=f"person:{person}")
    assert "participants" in refused.value.errors


def test_a_meeting_cannot_be_hidden_from_a_parent_who_takes_part(ctx):
    family_id, mother, father, person = new_family(with_consent=True)
    with pytest.raises(Invalid) as refused:
        network(family_id, [f"parent:{mother}", f"person:{person}"], follow_up=f"person:{person}", hidden_from=[mother])
    assert "hidden_from" in refused.value.errors
    meeting_id = network(family_id, [f"parent:{mother}", f"person:{person}"], follow_up=f"person:{person}",
                         hidden_from=[father])
    assert ctx.execute("SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'meeting' AND item_id = ?",
                       [meeting_id]).fetchall() == [(father,)]


def test_only_a_protected_parents_home_can_be_marked_a_protected_place(ctx):
    with pytest.raises(Invalid) as refused:
        meetings.create_meeting(METTE_ACTS, SPLIT, kind="home_visit", starts_at=_at(3, 10), participants=[],
                                protected_home_parent_id=MARTIN)
    assert "protected_home_parent_id" in refused.value.errors
    assert meetings.create_meeting(METTE_ACTS, SPLIT, kind="home_visit", starts_at=_at(3, 10), participants=[],
                                   protected_home_parent_id=NADIA)


def test_a_meeting_among_professionals_has_no_parents(ctx):
    with pytest.raises(Invalid) as refused:
        meetings.create_meeting(METTE_ACTS, 1, kind="professionals", starts_at=_at(3, 10),
                                participants=[f"parent:{SARA}"])
    assert "participants" in refused.value.errors


def test_a_meeting_ends_after_it_starts_and_on_the_same_day(ctx):
    for ends in (_at(3, 9), _at(4, 11)):
        with pytest.raises(Invalid) as refused:
            meetings.create_meeting(METTE_ACTS, 1, kind="conversation", starts_at=_at(3, 10), ends_at=ends,
                                    participants=[])
        assert "ends_at" in refused.value.errors


# Moving, cancelling, editing the same meeting twice.

def test_moving_a_published_meeting_keeps_its_old_time_and_tells_the_family(ctx):
    meeting = ctx["meetings"].get(FOLLOW_UP)
    values = dict(kind="follow_up", starts_at=_at(6, 9), ends_at=_at(6, 10), place=meeting["place"],
                  purpose=meeting["purpose"], participants=meeting_reads.participant_keys(FOLLOW_UP))
    meetings.update_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"], **values)
    moved = ctx["meetings"].get(FOLLOW_UP)
    assert moved["previous_starts_at"] == meeting["starts_at"] and moved["starts_at"] != meeting["starts_at"]
    event = ctx.execute("SELECT kind, for_family FROM family_events WHERE item_kind = 'meeting' AND item_id = ?"
                        " ORDER BY id DESC", [FOLLOW_UP]).fetchone()
    assert event == ("meeting.moved", 1)


def test_a_second_save_over_an_old_copy_is_refused_not_silently_applied(ctx):
    meeting = ctx["meetings"].get(FOLLOW_UP)
    values = dict(kind="follow_up", starts_at=_at(5, 9), ends_at=None, place="Først", purpose=None,
                  participants=meeting_reads.participant_keys(FOLLOW_UP))
    meetings.update_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"], **values)
    with pytest.raises(Conflict) as conflict:
        meetings.update_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"], **{**values, "place": "Anden"})
    assert conflict.value.saved["place"] == "Først"
    assert ctx["meetings"].get(FOLLOW_UP)["place"] == "Først"
    # Nothing of the refused save was written: not the participants, not the audit line.
    assert audit_actions(ctx, 1).count("meeting.moved") == 1


def test_a_refused_change_writes_nothing_at_all(ctx):
    before = ctx.execute("SELECT count(*) FROM meeting_participants").fetchone()[0]
    meeting = ctx["meetings"].get(FOLLOW_UP)
    with pytest.raises(Conflict):
        meetings.update_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"] + 5, kind="follow_up",
                                starts_at=_at(5, 9), participants=[])
    assert ctx.execute("SELECT count(*) FROM meeting_participants").fetchone()[0] == before


def test_cancelling_needs_a_reason_the_family_sees(ctx):
    meeting = ctx["meetings"].get(FOLLOW_UP)
    with pytest.raises(Invalid) as refused:
        meetings.cancel_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"], reason="  \u200b ")
    assert "reason" in refused.value.errors
    meetings.cancel_meeting(METTE_ACTS, 1, FOLLOW_UP, meeting["version"], reason="Hanne er syg.")
    assert ctx["meetings"].get(FOLLOW_UP)["cancelled_reason"] == "Hanne er syg."
    with pytest.raises(Invalid):
        meetings.cancel_meeting(METTE_ACTS, 1, CANCELLED_VISIT, ctx["meetings"].get(CANCELLED_VISIT)["version"],
                                reason="Igen")


def test_changes_to_another_familys_rows_are_not_found(ctx):
    with pytest.raises(NotFound):
        meetings.cancel_meeting(METTE_ACTS, SPLIT, FOLLOW_UP, 0, reason="x")
    with pytest.raises(NotFound):
        goals.score_goal(METTE_ACTS, SPLIT, 1, score=5)
    with pytest.raises(NotFound):
        plan.update_plan_item(METTE_ACTS, SPLIT, 1, 0, what="x", responsible="family")


# Summaries and the plan.

def test_publishing_a_summary_puts_its_action_points_in_the_plan(ctx):
    family_id, mother, father, person = new_family(with_consent=True)
    held = network(family_id, [f"parent:{mother}", f"person:{person}"], follow_up=f"person:{person}", days=-2,
                   hidden_from=[father])
    summaries.add_action_point(METTE_ACTS, family_id, held, what="Lise taler med klassen", responsible=person,
                               due_on=today() + timedelta(days=14))
    assert ctx.execute("SELECT count(*) FROM plan_items WHERE family_id = ?", [family_id]).fetchone()[0] == 0
    summaries.save_summary(METTE_ACTS, family_id, held, None, going_well="Mor er glad.", publish=True)
    item = ctx.execute("SELECT id, what, responsible_person_id, meeting_id FROM plan_items WHERE family_id = ?",
                       [family_id]).fetchone()
    assert item[1:] == ("Lise taler med klassen", person, held)
    # Hidden from whoever the meeting is hidden from.
    assert ctx.execute("SELECT parent_id FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?",
                       [item[0]]).fetchall() == [(father,)]
    assert ctx["meetings"].get(held)["status"] == "held"
    # A point added after publishing joins the plan at once.
    summaries.add_action_point(METTE_ACTS, family_id, held, what="Familien øver morgenrutinen", responsible="family")
    assert ctx.execute("SELECT count(*) FROM plan_items WHERE family_id = ? AND responsible_family = 1",
                       [family_id]).fetchone()[0] == 1
    with pytest.raises(Invalid):
        point = ctx.execute("SELECT id FROM action_points WHERE meeting_id = ? LIMIT 1", [held]).fetchone()[0]
        summaries.remove_action_point(METTE_ACTS, family_id, held, point)


def test_an_empty_summary_cannot_be_published(ctx):
    with pytest.raises(Invalid):
        summaries.save_summary(METTE_ACTS, 1, FOLLOW_UP, None, going_well=" ", publish=True)


def test_two_saves_of_a_new_summary_do_not_overwrite_each_other(ctx):
    summaries.save_summary(METTE_ACTS, 1, FOLLOW_UP, None, going_well="Første udgave")
    with pytest.raises(Conflict):
        summaries.save_summary(METTE_ACTS, 1, FOLLOW_UP, None, going_well="Anden udgave")
    assert ctx.execute("SELECT going_well FROM meeting_summaries WHERE meeting_id = ?",
                       [FOLLOW_UP]).fetchone()[0] == "Første udgave"


def test_plan_items_are_responsible_to_the_family_or_a_person_of_the_family(ctx):
    with pytest.raises(Invalid) as refused:
        plan.add_plan_item(METTE_ACTS, 1, what="Noget", responsible=999)
    assert "responsible" in refused.value.errors
    other_family_person = ctx.execute("SELECT id FROM people_involved WHERE family_id = 3").fetchone()[0]
    with pytest.raises(Invalid):
        plan.add_plan_item(METTE_ACTS, 1, what="Noget", responsible=other_family_person)
    with pytest.raises(Invalid):
        plan.add_plan_item(METTE_ACTS, 1, what="Noget", responsible="family", goal_id=6)  # Nielsen's goal
    assert plan.add_plan_item(METTE_ACTS, 1, what="Noget", responsible="family", kind="respite")


def test_ending_a_plan_item_keeps_it_in_the_plan(ctx):
    item = ctx["plan_items"].get(1)
    plan.update_plan_item(METTE_ACTS, 1, 1, item["version"], what=item["what"], kind=item["kind"],
                          responsible=item["responsible_person_id"], status="stopped")
    assert ctx["plan_items"].get(1)["status"] == "stopped"
    assert ctx.execute("SELECT kind FROM family_events WHERE item_kind = 'plan_item' AND item_id = 1"
                       " ORDER BY id DESC").fetchone()[0] == "plan_item.ended"


# Goals: a parent's own words are never edited by staff.

def test_staff_cannot_edit_a_goal_a_parent_wrote(ctx):
    goal = ctx["goals"].get(1)  # Sara's
    with pytest.raises(Invalid):
        goals.update_goal(METTE_ACTS, 1, 1, goal["version"], text="Rettet af Mette")
    assert ctx["goals"].get(1)["text"] == goal["text"]
    goals.set_goal_status(METTE_ACTS, 1, 1, goal["version"], status="reached", note="Emil har fået en ven.")
    goals.comment_on_goal(METTE_ACTS, 1, 1, text="Flot!")
    notes = ctx.execute("SELECT status_from, status_to, text FROM goal_notes WHERE goal_id = 1 ORDER BY id").fetchall()
    assert notes == [("active", "reached", "Emil har fået en ven."), (None, None, "Flot!")]
    assert ctx["goals"].get(1)["text"] == goal["text"]


def test_a_goal_recorded_with_the_family_can_be_corrected(ctx):
    goal = ctx["goals"].get(3)  # recorded by Mette with the family
    goals.update_goal(METTE_ACTS, 1, 3, goal["version"], text="Jeg vil i praktik i foråret.", for_whom=f"parent:{SARA}")
    assert ctx["goals"].get(3)["text"] == "Jeg vil i praktik i foråret."


def test_scores_are_0_to_10_not_in_the_future_and_kept_as_history(ctx):
    for bad in (-1, 11, None, "5"):
        with pytest.raises(Invalid):
            goals.score_goal(METTE_ACTS, 1, 1, score=bad)
    with pytest.raises(Invalid):
        goals.score_goal(METTE_ACTS, 1, 1, score=5, noted_on=today() + timedelta(days=1))
    goals.score_goal(METTE_ACTS, 1, 1, score=7, note="Bedre")
    scores = [row[0] for row in ctx.execute("SELECT score FROM goal_scores WHERE goal_id = 1 ORDER BY noted_on, id")]
    assert scores == [3, 5, 7]


def test_a_parents_goal_is_stored_exactly_as_written(ctx):
    text = "  Vi vil 🙂\r\n  <b>sammen</b>  "
    goal_id = goals.add_goal(Actor("parent", SARA), 1, text=text)
    assert ctx["goals"].get(goal_id)["text"] == text
    for bad in ("\u200b\u2060", "med\x00nul", "", " \r\n "):
        with pytest.raises(Invalid):
            goals.add_goal(Actor("parent", SARA), 1, text=bad)


# Consents.

def test_a_withdrawn_consent_is_kept_and_marked(ctx):
    consent = ctx["consents"].get(1)
    consents.withdraw_consent(METTE_ACTS, 1, 1, consent["version"], reason="Sara vil ikke mere.")
    row = ctx["consents"].get(1)
    assert row["withdrawn_on"] == today().isoformat() and row["information"] == consent["information"]
    with pytest.raises(Invalid):
        consents.withdraw_consent(METTE_ACTS, 1, 1, row["version"])


def test_a_consent_is_given_by_parents_of_the_family_before_it_expires(ctx):
    with pytest.raises(Invalid) as refused:
        consents.record_consent(METTE_ACTS, 1, given_by=[NADIA], information="x", shared_between="y")
    assert "given_by" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        consents.record_consent(METTE_ACTS, 1, given_by=[SARA], information="x", shared_between="y",
                                given_on=today(), expires_on=today() - timedelta(days=1))
    assert "expires_on" in refused.value.errors


# People and parents: access follows contact details.

def test_a_professional_in_a_coming_meeting_cannot_be_removed(ctx):
    teacher = 2  # Hanne Bech, in the next network meeting
    with pytest.raises(Invalid) as refused:
        people.remove_person(METTE_ACTS, 1, teacher, ctx["people_involved"].get(teacher)["version"])
    assert "kommende møder" in refused.value.errors["person"]


def test_a_new_email_ends_the_parents_links_and_sessions(app, ctx):
    from portal.data import links

    url = links.issue("parent", SARA)
    ctx["sessions"].insert({"id_hash": "x" * 64, "user_kind": "parent", "user_id": SARA, "created_at": "2026-01-01T00:00:00Z",
                            "last_seen_at": "2026-01-01T00:00:00Z"})
    sara = ctx["parents"].get(SARA)
    values = {key: sara[key] for key in families.PARENT_FIELDS}
    families.update_parent(METTE_ACTS, 1, SARA, sara["version"], **{**values, "email": "sara.ny@example.dk"})
    assert ctx.execute("SELECT count(*) FROM sign_in_links WHERE subject_id = ? AND subject_kind = 'parent'"
                       " AND revoked_at IS NULL AND used_at IS NULL", [SARA]).fetchone()[0] == 0
    assert ctx.execute("SELECT ended_at FROM sessions WHERE id_hash = ?", ["x" * 64]).fetchone()[0] is not None
    assert url


def test_reactivating_a_parent_revives_no_old_link(app, ctx):
    from portal.data import links

    links.issue("parent", THOMAS)
    thomas = ctx["parents"].get(THOMAS)
    families.set_parent_active(METTE_ACTS, 1, THOMAS, thomas["version"], False)
    families.set_parent_active(METTE_ACTS, 1, THOMAS, thomas["version"] + 1, True)
    assert ctx.execute("SELECT count(*) FROM sign_in_links WHERE subject_id = ? AND revoked_at IS NULL AND used_at IS NULL",
                       [THOMAS]).fetchone()[0] == 0


def test_two_parents_who_sign_in_cannot_share_an_email(ctx):
    with pytest.raises(Invalid) as refused:
        families.add_parent(METTE_ACTS, 1, name="Ny", email="SARA.holm@example.dk", can_sign_in=True)
    assert "email" in refused.value.errors


def test_a_parent_who_may_sign_in_needs_an_email_or_a_mobile(ctx):
    with pytest.raises(Invalid) as refused:
        families.add_parent(METTE_ACTS, 1, name="Ny", can_sign_in=True)
    assert "email" in refused.value.errors
    assert families.add_parent(METTE_ACTS, 1, name="Ny", can_sign_in=False)


# Staff and handover.

def test_a_coordinator_with_families_cannot_be_deactivated_and_nobody_locks_themselves_out(ctx):
    admin = Actor("staff", 3)
    with pytest.raises(Invalid):
        staff.set_staff_active(admin, METTE, ctx["staff"].get(METTE)["version"], False)
    with pytest.raises(Invalid):
        staff.set_staff_active(admin, 3, ctx["staff"].get(3)["version"], False)
    anne = ctx["staff"].get(3)
    fields = ("name", "title", "department", "email", "phone", "reachable", "covered_by_id")
    with pytest.raises(Invalid) as refused:
        staff.update_staff(admin, 3, anne["version"], **{key: anne[key] for key in fields}, role="coordinator")
    assert list(refused.value.errors) == ["role"]
    assert ctx["staff"].get(3)["role"] == "admin"


def test_a_handover_gives_the_family_a_new_contact_person_and_tells_the_parents(ctx):
    family = ctx["families"].get(1)
    staff.hand_over(Actor("staff", 3), 1, family["version"], to_staff_id=JONAS)
    assert ctx["families"].get(1)["coordinator_id"] == JONAS
    row = ctx.execute("SELECT from_staff_id, to_staff_id, notice_until FROM handovers WHERE family_id = 1").fetchone()
    assert row[:2] == (METTE, JONAS) and row[2] == (today() + timedelta(days=30)).isoformat()
    with pytest.raises(Invalid):
        staff.hand_over(Actor("staff", 3), 1, family["version"] + 1, to_staff_id=JONAS)  # already Jonas


def test_every_change_leaves_an_audit_line_and_never_a_parents_words(ctx):
    text = "Mine egne ord, som ikke må i loggen"
    goals.add_goal(Actor("parent", SARA), 1, text=text)
    meetings.add_agenda_point(Actor("parent", SARA), ctx["meetings"].get(NEXT_NETWORK), text)
    family_id, *_ = new_family()
    assert audit_actions(ctx, family_id)[:4] == ["family.created", "parent.added", "parent.added", "person.added"]
    assert "goal.added" in audit_actions(ctx, 1) and "agenda_point.added" in audit_actions(ctx, 1)
    assert not ctx.execute("SELECT count(*) FROM audit_log WHERE detail LIKE ?", [f"%{text}%"]).fetchone()[0]
    assert not ctx.execute("SELECT count(*) FROM family_events WHERE detail LIKE ?", [f"%{text}%"]).fetchone()[0]


# Danish local time in forms, UTC in the database.

def test_local_time_in_the_spring_gap_does_not_exist_and_autumn_takes_summer_time():
    with pytest.raises(NoSuchLocalTime):
        from_local(date(2027, 3, 28), time(2, 30))
    assert from_local(date(2026, 10, 25), time(2, 30)).utcoffset() == timedelta(hours=2)
    assert from_local(date(2026, 12, 3), time(10, 0)).tzinfo is LOCAL_ZONE


def test_a_meeting_time_is_stored_in_utc(ctx):
    meeting_id = meetings.create_meeting(METTE_ACTS, 1, kind="conversation", participants=[],
                                         starts_at=from_local(date(2026, 12, 3), time(10, 0)))
    assert ctx["meetings"].get(meeting_id)["starts_at"] == "2026-12-03T09:00:00Z"
    assert HELD_NETWORK and PETER


def test_a_deactivated_staff_member_loses_links_and_sessions_and_reactivation_revives_none(app, ctx):
    from portal.data import links

    links.issue("staff", JONAS)
    ctx["sessions"].insert({"id_hash": "j" * 64, "user_kind": "staff", "user_id": JONAS,
                            "created_at": "2026-01-01T00:00:00Z", "last_seen_at": "2026-01-01T00:00:00Z"})
    admin = Actor("staff", 3)
    jonas = ctx["staff"].get(JONAS)
    staff.set_staff_active(admin, JONAS, jonas["version"], False)
    staff.set_staff_active(admin, JONAS, jonas["version"] + 1, True)
    assert ctx.execute("SELECT count(*) FROM sign_in_links WHERE subject_kind = 'staff' AND subject_id = ?"
                       " AND revoked_at IS NULL AND used_at IS NULL", [JONAS]).fetchone()[0] == 0
    assert ctx.execute("SELECT ended_at FROM sessions WHERE id_hash = ?", ["j" * 64]).fetchone()[0] is not None
