"""``eventarchive forget``: a takedown that removes the rows, files and WARC records and
leaves the archive file without the erased bytes; suppressions (suppression.py) keep it so.

Order: one transaction deletes the rows and records the takedown (with ``secure_delete`` on,
so SQLite zeroes what it frees); the full-text index is merged (``optimize``: FTS5 otherwise
keeps deleted words in old segments until a merge); photos, thumbnails and WARC records go;
then, on a file some earlier writer may have written without ``secure_delete`` (created
before eventarchive turned it on for every write: ``Store.scrubbed``), ``VACUUM`` rebuilds it
once (earlier versions of an edited row may sit in free space nobody zeroed) and marks it
scrubbed; the write-ahead log is checkpointed and truncated. A file written only with
``secure_delete`` needs no VACUUM, which took 75 s per million items under the archive's lock.
See docs/security.md for what erasure cannot reach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .runlog import now_iso
from .store import Store
from .suppression import ERASED, erase, scrub_texts, suppress, suppress_more
from .warcfiles import drop_records


@dataclass
class Request:
    """What one ``forget`` names."""

    items: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    event: str | None = None
    reason: str | None = None

    def __bool__(self) -> bool:
        return bool(self.items or self.authors or self.urls or self.event)


@dataclass
class Targets:
    """The items a request reaches, and the URLs and WARC records they leave behind."""

    items: list[str]
    urls: set[str]
    records: set[str]
    links: set[str]  # addresses that led to an erased URL (t.co …), suppressed with it


@dataclass
class Forgotten:
    items: int = 0
    files: int = 0
    warc_files: int = 0
    warc_records: int = 0
    vacuumed: bool = False
    wal_emptied: bool = True


def targets(store: Store, request: Request) -> Targets:
    """Every item the request reaches: named, by the authors, pages at the URLs (and their
    comments), the event's own items; with the URLs and WARC records to take out."""
    conn = store.conn
    items = list(request.items) + store.items_of(list(request.authors))
    if request.event:
        items += store.items_of(event=request.event)
    links = set()
    for url in request.urls:
        items += [i for (i,) in conn.execute(
            "SELECT id FROM items WHERE url = ? OR native_id = ? OR substr(url, 1, ?) = ?",
            (url, url, len(url) + 1, url + "#"))]
        links |= {u for (u,) in conn.execute(
            "SELECT url FROM links WHERE resolved_url = ?", (url,))}
    items = list(dict.fromkeys(items))
    urls, records = set(request.urls) | links, set()
    for start in range(0, len(items), 500):
        chunk = json.dumps(items[start:start + 500])
        for url, raw in conn.execute(
                "SELECT url, raw FROM items WHERE id IN (SELECT value FROM json_each(?))",
                (chunk,)):
            urls.add(url)
            provenance = _json(raw)
            for key in ("requested", "final"):
                if isinstance(provenance.get(key), str):
                    urls.add(provenance[key])
            urls |= {u for u in provenance.get("redirects") or () if isinstance(u, str)}
            if isinstance(provenance.get("warc"), str) and "#" in provenance["warc"]:
                records.add(provenance["warc"].split("#", 1)[1])
    urls.discard(None)
    return Targets(items, urls, records, links)


def _json(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def forget(store: Store, request: Request, found: Targets, media_dir: Path | None,
           vacuum: bool = True) -> Forgotten:
    """Erase what ``found`` holds and record the takedown (callers hold the archive lock)."""
    conn = store.conn
    result = Forgotten()
    now = now_iso()
    paths = store.media_paths(found.items)
    conn.execute("PRAGMA secure_delete = ON")  # as Store.open sets it (Store.memory does not)
    with conn:
        result.items = erase(conn, found.items, request.authors)
        conn.executemany("DELETE FROM links WHERE url = ? OR resolved_url = ?",
                         [(u, u) for u in request.urls])
        named = ([("item", i) for i in request.items] + [("author", a) for a in
                 request.authors] + [("url", u) for u in request.urls]
                 + ([("event", request.event)] if request.event else []))
        first = None
        for kind, target in named:
            takedown = suppress(conn, kind, [target], request.reason or ERASED, now,
                                items=result.items if first is None else 0)
            first = first or takedown
        suppress_more(conn, first, "item", found.items)
        suppress_more(conn, first, "url", found.urls | found.links)
        scrub_texts(conn, [*found.items, *found.urls, *request.authors])
        if request.event:
            store.drop_event(request.event)
    with conn:
        conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    still_used = {p for (p,) in conn.execute("SELECT path FROM media WHERE path IS NOT NULL")}
    for path in paths:
        if media_dir is not None and path not in still_used:
            (media_dir / path).unlink(missing_ok=True)
            result.files += 1
    if media_dir is not None:
        warc = drop_records(media_dir / "warc", found.urls, found.records)
        result.warc_files, result.warc_records = warc.files, warc.records
    if vacuum and not store.scrubbed():
        conn.execute("VACUUM")
        store.mark_scrubbed()
        result.vacuumed = True
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    result.wal_emptied = not busy
    return result
