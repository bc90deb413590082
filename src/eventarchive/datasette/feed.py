"""The Atom feed of an event's newest items (``/-/events/SLUG.atom``), for people who follow
an event in a feed reader. Built with ElementTree, so every value is escaped by the library.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

from .. import storyquery as sq
from ..store import now_iso
from ..story_cards import Zone, card, item_path, merge_crossposts

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def atom(conn: sqlite3.Connection, slug: str, cfg: dict, base: str) -> bytes | None:
    """The feed as bytes; None when there is no such event."""
    event = sq.event(conn, slug)
    if event is None:
        return None
    zone = Zone.from_config(cfg.get("utc_offset"))
    story = f"{base}/-/events/{slug}"
    ids = sq.newest(conn, slug, FEED_SIZE)
    rows = sq.items(conn, ids)
    cards = merge_crossposts([card(rows[i], slug, zone, story, base) for i in ids if i in rows])
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"{story}.atom")
    _add(feed, "title", event["name"] or slug)
    if event.get("description"):
        _add(feed, "subtitle", event["description"])
    _add(feed, "updated", max((c.fetched_at or c.published_at or "" for c in cards),
                              default="") or now_iso())
    _add(feed, "link", rel="self", href=f"{story}.atom", type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=story, type="text/html")
    _add(feed, "generator", "eventarchive")
    for c in cards:
        entry = _add(feed, "entry")
        _add(entry, "id", f"{base}{item_path(slug, c.id)}")
        who = c.author or (c.handle and f"@{c.handle.lstrip('@')}")
        title = c.warning and f"Content warning: {c.warning}"
        title = title or c.title or (c.text or "").split("\n")[0][:100] or f"{c.kind} on " \
            f"{c.platform}"
        _add(entry, "title", f"{who}: {title}" if who else title)
        _add(entry, "updated", c.fetched_at or c.published_at or now_iso())
        if c.published_at:
            _add(entry, "published", c.published_at)
        author = _add(entry, "author")
        _add(author, "name", who or "Unknown")
        _add(entry, "link", rel="alternate", href=f"{base}{c.permalink}", type="text/html")
        if c.url:
            _add(entry, "link", rel="related", href=c.url)
        _add(entry, "category", term=c.platform)
        if c.deleted:
            summary = "Deleted at its source; the archive keeps the record."
        elif c.warning:
            summary = f"Content warning: {c.warning}"
        else:
            summary = c.text or c.title or ""
        _add(entry, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
