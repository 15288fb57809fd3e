"""The domain's fixed choices, with their Danish names (translated where shown), and the kinds of family event."""
from dataclasses import dataclass

from ..i18n import N_

MEETING_KINDS = {
    "network": N_("Netværksmøde"),
    "follow_up": N_("Opfølgningsmøde"),
    "conversation": N_("Samtale"),
    "home_visit": N_("Hjemmebesøg"),
    "professionals": N_("Samarbejdsmøde (uden familien)"),
}

MEETING_STATUSES = {"planned": N_("Planlagt"), "cancelled": N_("Aflyst"), "held": N_("Holdt")}

GOAL_STATUSES = {
    "active": N_("I gang"),
    "reached": N_("Nået"),
    "paused": N_("Sat på pause"),
    "given_up": N_("Opgivet"),
}

PLAN_STATUSES = {"planned": N_("Planlagt"), "active": N_("I gang"), "done": N_("Afsluttet"), "stopped": N_("Stoppet")}
PLAN_RUNNING = ("planned", "active")

# Kinds of effort (indsatser): two running items of one kind from different
# organisations are flagged as possibly parallel.
PLAN_KINDS = {
    "family_support": N_("Familiebehandling og støtte i hjemmet"),
    "school": N_("Støtte i skole eller dagtilbud"),
    "assessment": N_("Undersøgelse eller udredning"),
    "health": N_("Sundhed og trivsel"),
    "treatment": N_("Behandling (fx psykiatri eller psykolog)"),
    "respite": N_("Aflastning"),
    "employment": N_("Job, uddannelse og økonomi"),
    "leisure": N_("Fritid og netværk"),
    "other": N_("Andet"),
}

STAFF_ROLES = {"coordinator": N_("Koordinator"), "admin": N_("Administrator"), "leader": N_("Leder")}

# Items a coordinator can mark "not shown to" a named parent (e.g. a crisis
# centre that only works with one parent).
HIDEABLE = {"meeting": "meetings", "plan_item": "plan_items", "plan_update": "plan_updates", "person": "people_involved"}

# A summary's action points go into the plan: the summary says it all.
NOTICE_TOPIC_COVERED_BY = {"plan": "summary"}
# A reopened case covers every other news: the parents were told they could no longer sign in.
NOTICE_TOPIC_COVERS_ALL = "case"


def main_topics(topics):
    """The notice topics worth naming: a plan change that came with a summary is part of that summary."""
    topics = set(topics)
    if NOTICE_TOPIC_COVERS_ALL in topics:
        return [NOTICE_TOPIC_COVERS_ALL]
    return sorted(topic for topic in topics if NOTICE_TOPIC_COVERED_BY.get(topic) not in topics)


@dataclass(frozen=True)
class EventKind:
    """What a kind of family event (family_events.kind, written by changes._core.record) is to whom.

    story: a line of the family's timeline (reads/timeline.py; its text in templates/_timeline.html).
    news: a line of a parent's "Nyt siden sidst" (reads/events.py; its text in parent/news.py).
    notice: the topic of the notice parents get when staff make it (changes/notices.py;
      its text in messages/texts.py TOPIC_LINES), None for none.
    from_parents: what parents write, which their coordinator must see as new (reads/events.py).
    tests/test_event_kinds.py holds every one of those places, and every kind the write side records, to this table.
    """

    story: bool = False
    news: bool = False
    notice: str | None = None
    from_parents: bool = False


EVENT_KINDS = {
    "meeting.published": EventKind(story=True, news=True, notice="meeting"),
    "meeting.moved": EventKind(story=True, news=True, notice="meeting"),
    "meeting.changed": EventKind(story=True, news=True, notice="meeting"),
    "meeting.cancelled": EventKind(story=True, news=True, notice="meeting"),
    "meeting.summary_published": EventKind(story=True, news=True, notice="summary"),
    "meeting.answered": EventKind(story=True),
    "meeting.drafted": EventKind(),
    "meeting.draft_changed": EventKind(),
    "agenda_point.added": EventKind(story=True, news=True, notice="meeting", from_parents=True),
    "plan_item.added": EventKind(story=True, news=True, notice="plan"),
    "plan_item.changed": EventKind(story=True, news=True, notice="plan"),
    "plan_item.ended": EventKind(story=True, news=True, notice="plan"),
    "plan_item.handed_over": EventKind(story=True, news=True, notice="plan"),
    "plan_item.handover_declined": EventKind(story=True),
    "plan_update.published": EventKind(story=True, news=True, notice="plan"),
    "plan_update.drafted": EventKind(),
    "goal.added": EventKind(story=True, news=True, notice="goal", from_parents=True),
    "goal.changed": EventKind(story=True, news=True, notice="goal"),
    "goal.scored": EventKind(story=True, news=True, notice="goal"),
    "goal.status_changed": EventKind(story=True, news=True, notice="goal"),
    "goal.commented": EventKind(story=True, news=True, notice="goal"),
    "consent.recorded": EventKind(story=True, news=True, notice="consent"),
    "consent.withdrawn": EventKind(story=True, news=True, notice="consent"),
    "contact_person.changed": EventKind(story=True, news=True, notice="contact_person"),
    "person.added": EventKind(story=True, news=True, notice="people"),
    "person.changed": EventKind(),
    "person.removed": EventKind(story=True, notice="people"),
    "family.created": EventKind(),
    "family.renamed": EventKind(),
    "family.activated": EventKind(),
    "family.deactivated": EventKind(),
    "family.closed": EventKind(),
    "family.reopened": EventKind(notice="case"),
    "parent.added": EventKind(),
    "parent.changed": EventKind(),
    "parent.activated": EventKind(),
    "parent.deactivated": EventKind(),
    "child.added": EventKind(),
    "child.changed": EventKind(),
    "child.activated": EventKind(),
    "child.deactivated": EventKind(),
}


def event_kinds(**wanted):
    """The kinds whose EventKind has these values, in the table's order, e.g. event_kinds(news=True)."""
    return tuple(kind for kind, what in EVENT_KINDS.items()
                 if all(getattr(what, name) == value for name, value in wanted.items()))


NOTICE_TOPICS = {kind: what.notice for kind, what in EVENT_KINDS.items() if what.notice}
