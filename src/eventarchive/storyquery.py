"""The SQL behind an event's story page: its order, filters and keyset paging.

Everything here takes a plain ``sqlite3.Connection`` (Datasette hands one to ``execute_fn``),
so the order and paging are tested without a server. Card building (links, times, citations)
is in ``story_cards.py``; the routes are in ``datasette/story.py``.

Order (docs/story.md): pinned items first in pin order, then curated positions
(``event_items.position``), then time; an item moved by a curator sits right after its
anchor; hidden items are left out. The order is one text key per item, so a page is
``key > cursor ORDER BY key LIMIT n`` (keyset, never OFFSET) and a cursor is that key.
The curation tables (CONTRACTS.md, ``m005_curation``) are optional: without them the story
is in position and time order.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass, field

from datasette.utils import escape_fts

PAGE_SIZE = 50

# Comments are threaded under what they answer; a post a story element quotes is shown once,
# through the element; retweets stored as their own item show as reposts elsewhere.
# A curated item's place in time: the latest time of its story's elements up to it (so the
# story keeps its own order), counting only times within the event (a curator's text is dated
# when the story was published, days later); before any such time, the next one. Posts that no
# story placed merge in by their own time, so a story and the rest of the record read as one,
# under the programme's sessions (docs/story.md).
_EFFECTIVE = """coalesce(
  (SELECT max(t.published_at) FROM event_items AS p JOIN items AS t ON t.id = p.item_id
   WHERE p.event = {ei}.event AND p.position <= {ei}.position
     AND t.published_at <= (SELECT coalesce(ends_at, '9999') FROM events WHERE slug = {ei}.event)),
  (SELECT min(t.published_at) FROM event_items AS p JOIN items AS t ON t.id = p.item_id
   WHERE p.event = {ei}.event AND p.position > {ei}.position
     AND t.published_at <= (SELECT coalesce(ends_at, '9999') FROM events WHERE slug = {ei}.event)),
  {item}.published_at, '9999')"""


def _place(ei: str, item: str) -> str:
    """An item's own place: ``1|<time>|<position or id>``."""
    return (f"'1|' || CASE WHEN {ei}.position IS NULL THEN ifnull({item}.published_at, '9999') "
            f"|| '|' || {item}.id ELSE {_EFFECTIVE.format(ei=ei, item=item)} || '|0' || "
            f"printf('%012d', {ei}.position) || '|' || {item}.id END")


_KEY = f"""
CASE WHEN cur.pinned = 1 THEN '0|' || cur.updated_at || '|' || items.id
ELSE '1|' || CASE WHEN anchor_ei.item_id IS NOT NULL THEN
    {_place('anchor_ei', 'anchor')} || '|1|' || cur.updated_at || '|' || items.id
  ELSE {_place('ei', 'items')} || '|0'
  END
END
"""

_FROM = """
FROM {rows}
LEFT JOIN cur ON cur.item_id = items.id
LEFT JOIN event_items AS anchor_ei
  ON cur.after_item_id IS NOT NULL AND anchor_ei.event = ei.event
 AND anchor_ei.item_id = cur.after_item_id
LEFT JOIN items AS anchor ON anchor.id = anchor_ei.item_id
WHERE ei.event = :event
  AND items.id NOT IN (SELECT id FROM reposts)
  AND coalesce(cur.hidden, 0) = 0
"""

_NOT_THREADED = "AND NOT (items.kind = 'comment' AND items.in_reply_to IS NOT NULL)"

# A post that a story element of this event quotes (the element links to the post's address),
# found once per query rather than per row.
_NOT_QUOTED = """
AND items.id NOT IN (
    SELECT p.id FROM event_items AS qei
    JOIN items AS qe ON qe.id = qei.item_id AND qe.kind = 'story_element'
    JOIN links AS ql ON ql.item_id = qe.id
    JOIN items AS p ON p.url = ql.url AND p.kind = 'post'
    WHERE qei.event = :event)
"""

