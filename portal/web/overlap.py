"""The two-step save of a plan item that overlaps another organisation's effort: warn first, then save anyway.

No JavaScript: the warning page is the same form, the typing kept, with "Gem alligevel" (its value is the
kind it warned of, so a kind changed on the warning page is warned of again) and "Tilbage" (the form again,
nothing saved).
"""
from flask import request

from ..i18n import N_


def warning_buttons(kind):
    """The buttons of the warning page (form_buttons in _forms.html)."""
    return [("overlap_seen", kind, N_("Gem alligevel"), ""), ("action", "back", N_("Tilbage"), "secondary")]


def overlap_step(kind, found):
    """What a POST of a plan item form does: "back" (show the form), "warn" (show `found` first) or None (save)."""
    if request.form.get("action") == "back":
        return "back"
    if found and request.form.get("overlap_seen") != kind:
        return "warn"
    return None
