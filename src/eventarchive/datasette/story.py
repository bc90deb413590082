"""The story page of an event (``/-/events/SLUG``), its JSON form, its items' permalinks and
its Atom feed: Datasette routes registered by the project's plugin.

The SQL is in ``storyquery``, what a card shows in ``story_cards``; this module reads the
request, runs them on Datasette's read connection and renders ``story.html``.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote, urlencode

from datasette.utils import tilde_decode
from datasette.utils.asgi import Response

from .. import storyquery as sq
from ..story_cards import Card, Zone, card, group, item_path, merge_crossposts, thread

FILTERS = ("q", "platform", "kind", "session", "author", "from", "to")
KINDS = ("post", "photo", "article", "comment", "note", "story", "story_element")


class BadRequest(ValueError):
    """A filter the page cannot use (an unreadable date): shown to the visitor, not raised."""


def event_config(datasette, slug: str) -> dict:
    """What the config the archive is served with says about an event: its UTC offset and its
    programme's sessions (times in UTC). Empty when served without a config."""
    config = datasette.plugin_config("eventarchive") or {}
    return (config.get("events") or {}).get(slug) or {}


def story_url(slug: str) -> str:
    return f"/-/events/{quote(slug)}"


def base_url(request) -> str:
    return f"{request.scheme}://{request.host}"


def filters_from(args, zone: Zone, sessions: list[dict]) -> tuple[sq.Filters, list[str]]:
    f = sq.Filters(q=args.get("q", "").strip(), platform=args.get("platform", "").strip(),
                   kind=args.get("kind", "").strip(), author=args.get("author", "").strip())
    problems = []
    for name, end in (("from", False), ("to", True)):
        value = args.get(name, "").strip()
        if not value:
            continue
        try:
            setattr(f, "until" if end else "since", zone.to_utc(value, end=end))
        except ValueError:
            problems.append(f"“{value}” is not a date or time (try 2011-10-21 or "
                            f"2011-10-21 14:00); the {name!r} filter is left out.")
    session = args.get("session", "").strip()
    if session:
        found = next((s for s in sessions if s["title"] == session), None)
        if found is None:
            problems.append(f"This event has no session called “{session}”.")
        else:
            f.session = session
            f.since = max(f.since, found["starts_at"]) if f.since else found["starts_at"]
            f.until = min(f.until, found["ends_at"]) if f.until else found["ends_at"]
    return f, problems


def build_cards(conn: sqlite3.Connection, slug: str, ids: list[str], zone: Zone,
                base: str) -> list[Card]:
    """Cards for ``ids`` in that order, with what they quote or answer, their comments, and
    crossposts merged."""
    url = story_url(slug)
    quotes = sq.quoted(conn, ids)
    replies = [r["id"] for r in sq.replies(conn, ids)]
    rows = sq.items(conn, ids)
    extra = sq.items(conn, [i for i in {*quotes.values(), *replies,
                                        *(r["in_reply_to"] for r in rows.values()
                                          if r["in_reply_to"])} if i not in rows])
    every = {**rows, **extra}
    cards: list[Card] = []
    for item_id in ids:
        row = rows.get(item_id)
        if row is None:
            continue
        quoted_id = quotes.get(item_id)
        if row["kind"] == "story_element" and quoted_id in every:
            # The element shows the post it embeds, once, at the element's place.
            c = card(every[quoted_id], slug, zone, url, base)
            c.via, c.item_ids = item_id, [quoted_id, item_id]
        else:
            c = card(row, slug, zone, url, base)
            context_id = row["in_reply_to"] if row["kind"] in ("post", "comment") else None
            context_id = context_id or (quoted_id if row["kind"] == "post" else None)
            if context_id in every:
                parent = every[context_id]
                c.context = {"relation": "replying to" if context_id == row["in_reply_to"]
                             else "quoting", "id": context_id,
                             "author": parent.get("display_name") or parent.get("handle"),
                             "text": (parent.get("text") or parent.get("title") or "")[:280],
                             "permalink": item_path(slug, context_id)}
        cards.append(c)
    by_parent = {i: every[i]["in_reply_to"] for i in replies if i in every}
    comment_cards = [card(every[i], slug, zone, url, base) for i in replies if i in every]
    for c in cards:
        mine = _thread_of(c.item_ids, comment_cards, by_parent)
        thread(c, mine, by_parent)
    return merge_crossposts(cards)


def _thread_of(roots: list[str], comments: list[Card], by_parent: dict[str, str]) -> list[Card]:
    below, found = set(roots), []
    for c in sorted(comments, key=lambda c: c.published_at or ""):
        if by_parent.get(c.id) in below:
            below.add(c.id)
            found.append(c)
    # Comments out of time order (a reply older than its parent) still find their thread.
    for c in comments:
        if c not in found and by_parent.get(c.id) in below:
            found.append(c)
    return found