_NO_CURATION = ("cur AS (SELECT NULL AS item_id, 0 AS pinned, 0 AS hidden, "
                "NULL AS after_item_id, NULL AS updated_at WHERE 0)")
_CURATION = ("cur AS (SELECT item_id, pinned, hidden, after_item_id, updated_at "
             "FROM curation WHERE event = :event)")


@dataclass
class Filters:
    """The story's query parameters, already checked; times are UTC ISO text."""

    q: str = ""
    platform: str = ""
    kind: str = ""
    author: str = ""
    session: str = ""
    since: str = ""  # from
    until: str = ""  # to (exclusive)

    def clauses(self) -> tuple[list[str], dict]:
        sql, params = [], {}
        if self.q:
            sql.append("AND items.rowid IN (SELECT rowid FROM items_fts "
                       "WHERE items_fts MATCH :q)")
            params["q"] = escape_fts(self.q)
        if self.platform:
            sql.append("AND items.platform = :platform")
            params["platform"] = self.platform
        if self.kind:
            sql.append("AND items.kind = :kind")
            params["kind"] = self.kind
        if self.author:
            sql.append("AND items.author_id IN (SELECT id FROM authors WHERE id = :author "
                       "OR lower(ltrim(handle, '@')) = lower(ltrim(:author, '@')) "
                       "OR lower(display_name) = lower(:author))")
            params["author"] = self.author
        if self.since:
            sql.append("AND items.published_at >= :since")
            params["since"] = self.since
        if self.until:
            sql.append("AND items.published_at < :until")
            params["until"] = self.until
        if self.kind != "comment":
            sql.append(_NOT_THREADED)
        sql.append(_NOT_QUOTED)
        return sql, params


@dataclass
class Page:
    ids: list[str]
    keys: dict[str, str]
    total: int
    next_cursor: str | None
    prev: bool = False
    capped: bool = False  # more than COUNT_BOUND items: ``total`` is that bound
    by_platform: list[tuple[str, int]] = field(default_factory=list)


def has_table(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
                        "AND name = ?", (table,)).fetchone() is not None


def has_index(conn: sqlite3.Connection, name: str) -> bool:
    """Whether an index is there (a bulk load drops the secondary ones for a while)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        (name,)).fetchone() is not None


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def encode_cursor(key: str, inclusive: bool = False) -> str:
    raw = json.dumps([key, 1 if inclusive else 0], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, bool] | None:
    """The key a cursor names, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, inclusive = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, str):
        return None
    return key, bool(inclusive)


# Items the archive's privacy policy hides (suppression.py: people who opted out) leave the
# story; a post deleted at its source stays, shown as a tombstone.
_NOT_HIDDEN = ("AND items.id NOT IN (SELECT item_id FROM hidden_items "
               "WHERE reason != 'deleted')")


def _privacy(conn: sqlite3.Connection) -> list[str]:
    return [_NOT_HIDDEN] if has_table(conn, "hidden_items") else []


def _with(conn: sqlite3.Connection) -> str:
    return "WITH " + (_CURATION if has_table(conn, "curation") else _NO_CURATION)


def _from(conn: sqlite3.Connection, searching: bool = False) -> str:
    """The story's rows. Without statistics SQLite may read whole item rows through the
    primary key; the covering index (m010_story_indexes) reads 50,000 in a tenth of the
    time. A bulk load drops it for a while: then the query runs without it. A search
    (``searching``) starts from its hits, read by rowid, then looks for their event rows:
    through the event's rows it walked every item of the archive for a word in none of a
    million (7 s)."""
    if searching:
        return _FROM.format(rows="items CROSS JOIN event_items AS ei ON ei.item_id = items.id")
    return _FROM.format(rows="event_items AS ei JOIN items "
                        + ("INDEXED BY idx_items_story " if has_index(conn, "idx_items_story")
                           else "")
                        + "ON items.id = ei.item_id")


# Past this many items a story is paged through indexes (``_big_page``) and its total shown
# as "more than 10,000": counting a million items took 1.1 s a view, sorting them 3.5 s.
COUNT_BOUND = 10_000


