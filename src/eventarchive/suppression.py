"""Erasure that sticks, and the ``[privacy]`` policy, applied by the store to every save.

A takedown (``eventarchive forget``) deletes rows and leaves *suppressions*: the SHA-256 of
each erased item id, author id, URL or event slug, never the content, nor even the id in the
clear. Every later save (imports and fetches both go through ``Store.save``) drops records
that match one, so no re-import or re-fetch brings them back; the store counts them
("left out: erased on request"). ``takedowns`` is the public list of requests (kind, short
hash, date, reason, how many items): ``/-/takedowns`` in Datasette.

The same screen applies what the sources saw (``Batch.marks``): consent signals
(consent.py) are skipped, hidden or ignored per ``[privacy] consent``; posts the platform
reports deleted are kept, hidden or forgotten per ``[privacy] deleted``. Hidden items stay in
the archive and leave search, browse and export (``hidden_items``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .consent import REASONS
from .errors import ConfigError
from .records import Rows

ERASED = "erased on request"
DELETED = "deleted on their platform"
CONSENT_MODES = ("skip", "hide", "ignore")
DELETED_MODES = ("keep", "hide", "forget")
KINDS = ("item", "author", "url", "event")


@dataclass(frozen=True)
class Privacy:
    """``[privacy]``: what to do with consent signals and with posts deleted on the platform.
    The defaults listen: opted-out people are not collected, deleted posts are hidden."""

    consent: str = "skip"
    deleted: str = "hide"

    @classmethod
    def from_table(cls, table, where: str) -> Privacy:
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: privacy: expected a table [privacy]")
        for key in table:
            if key not in ("consent", "deleted"):
                raise ConfigError(f"{where}: privacy.{key}: unknown key; expected one of "
                                  "consent, deleted")
        for key, modes in (("consent", CONSENT_MODES), ("deleted", DELETED_MODES)):
            if key in table and table[key] not in modes:
                raise ConfigError(f"{where}: privacy.{key}: expected one of "
                                  f"{', '.join(repr(m) for m in modes)}, got {table[key]!r}")
        return cls(**table)


def digest(target: str) -> str:
    """What a suppression keeps of an id, URL or slug: its SHA-256 in hex (``printf %s URL |
    sha256sum`` gives the same), so the archive never holds an erased URL in the clear."""
    return hashlib.sha256(target.encode("utf-8")).hexdigest()


def reason_of(mark: str) -> str:
    """A mark (``consent:nobot``, ``deleted``) or reason, as a person reads it."""
    return REASONS.get(mark) or (DELETED if mark == "deleted" else mark)


# -- recording takedowns ----------------------------------------------------------------------


def suppress(conn: sqlite3.Connection, kind: str, targets: Iterable[str], reason: str | None,
             now: str, items: int = 0, named: str | None = None) -> int:
    """Record one takedown (``named`` is what the request named, shown hashed) and suppress
    every target under ``kind``; inside the caller's transaction. Returns the takedown id."""
    targets = list(dict.fromkeys(targets))
    shown = digest(named)[:12] if named else (digest(targets[0])[:12] if targets else None)
    takedown = conn.execute(
        "INSERT INTO takedowns (kind, target_hash, reason, requested_at, items) "
        "VALUES (?, ?, ?, ?, ?)", (kind, shown, reason, now, items)).lastrowid
    conn.executemany("INSERT OR IGNORE INTO suppressions (kind, digest, takedown) VALUES (?, ?, ?)",
                     [(kind, digest(t), takedown) for t in targets])
    return takedown


def suppress_more(conn: sqlite3.Connection, takedown: int, kind: str,
                  targets: Iterable[str]) -> None:
    """More targets under an existing takedown (the items an author's takedown erased)."""
    conn.executemany("INSERT OR IGNORE INTO suppressions (kind, digest, takedown) VALUES (?, ?, ?)",
                     [(kind, digest(t), takedown) for t in dict.fromkeys(targets)])


# -- screening a save -------------------------------------------------------------------------


def _suppressed(conn: sqlite3.Connection, kind: str, targets: set) -> set:
    if not targets:
        return set()
    by_digest = {digest(t): t for t in targets if t}
    found = conn.execute(
        "SELECT digest FROM suppressions WHERE kind = ? AND digest IN "
        "(SELECT value FROM json_each(?))", (kind, json.dumps(list(by_digest))))
    return {by_digest[d] for (d,) in found}


