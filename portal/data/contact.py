"""E-mail addresses and Danish mobile numbers as the portal stores them."""
import re

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_phone(text):
    """'12 34 56 78', '+45 1234 5678' and '0045…' all become '+4512345678'; None if not a number."""
    digits = re.sub(r"[\s\-().]", "", text or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"\d{8}", digits):
        digits = "+45" + digits
    return digits if re.fullmatch(r"\+\d{8,15}", digits) else None


def is_email(text):
    return bool(text) and len(text) <= 254 and EMAIL.fullmatch(text) is not None
