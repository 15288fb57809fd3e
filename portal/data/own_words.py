"""Check text people write, without ever changing it.

A parent's own words are stored exactly as written. The check only says
whether the text can be stored: not blank (nothing visible counts as blank),
not too long, and free of control characters other than line breaks and tabs.
"""
import unicodedata

from ..i18n import N_
from ..i18n import gettext as _

# Characters that show nothing although Unicode calls them letters or symbols.
_INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}

CONTROL_MESSAGE = N_("Teksten indeholder tegn, som vi ikke kan gemme. Skriv den igen uden dem.")
ONE_LINE_MESSAGE = N_("Skriv det på én linje.")


def thousands(number):
    """2000 -> '2.000', as Danish writes it."""
    return f"{number:,}".replace(",", ".")


def is_visible(character):
    if character.isspace() or character in _INVISIBLE_LETTERS:
        return False
    return unicodedata.category(character) not in {"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"}


def length(text):
    """Characters as the writer typed them: browsers send a line break as \\r\\n."""
    return len(text.replace("\r\n", "\n"))


def problem(text, *, max_length, blank_message, too_long_message, multiline=True):
    """A friendly message if `text` cannot be stored, else None.

    too_long_message is a Danish text with %(max)s and %(count)s in it.
    """
    text = text or ""
    if not any(is_visible(character) for character in text):
        return _(blank_message)
    allowed = _ALLOWED_CONTROLS if multiline else {"\t"}
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        message = CONTROL_MESSAGE if multiline or "\n" not in text else ONE_LINE_MESSAGE
        return _(message)
    count = length(text)
    if count > max_length:
        return _(too_long_message, max=thousands(max_length), count=thousands(count))
    return None
