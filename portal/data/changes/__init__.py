"""Every change to a family's data, one audited function each, grouped by area.

Views, the demo loader and the CLI call these functions; nothing else writes a
family's data. Each checks the domain's rules (raising Invalid with friendly
messages per field), writes in one transaction, refuses to overwrite a row
that changed since the form was read (Conflict), and leaves an audit line and,
where it is part of the family's story, a family event.
"""
from ._core import SYSTEM, Actor, Closed, Conflict, Invalid, NotFound  # noqa: F401