def page(conn: sqlite3.Connection, event: str, filters: Filters, after: str | None = None,
         size: int = PAGE_SIZE) -> Page:
    """One page of the story: item ids in story order, the total, and the next cursor."""
    where, params = filters.clauses()
    params["event"] = event
    clause = "\n".join(where + _privacy(conn))
    cursor = decode_cursor(after) if after else None
    rows_from = _from(conn, searching=bool(filters.q))
    bounded = conn.execute(
        f"{_with(conn)} SELECT count(*) FROM (SELECT 1 {rows_from} {clause} "
        f"LIMIT {COUNT_BOUND + 1})", params).fetchone()[0]
    if bounded > COUNT_BOUND:
        ids, keys = _big_page(conn, clause, params, cursor, size + 1)
        by_platform, total, capped = [], COUNT_BOUND, True
    else:
        by_platform = conn.execute(
            f"{_with(conn)} SELECT items.platform, count(*) {rows_from} {clause} GROUP BY "
            "items.platform ORDER BY count(*) DESC, items.platform", params).fetchall()
        total, capped = sum(n for _, n in by_platform), False
        keyset = ""
        if cursor is not None:
            params["after"] = cursor[0]
            keyset = "WHERE sort_key >= :after" if cursor[1] else "WHERE sort_key > :after"
        params["limit"] = size + 1
        rows = conn.execute(
            f"{_with(conn)} SELECT id, sort_key FROM (SELECT items.id AS id, {_KEY} AS sort_key "
            f"{rows_from} {clause}) {keyset} ORDER BY sort_key LIMIT :limit",
            params).fetchall()
        ids, keys = [r[0] for r in rows], [r[1] for r in rows]
    more = len(ids) > size
    ids, keys = ids[:size], keys[:size]
    return Page(ids=ids, keys=dict(zip(ids, keys, strict=True)), total=total,
                by_platform=by_platform, capped=capped,
                next_cursor=encode_cursor(keys[-1]) if more else None,
                prev=cursor is not None)


def _big_page(conn: sqlite3.Connection, clause: str, params: dict,
              cursor: tuple[str, bool] | None, limit: int) -> tuple[list[str], list[str]]:
    """The next ``limit`` items of a big story without sorting all of them: the few curated
    ones (pinned, moved, or with a position) through the curation table and the position
    index, the rest in time order through ``idx_items_published_at``, merged by their keys.
    Same keys and order as the small-story query."""
    params = dict(params, limit=limit)
    keyset = ""
    if cursor is not None:
        params["after"] = cursor[0]
        keyset = "WHERE sort_key >= :after" if cursor[1] else "WHERE sort_key > :after"
    rows = []
    for curated in ("AND ei.position IS NOT NULL",
                    "AND items.id IN (SELECT item_id FROM cur WHERE pinned = 1 "
                    "OR after_item_id IS NOT NULL) AND ei.position IS NULL"):
        rows += conn.execute(
            f"{_with(conn)} SELECT id, sort_key FROM (SELECT items.id AS id, {_KEY} AS sort_key "
            f"{_from(conn)} {clause} {curated}) {keyset} ORDER BY sort_key LIMIT :limit",
            params).fetchall()
    # The rest: '1|1|' || published_at || '|' || id || '|0', so in published_at order, and
    # those without a time ('9999') last.
    since = ""
    if cursor is not None and cursor[0].startswith("1|1|"):
        params["since"] = cursor[0][4:].split("|", 1)[0]
        since = "AND items.published_at >= :since"
    for extra in (f"AND items.published_at IS NOT NULL {since}", "AND items.published_at IS NULL"):
        rows += conn.execute(_TIMED.format(with_=_with(conn), clause=clause, extra=extra,
                                           keyset=keyset), params).fetchall()
    rows.sort(key=lambda r: r[1])
    return [r[0] for r in rows[:limit]], [r[1] for r in rows[:limit]]


