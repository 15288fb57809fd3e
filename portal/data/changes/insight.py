"""An insight export (GDPR art. 15) leaves an audit line: who took everything of which family, and as what."""
from .. import audit
from ._core import change

FORMATS = ("html", "json")


@change
def record_download(actor, family_id, format):
    """Log that `actor` took the family's insight export as `format` (html or json).

    Written at once, not behind the page: the line must exist once the export
    has left. A closed case may still be exported (an aktindsigt after closing),
    so this writes the audit line itself rather than through _core.record().
    """
    assert format in FORMATS
    audit.record("insight.downloaded", actor_kind=actor.kind, actor_id=actor.id, family_id=family_id, format=format)
