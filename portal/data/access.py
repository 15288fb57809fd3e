"""The one place that decides who may see which family, and which of its items.

- A coordinator sees their own families, and those of a colleague they cover
  for while that colleague is away; an admin sees all families.
- A parent sees only their own family: of its meetings and plan updates only
  the published ones, and nothing a coordinator marked as not shown to them.
- A person involved who is not shown to a parent is never named to them: not
  among a meeting's participants, and no plan item or action point they are
  responsible for is shown to that parent (its organisation would name them).
- A parent never sees another parent's contact details or protected address,
  nor the place of a meeting held in a protected home (unless it is theirs).
- A professional (a person in families' networks, see m025_professionals)
  sees a family only while all of these hold: an involvement ties them to it
  (`people_involved`, not removed, scope 'family'); they are active; the family
  is open (active, not closed); and a consent of the family in force today
  (given on or before today, not expired, not withdrawn: a withdrawal ends
  access at once) covers the organisation of that involvement
  (`consent_organisations`, matched without regard to case or spaces around).
- A professional sees a meeting they are called to (meeting_participants, by an
  involvement not removed and not 'none': the coordinator's "Fjern adgang")
  while they are active, the family is open, the
  meeting is published, and a consent in force covers their organisation:
  its time, place, who comes and the agenda. A professional with scope
  'meeting' sees nothing else of the family.
- Of a family they may see, a professional never sees an item (meeting, plan
  item, plan update) hidden from any of its parents, unless the coordinator
  marked it shown to professionals (`shown_to_professionals`); what they are
  called to or responsible for themselves is theirs to see, and so is a plan
  item offered to them to take over (a waiting plan_handovers row). People involved
  hidden from a parent are still colleagues: professionals see them, never a
  parent's contact details.
- A child who signs in sees only what is theirs: the goals for them, the next
  meeting about them (published, hidden from no parent, and never the place of
  a protected home), and their own words. Nothing else of the family: no
  parent's goal, no plan item, no person, no contact detail.

The pages answer 404 for anything a viewer may not see, whether it exists or
not; this module only answers the questions (no request is needed to ask them).

How sure the portal must be of who is asking is decided here too: every page
of a parent declares the level of assurance it needs (PARENT_PAGES), every
staff page needs STAFF_PAGES_NEED (tests/test_assurance.py fails for a page
that declares none). A link alone is one factor: it shows a parent only that
there is news and how to see it.
"""
from .clock import today_text
from .db import get_db, read_one
from .vocabulary import HIDEABLE

# SQL conditions. They take the row's id as an expression and are built from
# constants in this module only, never from input.


def parent_may_sign_in_sql(parent_id_expr):
    """True for a parent who may sign in: allowed, active, in an active family whose case is not closed."""
    return (
        "EXISTS (SELECT 1 FROM parents p JOIN families f ON f.id = p.family_id"
        f" WHERE p.id = {parent_id_expr} AND p.can_sign_in = 1 AND p.active = 1 AND f.active = 1"
        " AND f.closed_at IS NULL)"
    )


def child_may_sign_in_sql(child_id_expr):
    """True for a child who may sign in: their coordinator set it up (with the parents' knowledge) and has not
    ended it, the child is active, and so is their family, whose case is not closed."""
    return (
        "EXISTS (SELECT 1 FROM children c JOIN families f ON f.id = c.family_id"
        f" JOIN child_sign_ins cs ON cs.child_id = c.id AND cs.ended_at IS NULL"
        f" WHERE c.id = {child_id_expr} AND c.active = 1 AND c.birth_year IS NOT NULL AND f.active = 1"
        " AND f.closed_at IS NULL)"
    )


def staff_may_sign_in_sql(staff_id_expr):
    return f"EXISTS (SELECT 1 FROM staff s WHERE s.id = {staff_id_expr} AND s.active = 1)"


def may_sign_in_sql(kind, id_expr):
    """The SQL condition that holder `id_expr` of `kind` may sign in now; None for a kind that never signs in."""
    rule = _MAY_SIGN_IN.get(kind)
    return None if rule is None else rule(id_expr)


