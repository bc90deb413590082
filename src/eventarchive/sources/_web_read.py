"""Reading what the web stage fetched (pure) and the Wayback Machine's copies of dead pages:
a page's main text as an ``article``, a dead link's capture nearest the event, a Storify story.

A helper of ``web.py`` (the leading underscore keeps it out of the source registry).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import orjson
import trafilatura

from ..http import FetchError
from ..records import Author, Batch, Item, Problem
from ..times import utc_iso
from . import storify, wayback

PLATFORM = "web"


def parse_page(html: str | bytes, url: str, batch: Batch, provenance: Mapping) -> str | None:
    """A page's main text and metadata ► an ``article`` item (pure); returns its id."""
    return add_article(read_page(html, url), url, batch, provenance)


def read_page(html: str | bytes, url: str) -> dict | None:
    """What ``parse_page`` keeps of a page, as plain values (the web stage runs this, the
    costly part, in a worker process); None without readable text."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False)
    if document is None or not (document.text or "").strip():
        return None
    return {"url": document.url, "title": document.title, "text": document.text.strip(),
            "author": document.author, "date": document.date, "sitename": document.sitename,
            "description": document.description, "published": _published_time(html)}


def add_article(page: dict | None, url: str, batch: Batch, provenance: Mapping) -> str | None:
    """The ``article`` item (and its author) of a page ``read_page`` read; returns its id."""
    if page is None:
        batch.problems.append(Problem(url, "no readable text found on the page"))
        return None
    canonical = page["url"] or url
    item_id = f"{PLATFORM}:{canonical}"
    author_id = None
    if page["author"]:
        site = urlsplit(canonical).netloc
        author_id = f"{PLATFORM}:{site}/{page['author']}"
        batch.authors.append(Author(author_id, PLATFORM, display_name=page["author"]))
    published = page["published"] or (utc_iso(page["date"]) if page["date"] else None)
    batch.items.append(Item(
        id=item_id, kind="article", platform=PLATFORM, native_id=canonical, url=canonical,
        author_id=author_id, published_at=published, title=page["title"], text=page["text"],
        raw=orjson.dumps({**provenance, "site_name": page["sitename"],
                          "description": page["description"]}).decode(),
    ))
    return item_id


_PUBLISHED = re.compile(
    r"""<meta\s[^>]*?(?:property|name|itemprop)=["'](?:article:published_time|datePublished|"""
    r"""dc\.date(?:\.issued)?)["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content=["']([^"']+)["']""", re.I)


def _published_time(html: str | bytes) -> str | None:
    """The page's own publication time with its hour (trafilatura keeps only the date)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    tag = _PUBLISHED.search(html)
    value = _CONTENT.search(tag.group(0)) if tag else None
    if not value or "T" not in value.group(1):
        return None
    return utc_iso(value.group(1))


def from_archive(http, url: str, why: str, status: int | None, batch: Batch,
                 params: Mapping) -> dict:
    """A dead link: the Wayback Machine's capture nearest the event, when there is one.
    Returns the outcome to remember: ``archived`` with the copy, or ``dead``."""
    try:
        # A short link's capture is a redirect, which the archive follows to its target.
        snapshot = wayback.closest(http, url, params.get("around"), status="200|30[12]",
                                   **params["wayback"])
        if snapshot is None:
            batch.problems.append(Problem(url, f"{why}; the Wayback Machine has no copy either"))
            return {"outcome": "dead", "status": status}
        response = wayback.fetch_snapshot(http, snapshot)
    except FetchError as exc:
        batch.problems.append(Problem(url, f"{why}; the Wayback Machine: {exc}"))
        return {"outcome": "dead", "status": status}
    parse_page(response.text, url, batch, provenance={
        "requested": url, "status": status, "archived": snapshot.url,
        "snapshot_timestamp": snapshot.timestamp})
    return {"outcome": "archived", "status": status, "archived": snapshot.url,
            "note": "archived copy"}


def is_storify(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("sfy.co", "storify.com") or host.endswith(".storify.com")


def story_from_archive(http, url: str, batch: Batch, params: Mapping) -> dict:
    """A Storify story (closed in 2018) from the Wayback Machine. Every form the archive holds
    is tried (API JSON, page, /embed, .html export, 2011 .json) and the most complete kept;
    a capture holding only part of the story says so."""
    around, archive = params.get("around"), params["wayback"]
    story_id = storify.story_id_from_url(url)
    tried: list[tuple[tuple, Batch, storify.StoryResult, wayback.Snapshot]] = []
    dead = {"outcome": "dead", "status": None}
    try:
        if story_id is None:  # sfy.co/XXXX: its capture redirects to the story
            snapshot = wayback.closest(http, url, around, status="30[12]|200", **archive)
            if snapshot is None:
                batch.problems.append(Problem(url, "a Storify short link the Wayback Machine "
                                                   "never captured"))
                return dead
            response = wayback.fetch_snapshot(http, snapshot)
            story_id = storify.story_id_from_url(str(response.url))
            if story_id is None:
                batch.problems.append(Problem(url, "its archived copy is not a Storify story"))
                return dead
        for candidate in storify.capture_candidates(story_id):
            snapshot = wayback.closest(http, candidate, around, **archive)
            if snapshot is None:
                continue
            trial = Batch()
            try:
                result = storify.fetch_capture(http, snapshot.raw_url, trial,
                                               story_url=f"https://storify.com/{story_id}")
            except (FetchError, ValueError):
                continue
            tried.append(((result.complete, result.have), trial, result, snapshot))
            if result.complete:
                break
    except FetchError as exc:
        batch.problems.append(Problem(url, f"the Wayback Machine: {exc}"))
    if not tried:
        batch.problems.append(Problem(url, f"no capture of Storify story {story_id} could be "
                                           "read in the Wayback Machine"))
        return dead
    _, best, result, snapshot = max(tried, key=lambda t: t[0])
    batch.extend(best)  # with its "this capture holds 20 of 57 elements" note, if partial
    # For people: the story page as the archive shows it, whichever form was read.
    page = wayback.playback_url(f"https://storify.com/{story_id}", snapshot.timestamp,
                                archive["base"])
    return {"outcome": "archived", "status": None, "archived": page,
            "note": f"Storify story ({result.form})"}