_TIMED = """
{with_} SELECT id, sort_key FROM (
  SELECT items.id AS id,
         '1|1|' || ifnull(items.published_at, '9999') || '|' || items.id || '|0' AS sort_key
  FROM items INDEXED BY idx_items_published_at
  CROSS JOIN event_items AS ei ON ei.item_id = items.id AND ei.event = :event
  WHERE ei.position IS NULL
    AND items.id NOT IN (SELECT item_id FROM cur
                         WHERE pinned = 1 OR hidden = 1 OR after_item_id IS NOT NULL)
    AND items.id NOT IN (SELECT id FROM reposts)
    {extra} {clause}
  ORDER BY items.published_at, items.id
) {keyset} LIMIT :limit
"""


def key_of(conn: sqlite3.Connection, event: str, item_id: str) -> str | None:
    """An item's place in the story (None when it is not shown there)."""
    where, params = Filters().clauses()
    where += _privacy(conn)
    params.update(event=event, item=item_id)
    row = conn.execute(f"{_with(conn)} SELECT {_KEY} {_from(conn)} {' '.join(where)} "
                       "AND items.id = :item", params).fetchone()
    return row[0] if row else None


# -- what a card needs ---------------------------------------------------------------------------

def _rows(conn: sqlite3.Connection, sql: str, params) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _marks(ids) -> str:
    return ", ".join("?" for _ in ids)


ITEM_SQL = """
SELECT items.id, items.kind, items.platform, items.url, items.published_at, items.title,
       items.text, items.in_reply_to, items.raw, items.fetched_at, items.author_id,
       authors.display_name, authors.handle, authors.url AS author_url, authors.avatar_url
FROM items LEFT JOIN authors ON authors.id = items.author_id
WHERE items.id IN ({marks})
"""


def items(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict]:
    """Items with their authors, media, tags and links, by id."""
    if not ids:
        return {}
    found = {r["id"]: dict(r, media=[], tags=[], links=[])
             for r in _rows(conn, ITEM_SQL.format(marks=_marks(ids)), ids)}
    media_cols = columns(conn, "media")
    thumb = "thumb_path" if "thumb_path" in media_cols else "NULL"
    status = "status" if "status" in media_cols else "NULL"
    for m in _rows(conn, f"SELECT item_id, url, path, {thumb} AS thumb_path, mime, alt_text, "
                         f"{status} AS status FROM media WHERE item_id IN ({_marks(ids)}) "
                         "ORDER BY id", ids):
        found[m.pop("item_id")]["media"].append(m)
    for item_id, tag in conn.execute(
            f"SELECT item_id, tag FROM hashtags WHERE item_id IN ({_marks(ids)})", ids):
        found[item_id]["tags"].append(tag)
    for item_id, url in conn.execute(
            f"SELECT item_id, url FROM links WHERE item_id IN ({_marks(ids)})", ids):
        found[item_id]["links"].append(url)
    return found


