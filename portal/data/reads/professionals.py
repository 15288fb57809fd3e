"""What a professional's pages show: only what access.py lets them see."""
from .. import access
from ..clock import now_text, today_text
from ..db import get_db, read_rows


def families(professional_id):
    """The families the professional may see today, by name."""
    return read_rows(
        get_db(),
        f"SELECT f.id, f.name FROM families f WHERE {access.professional_families_sql('f')}"
        " ORDER BY f.name COLLATE NOCASE, f.id",
        {"professional": professional_id, "today": today_text()},
    )


def meetings(professional_id, *, limit=20):
    """The coming meetings the professional is called to and may see, soonest first."""
    return read_rows(
        get_db(),
        f"SELECT m.id, m.family_id, m.kind, m.starts_at, m.ends_at, m.place, m.status FROM meetings m"
        f" WHERE m.starts_at >= :now AND m.status = 'planned' AND {access.professional_meetings_sql('m')}"
        " ORDER BY m.starts_at, m.id LIMIT :limit",
        {"professional": professional_id, "today": today_text(), "now": now_text(), "limit": limit},
    )
