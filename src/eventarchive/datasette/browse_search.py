"""Browse search for a rare word as fast as for a common one (docs/decisions.md, "Browse search
for a rare word").

Datasette searches the ``browse`` view with one fixed shape, ``search_rowid in (select rowid
from items_fts where items_fts match …) order by published_at desc limit 51``. Since
``search_rowid`` is ``items.rowid + 0`` (migration m014), SQLite walks the date index from the
newest and probes the word's hits for each row: fast when hits are everywhere (a common word),
but a word with few hits walks far, and one with none walks every item (370 ms at 1M). Fetching
the hits by primary key and sorting them costs about 50 µs a hit instead, so it wins for a few
hundred hits and loses badly for tens of thousands.

SQLite cannot tell which case it is in (FTS5 gives the planner no row estimate), but FTS5
counts a word's hits in well under a millisecond when they are few. So for ``browse`` with
``?_search=``, this hook asks the index first and, when the word has at most ``threshold``
hits, adds a clause that says again what the search already says, written so that SQLite can
look the hits up by ``items.id``: the rows, counts and facets are the same, only the plan
changes. The threshold is where the two plans cost the same on a uniform spread of hits,
about the square root of the archive's size (1,000 hits at 1M items).
"""

from __future__ import annotations

import math
import sqlite3
from urllib.parse import parse_qsl, urlencode

from datasette.database import QueryInterrupted
from datasette.filters import FilterArguments

TABLE = "browse"
FTS = "items_fts"
# The same hits as Datasette's own clause (filters.py, search_filters), reachable by primary key.
LOOKUP = ("id in (select items.id from items where items.rowid in "
          f"(select rowid from {FTS} where {FTS} match {{match}}))")


def search_mode_raw(request, table_metadata: dict) -> bool:
    """Datasette's rule for ``_searchmode``: the table's metadata, overridden by the address."""
    raw = table_metadata.get("searchmode") == "raw"
    mode = request.args.get("_searchmode")
    return {"raw": True, "escaped": False}.get(mode, raw)


async def threshold(db) -> int:
    """Most hits for which looking them up beats walking the date index: √(items)."""
    top = (await db.execute("select max(rowid) from items")).rows[0][0] or 0
    return math.isqrt(top)


async def lookup_clause(request, database: str, table: str, datasette) -> FilterArguments | None:
    if table != TABLE or "_search" not in request.args:
        return None
    if request.args.get("_fts_table") or request.args.get("_fts_pk"):
        return None  # another index than the one this clause names
    table_metadata = datasette.table_metadata(database, table)
    if table_metadata.get("fts_table") != FTS:
        return None
    db = datasette.get_database(database)
    match = ":ea_search" if search_mode_raw(request, table_metadata) else "escape_fts(:ea_search)"
    params = {"ea_search": request.args["_search"]}
    try:
        limit = await threshold(db)
        hits = (await db.execute(
            f"select count(*) from (select 1 from {FTS} where {FTS} match {match} "
            f"limit {limit + 1})", params)).rows[0][0]
    except (QueryInterrupted, sqlite3.DatabaseError):
        return None  # a bad raw query: Datasette's own clause reports it, as before
    if hits > limit:
        return None
    return FilterArguments([LOOKUP.format(match=match)], params)


def drop_empty_search(app):
    """ASGI middleware: an empty search box (``?_search=``) shows the table unsearched;
    Datasette 0.65 would hand FTS5 an empty query and answer "Invalid SQL"."""

    async def dropped(scope, receive, send):
        if scope["type"] == "http" and b"_search" in scope.get("query_string", b""):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if not (k == "_search" and not v.strip())]
            if len(kept) < len(pairs):
                scope = dict(scope, query_string=urlencode(kept).encode("latin-1"))
        await app(scope, receive, send)

    return dropped
