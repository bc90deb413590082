"""The only writer: schema (by migration), upserts, full-text search and run bookkeeping.

Every write is an upsert keyed on a TEXT id, so saving the same payload twice changes nothing;
a value already stored is never replaced by a missing one (``coalesce``).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from .records import Author, Batch, Item, Link, Media, MediaFile, Mention, Repost, Rows, Tag, fields

migrations = Migrations("eventarchive")

# Secondary indexes, by name. Store.bulk() drops them for a big load and builds them again after
# (one sort each instead of millions of B-tree inserts); Store.open() rebuilds any that a killed
# bulk load left missing.
INDEXES = {
    "idx_items_published_at": "items(published_at)",
    "idx_items_author_id": "items(author_id)",
    "idx_items_platform": "items(platform)",
    "idx_items_kind": "items(kind)",
    "idx_items_in_reply_to": "items(in_reply_to)",
    "idx_event_items_item_id": "event_items(item_id)",
    "idx_media_item_id": "media(item_id)",
    "idx_links_url": "links(url)",
    "idx_hashtags_tag": "hashtags(tag)",
    "idx_mentions_handle": "mentions(handle)",
    "idx_reposts_item_id": "reposts(item_id)",
}


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE events (
            slug TEXT PRIMARY KEY,
            name TEXT,
            starts_at TEXT,
            ends_at TEXT,
            description TEXT
        );
        CREATE TABLE authors (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            handle TEXT,
            display_name TEXT,
            url TEXT,
            avatar_url TEXT
        );
        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            platform TEXT NOT NULL,
            native_id TEXT NOT NULL,
            url TEXT,
            author_id TEXT REFERENCES authors(id),
            published_at TEXT,
            title TEXT,
            text TEXT,
            html TEXT,
            in_reply_to TEXT,
            raw TEXT,
            fetched_at TEXT
        );
        CREATE TABLE event_items (
            event TEXT NOT NULL REFERENCES events(slug),
            item_id TEXT NOT NULL REFERENCES items(id),
            position INTEGER,
            PRIMARY KEY (event, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE media (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            url TEXT,
            path TEXT,
            mime TEXT,
            width INTEGER,
            height INTEGER,
            taken_at TEXT,
            alt_text TEXT,
            sha256 TEXT
        );
        CREATE TABLE links (
            item_id TEXT NOT NULL REFERENCES items(id),
            url TEXT NOT NULL,
            resolved_url TEXT,
            status INTEGER,
            archived_url TEXT,
            PRIMARY KEY (item_id, url)
        ) WITHOUT ROWID;
        CREATE TABLE hashtags (
            item_id TEXT NOT NULL REFERENCES items(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (item_id, tag)
        ) WITHOUT ROWID;
        CREATE TABLE mentions (
            item_id TEXT NOT NULL REFERENCES items(id),
            handle TEXT NOT NULL,
            author_id TEXT,
            PRIMARY KEY (item_id, handle)
        ) WITHOUT ROWID;
        CREATE TABLE reposts (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            author_id TEXT REFERENCES authors(id),
            reposted_at TEXT
        );
        CREATE TABLE fetch_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            event TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT,
            new_items INTEGER,
            errors TEXT
        );
        """
    )
    _create_indexes(db.conn)
    db["items"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
    # New rows are indexed by Store.save in one INSERT … SELECT per batch: a per-row trigger
    # made bulk imports 2.7× slower (docs/decisions.md). Update and delete triggers stay.
    db.execute("DROP TRIGGER items_ai")
    # What Datasette's "browse" page shows: one row per item with its author and events.
    # search_rowid lets Datasette run the items_fts search on the view.
    db.execute(
        """
        CREATE VIEW browse AS
        SELECT items.rowid AS search_rowid, items.id, items.published_at,
               substr(items.published_at, 1, 10) AS day, items.platform, items.kind,
               coalesce(authors.display_name, authors.handle) AS author, items.title,
               items.text, items.url,
               (SELECT json_group_array(event) FROM event_items
                WHERE event_items.item_id = items.id) AS events
        FROM items LEFT JOIN authors ON authors.id = items.author_id
        WHERE items.id NOT IN (SELECT id FROM reposts)
        """
    )


@migrations()
def m002_source_state(db: sqlite_utils.Database) -> None:
    """Where each source's incremental fetch got to, per query (since ids, cursors)."""
    db.execute(
        """
        CREATE TABLE source_state (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            state TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (source, key)
        )
        """
    )


@migrations()
def m003_media_license(db: sqlite_utils.Database) -> None:
    """The licence a photo was published under (Flickr says; most platforms do not)."""
    db.execute("ALTER TABLE media ADD COLUMN license TEXT")


@migrations()
def m008_runs(db: sqlite_utils.Database) -> None:
    """Which process a run belongs to, so a run whose process was killed shows as interrupted
    instead of 'running' for ever."""
    db.execute("ALTER TABLE fetch_runs ADD COLUMN pid INTEGER")


@migrations()
def m006_photos(db: sqlite_utils.Database) -> None:
    """The photo stage's bookkeeping on media rows: the local copy's state, why a download
    failed and when to try again, measurements, a thumbnail and a near-duplicate group."""
    for column in ("status TEXT DEFAULT 'pending'", "error TEXT", "attempts INTEGER DEFAULT 0",
                   "next_try_at TEXT", "downloaded_at TEXT", "thumb_path TEXT", "camera TEXT",
                   "location TEXT", "phash TEXT", "photo_group TEXT"):
        db.execute(f"ALTER TABLE media ADD COLUMN {column}")
    db.execute("CREATE INDEX IF NOT EXISTS idx_media_status ON media(status)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_media_photo_group ON media(photo_group)")


def _create_indexes(conn: sqlite3.Connection) -> None:
    for name, target in INDEXES.items():
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def _upsert_sql(table: str, columns: tuple[str, ...], key: tuple[str, ...],
                keep_stored: bool = False) -> str:
    """INSERT … ON CONFLICT DO UPDATE that never replaces a value with NULL. Newer values win,
    or with ``keep_stored`` only fill what is still empty."""
    placeholders = ", ".join("?" for _ in columns)
    first, second = ((f"{table}.", "excluded.") if keep_stored else ("excluded.", f"{table}."))
    updates = [f"{c} = coalesce({first}{c}, {second}{c})" for c in columns if c not in key]
    action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT({', '.join(key)}) {action}"
    )


