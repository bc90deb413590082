"""An event's photo gallery: ``/-/events/SLUG/gallery`` (HTML) and ``…/gallery.json``.

One tile per picture, however many posts shared it (byte-identical copies are one file,
near-identical ones one ``photo_group``), in time order, with every post it came from.
Filters are query parameters (``platform``, ``author``, ``day``), so a filtered gallery is a
shareable address. Serving never fetches: a photo with no local copy shows its alt text, why
the download failed and a link to the original, never a hot-linked image.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette.utils.asgi import Response

from .. import galleryquery as gq

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
    after = request.args.get("after") or None
    problem = None
    if after and gq.decode_cursor(after) is None:
        problem = "That page link is not one of this gallery's; showing the first page."
        after = None
    found = await db.execute_fn(lambda conn: gq.page(conn, slug, filters, after))
    shown = tiles(found.rows)
    shown_filters = {k: v for k, v in filters.items() if v}
    fmt = request.url_vars.get("format") or ""
    path = request.path.removesuffix(fmt)
    query = urlencode({**shown_filters, "after": found.next_cursor})
    next_url = f"{path}{fmt}?{query}" if found.next_cursor else None
    if fmt == ".json":
        return Response.json({"event": slug, "filters": filters, "photos": shown,
                              "next": next_url, "next_cursor": found.next_cursor})
    choices = await db.execute_fn(lambda conn: gq.choices(conn, slug))
    context = {
        "event": dict(event), "photos": shown, "filters": filters, "problem": problem,
        "next_url": next_url, "paged": after is not None,
        "first_url": path + ("?" + urlencode(shown_filters) if shown_filters else ""),
        **choices,
        "json_url": request.path + ".json" + (f"?{request.query_string}"
                                              if request.query_string else ""),
    }
    return Response.html(await datasette.render_template("gallery.html", context,
                                                         request=request))


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


ROUTES = [(r"^/-/events/(?P<slug>[^/]+)/gallery(?P<format>\.json)?$", gallery)]
