"""The lines of "Nyt siden sidst": what changed, in the parent's language, as a link to where it is.

Made here rather than in a template: every home page view shows up to six of
them, and a table of one small function per kind costs a fraction of a chain
of template conditions (issue 9). As in templates, a translated text is
trusted and the data put into it is escaped (Markup's %).
"""
from flask import url_for
from markupsafe import Markup

from ..data.vocabulary import GOAL_STATUSES, MEETING_KINDS
from ..web import formatting
from ..i18n import N_, catalogue


def news_lines(events, language):
    """[{href, text, day}] for events from reads.events.news_for_parent, in the same order."""
    translations = catalogue(language)

    def _(message, **variables):
        text = Markup(translations.gettext(message))
        return text % variables if variables else text

    _.data = translations.gettext  # for texts that are data: a kind, a status

    lines = []
    for e in events:
        line = _LINES.get(e["kind"])
        if line is None:
            continue
        href, text = line(e, _, language)
        lines.append({"href": href, "text": text, "day": formatting.day(e["at"], language) if e["at"] else ""})
    return lines


def _when(e, language):
    return formatting.meeting_time(e["meeting_starts_at"], language) if e["meeting_starts_at"] else ""


def _kind(e, _):
    return _.data(MEETING_KINDS.get(e["meeting_kind"], "Møde")) if e["meeting_kind"] else ""


def _meeting(e):
    return url_for("parent.meeting", meeting_id=e["item_id"]) if e["item_kind"] == "meeting" else ""


def _goal(e):
    # The page's link is built once (see Portal.url_for); only the anchor differs.
    return f"{url_for('parent.goal_list')}#goal-{e['item_id']}"


def _plan(label):
    def line(e, _, language):
        return url_for("parent.plan_page"), Markup(_.data(label)) + Markup(': <span dir="auto">%s</span>') % (e["plan_what"] or "")
    return line


def _fixed(endpoint, label):
    def line(e, _, language):
        return url_for(endpoint), Markup(_.data(label))
    return line


_LINES = {
    "meeting.published": lambda e, _, lang: (
        _meeting(e), _("Nyt møde: %(kind)s %(when)s", kind=_kind(e, _), when=_when(e, lang))),
    "meeting.moved": lambda e, _, lang: (
        _meeting(e), _("Et møde er flyttet til %(when)s", when=_when(e, lang))),
    "meeting.changed": lambda e, _, lang: (
        _meeting(e), _("Et møde er ændret: %(kind)s %(when)s", kind=_kind(e, _), when=_when(e, lang))),
    "meeting.cancelled": lambda e, _, lang: (
        _meeting(e), _("Et møde er aflyst: %(kind)s %(when)s", kind=_kind(e, _), when=_when(e, lang))),
    "meeting.summary_published": lambda e, _, lang: (
        _meeting(e), _("Referat fra mødet %(when)s", when=_when(e, lang))),
    "agenda_point.added": lambda e, _, lang: (
        _meeting(e), _("%(name)s har sat et punkt på mødet %(when)s", name=e["actor_name"], when=_when(e, lang))),
    "plan_item.added": _plan(N_("Ny indsats i planen")),
    "plan_item.changed": _plan(N_("Ændring i planen")),
    "plan_item.ended": _plan(N_("Afsluttet i planen")),
    "plan_item.handed_over": _plan(N_("Ny ansvarlig i planen")),
    "plan_update.published": lambda e, _, lang: (
        url_for("parent.plan_page"),
        _("Ny besked om planen fra %(name)s", name=e["actor_name"] or _("din kontaktperson"))),
    "goal.added": lambda e, _, lang: (
        _goal(e),
        _("Nyt mål fra %(name)s", name=e["actor_name"]) if e["actor_kind"] == "parent"
        else _("Nyt mål, skrevet sammen med %(name)s", name=e["actor_name"])),
    "goal.changed": lambda e, _, lang: (_goal(e), _("Et mål er rettet")),
    "goal.scored": lambda e, _, lang: (
        _goal(e), _("Nyt tal for et mål: %(score)s ud af 10", score=e["detail"].get("score", ""))),
    "goal.status_changed": lambda e, _, lang: (
        _goal(e), _("Et mål har fået ny status: %(status)s",
                    status=_.data(GOAL_STATUSES[e["detail"]["status"]]) if e["detail"].get("status") in GOAL_STATUSES
                    else "")),
    "goal.commented": lambda e, _, lang: (
        _goal(e), _("%(name)s har skrevet en kommentar til et mål", name=e["actor_name"])),
    "consent.recorded": _fixed("parent.consent_list", N_("Et samtykke er skrevet ned")),
    "consent.withdrawn": _fixed("parent.consent_list", N_("Et samtykke er trukket tilbage")),
    "contact_person.changed": _fixed("parent.people", N_("Du har fået en ny kontaktperson")),
    "person.added": lambda e, _, lang: (
        url_for("parent.people"), _("Ny fagperson er med") + Markup(": <bdi>%s</bdi>") % (e["person_name"] or "")),
}
