"""The archive's schema: every table, index and full-text index, created and changed only by
numbered migrations (sqlite-utils ``Migrations``), applied when a writer opens the archive.
Migrations run in the order they are defined here; a name, once released, never changes."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import sqlite_utils
from sqlite_utils import Migrations

from .suppression import SCHEMA as SUPPRESSION_SCHEMA

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
    # The story page (m010_story_indexes): an event's items in order without reading their
    # rows, and the post a story element embeds found by its address.
    "idx_items_story": "items(id, kind, platform, published_at, in_reply_to, author_id)",
    "idx_items_url": "items(url)",
    # A big event's story in pages (m013_scale_indexes): its curated positions in order.
    "idx_event_items_position": "event_items(event, position) WHERE position IS NOT NULL",
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
    create_indexes(db.conn)
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


@migrations()
def m007_web_state(db: sqlite_utils.Database) -> None:
    """The web stage's state, one row per URL (``SLUG:page:URL``) instead of one JSON blob per
    event (``SLUG:pages``) rewritten after every URL. What each URL's last try found is kept;
    a dead link without a copy waits a day before it is tried again (the old blob never
    tried it again)."""
    later = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0).isoformat()
    old = db.execute("SELECT key, state, updated_at FROM source_state "
                     "WHERE source = 'web' AND key LIKE '%:pages'").fetchall()
    for key, blob, updated_at in old:
        slug = key.removesuffix(":pages")
        try:
            pages = json.loads(blob).get("pages") or {}
        except (ValueError, AttributeError):
            pages = {}
        rows = []
        for url, result in pages.items():
            if not isinstance(result, dict):
                continue
            note = result.get("note") or ""
            state = dict(result)
            if note == "dead":
                state.update(outcome="dead", dead=1, next_try=later)
            elif result.get("archived"):
                state["outcome"] = "archived"
            elif note in ("robots", "private address"):
                state["outcome"] = "robots" if note == "robots" else "private"
            else:
                state["outcome"] = "ok" if result.get("final") else "failed"
            rows.append(("web", f"{slug}:page:{url}", json.dumps(state, sort_keys=True),
                         updated_at))
        db.conn.executemany("INSERT OR IGNORE INTO source_state (source, key, state, updated_at) "
                            "VALUES (?, ?, ?, ?)", rows)
        db.execute("DELETE FROM source_state WHERE source = 'web' AND key = ?", (key,))


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


@migrations()
def m010_story_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the story page needs on archives made before it (new ones have them from
    INDEXES, which bulk loads drop and rebuild)."""
    for name in ("idx_items_story", "idx_items_url"):
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {INDEXES[name]}")


@migrations()
def m011_suppression(db: sqlite_utils.Database) -> None:
    """Takedowns that stick (suppressions: digests of what was erased), items hidden by the
    [privacy] policy, and what each run left out (suppression.py)."""
    db.executescript(SUPPRESSION_SCHEMA)



@migrations()
def m012_status(db: sqlite_utils.Database) -> None:
    """When a run's rate limit lifts, for `status` to say (the error line has only HH:MM)."""
    db.execute("ALTER TABLE fetch_runs ADD COLUMN rate_limited_until TEXT")


@migrations()
def m013_scale_indexes(db: sqlite_utils.Database) -> None:
    """The index a big event's story pages read its curated positions through."""
    name = "idx_event_items_position"
    db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {INDEXES[name]}")


def create_indexes(conn: sqlite3.Connection) -> None:
    for name, target in INDEXES.items():
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")




# The browse view since m014. ``search_rowid`` is ``items.rowid + 0``: SQLite can then no
# longer fetch every search hit by rowid and sort them all (2-4 s for a word in 96,000 of 1M
# items, each hit's events and text carried into the sort); it walks idx_items_published_at
# from the newest and stops at the page's 51st hit (docs/decisions.md).
BROWSE_VIEW = """
CREATE VIEW browse AS
SELECT items.rowid + 0 AS search_rowid, items.id, items.published_at,
       substr(items.published_at, 1, 10) AS day, items.platform, items.kind,
       coalesce(authors.display_name, authors.handle) AS author, items.title,
       items.text, items.url,
       (SELECT json_group_array(event) FROM event_items
        WHERE event_items.item_id = items.id) AS events
FROM items LEFT JOIN authors ON authors.id = items.author_id
WHERE items.id NOT IN (SELECT id FROM reposts)
  AND items.id NOT IN (SELECT item_id FROM hidden_items)
"""


@migrations()
def m014_browse(db: sqlite_utils.Database) -> None:
    """The browse view pages a search by date through the index (same columns and filter)."""
    db.execute("DROP VIEW IF EXISTS browse")
    db.execute(BROWSE_VIEW)


@migrations()
def m015_gallery(db: sqlite_utils.Database) -> None:
    """The gallery finds a picture's earlier copies by their bytes (galleryquery.py); the
    ``referrers`` query finds links by where they led (it read all 550,000 links at 1M)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_media_sha256 ON media(sha256) "
               "WHERE sha256 IS NOT NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_links_resolved_url ON links(resolved_url) "
               "WHERE resolved_url IS NOT NULL")
