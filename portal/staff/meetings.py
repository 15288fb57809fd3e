"""Meetings: plan, publish, move and cancel; after the meeting, the summary and action points."""
from datetime import date

from flask import g, render_template, request
from wtforms import StringField, TextAreaField

from . import family_bp
from .common import actor, family_url, form_page, found, hidden_from_data, offer_hidden_from
from ..data.changes import Invalid
from ..data.reads import consents as consent_reads
from ..data.changes import meetings as meeting_changes
from ..data.changes import summaries as summary_changes
from ..data.clock import NoSuchLocalTime, from_local, local, today
from ..data.reads import family
from ..data.reads import meeting_calls as call_reads
from ..data.reads import meeting_inputs as input_reads
from ..data.changes import meeting_inputs as input_changes
from ..data.reads import meetings as meeting_reads
from ..data.reads import replies as reply_reads
from ..data.vocabulary import MEETING_KINDS
from ..web.forms import CheckboxesField, ChoiceField, DateField, IdChoiceField, TimeField, VersionedForm
from ..web.formatting import meeting_time
from ..i18n import N_, current_language
from ..i18n import gettext as _


@family_bp.route("/meetings")
def meetings(family_id):
    return render_template(
        "staff/meetings.html",
        upcoming=meeting_reads.meetings(family_id, "upcoming"),
        cancelled=meeting_reads.meetings(family_id, "cancelled", limit=20),
        past=meeting_reads.meetings(family_id, "past", limit=100, details=False),
    )


@family_bp.route("/meetings/<id:meeting_id>")
def meeting(family_id, meeting_id):
    row = found(meeting_reads.meeting(family_id, meeting_id))
    problem = None
    if row["kind"] == "network" and row["status"] == "planned":
        missing = consent_reads.network_consent_missing(family_id, local(row["starts_at"]).date())
        if missing:
            problem = ", ".join(p["name"] for p in missing)
    return render_template("staff/meeting.html", m=row, consent_missing=problem,
                           replies=reply_reads.replies_by_parent(meeting_id), calls=call_reads.called(meeting_id),
                           inputs=input_reads.by_person(meeting_id), input_due_on=input_changes.due_on(row).isoformat(),
                           next_reminder=input_changes.next_reminder_at(row))


class MeetingForm(VersionedForm):
    kind = ChoiceField(N_("Slags møde"))
    day = DateField(N_("Dato"))
    starts = TimeField(N_("Fra kl."), description=N_("Dansk tid."))
    ends = TimeField(N_("Til kl."))
    place = StringField(N_("Sted"))
    protected_home_parent_id = IdChoiceField(
        N_("Mødet er hjemme hos en forælder med beskyttet adresse"),
        description=N_("Så ser de andre forældre kun: \"Stedet får du at vide af din kontaktperson\"."))
    about_child_id = IdChoiceField(N_("Mødet handler om"),
                                   description=N_("Har barnet sit eget login, ser barnet tid og sted på sin side."))
    purpose = TextAreaField(N_("Hvad skal I tale om"), description=N_("Familien kan se det."))
    participants = CheckboxesField(N_("Hvem deltager"))
    follow_up = ChoiceField(N_("Ansvarlig for opfølgning"), description=N_("Skal vælges ved netværksmøder."))
    input_due_on = DateField(N_("Frist for skriftlige bidrag"),
                             description=N_("Tom: 2 hverdage før mødet. Fagpersonerne kan skrive deres bidrag indtil da."))
    hidden_from = CheckboxesField(N_("Vis ikke mødet for"), ids=True,
                                  description=N_("Fx når en forælder ikke må kende til mødet."))

    def fill_choices(self, family_id, meeting_id=None):
        options = meeting_reads.participant_options(family_id, meeting_id)
        self.kind.choices = [("", N_("Vælg"))] + list(MEETING_KINDS.items())
        self.participants.choices = [(key, _label(row)) for key, row in options.items()]
        self.follow_up.choices = [("", N_("Ingen valgt"))] + self.participants.choices
        parents = family.parents(family_id)
        protected = [(p["id"], p["name"]) for p in parents if p["protected"]]
        if protected:
            self.protected_home_parent_id.choices = [("", N_("Nej"))] + protected
        else:
            del self.protected_home_parent_id
        children = [(c["id"], c["first_name"]) for c in family.children(family_id, active_only=True)]
        if children:
            self.about_child_id.choices = [("", N_("Ikke et bestemt barn"))] + children
        else:
            del self.about_child_id
        offer_hidden_from(self, family_id)

    def values(self):
        starts_at = ends_at = None
        errors = {}
        if self.day.data and self.starts.data:
            try:
                starts_at = from_local(self.day.data, self.starts.data)
            except NoSuchLocalTime:
                errors["starts"] = _("Det klokkeslæt findes ikke den dag, fordi uret stilles frem. Vælg et andet.")
            if self.ends.data:
                try:
                    ends_at = from_local(self.day.data, self.ends.data)
                except NoSuchLocalTime:
                    errors["ends"] = _("Det klokkeslæt findes ikke den dag, fordi uret stilles frem. Vælg et andet.")
        elif not self.day.errors and not self.starts.errors:
            errors["day" if not self.day.data else "starts"] = _("Skriv dato og klokkeslæt for mødet.")
        if errors:
            raise Invalid(errors)
        return {
            "kind": self.kind.data, "starts_at": starts_at, "ends_at": ends_at, "place": self.place.data,
            "purpose": self.purpose.data, "participants": self.participants.data, "follow_up": self.follow_up.data,
            "protected_home_parent_id": self.protected_home_parent_id.data if "protected_home_parent_id" in self else None,
            "about_child_id": self.about_child_id.data if "about_child_id" in self else None,
            "hidden_from": hidden_from_data(self),
            "input_due_on": self.input_due_on.data,
        }

    @staticmethod
    def data_from(row):
        start = local(row["starts_at"])
        return {
            **row, "day": start.date(), "starts": start.time(),
            "ends": local(row["ends_at"]).time() if row["ends_at"] else None,
            "participants": meeting_reads.participant_keys(row["id"]),
            "follow_up": next((p["key"] for p in row.get("participants", []) if p["follow_up"]), ""),
            "hidden_from": [p["id"] for p in row.get("hidden_from", [])],
            "input_due_on": date.fromisoformat(row["input_due_on"]) if row.get("input_due_on") else None,
        }