def staff_families_sql(alias="f"):
    """Families (row `alias`) that staff member :staff may see; :today is today's date.

    One IN over the coordinators whose families they see (themselves, whoever
    they cover for while away, everyone for an admin), so SQLite can use the
    index on families.coordinator_id instead of scanning the municipality.
    """
    return (
        f"{alias}.coordinator_id IN (SELECT :staff"
        f" UNION ALL SELECT away.id FROM staff away WHERE away.covered_by_id = :staff AND away.away_until >= :today"
        f" UNION ALL SELECT everyone.id FROM staff everyone"
        f"   WHERE EXISTS (SELECT 1 FROM staff me WHERE me.id = :staff AND me.role = 'admin'))"
    )


def professional_may_sign_in_sql(professional_id_expr):
    """True for a professional who may sign in (and keep a session): active."""
    return f"EXISTS (SELECT 1 FROM professionals pr WHERE pr.id = {professional_id_expr} AND pr.active = 1)"


# Who may sign in, per kind of person (and of holder of a MitID or passkey, portal/data/holders.py):
# a kind not here never does.
_MAY_SIGN_IN = {"parent": parent_may_sign_in_sql, "child": child_may_sign_in_sql, "staff": staff_may_sign_in_sql,
                "professional": professional_may_sign_in_sql}


def _consent_covers_sql(family_expr, organisation_expr, today):
    """A consent of family `family_expr` in force on `today` covers the organisation `organisation_expr`."""
    return (
        f"EXISTS (SELECT 1 FROM consents c JOIN consent_organisations co ON co.consent_id = c.id"
        f" WHERE c.family_id = {family_expr} AND c.given_on <= {today}"
        f" AND (c.expires_on IS NULL OR c.expires_on >= {today}) AND c.withdrawn_on IS NULL"
        f" AND co.organisation = trim({organisation_expr}) COLLATE NOCASE)"
    )


def _open_family_sql(family_expr):
    return f"EXISTS (SELECT 1 FROM families fo WHERE fo.id = {family_expr} AND fo.active = 1 AND fo.closed_at IS NULL)"


def professional_families_sql(alias="f", professional=":professional", today=":today"):
    """Families (row `alias`) that professional :professional may see on :today (see the module's docstring).

    Written as an IN over the professional's involvements, so SQLite starts
    from the index on people_involved.professional_id, not from every family.
    """
    return (
        f"{alias}.active = 1 AND {alias}.closed_at IS NULL AND {alias}.id IN ("
        f"SELECT inv.family_id FROM people_involved inv JOIN professionals pro ON pro.id = inv.professional_id"
        f" WHERE inv.professional_id = {professional} AND inv.removed_at IS NULL AND inv.scope = 'family'"
        f" AND pro.active = 1 AND {_consent_covers_sql('inv.family_id', 'inv.organisation', today)})"
    )


def professional_meetings_sql(alias="m", professional=":professional", today=":today"):
    """Meetings (row `alias`) that professional :professional is called to and may see on :today.

    An IN over the meetings of their involvements, so SQLite starts from the
    index on people_involved.professional_id (and meeting_participants by person).
    """
    return (
        f"{alias}.published_at IS NOT NULL AND {_open_family_sql(f'{alias}.family_id')}"
        f" AND {alias}.id IN (SELECT mpp.meeting_id FROM people_involved inv"
        f" JOIN meeting_participants mpp ON mpp.person_involved_id = inv.id"
        f" JOIN meetings mm ON mm.id = mpp.meeting_id AND mm.family_id = inv.family_id"
        f" JOIN professionals pro ON pro.id = inv.professional_id"
        f" WHERE inv.professional_id = {professional} AND inv.removed_at IS NULL"
        f" AND inv.scope != 'none' AND pro.active = 1"
        f" AND {_consent_covers_sql('inv.family_id', 'inv.organisation', today)})"
    )


def professional_sees_sql(item_kind, alias):
    """Row `alias` of a meeting, plan item or plan update of a family the professional may see is not hidden from them.

    Hidden from any parent means hidden from professionals too, unless shown to them (shown_to_professionals).
    """
    assert item_kind in ("meeting", "plan_item", "plan_update")
    condition = (
        f"(NOT EXISTS (SELECT 1 FROM hidden_from_parents h WHERE h.item_kind = '{item_kind}' AND h.item_id = {alias}.id)"
        f" OR EXISTS (SELECT 1 FROM shown_to_professionals sp WHERE sp.item_kind = '{item_kind}'"
        f" AND sp.item_id = {alias}.id))"
    )
    if item_kind in ("meeting", "plan_update"):
        condition += f" AND {alias}.published_at IS NOT NULL"
    return condition


