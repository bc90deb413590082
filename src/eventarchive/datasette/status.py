"""``/-/status`` (and ``/-/status.json``): the same report as `eventarchive status`, for people
who look at the archive in a browser and for monitors that poll it over HTTP. The JSON answers
HTTP 503 when the CLI would exit 1, so a plain uptime check alerts too."""

from __future__ import annotations

import json
from pathlib import Path

from datasette.utils.asgi import Response

TEMPLATE = Path(__file__).parent / "templates" / "status.html"


def routes() -> list:
    return [(r"^/-/status(?P<format>\.json)?$", status_page)]


# The counts of the last report, while the archive's files stay unchanged (status.report).
MEMO: dict = {}


async def status_page(datasette, request):
    from ..status import report

    db = datasette.get_database()
    memo = MEMO.setdefault(db.path, {})
    data = await db.execute_fn(lambda conn: report(conn, db.path, memo=memo))
    if request.url_vars.get("format"):
        code = 503 if data["exit_code"] else 200
        return Response(json.dumps(data, indent=2, ensure_ascii=False), status=code,
                        content_type="application/json; charset=utf-8")
    try:
        template = datasette.jinja_env.select_template(["status.html"])
    except Exception:  # noqa: BLE001 - our templates folder is not registered: read the file
        template = datasette.jinja_env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    html = await datasette.render_template(template, {"status": data}, request=request)
    return Response.html(html)
