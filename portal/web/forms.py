"""Forms: fields that read what Danish people type, and one way to save a form.

Fields only parse (a date, a time, a number, choices); the rules of what may
be saved live in portal.data.changes, which raises Invalid with a message per
field or Conflict when someone else saved first. save_form() turns those into
messages next to the fields, the user's input kept, or a comparison of both
versions for the user to choose from.
"""
import re
from datetime import date, time

from flask import current_app, flash, redirect, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from . import signing
from ..i18n import N_
from ..i18n import gettext as _
from ..data.changes import Conflict, Invalid


class PortalForm(FlaskForm):
    """Flask-WTF's form, whose CSRF token field is signed as the app signs tokens (see signing.py).

    A form makes its token when it is made, often before the page's own
    csrf_token(); Flask-WTF's way would sign it with a new serializer.
    """

    class Meta:
        def build_csrf(self, form):
            if current_app.config["PLAIN_FRAMEWORK"]:
                return FlaskForm.Meta.csrf_class()
            return signing.FormCSRF()


class ParsedField(StringField):
    """A text input whose value is parsed; a parse failure becomes a Danish message, data None."""

    input_type = "text"
    problem = None

    def parse(self, text):
        raise NotImplementedError

    def process_data(self, value):
        """A saved row's value: the database keeps dates and times as ISO text, which parse() reads."""
        self.raw, self.data = None, value
        if isinstance(value, str):
            self.raw = value.strip()
            try:
                self.data = self.parse(self.raw) if self.raw else None
            except ValueError:
                self.data = None  # shown as it was saved (see _value), for the user to correct

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            try:
                self.data = self.parse(self.raw)
            except ValueError:
                # WTForms shows a ValueError raised here as the field's error.
                raise ValueError(_(self.problem)) from None

    def _value(self):
        if getattr(self, "raw", None) is not None and self.data is None:
            return self.raw
        return self.format(self.data) if self.data is not None else ""

    def format(self, value):
        return str(value)


class DateField(ParsedField):
    """2026-11-24 (what a date input sends) or 24-11-2026, 24.11.2026, 24/11/2026."""

    input_type = "date"
    problem = N_("Skriv datoen sådan: 24-11-2026.")

    def parse(self, text):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        match = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
        if not match:
            raise ValueError(text)
        return date(int(match[3]), int(match[2]), int(match[1]))

    def format(self, value):
        return value.isoformat()


class TimeField(ParsedField):
    """10:00 (what a time input sends) or 10.00, 9.30, 930."""

    input_type = "time"
    problem = N_("Skriv klokkeslættet sådan: 10:30.")

    def parse(self, text):
        match = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})", text)
        if not match:
            raise ValueError(text)
        return time(int(match[1]), int(match[2]))

    def format(self, value):
        return value.strftime("%H:%M")


class NumberField(ParsedField):
    """A whole number, e.g. a birth year."""

    problem = N_("Skriv et tal.")

    def parse(self, text):
        if not re.fullmatch(r"[0-9]{1,9}", text):  # ASCII digits only
            raise ValueError(text)
        return int(text)


class ChoiceField(SelectField):
    """A select whose choices are set per request; an unknown value is left for the rules to refuse."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


# What a browser cannot send but a crafted request can ("1\x00", "abc", a select sent twice): refused, never dropped,
# so a value that did not arrive cannot quietly become "nobody" (a meeting hidden from no one).
NOT_ON_THE_LIST = N_("Det, du valgte, står ikke på listen. Vælg igen.")


def _is_id(value):
    return re.fullmatch(r"[0-9]{1,18}", value) is not None  # ASCII digits only


class IdChoiceField(ChoiceField):
    """A select of database ids, "" for none; a word passes only when it is a choice ("family" for who-is-responsible).

    Whether an id belongs to the family is for the rules to say; anything that is not an id is refused here.
    """

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        self.data = int(value) if _is_id(value) else (value or None)
        if len(valuelist) > 1:
            raise ValueError(_(NOT_ON_THE_LIST))

    def pre_validate(self, form):
        if isinstance(self.data, str) and self.data not in {_key(value) for value, _label in choice_pairs(self)}:
            raise ValidationError(_(NOT_ON_THE_LIST))


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (a fieldset), e.g. participants.

    With ids=True every value must be an id (the rules say whether it is one of the family's);
    without, one of the choices. Anything else is refused, never dropped.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, ids=False, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
        self.ids = ids

    def process_formdata(self, valuelist):
        if self.ids:
            self.data = [int(v) for v in valuelist if _is_id(v)]
            if len(self.data) != len(valuelist):
                raise ValueError(_(NOT_ON_THE_LIST))
        else:
            self.data = list(valuelist)

    def pre_validate(self, form):
        if not self.ids and self.choices is not None and not (
                {_key(value) for value in self.data or []} <= {_key(value) for value, _label in choice_pairs(self)}):
            raise ValidationError(_(NOT_ON_THE_LIST))


class YesNoUnknownField(SelectField):
    """Yes / no / not recorded, e.g. custody."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [SelectChoice("", N_("Ikke oplyst")), SelectChoice("1", N_("Ja")), SelectChoice("0", N_("Nej"))]
        kwargs["validate_choice"] = False
        super().__init__(*args, **kwargs)

    def process_data(self, value):
        self.data = None if value is None else bool(value)

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        self.data = None if value not in ("0", "1") else value == "1"

    def _value(self):
        return "" if self.data is None else ("1" if self.data else "0")