def professional_may_see_family(professional_id, family_id):
    """The family's row if the professional may see it today (professional_families_sql), else None."""
    return read_one(get_db(), f"SELECT f.* FROM families f WHERE f.id = :family AND {professional_families_sql('f')}",
                    {"family": family_id, "professional": professional_id, "today": today_text()})


def professional_may_see_meeting(professional_id, meeting_id):
    """The meeting's row if the professional is called to it and may see it today, else None."""
    return read_one(get_db(), f"SELECT m.* FROM meetings m WHERE m.id = :meeting AND {professional_meetings_sql('m')}",
                    {"meeting": meeting_id, "professional": professional_id, "today": today_text()})


def professional_may_see_item(professional_id, item_kind, item_id):
    """Whether the professional may see a plan item or plan update: its family they may see, the item not hidden.

    A plan item they are responsible for (by an involvement not removed), or one offered to them to take over,
    is theirs to see while they see the family.
    """
    table = {"plan_item": "plan_items", "plan_update": "plan_updates"}[item_kind]
    own = (f"(i.responsible_person_id IN (SELECT id FROM people_involved WHERE professional_id = :professional"
           f" AND removed_at IS NULL) OR {offered_to_professional_sql('i.id')})" if item_kind == "plan_item" else "0")
    return read_one(
        get_db(),
        f"SELECT 1 AS yes FROM {table} i JOIN families f ON f.id = i.family_id WHERE i.id = :item"
        f" AND {professional_families_sql('f')} AND ({own} OR {professional_sees_sql(item_kind, 'i')})",
        {"item": item_id, "professional": professional_id, "today": today_text()},
    ) is not None


def professional_own_item(professional_id, item_id):
    """A plan item the professional may change: theirs (by an involvement with access, not removed) in a family
    they may see today, as {**item, "involvement_organisation"}; None for any other id.

    Whether it is hidden from a parent does not matter: what they are responsible for is theirs to see.
    """
    return read_one(
        get_db(),
        "SELECT i.*, inv.organisation AS involvement_organisation FROM plan_items i"
        " JOIN people_involved inv ON inv.id = i.responsible_person_id JOIN families f ON f.id = i.family_id"
        " WHERE i.id = :item AND inv.professional_id = :professional AND inv.removed_at IS NULL"
        f" AND inv.scope = 'family' AND {professional_families_sql('f')}",
        {"item": item_id, "professional": professional_id, "today": today_text()},
    )


def professional_involvement(professional_id, family_id):
    """The professional's involvement (scope 'family', not removed) in a family they may see today, else None.

    A professional adds plan items in such a family, owned by this involvement.
    """
    return read_one(
        get_db(),
        "SELECT inv.* FROM people_involved inv JOIN families f ON f.id = inv.family_id"
        " WHERE inv.family_id = :family AND inv.professional_id = :professional AND inv.removed_at IS NULL"
        f" AND inv.scope = 'family' AND {professional_families_sql('f')} ORDER BY inv.id LIMIT 1",
        {"family": family_id, "professional": professional_id, "today": today_text()},
    )


def offered_to_professional_sql(item_expr, professional=":professional"):
    """Plan item `item_expr` waits for professional `professional` to take it over (changes/handovers.py)."""
    return (f"EXISTS (SELECT 1 FROM plan_handovers ho JOIN people_involved hoi ON hoi.id = ho.to_person_id"
            f" WHERE ho.plan_item_id = {item_expr} AND ho.answered_at IS NULL AND hoi.removed_at IS NULL"
            f" AND hoi.professional_id = {professional})")


def person_hidden_sql(person_expr, parent=":parent"):
    """The person involved `person_expr` (an id expression, may be NULL) is not shown to parent `parent`."""
    return (f"EXISTS (SELECT 1 FROM hidden_from_parents hp WHERE hp.item_kind = 'person'"
            f" AND hp.item_id = {person_expr} AND hp.parent_id = {parent})")


