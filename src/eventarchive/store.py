"""The only writer: schema (by migration), upserts, full-text search and run bookkeeping.

Every write is an upsert keyed on a TEXT id (the statements are in upserts.py), so saving the
same payload twice changes nothing; a value already stored is never replaced by a missing one
(``coalesce``), except for records saved in replace mode (notes, which their files own).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from .curation import Curation
from .errors import NoArchive
from .records import Batch, Rows
from .runlog import RunLog, now_iso
from .schema import INDEXES, create_indexes, fts_in_step, migrations  # noqa: F401
from .suppression import Privacy, erase, screen
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
    ITEM_NEWER_SQL,
    ITEM_REPLACE_SQL,
    ITEM_SQL,
    LINK_SQL,
    MEDIA_FILE_SQL,
    MEDIA_SQL,
    MENTION_SQL,
    PHOTO_WHERE,
    REPOST_SQL,
    STORED_SQL,
    TAG_SQL,
    _upsert_sql,
)

# While a bulk load writes (Store.bulk): the page cache, in KiB, and the WAL size, in pages,
# that triggers a checkpoint (the default 1,000 checkpoints every 4 MB).
BULK_CACHE_KIB = 32 << 10
BULK_CHECKPOINT_PAGES = 16_000
# Where a bulk load of an earlier version (which indexed full text at its end) left the rowid
# it started after; the next open of an archive such a load was killed in finishes it.
PENDING_KEY = ("store", "fts_pending")
# Set when every write of the file since it was created (or last VACUUMed) zeroed what it
# freed (PRAGMA secure_delete): then a takedown needs no VACUUM to leave no trace in free space.
SCRUBBED_KEY = ("store", "free_space_zeroed")


class Store(RunLog):
    """An archive file. Open it with :meth:`open`; it is created and migrated on first use."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn
        self.privacy = Privacy()  # [privacy]: the CLI sets the config's
        self.left_out: Counter[str] = Counter()  # items saves dropped, by reason

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an archive to write to it, creating and migrating it as needed."""
        from .readonly import check_writable

        path = Path(path)
        check_writable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists() or path.stat().st_size == 0
        db = sqlite_utils.Database(path)
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            db.close()
            raise NoArchive(f"{path}: not an SQLite database ({exc}); check --db or the "
                            "config's `database`") from None
        db.execute("PRAGMA synchronous=NORMAL")
        # Whatever a write frees (a deleted row, an old version of an edited one, a merged
        # full-text segment) is zeroed, whatever SQLite's build defaults to: erasure then needs
        # no VACUUM on a file only ever written this way (erasure.py, SCRUBBED_KEY).
        db.execute("PRAGMA secure_delete=ON")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        store = cls(db, path)
        if new:
            store.mark_scrubbed()
        store.create_indexes()
        store._index_pending()
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
        if "hidden_items" not in tables:  # an archive from before m011: nothing is hidden
            conn.execute("CREATE TEMP TABLE hidden_items (item_id TEXT PRIMARY KEY)")
        return cls(sqlite_utils.Database(conn), path)

    @classmethod
    def memory(cls) -> Store:
        db = sqlite_utils.Database(memory=True)
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        return cls(db)

    def mark_scrubbed(self) -> None:
        """Record that no free page of this file holds old content: it was created, or
        VACUUMed, by a writer that zeroes what it frees."""
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO source_state (source, key, state, "
                              "updated_at) VALUES (?, ?, ?, ?)",
                              (*SCRUBBED_KEY, json.dumps({"since": now_iso()}), now_iso()))

    def scrubbed(self) -> bool:
        return self.conn.execute("SELECT 1 FROM source_state WHERE source = ? AND key = ?",
                                 SCRUBBED_KEY).fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def create_indexes(self) -> None:
        if self.conn.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
            f"({', '.join('?' for _ in INDEXES)})", tuple(INDEXES)
        ).fetchone()[0] < len(INDEXES):
            with self.conn:
                create_indexes(self.conn)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """For a load of many rows: drop the secondary indexes now, build them once at the end;
        meanwhile a page cache of ``BULK_CACHE_KIB`` (the default is 2 MB: at a million items
        every upsert and full-text insert would read its B-tree pages from disk again) and
        fewer, larger WAL checkpoints.

        Each batch is indexed for full-text search as it is saved, while the import's reader
        parses the next one (docs/decisions.md, "Bulk loads index full text per batch again").
        Readers (Datasette) still get right answers meanwhile, only slower. Every batch is
        still one transaction in the WAL with ``synchronous=NORMAL``, so a kill at any point
        loses at most the batch being written.
        """
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        with conn:
            for name in INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            try:
                self.create_indexes()
            finally:
                conn.execute(f"PRAGMA cache_size = {cache}")
                conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")

    def _index_pending(self) -> None:
        """Index the rows a bulk load of an earlier version left out of full-text search when
        it was killed (it indexed at its end), and clear its marker, in one transaction."""
        row = self.conn.execute("SELECT state FROM source_state WHERE source = ? AND key = ?",
                                PENDING_KEY).fetchone()
        if row is None:
            return
        with self.conn:
            self.conn.execute(FTS_NEW_ROWS_SQL, (json.loads(row[0])["after"],))
            self.conn.execute("DELETE FROM source_state WHERE source = ? AND key = ?",
                              PENDING_KEY)

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
            rows, after = screen(conn, rows, self.privacy, self.left_out, event)
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
            if rows.files:
                conn.executemany(MEDIA_FILE_SQL, [(*row[1:], fetched_at, row[0])
                                                  for row in rows.files])
            if after is not None:
                after(fetched_at)
        return updated

    def _save_items(self, items: list[tuple], fetched_at: str, replace: bool | str) -> int:
        """Upsert items and bring their full-text entries in step (inside save's transaction).
        In replace mode, returns how many stored items changed."""
        conn = self.conn
        ids = json.dumps([row[0] for row in items])
        indexed = conn.execute(FTS_INDEXED_SQL, (ids,)).fetchall()
        stored = set(conn.execute(STORED_SQL, (ids,))) if replace and indexed else set()
        last = conn.execute("SELECT max(rowid) FROM items").fetchone()[0] or 0
        sql = ITEM_NEWER_SQL if replace == "newer" else ITEM_REPLACE_SQL if replace else ITEM_SQL
        conn.executemany(sql,
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
        """Delete items and everything hanging off them, in one transaction; returns how many.
        ``authors`` are forgotten as people (suppression.erase). ``forget`` in erasure.py
        also leaves suppressions and scrubs the file."""
        with self.conn:
            return erase(self.conn, item_ids, authors)

    def media_paths(self, item_ids: list[str]) -> list[str]:
        """Local files (relative to the media folder) of these items' photos and thumbnails."""
        columns = [c for c in ("path", "thumb_path") if c in self.db["media"].columns_dict]
        found = []
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            for column in columns:
                found += [p for (p,) in self.conn.execute(
                    f"SELECT {column} FROM media WHERE {column} IS NOT NULL AND item_id IN "
                    f"({', '.join('?' for _ in chunk)})", chunk)]
        return list(dict.fromkeys(found))

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
            self.drop_event(slug)

    def drop_event(self, slug: str) -> None:
        """``forget_event`` inside the caller's transaction."""
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

    def has_event(self, slug: str) -> bool:
        return self.conn.execute("SELECT 1 FROM events WHERE slug = ?", (slug,)).fetchone() \
            is not None

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in
                ("events", "items", "authors", "media", "links", "hashtags", "mentions", "reposts")}