def _label(row):
    details = ", ".join(part for part in (row["role"], row["organisation"]) if part)
    return f"{row['name']} ({details})" if details else row["name"]


def _buttons(published):
    if published:
        return [("publish", "1", N_("Gem ændringer"), "")]
    return [("publish", "0", N_("Gem som kladde"), "secondary"), ("publish", "1", N_("Gem og vis for familien"), "")]


@family_bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting(family_id):
    form = MeetingForm(data={"kind": "network", "day": today(), "participants": [f"staff:{g.family['coordinator_id']}"]}
                       if request.method == "GET" else None)
    form.fill_choices(family_id)
    return form_page(
        form, lambda f: meeting_changes.create_meeting(actor(), family_id, publish=request.form.get("publish") == "1",
                                                       **f.values()),
        title=N_("Nyt møde"), template="staff/meeting_form.html", done=lambda mid: family_url("meeting", meeting_id=mid),
        back=family_url("meetings"), buttons=_buttons(False))


@family_bp.route("/meetings/<id:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(family_id, meeting_id):
    row = found(meeting_reads.meeting(family_id, meeting_id))
    form = MeetingForm(data=MeetingForm.data_from(row) if request.method == "GET" else None)
    form.fill_choices(family_id, meeting_id)

    def saved_form(saved):
        shown = MeetingForm(formdata=None, data=MeetingForm.data_from(meeting_reads.meeting(family_id, meeting_id)),
                            meta={"csrf": False})
        shown.fill_choices(family_id, meeting_id)
        return shown

    return form_page(
        form, lambda f: meeting_changes.update_meeting(actor(), family_id, meeting_id, f.version_number(),
                                                       publish=request.form.get("publish") == "1", **f.values()),
        title=N_("Ret mødet"), template="staff/meeting_form.html",
        intro=N_("Flytter du et møde, som familien kan se, viser vi dem både det nye og det gamle tidspunkt."),
        done=lambda _: family_url("meeting", meeting_id=meeting_id), back=family_url("meeting", meeting_id=meeting_id),
        buttons=_buttons(bool(row["published_at"])), saved_form=saved_form)


class CancelForm(VersionedForm):
    reason = TextAreaField(N_("Hvorfor er mødet aflyst?"), description=N_("Familien kan se det. Skriv kort og venligt."))


@family_bp.route("/meetings/<id:meeting_id>/cancel", methods=["GET", "POST"])
def cancel_meeting(family_id, meeting_id):
    row = found(meeting_reads.meeting(family_id, meeting_id))
    form = CancelForm(data={"version": row["version"]} if request.method == "GET" else None)
    return form_page(
        form, lambda f: meeting_changes.cancel_meeting(actor(), family_id, meeting_id, f.version_number(),
                                                       reason=f.reason.data),
        title=_("Aflys mødet %(when)s", when=_meeting_time(row)), notice=N_("Mødet er aflyst."),
        done=lambda _: family_url("meeting", meeting_id=meeting_id), back=family_url("meeting", meeting_id=meeting_id),
        buttons=[("cancel", "1", N_("Aflys mødet"), "")])


def _meeting_time(row):
    return meeting_time(row["starts_at"], current_language())


class SummaryForm(VersionedForm):
    going_well = TextAreaField(N_("Det går godt"))
    worries = TextAreaField(N_("Det er vi bekymrede for"))
    next_steps = TextAreaField(N_("Det skal der ske"))


class ActionPointForm(VersionedForm):
    what = StringField(N_("Hvad skal der ske"))
    responsible = IdChoiceField(N_("Hvem gør det"))
    due_on = DateField(N_("Senest"))

    def fill_choices(self, family_id):
        self.responsible.choices = [("", N_("Vælg")), ("family", N_("Familien"))] + [
            (p["id"], f"{p['name']} ({p['organisation']})") for p in family.people_involved(family_id)]


@family_bp.route("/meetings/<id:meeting_id>/summary", methods=["GET", "POST"])
def meeting_summary(family_id, meeting_id):
    row = found(meeting_reads.meeting(family_id, meeting_id))
    summary = row["summary"]
    form = SummaryForm(data=summary or {"version": ""}) if request.method == "GET" else SummaryForm()
    point_form = ActionPointForm(formdata=None)
    point_form.fill_choices(family_id)
    published = bool(summary and summary["published_at"])
    return form_page(
        form, lambda f: summary_changes.save_summary(
            actor(), family_id, meeting_id, f.version_number(), going_well=f.going_well.data, worries=f.worries.data,
            next_steps=f.next_steps.data, publish=request.form.get("publish") == "1"),
        title=_("Referat fra mødet %(when)s", when=_meeting_time(row)), template="staff/summary_form.html",
        done=lambda _: family_url("meeting", meeting_id=meeting_id), back=family_url("meeting", meeting_id=meeting_id),
        buttons=_buttons(published), m=row, point_form=point_form,
        saved_form=lambda saved: SummaryForm(formdata=None, data=saved, meta={"csrf": False}))


@family_bp.route("/meetings/<id:meeting_id>/action-points", methods=["POST"])
def add_action_point(family_id, meeting_id):
    row = found(meeting_reads.meeting(family_id, meeting_id))
    form = ActionPointForm()
    form.fill_choices(family_id)
    return form_page(
        form, lambda f: summary_changes.add_action_point(actor(), family_id, meeting_id, what=f.what.data,
                                                         responsible=f.responsible.data, due_on=f.due_on.data),
        title=_("Nyt punkt: hvem gør hvad"), m=row, notice=N_("Punktet er gemt."),
        done=lambda _: family_url("meeting_summary", meeting_id=meeting_id, _anchor="handlinger"),
        back=family_url("meeting_summary", meeting_id=meeting_id))


@family_bp.route("/meetings/<id:meeting_id>/action-points/<id:point_id>/remove", methods=["POST"])
def remove_action_point(family_id, meeting_id, point_id):
    found(meeting_reads.meeting(family_id, meeting_id))
    return form_page(
        VersionedForm(), lambda f: summary_changes.remove_action_point(actor(), family_id, meeting_id, point_id),
        title=N_("Fjern punktet"), notice=N_("Punktet er fjernet."),
        done=lambda _: family_url("meeting_summary", meeting_id=meeting_id, _anchor="handlinger"),
        back=family_url("meeting_summary", meeting_id=meeting_id))


@family_bp.route("/meetings/<id:meeting_id>/inputs/<id:item_id>/share", methods=["POST"])
def share_input(family_id, meeting_id, item_id):
    """"Del med forældrene" (shared=1) or "Del ikke længere" (shared=0): a professional's written input, unedited."""
    found(meeting_reads.meeting(family_id, meeting_id))
    shared = request.form.get("shared") == "1"
    return form_page(
        VersionedForm(), lambda f: input_changes.share_input(actor(), family_id, meeting_id, item_id, shared),
        title=N_("Del bidraget med forældrene"),
        notice=N_("Bidraget er delt med forældrene.") if shared else N_("Bidraget er ikke delt længere."),
        done=lambda _: family_url("meeting", meeting_id=meeting_id, _anchor="bidrag-" + str(item_id)),
        back=family_url("meeting", meeting_id=meeting_id))


@family_bp.route("/meetings/<id:meeting_id>/remind", methods=["POST"])
def remind_calls(family_id, meeting_id):
    """"Påmind dem, der ikke har svaret": an e-mail to each called professional who has not answered."""
    found(meeting_reads.meeting(family_id, meeting_id))
    return form_page(
        VersionedForm(), lambda f: input_changes.remind_not_answered(actor(), family_id, meeting_id),
        title=N_("Påmind dem, der ikke har svaret"), notice=N_("Påmindelsen er sendt."),
        done=lambda _: family_url("meeting", meeting_id=meeting_id, _anchor="fagfolk-svar"),
        back=family_url("meeting", meeting_id=meeting_id))