def parent_sees_sql(item_kind, alias, parent=":parent"):
    """Row `alias` of a meeting, plan item or plan update is visible to parent :parent (or the expression `parent`)."""
    assert item_kind in HIDEABLE
    condition = (
        f"NOT EXISTS (SELECT 1 FROM hidden_from_parents h WHERE h.item_kind = '{item_kind}'"
        f" AND h.item_id = {alias}.id AND h.parent_id = {parent})"
    )
    if item_kind in ("meeting", "plan_update"):
        condition += f" AND {alias}.published_at IS NOT NULL"
    if item_kind == "plan_item":
        condition += f" AND NOT {person_hidden_sql(f'{alias}.responsible_person_id', parent)}"
    return condition


def parent_sees_event_sql(alias, parent=":parent"):
    """A line of family_events (row `alias`) that parent :parent (or the expression `parent`) may see.

    Not about an item hidden from them, nor about a plan item whose responsible person is.
    """
    return (
        f"{alias}.for_family = 1 AND NOT EXISTS (SELECT 1 FROM hidden_from_parents h"
        f" WHERE h.item_kind = {alias}.item_kind AND h.item_id = {alias}.item_id AND h.parent_id = {parent})"
        f" AND NOT ({alias}.item_kind = 'plan_item' AND EXISTS (SELECT 1 FROM plan_items ei"
        f" WHERE ei.id = {alias}.item_id AND {person_hidden_sql('ei.responsible_person_id', parent)}))"
    )


def child_sees_meeting_sql(alias, child=":child"):
    """Row `alias` of meetings is one child `child` may see: about them, published, planned, hidden from no parent."""
    return (f"{alias}.about_child_id = {child} AND {alias}.published_at IS NOT NULL AND {alias}.status = 'planned'"
            f" AND NOT EXISTS (SELECT 1 FROM hidden_from_parents h WHERE h.item_kind = 'meeting'"
            f" AND h.item_id = {alias}.id)")


# A parent.


def parent_meeting(parent, meeting_id):
    """A meeting of the parent's family that they may see, as they see it; None for any other id."""
    row = read_one(
        get_db(),
        f"SELECT m.* FROM meetings m WHERE m.id = :id AND m.family_id = :family AND {parent_sees_sql('meeting', 'm')}",
        {"id": meeting_id, "family": parent["family_id"], "parent": parent["id"]},
    )
    return None if row is None else shown_to_parent(row, parent["id"])


def shown_to_parent(meeting, parent_id):
    """The meeting as a parent sees it: a protected home's address only for the parent who lives there."""
    home_of = meeting.get("protected_home_parent_id")
    meeting["place_withheld"] = bool(home_of) and home_of != parent_id
    if meeting["place_withheld"]:
        meeting["place"] = None
    return meeting


def people_hidden_from(parent):
    """Keys ("person:ID") of the people involved that a parent may not see."""
    return {f"person:{row[0]}" for row in get_db().execute(
        "SELECT item_id FROM hidden_from_parents WHERE family_id = ? AND item_kind = 'person' AND parent_id = ?",
        [parent["family_id"], parent["id"]])}


# Staff.


def is_admin_role(role):
    """Whether a staff role is the admin's: who sees every family and manages staff accounts."""
    return role == "admin"


# The leaders' results page (aggregates only) and its CSV.
RESULTS_PAGES = ("staff.results", "staff.results_csv")


def is_leader_role(role):
    """Whether a staff role is a leader's: who sees the results page and nothing else, never a family."""
    return role == "leader"


def staff_page_allowed(role, endpoint):
    """Whether a staff member with `role` may open the staff page `endpoint` (its family is checked apart).

    A leader opens only the results pages; of the rest, only an admin opens them too.
    """
    if is_leader_role(role):
        return endpoint in RESULTS_PAGES
    if endpoint in RESULTS_PAGES:
        return is_admin_role(role)
    return True


# The rule of staff_families_sql() for one family f, shaped for a lookup by its id.
_STAFF_MAY_SEE_FAMILY = (
    "f.id = :family AND (f.coordinator_id = :staff"
    " OR EXISTS (SELECT 1 FROM staff away WHERE away.id = f.coordinator_id"
    "   AND away.covered_by_id = :staff AND away.away_until >= :today)"
    " OR EXISTS (SELECT 1 FROM staff me WHERE me.id = :staff AND me.role = 'admin'))"
)


