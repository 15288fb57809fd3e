"""Read the municipality's settings (content/settings.yml), shared with the info site."""
import os
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


def content_dir():
    return Path(os.environ.get("FAMILIEPORTAL_CONTENT", REPO_ROOT / "content"))


@lru_cache(maxsize=4)
def _extra(path):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return data.get("extra", {})


def _load(path):
    return _extra(path).get("municipality", {})


def languages():
    """The languages the portal and the info site offer, Danish first: {code: the language's own name}."""
    folder = content_dir()
    chosen = _extra(str(folder / "settings.yml")).get("languages") or {"da": "Dansk"}
    return {"da": chosen.get("da", "Dansk"), **chosen}


def municipality():
    """Return the municipality's settings as a dict (name, phone, info_url …)."""
    return _settings_for(os.environ.get("FAMILIEPORTAL_CONTENT"))


@lru_cache(maxsize=4)
def _settings_for(content_override):
    folder = Path(content_override) if content_override else REPO_ROOT / "content"
    return _load(str(folder / "settings.yml"))


def info_page_url(slug, language="da"):
    """Address of a page on the info site, e.g. info_page_url('netvaerksmoeder/')."""
    base = municipality().get("info_url", "/info/")
    if not base.endswith("/"):
        base += "/"
    prefix = "" if language == "da" else f"{language}/"
    return f"{base}{prefix}{slug}"


def retention_days():
    """Days from closing a family's case until `familieportal retention` deletes its data (settings.yml)."""
    value = municipality().get("retention_days_after_closing")
    # No default: the privacy page shows this value, so the code must not assume another.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("content/settings.yml: set retention_days_after_closing to a whole number of days (0 or more)")
    return value


MEETING_LOAD_DEFAULT = {"days": 14, "meetings": 5}


def meeting_load():
    """{days, meetings}: a family with at least `meetings` meetings in `days` days is flagged (settings.yml)."""
    value = municipality().get("meeting_load") or MEETING_LOAD_DEFAULT
    if not isinstance(value, dict) or not all(
            isinstance(value.get(key), int) and not isinstance(value.get(key), bool) and value[key] > 0
            for key in ("days", "meetings")):
        raise ValueError("content/settings.yml: set meeting_load to {days: 14, meetings: 5} (whole numbers above 0)")
    return {"days": value["days"], "meetings": value["meetings"]}
