"""``/-/takedowns``: the public list of takedown requests the archive honoured (and
``/-/takedowns.json``). It shows what kind of thing went (an item, an author, a page's URL,
an event, posts deleted on their platform), a short hash of what was named, when, why and how
many items; never the content, the id or the URL itself: naming what was taken down would
undo the takedown. Whoever knows the URL can check its hash (``printf %s URL | sha256sum``)."""

from __future__ import annotations

from datasette.utils.asgi import Response

KINDS = {"item": "a post or item", "author": "everything by one person",
         "url": "a page and the links to it", "event": "an event",
         "deleted": "posts deleted on their platform"}
COLUMNS = ("kind", "hash", "reason", "requested_at", "items")


async def takedowns(datasette, request):
    db = datasette.get_database()
    rows = []
    if await db.table_exists("takedowns"):
        result = await db.execute(
            "SELECT kind, target_hash, reason, requested_at, items FROM takedowns "
            "WHERE kind != 'item' OR items > 0 OR reason IS NOT NULL "
            "ORDER BY requested_at DESC, id DESC")
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in result.rows]
    if request.url_vars.get("format") == "json":
        return Response.json({"takedowns": rows})
    return Response.html(await datasette.render_template(
        "takedowns.html", {"takedowns": rows, "kinds": KINDS}, request=request))


def routes() -> list:
    return [(r"^/-/takedowns(\.(?P<format>json))?$", takedowns)]