class VersionedForm(PortalForm):
    """A form that edits a row: it carries the row's version to detect a save over someone else's."""

    version = HiddenField()

    def version_number(self):
        value = self.version.data
        # ASCII digits that fit SQLite's integers only ("³" is a digit to str.isdigit, 2**63 overflows): else no version.
        return int(value) if value is not None and re.fullmatch(r"[0-9]{1,18}", str(value)) else None


def apply_errors(form, errors):
    """Put the rules' messages next to their fields; the rest go to the top of the form."""
    form.form_errors = list(getattr(form, "form_errors", []))
    form.error_keys = set(errors)
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors") and name != "csrf_token":
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def save_form(form, save, *, done, render, saved_form=None, notice=N_("Gemt.")):
    """The one way a form is saved: POST → save(form) → redirect(done()) with a notice.

    Invalid → the form again with messages (400). Conflict → the form again,
    with the saved version beside it (409); saving once more keeps the user's.
    saved_form(row) builds a form showing a saved row. GET → the form.
    """
    if request.method != "POST":
        return render(form)
    if form.validate_on_submit():
        try:
            result = save(form)
        except Invalid as invalid:
            apply_errors(form, invalid.errors)
        except Conflict as conflict:
            saved = saved_form(conflict.saved) if (saved_form and conflict.saved) else None
            if hasattr(form, "version"):
                form.version.data = conflict.saved["version"] if conflict.saved else ""
            return render(form, conflict=saved or True), 409
        else:
            flash(_(notice))
            return redirect(done(result))
    elif form.csrf_token.errors:
        form.form_errors = [_("Siden var for gammel. Tryk på knappen igen for at gemme.")]
    return render(form), 400


def differences(form, saved):
    """[(label, saved text, your text)] for fields where the two versions differ."""
    rows = []
    for field in form:
        if field.type in ("HiddenField", "CSRFTokenField", "SubmitField") or field.name not in saved._fields:
            continue
        mine, theirs = shown(field), shown(saved[field.name])
        if mine != theirs:
            rows.append((_(field.label.text), theirs, mine))
    return rows


def shown(field):
    """A field's value as the user reads it (choice labels, not keys)."""
    data = field.data
    if isinstance(field, YesNoUnknownField):
        return {None: _("Ikke oplyst"), True: _("Ja"), False: _("Nej")}[data]
    if isinstance(field, BooleanField):
        return _("Ja") if data else _("Nej")
    if isinstance(field, (SelectField, SelectMultipleField)):
        labels = {_key(value): _(label) for value, label in choice_pairs(field)}
        values = data if isinstance(data, list) else [data]
        return ", ".join(labels.get(_key(value), "" if value is None else str(value)) for value in values)
    if isinstance(field, ParsedField):
        return field._value()
    return "" if data is None else str(data)


def _key(value):
    return "" if value is None else str(value)


def choice_pairs(field):
    """[(value, label)] of a field's choices, declared as pairs or as SelectChoice."""
    return [(choice.value, choice.label) if isinstance(choice, SelectChoice) else (choice[0], choice[1])
            for choice in (field.choices or [])]