ITEM_COLUMNS = fields(Item) + ("fetched_at",)
# The same post often arrives from several files (an archive, twarc, TAGS). Saving it again only
# fills gaps, and keeps the fuller of the two payloads, so the result does not depend on the
# order of imports and a repeat changes nothing (no rewrite, no full-text churn).
_ITEM_FILL = [c for c in ITEM_COLUMNS if c not in ("id", "raw", "fetched_at")]
ITEM_SQL = (
    f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ITEM_COLUMNS)}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = coalesce(items.{c}, excluded.{c})" for c in _ITEM_FILL)
    + ", raw = CASE WHEN length(excluded.raw) > coalesce(length(items.raw), -1) "
    "THEN excluded.raw ELSE items.raw END, fetched_at = excluded.fetched_at WHERE "
    + " OR ".join(f"(items.{c} IS NULL AND excluded.{c} IS NOT NULL)" for c in _ITEM_FILL)
    + " OR length(excluded.raw) > coalesce(length(items.raw), -1)"
)
FTS_NEW_ROWS_SQL = (
    "INSERT INTO items_fts (rowid, title, text) "
    "SELECT rowid, title, text FROM items WHERE rowid > ?"
)
# Authors fill gaps too: a name quoted in a Storify story or a TAGS sheet never renames someone
# whose profile a platform already gave us.
AUTHOR_SQL = _upsert_sql("authors", fields(Author), ("id",), keep_stored=True)
# A photo's measurements, once its local copy is stored, are the copy's: a platform's claim
# about its own copy, saved again by a later fetch, does not replace them.
MEDIA_SQL = _upsert_sql("media", fields(Media), ("id",))
for _c in ("mime", "width", "height"):
    MEDIA_SQL = MEDIA_SQL.replace(f"{_c} = coalesce(excluded.{_c}, media.{_c})",
                                  f"{_c} = CASE WHEN media.status = 'stored' THEN media.{_c} "
                                  f"ELSE coalesce(excluded.{_c}, media.{_c}) END")
LINK_SQL = _upsert_sql("links", fields(Link), ("item_id", "url"))
TAG_SQL = _upsert_sql("hashtags", fields(Tag), ("item_id", "tag"))
MENTION_SQL = _upsert_sql("mentions", fields(Mention), ("item_id", "handle"))
REPOST_SQL = _upsert_sql("reposts", fields(Repost), ("id",))
# A download's result updates its media row; a date the platform gave is never replaced by
# EXIF's, and a location is stored only when the stage was allowed to keep one.
_FILE_COLUMNS = fields(MediaFile)[1:]
_FILE_SET = {c: f"coalesce(?, {c})" for c in _FILE_COLUMNS}
_FILE_SET.update(status="?", error="?", attempts="?", next_try_at="?", location="?",
                 taken_at="coalesce(taken_at, ?)")