def quoted(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """{item id: id of the post it quotes or embeds} for items that link to a stored post."""
    if not ids:
        return {}
    return dict(conn.execute(
        f"SELECT links.item_id, min(p.id) FROM links "
        # By address: without statistics SQLite read every post (2 s at a million).
        "JOIN items AS p INDEXED BY idx_items_url ON p.url = links.url "
        f"AND p.kind = 'post' AND p.id != links.item_id WHERE links.item_id IN ({_marks(ids)}) "
        "GROUP BY links.item_id", ids).fetchall())


def replies(conn: sqlite3.Connection, parents: list[str]) -> list[dict]:
    """Every comment under ``parents``, however deep, in time order (threaded by the caller)."""
    if not parents:
        return []
    return _rows(conn, f"""
        WITH RECURSIVE thread(id) AS (
            SELECT id FROM items WHERE kind = 'comment' AND in_reply_to IN ({_marks(parents)})
            UNION SELECT items.id FROM items JOIN thread ON items.in_reply_to = thread.id
            WHERE items.kind = 'comment')
        SELECT id FROM thread""", parents)


def annotations(conn: sqlite3.Connection, event: str, anchors: list[str],
                top: bool) -> dict[str | None, list[dict]]:
    """The curator's words, by the item they follow (None: the top of the story)."""
    if not has_table(conn, "annotations"):
        return {}
    where = [f"after_item_id IN ({_marks(anchors)})"] if anchors else []
    if top:
        where.append("after_item_id IS NULL")
    if not where:
        return {}
    found: dict[str | None, list[dict]] = {}
    for row in _rows(conn, f"SELECT id, after_item_id, text, created_at FROM annotations "
                           f"WHERE event = ? AND ({' OR '.join(where)}) ORDER BY created_at, id",
                     [event, *anchors]):
        found.setdefault(row["after_item_id"], []).append(row)
    return found


def event(conn: sqlite3.Connection, slug: str) -> dict | None:
    rows = _rows(conn, "SELECT slug, name, starts_at, ends_at, description FROM events "
                       "WHERE slug = ?", [slug])
    return rows[0] if rows else None


def events(conn: sqlite3.Connection) -> list[dict]:
    return _rows(conn, "SELECT slug, name, starts_at FROM events "
                       "ORDER BY starts_at DESC, name", [])


def platforms(conn: sqlite3.Connection) -> list[str]:
    """Every platform in the archive (the story's platform filter offers them)."""
    # One index step per platform (DISTINCT read the whole index: 0.4 s at a million items).
    return [r[0] for r in conn.execute(
        "WITH RECURSIVE p(platform) AS (SELECT min(platform) FROM items UNION ALL "
        "SELECT (SELECT min(platform) FROM items WHERE platform > p.platform) FROM p "
        "WHERE p.platform IS NOT NULL) SELECT platform FROM p WHERE platform IS NOT NULL")]


def newest(conn: sqlite3.Connection, slug: str, size: int = 50) -> list[str]:
    """The event's newest items (the Atom feed), hidden ones left out."""
    hidden = ("AND event_items.item_id NOT IN (SELECT item_id FROM curation WHERE event = "
              ":event AND hidden = 1)") if has_table(conn, "curation") else ""
    # A big event is read from the newest along the time index (stopping at ``size``); a
    # small one in a big archive through its own rows, sorted (the walk would pass every
    # other event's items). Sorting a million items took 7 s a request.
    big = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM event_items WHERE event = ? "
                       f"LIMIT {COUNT_BOUND + 1})", (slug,)).fetchone()[0] > COUNT_BOUND
    source = ("items INDEXED BY idx_items_published_at CROSS JOIN event_items "
              "ON event_items.item_id = items.id"
              if big and has_index(conn, "idx_items_published_at") else
              "event_items JOIN items ON items.id = event_items.item_id")
    return [r[0] for r in conn.execute(
        f"SELECT items.id FROM {source} "
        f"WHERE event_items.event = :event {hidden} "
        + ("AND items.id NOT IN (SELECT item_id FROM hidden_items) "
           if has_table(conn, "hidden_items") else "") +
        "AND items.id NOT IN (SELECT id FROM reposts) "
        "ORDER BY items.published_at DESC, items.id LIMIT :size",
        {"event": slug, "size": size})]


def embedding_element(conn: sqlite3.Connection, event: str, item_id: str) -> str | None:
    """The story element of ``event`` that shows this post in its place, if one does."""
    row = conn.execute(
        "SELECT links.item_id FROM items AS p JOIN links ON links.url = p.url "
        "JOIN items AS e ON e.id = links.item_id AND e.kind = 'story_element' "
        "JOIN event_items ON event_items.item_id = e.id AND event_items.event = ? "
        "WHERE p.id = ? AND p.kind = 'post' ORDER BY links.item_id LIMIT 1",
        (event, item_id)).fetchone()
    return row[0] if row else None


def item_events(conn: sqlite3.Connection, item_id: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT event FROM event_items WHERE item_id = ? ORDER BY event", (item_id,))]
