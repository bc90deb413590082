"""The SQL the store writes with: fill-gaps and replace upserts, and the statements that keep
the full-text index in step with `items` (used by ``Store.save`` and ``Store.forget_items``)."""

from __future__ import annotations

from .records import Author, Item, Link, Media, MediaFile, Mention, Repost, Tag, fields


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
_UPDATED = [c for c in ITEM_COLUMNS if c not in ("id", "fetched_at")]
# How a stored item's column takes a saved copy's value: (the SET expression, when it counts as
# a change). A save whose every column is unchanged writes nothing (no full-text churn).
FILL = ("coalesce(items.{c}, excluded.{c})", "(items.{c} IS NULL AND excluded.{c} IS NOT NULL)")
NEWER = ("coalesce(excluded.{c}, items.{c})",
         "(excluded.{c} IS NOT NULL AND items.{c} IS NOT excluded.{c})")
REPLACE = ("excluded.{c}", "items.{c} IS NOT excluded.{c}")
LONGER = ("CASE WHEN length(excluded.{c}) > coalesce(length(items.{c}), -1) THEN excluded.{c} "
          "ELSE items.{c} END", "length(excluded.{c}) > coalesce(length(items.{c}), -1)")


def _item_upsert(rule: tuple[str, str], **rules: tuple[str, str]) -> str:
    """The items upsert where each column follows ``rules`` (by name), the others ``rule``."""
    chosen = [(c, rules.get(c, rule)) for c in _UPDATED]
    return (f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in ITEM_COLUMNS)}) "
            "ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f"{c} = {value.format(c=c)}" for c, (value, _) in chosen)
            + ", fetched_at = excluded.fetched_at WHERE "
            + " OR ".join(changed.format(c=c) for c, (_, changed) in chosen))


# The same post often arrives from several files (an archive, twarc, TAGS). Saving it again only
# fills gaps, and keeps the fuller of the two payloads, so the result does not depend on the
# order of imports and a repeat changes nothing.
ITEM_SQL = _item_upsert(FILL, raw=LONGER)
# In replace mode (records their source owns and may edit, such as notes) the newer title,
# text, html, raw and time replace the stored ones, even with nothing; other columns still
# only take a newer value that is there.
ITEM_REPLACE_SQL = _item_upsert(NEWER, **dict.fromkeys(
    ("title", "text", "html", "raw", "published_at"), REPLACE))
# "newer" mode (a web page read again after it changed: a live blog): the newer title, text,
# html and raw replace the stored ones where the new reading has them; the time and the other
# columns only fill gaps, so a page that lost its date keeps the one read before.
ITEM_NEWER_SQL = _item_upsert(FILL, **dict.fromkeys(("title", "text", "html", "raw"), NEWER))

# The full-text index (items_fts, external content) follows `items` through Store alone, in
# the transaction that changes them: no triggers (docs/decisions.md). Before a batch is
# written, the indexed title and text of the rows it will touch are read; after it, those
# that changed are deleted from the index with exactly the values indexed and indexed again,
# and the rows new to `items` are indexed in one statement. However often a batch
# repeats an item, each row is indexed once, with its final values.
FTS_INDEXED_SQL = (
    "SELECT rowid, title, text FROM items WHERE id IN (SELECT value FROM json_each(?))"
)
FTS_NOW_SQL = (
    "SELECT rowid, title, text FROM items WHERE rowid IN (SELECT value FROM json_each(?))"
)
FTS_UNINDEX_ROW_SQL = (
    "INSERT INTO items_fts (items_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)"
)
FTS_INDEX_ROW_SQL = "INSERT INTO items_fts (rowid, title, text) VALUES (?, ?, ?)"
STORED_SQL = (
    f"SELECT {', '.join(fields(Item))} FROM items WHERE id IN (SELECT value FROM json_each(?))"
)
FTS_NEW_ROWS_SQL = (
    "INSERT INTO items_fts (rowid, title, text) "
    "SELECT rowid, title, text FROM items WHERE rowid > ?"
)
FTS_UNINDEX_SQL = (
    "INSERT INTO items_fts (items_fts, rowid, title, text) "
    "SELECT 'delete', rowid, title, text FROM items WHERE id IN (SELECT id FROM forget_ids)"
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
LINK_SQL = _upsert_sql("links", fields(Link), ("item_id", "url"))
TAG_SQL = _upsert_sql("hashtags", fields(Tag), ("item_id", "tag"))
MENTION_SQL = _upsert_sql("mentions", fields(Mention), ("item_id", "handle"))
REPOST_SQL = _upsert_sql("reposts", fields(Repost), ("id",))
EVENT_ITEM_SQL = _upsert_sql("event_items", ("event", "item_id", "position"), ("event", "item_id"))
