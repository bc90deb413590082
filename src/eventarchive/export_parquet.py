"""``eventarchive export --format parquet``: an event's items as one Parquet file, for DuckDB,
Spark or pandas when a corpus outgrows SQLite (docs/scaling.md).

One row per item of the event, in timeline order: the columns of the JSON lines and CSV
export (photo_paths and photo_urls as lists), plus

- ``event``: the event's slug, so files of several events can be read as one table;
- ``author_id``: the author's key in the archive;
- ``shown_as``: the item the search shows instead of this one (a retweet stored as its own
  item: its original; a story element that embeds a stored post: that post), else null;
- ``terms``: the item's words as the archive's full-text index holds them (title and text,
  lower case, accents folded, Porter-stemmed: "Running" is ``run``), so a query over the file
  finds what the canned search finds.

Hidden items (takedowns, people who opted out) are left out, as in every export. The terms
are made by SQLite's own FTS5 tokenizer (an in-memory index per batch), not re-implemented.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .errors import ConfigError
from .export import COLUMNS, EXPORT_SQL, PHOTOS
from .store import Store

INSTALL = "pip install 'eventarchive[parquet]'"
TOKENIZE = "porter"  # as items_fts (schema.py): Porter stemming over unicode61
BATCH = 5000

EXTRA = ("event", "author_id", "shown_as")
# The export's query, with the columns only Parquet carries. ``shown_as`` mirrors the two
# exclusions of the canned search (search.py) other than hidden items, which never get here.
PARQUET_SQL = EXPORT_SQL.replace(
    "        where media.item_id = items.id and url is not null order by id)) as photo_urls\n",
    "        where media.item_id = items.id and url is not null order by id)) as photo_urls,\n"
    "       event_items.event, items.author_id,\n"
    "       coalesce((select reposts.item_id from reposts where reposts.id = items.id),\n"
    "                case when items.kind = 'story_element' then (\n"
    "                  select min(embedded.id) from links\n"
    "                  join items as embedded on embedded.url = links.url\n"
    "                  where links.item_id = items.id and embedded.kind = 'post') end)"
    " as shown_as,\n"
    "       items.title as fts_title, items.text as fts_text\n",
)
assert PARQUET_SQL != EXPORT_SQL


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError(f"--format parquet needs pyarrow: {INSTALL}") from None
    return pyarrow, pyarrow.parquet


def _schema(pa):
    text = pa.string()
    fields = [(c, pa.list_(text) if c in PHOTOS else text) for c in COLUMNS]
    fields = [(c, pa.int64() if c == "position" else t) for c, t in fields]
    return pa.schema(fields + [(c, text) for c in EXTRA] + [("terms", pa.list_(text))])


class _Terms:
    """The full-text index's terms of a batch of (title, text) pairs, from a scratch FTS5
    index in memory with the archive's tokenizer."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='{TOKENIZE}')")
        self.conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")

    def __call__(self, docs: list[tuple[str | None, str | None]]) -> list[list[str]]:
        conn = self.conn
        conn.execute("DELETE FROM t")
        conn.executemany("INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)",
                         [(i, *doc) for i, doc in enumerate(docs)])
        terms: list[set[str]] = [set() for _ in docs]
        for doc, term in conn.execute("SELECT doc, term FROM v"):
            terms[doc].add(term)
        return [sorted(t) for t in terms]

    def close(self) -> None:
        self.conn.close()


def write(store: Store, event: str, path: Path) -> int:
    """Write the event's items to ``path`` (a Parquet file); returns how many were written."""
    pa, pq = _pyarrow()
    schema = _schema(pa)
    names = COLUMNS + EXTRA
    terms = _Terms()
    count = 0
    cursor = store.conn.execute(PARQUET_SQL, (event,))
    try:
        with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
            while batch := cursor.fetchmany(BATCH):
                columns: dict[str, list] = {name: [] for name in names}
                for values in batch:
                    for name, value in zip(names, values, strict=False):
                        columns[name].append(json.loads(value) if name in PHOTOS else value)
                columns["terms"] = terms([values[-2:] for values in batch])
                writer.write_table(pa.Table.from_pydict(columns, schema=schema))
                count += len(batch)
    finally:
        terms.close()
    return count


def terms_of(words: str) -> list[str]:
    """The index terms a search for ``words`` looks for, in order ("Talked" → ``talk``): what
    to look for in the ``terms`` column (docs/scaling.md has the same as a sqlite3 command)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        conn.execute("INSERT INTO t (x) VALUES (?)", (words,))
        return [term for (term,) in conn.execute("SELECT term FROM v ORDER BY offset")]
    finally:
        conn.close()
