"""Pages that stay fast at a million items: bounded table counts on the database page, and no
full ``count(*)`` of a big table or search on each view of its page (docs/decisions.md,
"Browse and table pages at a million items").

Datasette 0.65 counts every table of a mutable database on each view of the database page
(5 ms each, then "Many rows") and runs ``select count(*)`` over the whole filtered table on
each table page. Here a table's count stops at ``COUNT_CAP`` rows: small tables still show
their exact count, big ones "Many rows", as Datasette does when its own count times out. The
big tables' pages skip the total unless asked for with ``?_count=1``.
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qs

COUNT_CAP = 10_000
# Tables and views whose pages do not count their rows on each view: they grow with the
# archive. Their row counts are one ``?_count=1`` away.
BIG = ("browse", "items", "event_items", "links", "hashtags", "mentions", "media", "reposts")
PATH = re.compile(r"^/[^/]+/(?:" + "|".join(BIG) + r")(?:\.json)?$")


def counted_as(table: str, tables: list[str]) -> str | None:
    """Which table to count for ``table``; None: not counted.

    The inside of an FTS5 index is counted cheaply or not at all: the index has one row per
    indexed row in its narrow ``_docsize`` table (a scan of the index itself reads each row's
    text: 14 ms at 1M items), and its ``_data`` table holds the index's blobs (reading 10,000
    of them took 29 ms, most of the page's time) and shows "Many rows", as for a count that
    timed out."""
    def fts5(name: str) -> bool:
        return f"{name}_docsize" in tables and f"{name}_config" in tables

    if fts5(table):
        return f"{table}_docsize"
    if table.endswith("_data") and fts5(table[:-len("_data")]):
        return None
    return table


def bound_table_counts(db) -> None:
    """Replace ``db.table_counts`` with counts that read at most COUNT_CAP + 1 rows a table,
    all in one trip to the database thread (a trip costs about as much as a small count)."""

    def count_all(conn, tables: list[str]) -> dict:
        counts = {}
        for table in tables:
            counted = counted_as(table, tables)
            n = None
            if counted is not None:
                try:
                    n = conn.execute(f"select count(*) from (select 1 from [{counted}] "
                                     f"limit {COUNT_CAP + 1})").fetchone()[0]
                except sqlite3.DatabaseError:  # as Datasette's own: unknown
                    n = None
            counts[table] = n if n is not None and n <= COUNT_CAP else None
        return counts

    async def table_counts(limit=10):
        tables = await db.table_names()
        return await db.execute_fn(lambda conn: count_all(conn, tables))

    db.table_counts = table_counts


def no_full_counts(app):
    """ASGI middleware: a big table's page is served as with ``?_nocount=1`` unless the
    address asks for the count with ``?_count=1``."""

    async def nocount(scope, receive, send):
        if scope["type"] == "http" and PATH.match(scope["path"]):
            query = scope.get("query_string", b"").decode("latin-1")
            args = parse_qs(query)
            if "_nocount" not in args and args.get("_count") != ["1"]:
                scope = dict(scope, query_string=(
                    (query + "&" if query else "") + "_nocount=1").encode("latin-1"))
        await app(scope, receive, send)

    return nocount
