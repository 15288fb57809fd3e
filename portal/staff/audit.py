"""The audit log of one family, for admins: in the browser and as CSV."""
import csv
import io

from flask import Response, render_template, request

from . import family_bp
from ..data import audit as audit_log
from ..sign_in import who

PAGE = 200


@family_bp.route("/audit")
def audit(family_id):
    who.require_admin()
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and len(page) < 6 else 1
    total = audit_log.count_for_family(family_id)
    return render_template("staff/audit.html", lines=audit_log.for_family(family_id, limit=PAGE, offset=(page - 1) * PAGE),
                           page=page, pages=max(1, -(-total // PAGE)), total=total)


@family_bp.route("/audit.csv")
def audit_csv(family_id):
    who.require_admin()
    audit_log.record("audit.downloaded", actor_kind="staff", actor_id=who.current_staff()["id"], family_id=family_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["at_utc", "actor_kind", "actor_id", "actor_name", "action", "detail"])
    offset = 0
    while batch := audit_log.for_family(family_id, limit=5000, offset=offset):
        for line in batch:
            writer.writerow([line["at"], line["actor_kind"], line["actor_id"] or "", _cell(line["actor_name"]),
                             line["action"], _cell(line["detail"])])
        offset += len(batch)
    return Response(
        "\ufeff" + buffer.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="familie-{family_id}-log.csv"'})


def _cell(text):
    """Never let a spreadsheet run a cell as a formula."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
