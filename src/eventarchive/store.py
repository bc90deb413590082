"""The only writer: schema (by migration), upserts, full-text search and run bookkeeping.

Every write is an upsert keyed on a TEXT id (the statements are in upserts.py), so saving the
same payload twice changes nothing; a value already stored is never replaced by a missing one
(``coalesce``), except for records saved in replace mode (notes, which their files own).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from .curation import Curation
from .errors import NoArchive
from .records import Batch, Rows
from .runlog import RunLog, now_iso
from .upserts import (  # noqa: F401 - re-exported: tests and Datasette build rows with them
    AUTHOR_SQL,
    EVENT_ITEM_SQL,
    FTS_INDEX_ROW_SQL,
    FTS_INDEXED_SQL,
    FTS_NEW_ROWS_SQL,
    FTS_NOW_SQL,
    FTS_UNINDEX_ROW_SQL,
    FTS_UNINDEX_SQL,
    ITEM_COLUMNS,
    ITEM_REPLACE_SQL,
    ITEM_SQL,
    LINK_SQL,
    MEDIA_SQL,
    MENTION_SQL,
    REPOST_SQL,
    STORED_SQL,
    TAG_SQL,
    _upsert_sql,
)

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
def m005_curation(db: sqlite_utils.Database) -> None:
    """A curator's story: pinned, hidden and moved items, and their words between them. Kept
    apart from the items, so re-imports and re-fetches never touch it."""
    db.executescript(
        """
        CREATE TABLE curation (
            event TEXT NOT NULL,
            item_id TEXT NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            after_item_id TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (event, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            event TEXT NOT NULL,
            after_item_id TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m004_fts_and_notes(db: sqlite_utils.Database) -> None:
    """Store alone keeps items_fts in step (no triggers racing its per-batch insert), and an
    index that the old triggers broke (an item saved twice in one batch) is rebuilt."""
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute("DROP TRIGGER IF EXISTS items_ad")
    db.execute("DROP TRIGGER IF EXISTS items_ai")
    if not fts_in_step(db.conn):
        db.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")


@migrations()
def m012_status(db: sqlite_utils.Database) -> None:
    """When a run's rate limit lifts, for `status` to say (the error line has only HH:MM)."""
    db.execute("ALTER TABLE fetch_runs ADD COLUMN rate_limited_until TEXT")


def fts_in_step(conn: sqlite3.Connection) -> bool:
    """FTS5's own integrity check of items_fts against `items`, plus one entry per row."""
    opened = not conn.in_transaction  # the check is an INSERT: sqlite3 would BEGIN for it
    try:
        conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    finally:
        if opened and conn.in_transaction:
            conn.rollback()
    indexed = conn.execute("SELECT count(*) FROM items_fts_docsize").fetchone()[0]
    return indexed == conn.execute("SELECT count(*) FROM items").fetchone()[0]


def _create_indexes(conn: sqlite3.Connection) -> None:
    for name, target in INDEXES.items():
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


class Store(RunLog):
    """An archive file. Open it with :meth:`open`; it is created and migrated on first use."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an archive to write to it, creating and migrating it as needed."""
        from .readonly import check_writable

        path = Path(path)
        check_writable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            db.close()
            raise NoArchive(f"{path}: not an SQLite database ({exc}); check --db or the "
                            "config's `database`") from None
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        store = cls(db, path)
        store.create_indexes()
        return store

    @classmethod
    def open_readonly(cls, path: str | Path) -> Store:
        """Open an existing archive for reading only (search, status, export): never creates
        or changes a file, and reads while a writer holds the WAL."""
        from .readonly import connect

        path = Path(path)
        missing = NoArchive(f"no archive at {path}; run import or fetch first")
        conn = connect(path)
        try:
            tables = {n for (n,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NoArchive(f"{path}: not an SQLite database ({exc}); check --db or the "
                            "config's `database`") from None
        if not {"items", "items_fts", "events"} <= tables:
            conn.close()
            raise missing
        return cls(sqlite_utils.Database(conn), path)

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
             state: tuple[str, str, dict] | None = None) -> int:
        """Save one batch atomically: either all of it is stored or none of it.

        ``state`` is ``(source, key, value)``: where a fetch got to, saved in the same
        transaction as what it fetched, so a killed run resumes exactly there. Returns how many
        items already stored a replace-mode batch changed (edited notes); 0 otherwise.
        """
        updated = 0
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
                updated = self._save_items(rows.items, fetched_at, rows.replace)
                if event is not None:
                    conn.executemany(EVENT_ITEM_SQL, [(event, row[0], rows.positions.get(row[0]))
                                                      for row in rows.items])
            for sql, records in ((MEDIA_SQL, rows.media), (LINK_SQL, rows.links),
                                 (TAG_SQL, rows.tags), (MENTION_SQL, rows.mentions),
                                 (REPOST_SQL, rows.reposts)):
                if records:
                    conn.executemany(sql, records)
        return updated

    def _save_items(self, items: list[tuple], fetched_at: str, replace: bool) -> int:
        """Upsert items and bring their full-text entries in step (inside save's transaction).
        In replace mode, returns how many stored items changed."""
        conn = self.conn
        ids = json.dumps([row[0] for row in items])
        indexed = conn.execute(FTS_INDEXED_SQL, (ids,)).fetchall()
        stored = set(conn.execute(STORED_SQL, (ids,))) if replace and indexed else set()
        last = conn.execute("SELECT max(rowid) FROM items").fetchone()[0] or 0
        conn.executemany(ITEM_REPLACE_SQL if replace else ITEM_SQL,
                         [(*row, fetched_at) for row in items])
        if indexed:
            now = conn.execute(FTS_NOW_SQL, (json.dumps([row[0] for row in indexed]),))
            changed = set(now.fetchall()).difference(indexed)
            if changed:
                before = {row[0]: row for row in indexed}
                conn.executemany(FTS_UNINDEX_ROW_SQL, [before[row[0]] for row in changed])
                conn.executemany(FTS_INDEX_ROW_SQL, changed)
        conn.execute(FTS_NEW_ROWS_SQL, (last,))
        if not stored:
            return 0
        after = conn.execute(STORED_SQL, (json.dumps([row[0] for row in stored]),))
        return len(set(after) - stored)

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

    # -- forgetting ----------------------------------------------------------------------------

    def forget_items(self, item_ids: list[str], authors: list[str] = ()) -> int:
        """Delete items and everything hanging off them (a takedown request); returns how many.

        ``authors`` are forgotten as people: their reposts and profile go too. The full-text
        index follows in the same transaction; authors left with nothing are removed, so a
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
            conn.execute("DELETE FROM curation WHERE item_id IN (SELECT id FROM forget_ids)")
            conn.execute("UPDATE curation SET after_item_id = NULL "
                         "WHERE after_item_id IN (SELECT id FROM forget_ids)")
            conn.execute("DELETE FROM curation WHERE pinned = 0 AND hidden = 0 "
                         "AND after_item_id IS NULL")
            for table, column in (("event_items", "item_id"), ("media", "item_id"),
                                  ("links", "item_id"), ("hashtags", "item_id"),
                                  ("mentions", "item_id"), ("reposts", "item_id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM forget_ids)")
            conn.execute(FTS_UNINDEX_SQL)
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
            for table in ("event_items", "curation", "annotations"):
                self.conn.execute(f"DELETE FROM {table} WHERE event = ?", (slug,))
            prefix = f"{slug}:"  # fetch state is kept per event and query
            self.conn.execute("DELETE FROM source_state WHERE substr(key, 1, ?) = ?",
                              (len(prefix), prefix))
            self.conn.execute("DELETE FROM events WHERE slug = ?", (slug,))

    # -- curation ----------------------------------------------------------------------------

    def curation(self, event: str) -> Curation:
        """The curator's pins, hides, moves and annotations of one event's story."""
        return Curation(self.conn, event)

    # -- reading ------------------------------------------------------------------------------

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in
                ("events", "items", "authors", "media", "links", "hashtags", "mentions", "reposts")}
