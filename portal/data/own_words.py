"""Check what a parent writes in their own words, without ever changing it."""
from ..web.i18n import gettext as _


def thousands(number):
    """2000 -> '2.000', as Danish writes it."""
    return f"{number:,}".replace(",", ".")


def problem(text, *, max_length, blank_message, too_long_message):
    """A friendly message if `text` is blank or too long, else None.

    too_long_message is a Danish text with %(max)s and %(count)s in it.
    """
    if not (text or "").strip():
        return _(blank_message)
    # Browsers send a line break as \r\n; the parent typed one character.
    length = len(text.replace("\r\n", "\n"))
    if length > max_length:
        return _(too_long_message, max=thousands(max_length), count=thousands(length))
    return None