MEDIA_FILE_SQL = ("UPDATE media SET " + ", ".join(f"{c} = {_FILE_SET[c]}" for c in _FILE_COLUMNS)
                  + ", downloaded_at = ? WHERE id = ?")
# Photos: images, and rows whose type nobody said (a downloaded file's bytes decide).
PHOTO_WHERE = "coalesce(media.mime, 'image/') LIKE 'image/%'"
EVENT_ITEM_SQL = _upsert_sql("event_items", ("event", "item_id", "position"), ("event", "item_id"))



def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """An archive file. Open it with :meth:`open`; it is created and migrated on first use."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        store = cls(db, path)
        store.create_indexes()
        return store

    @classmethod
    def memory(cls) -> Store:
        db = sqlite_utils.Database(memory=True)
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def create_indexes(self) -> None:
        if self.conn.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
            f"({', '.join('?' for _ in INDEXES)})", tuple(INDEXES)
        ).fetchone()[0] < len(INDEXES):
            with self.conn:
                _create_indexes(self.conn)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """For a load of many rows: drop the secondary indexes now, build them once at the end.

        Readers (Datasette) still get right answers meanwhile, only slower.
        """
        with self.conn:
            for name in INDEXES:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            self.create_indexes()

    # -- events -------------------------------------------------------------------------------

    def ensure_event(self, slug: str, name: str | None = None, starts_at: str | None = None,
                     ends_at: str | None = None, description: str | None = None) -> bool:
        """Create or update an event; returns True when it did not exist before."""
        existed = self.conn.execute("SELECT 1 FROM events WHERE slug = ?", (slug,)).fetchone()
        with self.conn:
            self.conn.execute(
                _upsert_sql("events", ("slug", "name", "starts_at", "ends_at", "description"),
                            ("slug",)),
                (slug, name or slug, starts_at, ends_at, description),
            )
        return existed is None

    # -- saving -------------------------------------------------------------------------------

    def save(self, batch: Batch | Rows, event: str | None = None, fetched_at: str | None = None,
             state: tuple[str, str, dict] | None = None) -> None:
        """Save one batch atomically: either all of it is stored or none of it.

        ``state`` is ``(source, key, value)``: where a fetch got to, saved in the same
        transaction as what it fetched, so a killed run resumes exactly there.
        """
        fetched_at = fetched_at or now_iso()
        rows = batch.rows() if isinstance(batch, Batch) else batch
        conn = self.conn
        with conn:
            if state is not None:
                source, key, value = state
                conn.execute(
                    "INSERT INTO source_state (source, key, state, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(source, key) DO UPDATE SET state = excluded.state, "
                    "updated_at = excluded.updated_at",
                    (source, key, json.dumps(value, sort_keys=True), fetched_at))
            if rows.authors:
                conn.executemany(AUTHOR_SQL, rows.authors)
            if rows.items:
                last = conn.execute("SELECT max(rowid) FROM items").fetchone()[0] or 0
                conn.executemany(ITEM_SQL, [(*row, fetched_at) for row in rows.items])
                conn.execute(FTS_NEW_ROWS_SQL, (last,))
                if event is not None:
                    conn.executemany(EVENT_ITEM_SQL, [(event, row[0], rows.positions.get(row[0]))
                                                      for row in rows.items])
            for sql, records in ((MEDIA_SQL, rows.media), (LINK_SQL, rows.links),
                                 (TAG_SQL, rows.tags), (MENTION_SQL, rows.mentions),
                                 (REPOST_SQL, rows.reposts)):
                if records:
                    conn.executemany(sql, records)
            if rows.files:
                conn.executemany(MEDIA_FILE_SQL, [(*row[1:], fetched_at, row[0])
                                                  for row in rows.files])

    def state(self, source: str, key: str) -> dict:
        row = self.conn.execute("SELECT state FROM source_state WHERE source = ? AND key = ?",
                                (source, key)).fetchone()
        return json.loads(row[0]) if row else {}

    def links_to_resolve(self, event: str) -> dict[str, list[str]]:
        """The links in an event's posts (and curated stories) that were never fetched, with
        the items citing them. Links inside fetched pages, articles and their comments are not
        followed from one run to the next: an event's archive is not a web crawl."""
        found: dict[str, list[str]] = {}
        for url, item_id in self.conn.execute(
            "SELECT links.url, links.item_id FROM links "
            "JOIN event_items ON event_items.item_id = links.item_id "
            "JOIN items ON items.id = links.item_id "
            "WHERE event_items.event = ? AND links.resolved_url IS NULL "
            "AND links.status IS NULL AND items.platform NOT IN ('web', 'wordpress', 'guardian') "
            "ORDER BY links.url", (event,)):
            found.setdefault(url, []).append(item_id)
        return found

    def photos_to_download(self, event: str, now: str | None = None) -> list[dict]:
        """An event's photo rows the photo stage has work for: never tried, or failed and due
        for another try. Rows copied from an archive (a ``path``) are only measured."""
        cursor = self.conn.execute(
            "SELECT DISTINCT media.id, media.url, media.path, media.attempts FROM media "
            "JOIN event_items ON event_items.item_id = media.item_id "
            f"WHERE event_items.event = ? AND {PHOTO_WHERE} "
            "AND (media.url IS NOT NULL OR media.path IS NOT NULL) "
            "AND (coalesce(media.status, 'pending') = 'pending' OR (media.status = 'failed' "
            "AND media.next_try_at IS NOT NULL AND media.next_try_at <= ?)) ORDER BY media.id",
            (event, now or now_iso()))
        return [dict(zip(("id", "url", "path", "attempts"), row, strict=True)) for row in cursor]

    def photo_groups(self) -> list[tuple[str, str]]:
        """(group, perceptual hash) of every stored photo, for grouping near-duplicates."""
        return list(self.conn.execute(
            "SELECT photo_group, phash FROM media WHERE phash IS NOT NULL "
            "AND photo_group IS NOT NULL GROUP BY photo_group, phash"))

    def photo_files(self) -> dict[str, str]:
        """sha256 ► local file of every photo with a copy, so the same bytes are kept once."""
        return dict(self.conn.execute(
            "SELECT sha256, min(path) FROM media WHERE sha256 IS NOT NULL AND path IS NOT NULL "
            "GROUP BY sha256"))

    def photo_counts(self) -> dict[str, dict[str, int]]:
        """Per event: photos pending (including failures due another try), stored, failed
        (waiting or given up) and gone (the platform deleted them)."""
        counts: dict[str, dict[str, int]] = {}
        for event, status, n in self.conn.execute(
                "SELECT event_items.event, coalesce(media.status, 'pending'), "
                "count(DISTINCT media.id) FROM media "
                "JOIN event_items ON event_items.item_id = media.item_id "
                f"WHERE {PHOTO_WHERE} GROUP BY 1, 2"):
            counts.setdefault(event, dict.fromkeys(("pending", "stored", "failed", "gone"), 0))
            counts[event][status] = counts[event].get(status, 0) + n
        return counts

    # -- forgetting ----------------------------------------------------------------------------

    def forget_items(self, item_ids: list[str], authors: list[str] = ()) -> int:
        """Delete items and everything hanging off them (a takedown request); returns how many.

        ``authors`` are forgotten as people: their reposts and profile go too. The full-text
        index follows through its delete trigger; authors left with nothing are removed, so a
        forgotten person's name does not linger.
        """
        conn = self.conn
        with conn:
            conn.executemany("DELETE FROM reposts WHERE author_id = ?", [(a,) for a in authors])
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS forget_ids (id TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM forget_ids")
            conn.executemany("INSERT OR IGNORE INTO forget_ids VALUES (?)",
                             [(i,) for i in item_ids])
            authors = list(authors) + [a for (a,) in conn.execute(
                "SELECT DISTINCT author_id FROM items WHERE id IN (SELECT id FROM forget_ids) "
                "AND author_id IS NOT NULL")]
            for table, column in (("event_items", "item_id"), ("media", "item_id"),
                                  ("links", "item_id"), ("hashtags", "item_id"),
                                  ("mentions", "item_id"), ("reposts", "item_id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM forget_ids)")
            gone = conn.execute("DELETE FROM items WHERE id IN (SELECT id FROM forget_ids)"
                                ).rowcount
            conn.executemany(
                "DELETE FROM authors WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM items WHERE author_id = ?) AND NOT EXISTS "
                "(SELECT 1 FROM reposts WHERE author_id = ?)", [(a, a, a) for a in authors])
        return gone

    def media_paths(self, item_ids: list[str]) -> list[str]:
        """Local files (relative to the media folder) of these items' photos."""
        found = []
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            found += [p for (p,) in self.conn.execute(
                f"SELECT path FROM media WHERE path IS NOT NULL AND item_id IN "
                f"({', '.join('?' for _ in chunk)})", chunk)]
        return found

    def items_of(self, author_ids: list[str] = (), event: str | None = None) -> list[str]:
        """Item ids by these authors, or in only this event (what forgetting it removes)."""
        if event is not None:
            return [i for (i,) in self.conn.execute(
                "SELECT item_id FROM event_items WHERE event = ? AND item_id NOT IN "
                "(SELECT item_id FROM event_items WHERE event != ?)", (event, event))]
        return [i for a in author_ids for (i,) in self.conn.execute(
            "SELECT id FROM items WHERE author_id = ?", (a,))]

    def forget_event(self, slug: str) -> None:
        """Delete an event, its memberships and its fetch state. Its items are the caller's to
        forget first (``forget_items(items_of(event=slug))``), photos and all."""
        with self.conn:
            self.conn.execute("DELETE FROM event_items WHERE event = ?", (slug,))
            prefix = f"{slug}:"  # fetch state is kept per event and query
            self.conn.execute("DELETE FROM source_state WHERE substr(key, 1, ?) = ?",
                              (len(prefix), prefix))
            self.conn.execute("DELETE FROM events WHERE slug = ?", (slug,))

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, source: str, event: str | None, status: str = "running") -> int:
        """A ``fetch_runs`` row; runs left 'running' or 'pending' by a killed process are
        closed as 'interrupted' first (callers hold the archive lock, so none is live)."""
        self.close_stale_runs()
        with self.conn:
            cursor = self.conn.execute(
                "INSERT INTO fetch_runs (source, event, started_at, status, pid, new_items) "
                "VALUES (?, ?, ?, ?, ?, 0)", (source, event, now_iso(), status, os.getpid()))
        return cursor.lastrowid

    def close_stale_runs(self) -> int:
        """Mark runs of other processes as interrupted, keeping what they saved. Only the
        holder of the archive lock writes runs, so another process's open run is a dead one."""
        stale = [(run_id,) for run_id, pid in self.conn.execute(
            "SELECT id, pid FROM fetch_runs WHERE status IN ('running', 'pending')")
            if pid != os.getpid()]
        if stale:
            with self.conn:
                self.conn.executemany(
                    "UPDATE fetch_runs SET status = 'interrupted', errors = coalesce(errors || "
                    "char(10), '') || 'interrupted: the process stopped before this run "
                    "finished; what it saved stays, and the next run carried on' WHERE id = ?",
                    stale)
        return len(stale)

    def mark_run(self, run_id: int, status: str) -> None:
        with self.conn:
            self.conn.execute("UPDATE fetch_runs SET status = ?, started_at = ? WHERE id = ?",
                              (status, now_iso(), run_id))

    def run_status(self, run_id: int) -> str | None:
        row = self.conn.execute("SELECT status FROM fetch_runs WHERE id = ?", (run_id,)
                                ).fetchone()
        return row[0] if row else None

    def update_run_items(self, run_id: int, since_rowid: int) -> int:
        """Record how many items a run has saved so far (a killed run still shows them)."""
        count = self.count_since(since_rowid)
        with self.conn:
            self.conn.execute("UPDATE fetch_runs SET new_items = ? WHERE id = ?",
                              (count, run_id))
        return count

    def finish_run(self, run_id: int, status: str, new_items: int, errors: Iterable[str]) -> None:
        errors = list(errors)
        with self.conn:
            self.conn.execute(
                "UPDATE fetch_runs SET finished_at = ?, status = ?, new_items = ?, errors = ? "
                "WHERE id = ?",
                (now_iso(), status, new_items, "\n".join(errors) or None, run_id),
            )

    def max_rowid(self) -> int:
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()[0]

    def count_since(self, rowid: int) -> int:
        """Items added after ``rowid`` (new items get larger rowids)."""
        return self.conn.execute("SELECT count(*) FROM items WHERE rowid > ?", (rowid,)
                                 ).fetchone()[0]

    # -- reading ------------------------------------------------------------------------------

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in
                ("events", "items", "authors", "media", "links", "hashtags", "mentions", "reposts")}
