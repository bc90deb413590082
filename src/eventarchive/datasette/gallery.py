"""An event's photo gallery: ``/-/events/SLUG/gallery`` (HTML) and ``…/gallery.json``.

One tile per picture, however many posts shared it (byte-identical copies are one file,
near-identical ones one ``photo_group``), in time order, with every post it came from.
Filters are query parameters (``platform``, ``author``, ``day``), so a filtered gallery is a
shareable address. Serving never fetches: a photo with no local copy shows its alt text, why
the download failed and a link to the original, never a hot-linked image.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

LIMIT = 1000  # posts' photos read per page of the gallery (tiles may be fewer: groups)

PHOTOS_SQL = """
select media.id, media.url, media.path, media.thumb_path, coalesce(media.status, 'pending')
       as status, media.error, media.alt_text, media.license, media.width, media.height,
       media.taken_at, media.sha256, media.photo_group, media.camera,
       items.id as item_id, items.url as item_url, items.platform, items.published_at,
       coalesce(items.text, items.title) as words,
       coalesce(authors.display_name, authors.handle) as author, authors.handle
from media
join items on items.id = media.item_id
join event_items on event_items.item_id = items.id and event_items.event = :slug
left join authors on authors.id = items.author_id
where coalesce(media.mime, 'image/') like 'image/%'
  and (:platform = '' or items.platform = :platform)
  and (:author = '' or authors.handle = :author or authors.display_name = :author
       or items.author_id = :author)
  and (:day = '' or substr(items.published_at, 1, 10) = :day)
order by items.published_at is null, items.published_at, media.id
limit :limit
"""

CHOICES_SQL = """
select distinct items.platform, coalesce(authors.display_name, authors.handle) as author,
       authors.handle, substr(items.published_at, 1, 10) as day
from media
join items on items.id = media.item_id
join event_items on event_items.item_id = items.id and event_items.event = :slug
left join authors on authors.id = items.author_id
where coalesce(media.mime, 'image/') like 'image/%'
"""

FILTERS = ("platform", "author", "day")


def tiles(rows: list[dict]) -> list[dict]:
    """Rows (one per post's photo) ► tiles (one per picture), in the order first shared."""
    found: dict[str, dict] = {}
    for row in rows:
        key = row["photo_group"] or row["sha256"] or row["id"]
        tile = found.get(key)
        if tile is None:
            tile = found[key] = {"group": key, "copies": [], "posts": [], "status": "pending",
                                 "errors": []}
        tile["copies"].append(row)
        post = {"item_id": row["item_id"], "url": row["item_url"], "platform": row["platform"],
                "author": row["author"], "handle": row["handle"],
                "published_at": row["published_at"], "words": row["words"]}
        if post not in tile["posts"]:
            tile["posts"].append(post)
        if row["error"] and row["status"] != "stored":
            tile["errors"].append(row["error"])
    return [_finish(tile) for tile in found.values()]


def _finish(tile: dict) -> dict:
    copies = tile.pop("copies")
    stored = [c for c in copies if c["status"] == "stored" and (c["thumb_path"] or c["path"])]
    best = max(stored, key=lambda c: (c["width"] or 0) * (c["height"] or 0)) if stored else \
        copies[0]
    first = tile["posts"][0]
    alt = next((c["alt_text"] for c in copies if c["alt_text"]), None) or first["words"] or \
        f"Photo shared by {first['author'] or 'someone'}"
    status = "stored" if stored else ("gone" if all(c["status"] == "gone" for c in copies)
                                      else copies[0]["status"])
    return {
        "group": tile["group"],
        "status": status,
        "thumb": f"/media/{best['thumb_path'] or best['path']}" if stored else None,
        "full": f"/media/{best['path']}" if stored and best["path"] else None,
        "width": best["width"], "height": best["height"],
        "original": best["url"],
        "alt": " ".join(alt.split())[:300],
        "license": next((c["license"] for c in copies if c["license"]), None),
        "camera": best["camera"],
        "taken_at": best["taken_at"],
        "published_at": first["published_at"],
        "author": first["author"],
        "posts": tile["posts"],
        "why": None if stored else ("; ".join(dict.fromkeys(tile["errors"]))
                                    or "not downloaded yet"),
    }


async def gallery(request, datasette):
    slug = request.url_vars["slug"]
    db = datasette.get_database()
    event = (await db.execute("select slug, name from events where slug = ?", [slug])).first()
    if event is None:
        return Response.html(f"<h1>No event {_escape(slug)}</h1>", status=404)
    filters = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    rows = [dict(r) for r in (await db.execute(
        PHOTOS_SQL, {"slug": slug, "limit": LIMIT, **filters})).rows]
    shown = tiles(rows)
    if request.url_vars.get("format") == ".json":
        return Response.json({"event": slug, "filters": filters, "photos": shown,
                              "truncated": len(rows) == LIMIT})
    choices = [dict(r) for r in (await db.execute(CHOICES_SQL, {"slug": slug})).rows]
    context = {
        "event": dict(event), "photos": shown, "filters": filters,
        "truncated": len(rows) == LIMIT,
        "platforms": sorted({c["platform"] for c in choices if c["platform"]}),
        "authors": sorted({(c["handle"] or c["author"], c["author"] or c["handle"])
                           for c in choices if c["handle"] or c["author"]}, key=lambda a: a[1]),
        "days": sorted({c["day"] for c in choices if c["day"]}),
        "json_url": request.path + ".json" + (f"?{request.query_string}"
                                              if request.query_string else ""),
    }
    return Response.html(await datasette.render_template("gallery.html", context,
                                                         request=request))


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


ROUTES = [(r"^/-/events/(?P<slug>[^/]+)/gallery(?P<format>\.json)?$", gallery)]
