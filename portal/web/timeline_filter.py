"""The timeline's filters, read from the query string (GET, so they work without JavaScript and can be bookmarked)."""
import re
from datetime import date

from babel.dates import format_date
from flask import request

from ..data.clock import local
from ..i18n import N_, current_language
from ..i18n import gettext as _

MONTH_PROBLEM = N_("Skriv måneden sådan: 2026-01 (år og måned).")
ORDER_PROBLEM = N_("Til-måneden ligger før fra-måneden. Byt om på dem.")


def parse_month(text):
    """'2026-01' (what a month input sends), '01-2026', '1/2026' or '1.2026' -> the month's first day; ValueError."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    year, month = (match[1], match[2]) if match else (None, None)
    if not match and (match := re.fullmatch(r"(\d{1,2})[-./ ](\d{4})", text)):
        year, month = match[2], match[1]
    if not match or not 1 <= int(month) <= 12 or not 1900 <= int(year) <= 9999:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def read(organisations):
    """{organisation, start, end, significant, page, raw, errors} from the query string; bad input becomes errors."""
    args = request.args
    errors, months = {}, {}
    for name in ("from", "to"):
        raw = args.get(name, "").strip()
        months[name] = None
        if raw:
            try:
                months[name] = parse_month(raw)
            except ValueError:
                errors[name] = _(MONTH_PROBLEM)
    if months["from"] and months["to"] and months["to"] < months["from"]:
        errors["to"] = _(ORDER_PROBLEM)
        months["to"] = None
    organisation = args.get("organisation", "").strip()
    if organisation not in organisations:
        organisation = ""  # an organisation no longer among the family's shows everything, not nothing
    page = args.get("page", "1")
    return {
        "organisation": organisation or None, "start": months["from"], "end": months["to"],
        "significant": args.get("significant") == "1",
        "page": int(page) if re.fullmatch(r"[0-9]{1,6}", page) and int(page) > 0 else 1,
        "raw": {"from": args.get("from", "").strip()[:20], "to": args.get("to", "").strip()[:20]},
        "errors": errors,
    }


def arguments(chosen):
    """The filters as query arguments for page links (empty ones left out)."""
    return {key: value for key, value in {
        "organisation": chosen["organisation"], "from": chosen["raw"]["from"] or None,
        "to": chosen["raw"]["to"] or None, "significant": "1" if chosen["significant"] else None,
    }.items() if value}


def label_months(lines):
    """Give each line `month`: the Copenhagen month it happened in, as the reader says it ("november 2026")."""
    for line in lines:
        moment = local(line["at"])
        line["month"] = format_date(moment.date(), "LLLL y", locale=current_language())
    return lines
