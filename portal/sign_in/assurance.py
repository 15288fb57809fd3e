"""What SAML and OpenID Connect share: the NSIS levels as identity providers name them, and a refusal.

NSIS "Low" is one factor, as much as a link; portal/data/access.py decides
which level each page needs.
"""
from ..data.access import HIGH, LINK, SUBSTANTIAL

NSIS_LOA = "https://data.gov.dk/concept/core/nsis/loa"
LEVELS = {"Low": LINK, "Substantial": SUBSTANTIAL, "High": HIGH}


def level_name(value, *, any_case=False):
    """"Substantial", or NemLog-in's "https://data.gov.dk/concept/core/nsis/loa/Substantial": "Substantial".

    None for anything that names no level (any_case: "substantial" names one too).
    """
    if not isinstance(value, str):
        return None
    if value.startswith(NSIS_LOA + "/"):
        value = value[len(NSIS_LOA) + 1:]
    if any_case:
        return next((level for level in LEVELS if level.lower() == value.lower()), None)
    return value if value in LEVELS else None


class Refused(Exception):
    """The identity provider's answer is not accepted; `reason` is one of the protocol's REASONS, `detail` is for
    the log only."""

    REASONS = ()

    def __init__(self, reason, detail=""):
        assert reason in self.REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
