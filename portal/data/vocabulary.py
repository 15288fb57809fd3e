"""The domain's fixed choices, with their Danish names (translated where shown)."""
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

STAFF_ROLES = {"coordinator": N_("Koordinator"), "admin": N_("Administrator")}

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