def screen(conn: sqlite3.Connection, rows: Rows, policy: Privacy, left_out: Counter,
           event: str | None = None) -> tuple[Rows, Callable[[str], None] | None]:
    """``rows`` without what must not be stored, and what to do after saving them (hide,
    stamp ``deleted_at``, forget), to call inside the same transaction with the save time.
    ``left_out`` counts the items dropped, by reason."""
    marks = rows.marks
    any_suppressed = conn.execute("SELECT 1 FROM suppressions LIMIT 1").fetchone() is not None
    if not marks and not any_suppressed:
        return rows, None
    items, authors, urls = set(), set(), set()
    if any_suppressed:
        items = _suppressed(conn, "item", {r[0] for r in rows.items} | {r[0] for r in rows.reposts}
                            | {r[1] for r in rows.reposts})
        authors = _suppressed(conn, "author", {r[5] for r in rows.items} | {r[0] for r in
                              rows.authors} | {r[2] for r in rows.reposts})
        urls = _suppressed(conn, "url", {r[4] for r in rows.items} | {r[1] for r in rows.links}
                           | {r[2] for r in rows.links})
        if event is not None and _suppressed(conn, "event", {event}):
            items |= {r[0] for r in rows.items}
    skip = policy.consent == "skip"
    drop: dict[str, str] = {}
    hide: dict[str, str] = {}
    for row in rows.items:
        item_id, author_id, url = row[0], row[5], row[4]
        signal = next((m for m in (marks.get(item_id), marks.get(author_id))
                       if m and m.startswith("consent:")), None)
        if item_id in items or author_id in authors or url in urls:
            drop[item_id] = ERASED
        elif signal and skip:
            drop[item_id] = reason_of(signal)
        elif marks.get(item_id) == "deleted" and policy.deleted == "forget":
            drop[item_id] = DELETED
        elif signal and policy.consent == "hide":
            hide[item_id] = signal
    dropped_authors = authors | {a for a, m in marks.items() if skip and m.startswith("consent:")}
    deleted = {i for i, m in marks.items() if m == "deleted"}
    if policy.deleted == "hide":
        hide.update({i: "deleted" for i in deleted if i not in drop})
    if drop or dropped_authors or urls or items:
        left_out.update(drop[i] for i in dict.fromkeys(drop))
        rows = _without(rows, set(drop), dropped_authors, urls, items)
    if not (hide or deleted):
        return rows, None

    def after(now: str) -> None:
        _apply_deleted(conn, deleted, policy, now)
        conn.executemany(
            "INSERT INTO hidden_items (item_id, reason, since) SELECT id, ?, ? FROM items "
            "WHERE id = ? ON CONFLICT(item_id) DO NOTHING",
            [(reason, now, item_id) for item_id, reason in hide.items()])

    return rows, after


def _without(rows: Rows, items: set, authors: set, urls: set, suppressed: set) -> Rows:
    kept = [r for r in rows.items if r[0] not in items]
    gone = items | suppressed
    reposts = [r for r in rows.reposts
               if r[0] not in gone and r[1] not in gone and r[2] not in authors]
    owners = {r[5] for r in kept} | {r[2] for r in reposts}
    gone_owners = {r[5] for r in rows.items if r[0] in items} - owners
    return replace(
        rows, items=kept, reposts=reposts,
        authors=[r for r in rows.authors if r[0] not in authors and r[0] not in gone_owners],
        media=[r for r in rows.media if r[1] not in items],
        links=[r for r in rows.links if r[0] not in items and r[1] not in urls
               and r[2] not in urls],
        tags=[r for r in rows.tags if r[0] not in items],
        mentions=[r for r in rows.mentions if r[0] not in items],
        positions={k: v for k, v in rows.positions.items() if k not in items},
    )


def _apply_deleted(conn: sqlite3.Connection, deleted: set, policy: Privacy, now: str) -> None:
    """Posts the platform reports deleted: stamp ``deleted_at`` in raw (the story page shows a
    tombstone), or with ``forget`` erase the stored copy and suppress it."""
    if not deleted:
        return
    if policy.deleted == "forget":
        stored = [i for i in deleted if conn.execute(
            "SELECT 1 FROM items WHERE id = ?", (i,)).fetchone()]
        erase(conn, stored)
        suppress(conn, "item", deleted, DELETED, now, items=len(stored))
        return
    conn.executemany(
        "UPDATE items SET raw = CASE WHEN json_valid(raw) THEN json_set(raw, '$.deleted_at', ?) "
        "ELSE json_object('deleted_at', ?) END WHERE id = ? AND (NOT json_valid(raw) OR "
        "json_extract(raw, '$.deleted_at') IS NULL)", [(now, now, i) for i in deleted])