def family_staff_may_see(staff_id, family_id):
    """The family's row if staff member `staff_id` may see it (staff_families_sql for one family), else None."""
    return read_one(get_db(), f"SELECT f.* FROM families f WHERE {_STAFF_MAY_SEE_FAMILY}",
                    {"family": family_id, "staff": staff_id, "today": today_text()})


# Levels of assurance a session holds (NSIS, the Danish levels behind MitID).
LINK = 1  # a link from an e-mail or SMS: one factor, enough to invite, never to show the case
SUBSTANTIAL = 2  # NSIS "Betydelig": MitID, or a link plus a passkey enrolled in person
HIGH = 3  # NSIS "Høj"

# What each of a parent's pages needs. Everything of the case needs Substantial:
# meetings, the plan, goals, people, consents, the timeline, messages, insight
# and the calendar (a meeting's time and place is case data too). With a link
# alone the home page says only that there is news, and how to see it.
PARENT_PAGES = {
    "parent.home": LINK,
    "parent.meeting_list": SUBSTANTIAL,
    "parent.meeting": SUBSTANTIAL,
    "parent.meeting_calendar": SUBSTANTIAL,
    "parent.add_agenda_point": SUBSTANTIAL,
    "parent.reply": SUBSTANTIAL,
    "parent.verdict": SUBSTANTIAL,
    "parent.plan_page": SUBSTANTIAL,
    "parent.people": SUBSTANTIAL,
    "parent.consent_list": SUBSTANTIAL,
    "parent.goal_list": SUBSTANTIAL,
    "parent.add_goal": SUBSTANTIAL,
    "parent.timeline": SUBSTANTIAL,
    "parent.messages": SUBSTANTIAL,
    "parent.choose_channel": SUBSTANTIAL,
    "parent.insight_page": SUBSTANTIAL,
    "parent.insight_json": SUBSTANTIAL,
    "parent.new_feed": SUBSTANTIAL,
}

# Every professional's page of a family: single sign-on, or a link plus a passkey
# (a link alone is one factor: it opens only Mine familier, which then names no
# family and says how to sign in). A professional has no MitID step-up: below
# the level a page needs, it is 404.
PROFESSIONAL_PAGES = {
    "professional.home": LINK,
    "professional.family": SUBSTANTIAL,
    "professional.meeting": SUBSTANTIAL,
    "professional.answer_call": SUBSTANTIAL,
    "professional.save_input": SUBSTANTIAL,
    "professional.plan": SUBSTANTIAL,
    "professional.plan_item": SUBSTANTIAL,
    "professional.new_plan_item": SUBSTANTIAL,
    "professional.handover": SUBSTANTIAL,
    "professional.accept_handover": SUBSTANTIAL,
    "professional.decline_handover": SUBSTANTIAL,
    "professional.new_feed": SUBSTANTIAL,
}

# What each of a child's pages needs: like a parent's, their goals and meetings need Substantial
# (MitID from 13, else a link plus a passkey made with their coordinator); the home page alone
# opens with a link, and then only says how to go on.
CHILD_PAGES = {
    "child.home": LINK,
    "child.add_words": SUBSTANTIAL,
    "child.bisidder": SUBSTANTIAL,
}

# Every staff page: the municipality's single sign-on (or, where a setting
# allows them, a staff link: see staff_session_enough).
STAFF_PAGES_NEED = SUBSTANTIAL


def level_needed(endpoint):
    """The level a page needs; a parent page that declares none is closed to everyone (and fails the contract test)."""
    if endpoint in PARENT_PAGES:
        return PARENT_PAGES[endpoint]
    if endpoint in PROFESSIONAL_PAGES:
        return PROFESSIONAL_PAGES[endpoint]
    if endpoint in CHILD_PAGES:
        return CHILD_PAGES[endpoint]
    if endpoint and endpoint.startswith("staff."):
        return STAFF_PAGES_NEED
    return HIGH + 1


def staff_session_enough(level, method, staff_links_allowed):
    """Whether a staff session may open staff pages: single sign-on, or a link where links are allowed."""
    return level >= STAFF_PAGES_NEED or (method == "link" and staff_links_allowed)


def effective_level(level, assured_at, now, step_up_after):
    """A session's level for sensitive pages: back to LINK once its confirmation is older than `step_up_after`."""
    if level > LINK and (assured_at is None or now - assured_at > step_up_after):
        return LINK
    return level
