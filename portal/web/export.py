"""A JSON file to download: UTF-8 as written (ensure_ascii=False), English keys, times as stored (UTC, ISO 8601)."""
import json

from flask import Response

from ..data.clock import today_text


def json_download(data, name):
    """`data` as an attachment named `name`-YYYY-MM-DD.json."""
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}-{today_text()}.json"'})