def left_out(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """For ``status``: items runs left out (``skipped``) and items kept hidden (``hidden``),
    by reason as a person reads it; takedowns recorded. Empty for an archive not yet migrated."""
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "hidden_items" not in tables:
        return {"skipped": {}, "hidden": {}, "takedowns": 0}
    skipped: Counter[str] = Counter()
    for (value,) in conn.execute("SELECT left_out FROM fetch_runs WHERE left_out IS NOT NULL"):
        skipped.update(json.loads(value))
    hidden = Counter()
    for reason, count in conn.execute("SELECT reason, count(*) FROM hidden_items GROUP BY 1"):
        hidden[reason_of(reason)] += count
    takedowns = conn.execute("SELECT count(*) FROM takedowns").fetchone()[0]
    return {"skipped": dict(skipped), "hidden": dict(hidden), "takedowns": takedowns}


# -- erasing ----------------------------------------------------------------------------------


def erase(conn: sqlite3.Connection, item_ids: Iterable[str], authors: Iterable[str] = ()) -> int:
    """Delete items and everything hanging off them, inside the caller's transaction; returns
    how many. ``authors`` go as people (their reposts and profile too); authors left with
    nothing are removed, so a forgotten person's name does not linger."""
    from .upserts import FTS_UNINDEX_SQL

    authors = list(authors)
    conn.executemany("DELETE FROM reposts WHERE author_id = ?", [(a,) for a in authors])
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS forget_ids (id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM forget_ids")
    conn.executemany("INSERT OR IGNORE INTO forget_ids VALUES (?)", [(i,) for i in item_ids])
    authors += [a for (a,) in conn.execute(
        "SELECT DISTINCT author_id FROM items WHERE id IN (SELECT id FROM forget_ids) "
        "AND author_id IS NOT NULL")]
    conn.execute("DELETE FROM curation WHERE item_id IN (SELECT id FROM forget_ids)")
    conn.execute("UPDATE curation SET after_item_id = NULL "
                 "WHERE after_item_id IN (SELECT id FROM forget_ids)")
    conn.execute("DELETE FROM curation WHERE pinned = 0 AND hidden = 0 AND after_item_id IS NULL")
    conn.execute("UPDATE annotations SET after_item_id = NULL "
                 "WHERE after_item_id IN (SELECT id FROM forget_ids)")
    for table, column in (("event_items", "item_id"), ("media", "item_id"),
                          ("links", "item_id"), ("hashtags", "item_id"),
                          ("mentions", "item_id"), ("reposts", "item_id"),
                          ("hidden_items", "item_id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM forget_ids)")
    conn.execute(FTS_UNINDEX_SQL)
    gone = conn.execute("DELETE FROM items WHERE id IN (SELECT id FROM forget_ids)").rowcount
    conn.executemany(
        "DELETE FROM authors WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM items WHERE author_id = ?) AND NOT EXISTS "
        "(SELECT 1 FROM reposts WHERE author_id = ?)", [(a, a, a) for a in authors])
    return gone


def scrub_texts(conn: sqlite3.Connection, targets: Iterable[str]) -> None:
    """Erased ids and URLs out of the run log's messages (a problem line may name them)."""
    conn.executemany(
        "UPDATE fetch_runs SET errors = replace(errors, ?, '[erased]') "
        "WHERE instr(errors, ?) > 0", [(t, t) for t in targets if t])


# The schema m011_suppression creates (store.py): suppressions hold digests only; the browse
# view leaves hidden items out.
SCHEMA = """
CREATE TABLE takedowns (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target_hash TEXT,
    reason TEXT,
    requested_at TEXT NOT NULL,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE suppressions (
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    takedown INTEGER REFERENCES takedowns(id),
    PRIMARY KEY (kind, digest)
) WITHOUT ROWID;
CREATE TABLE hidden_items (
    item_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    since TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE fetch_runs ADD COLUMN left_out TEXT;
DROP VIEW IF EXISTS browse;
CREATE VIEW browse AS
SELECT items.rowid AS search_rowid, items.id, items.published_at,
       substr(items.published_at, 1, 10) AS day, items.platform, items.kind,
       coalesce(authors.display_name, authors.handle) AS author, items.title,
       items.text, items.url,
       (SELECT json_group_array(event) FROM event_items
        WHERE event_items.item_id = items.id) AS events
FROM items LEFT JOIN authors ON authors.id = items.author_id
WHERE items.id NOT IN (SELECT id FROM reposts)
  AND items.id NOT IN (SELECT item_id FROM hidden_items);
"""