def story_context(conn: sqlite3.Connection, slug: str, args, cfg: dict, base: str,
                  size: int = sq.PAGE_SIZE) -> dict:
    """What story.html shows for one page; ``size``: cards a page holds (the static export's
    tests use small pages)."""
    event = sq.event(conn, slug)
    if event is None:
        return {"missing": slug, "events": sq.events(conn)}
    zone = Zone.from_config(cfg.get("utc_offset"))
    sessions = cfg.get("sessions") or []
    filters, problems = filters_from(args, zone, sessions)
    after = args.get("after") or None
    if after and sq.decode_cursor(after) is None:
        problems.append("That page link is not one of this story's; showing the first page.")
        after = None
    page = sq.page(conn, slug, filters, after, size)
    cards = build_cards(conn, slug, page.ids, zone, base)
    for c in cards:
        key = next((page.keys[i] for i in c.item_ids if i in page.keys), "")
        c.placed = "pinned" if key.startswith("0|") else "moved" if key and not \
            key.endswith("|0") else ""
        if key.startswith("1|1|"):  # the time the story's order gives it (storyquery._KEY)
            c.placed_at = key[4:].split("|", 1)[0]
    notes = sq.annotations(conn, slug, [i for c in cards for i in c.item_ids], top=not after)
    for c in cards:
        for i in c.item_ids:
            c.annotations.extend(notes.get(i, []))
    shown = {k: args.get(k, "").strip() for k in FILTERS if args.get(k, "").strip()}
    url = story_url(slug)
    return {
        "event": event, "slug": slug, "zone": zone.label, "zone_known": zone.offset is not None,
        "dates": _dates(event, zone), "counts": page.by_platform,
        "sessions": sessions, "groups": group(cards, sessions, zone), "cards": cards,
        "top_annotations": notes.get(None, []), "total": page.total,
        "capped": page.capped, "filters": shown,
        "problems": problems, "kinds": KINDS, "platforms": sq.platforms(conn),
        "story_url": url, "first_url": f"{url}?{urlencode(shown)}" if shown else url,
        "next_url": f"{url}?{urlencode({**shown, 'after': page.next_cursor})}"
        if page.next_cursor else None,
        "next_cursor": page.next_cursor, "paged": page.prev,
        "this_url": f"{url}?{urlencode({**shown, **({'after': after} if after else {})})}"
        if shown or after else url,
    }


def _dates(event: dict, zone: Zone) -> str:
    start, end = zone.show(event.get("starts_at")), zone.show(event.get("ends_at"))
    if start and end and start[:11] == end[:11]:
        return f"{start}–{zone.show(event.get('ends_at'), with_date=False)}"
    return "–".join(t for t in (start, end) if t)


def _json(context: dict) -> dict:
    if "missing" in context:
        return {"ok": False, "error": f"No event called {context['missing']!r}",
                "events": [e["slug"] for e in context["events"]]}
    return {
        "ok": True, "event": context["event"], "time_zone": context["zone"],
        "filters": context["filters"], "total": context["total"],
        "total_is_lower_bound": context["capped"],
        "next": context["next_url"], "next_cursor": context["next_cursor"],
        "annotations": context["top_annotations"],
        "items": [c.to_json() for c in context["cards"]],
    }


async def _allowed(request, datasette):
    """The story shows a database's rows: whoever may not see the database (a private
    archive's anonymous visitor) may not see its story either (Forbidden: a 403 page)."""
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, [("view-database", db.name),
                                                       "view-instance"])
    return db


async def story(request, datasette):
    slug = request.url_vars["slug"]
    fmt = request.url_vars.get("fmt") or ""
    cfg = event_config(datasette, slug)
    base = base_url(request)
    db = await _allowed(request, datasette)
    if fmt == ".atom":
        from .feed import atom

        body = await db.execute_fn(lambda conn: atom(conn, slug, cfg, base))
        if body is None:
            return Response.text(f"No event called {slug!r}.", status=404)
        return Response(body, content_type="application/atom+xml; charset=utf-8")
    context = await db.execute_fn(
        lambda conn: story_context(conn, slug, request.args, cfg, base))
    status = 404 if "missing" in context else 200
    if fmt == ".json":
        return Response.json(_json(context), status=status)
    context["database_name"] = db.name
    context["json_url"] = (f"{context.get('story_url', '')}.json"
                           + (request.query_string and f"?{request.query_string}"))
    html = await datasette.render_template("story.html", context, request=request)
    return Response.html(html, status=status)


def item_context(conn: sqlite3.Connection, slug: str, item_id: str, cfg: dict,
                 base: str) -> dict:
    event = sq.event(conn, slug)
    if event is None or slug not in sq.item_events(conn, item_id):
        return {"missing_item": item_id, "event": event, "slug": slug}
    zone = Zone.from_config(cfg.get("utc_offset"))
    cards = build_cards(conn, slug, [item_id], zone, base)
    element = sq.embedding_element(conn, slug, item_id)
    key = sq.key_of(conn, slug, element or item_id)
    url = story_url(slug)
    in_story = f"{url}?{urlencode({'after': sq.encode_cursor(key, inclusive=True)})}" \
               f"#item-{quote(item_id, safe='')}" if key else None
    return {"event": event, "slug": slug, "card": cards[0] if cards else None,
            "zone": zone.label, "story_url": url, "in_story": in_story}


async def item(request, datasette):
    slug = request.url_vars["slug"]
    item_id = tilde_decode(request.url_vars["item"])
    cfg = event_config(datasette, slug)
    db = await _allowed(request, datasette)
    context = await db.execute_fn(
        lambda conn: item_context(conn, slug, item_id, cfg, base_url(request)))
    found = context.get("card") is not None
    if request.url_vars.get("fmt") == ".json":
        if not found:
            return Response.json({"ok": False, "error": f"No item {item_id!r} in {slug!r}"},
                                 status=404)
        return Response.json({"ok": True, "event": slug, "time_zone": context["zone"],
                              "in_story": context["in_story"],
                              "item": context["card"].to_json()})
    html = await datasette.render_template("story_item.html", context, request=request)
    return Response.html(html, status=200 if found else 404)


ROUTES = [
    (r"^/-/events/(?P<slug>[A-Za-z0-9_-]+)/items/(?P<item>[^/]+?)(?P<fmt>\.json)?$", item),
    (r"^/-/events/(?P<slug>[A-Za-z0-9_-]+)(?P<fmt>\.json|\.atom)?$", story),
]
