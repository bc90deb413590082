"""Full-text search: one query, shared by the terminal (``eventarchive search``) and Datasette's
canned ``search`` query, so a colleague's link and a terminal search give the same rows.
"""

from __future__ import annotations

from datasette.utils import escape_fts

from .store import Store

# escape_fts() quotes every term, so odd input (a lone quote, AND, a colon) is a search, not an
# error; an empty query matches nothing instead of failing. A retweet stored as its own item
# (account archives, TAGS) is left out once its original is known: it shows as a repost; so is
# a story element that embeds a stored post (one hit, the post). ``snippet`` is HTML: the text
# escaped, the matched words in <mark>. Pages of 50 go on from ``after``, the ``cursor`` of the
# last hit (best first, ties by row: a keyset, stable while the archive does not change).
#
# Relevance (bm25) is scored within the newest CANDIDATES matches (by row: the most recently
# archived), not over every match: FTS5 hands matches out in row order without scoring them,
# and bm25 costs a few µs a match: a word in 54,000 of a million items took 206 ms, now 8 ms.
# A word with fewer matches than that is ranked exactly as before (docs/decisions.md, "Search
# at a million items"). The filters read rowids only (no item row per match), and the snippet
# is made for the 50 shown only, in one pass of the index over the shown rows' rowid range
# (``materialized`` keeps SQLite from turning it back into one MATCH per row, which read the
# word's index again for each: 7 ms of 15 for a word in 96,000 of a million items).
CANDIDATES = 2000
SEARCH_SQL = """
with candidates as (
  select items_fts.rowid as rid, round(items_fts.rank, 9) as score
  from items_fts
  where items_fts match coalesce(nullif(escape_fts(:q), ''), '""')
    and items_fts.rowid not in (select items.rowid from reposts
                                join items on items.id = reposts.id)
    and items_fts.rowid not in (select items.rowid from hidden_items
                                join items on items.id = hidden_items.item_id)
    and items_fts.rowid not in (
      select element.rowid from items as element
      where element.kind = 'story_element' and exists (
        select 1 from links join items as embedded on embedded.url = links.url
        where links.item_id = element.id and embedded.kind = 'post'))
    and (coalesce(:event, '') = '' or exists (
      select 1 from items join event_items on event_items.item_id = items.id
      where items.rowid = items_fts.rowid and event_items.event = :event))
  order by items_fts.rowid desc
  limit CANDIDATES
),
shown as materialized (
  select rid, score from candidates
  where coalesce(:after, '') = ''
     or (score, rid) > (cast(substr(:after, 1, instr(:after, '~') - 1) as real),
                        cast(substr(:after, instr(:after, '~') + 1) as integer))
  order by score, rid
  limit 50
),
snippets as materialized (
  select items_fts.rowid as rid, snippet(items_fts, -1, char(2), char(3), '…', 24) as snippet
  from items_fts
  where items_fts match coalesce(nullif(escape_fts(:q), ''), '""')
    and items_fts.rowid between (select min(rid) from shown) and (select max(rid) from shown)
    and +items_fts.rowid in (select rid from shown)
)
select
  items.published_at, authors.display_name as author, authors.handle,
  replace(replace(replace(replace(replace(
    snippets.snippet, '&', '&amp;'), '<', '&lt;'),
    '>', '&gt;'), char(2), '<mark>'), char(3), '</mark>') as snippet,
  items.url, items.platform, items.kind, items.title, items.text, items.id,
  coalesce(nullif(:event, ''), (select min(event) from event_items
                                where event_items.item_id = items.id)) as event,
  printf('%.9f~%d', shown.score, shown.rid) as cursor
from shown
join snippets on snippets.rid = shown.rid
join items on items.rowid = shown.rid
left join authors on authors.id = items.author_id
order by shown.score, shown.rid
""".replace("CANDIDATES", str(CANDIDATES))

TIMELINE_SQL = """
select
  items.published_at, items.platform, items.kind,
  authors.display_name as author, authors.handle,
  items.title, items.text, items.url, items.id
from event_items
join items on items.id = event_items.item_id
left join authors on authors.id = items.author_id
where event_items.event = :event
  and items.id not in (select id from reposts)
  and items.id not in (select item_id from hidden_items)
  and (coalesce(:from, '') = '' or items.published_at >= replace(trim(:from), ' ', 'T'))
  and (coalesce(:to, '') = ''
       or substr(items.published_at, 1, length(trim(:to))) <= replace(trim(:to), ' ', 'T'))
order by event_items.position is null, event_items.position, items.published_at
limit 1000
"""


# An event's photos, local copies first shown as thumbnails by the plugin. The items are read
# in time order (the CROSS JOINs keep SQLite walking idx_items_published_at and stopping at
# the 1,000th photo): sorting 109,000 photos of a million-item event took 3-5 s.
PHOTOS_SQL = """
select
  coalesce(media.thumb_path, media.path) as photo, items.published_at,
  authors.display_name as author, authors.handle,
  media.alt_text, items.text, media.license, items.url, media.url as original, items.id
from items
cross join event_items on event_items.item_id = items.id
cross join media on media.item_id = items.id
left join authors on authors.id = items.author_id
where event_items.event = :event
  and items.id not in (select item_id from hidden_items)
  and (media.mime like 'image/%' or media.mime is null)
order by items.published_at
limit 1000
"""

# Which posts link to a page (by the address they used, or where it led).
REFERRERS_SQL = """
select
  items.published_at, authors.display_name as author, authors.handle, items.text, items.url,
  links.url as linked_as, links.resolved_url, links.status, links.archived_url, items.id
from links
join items on items.id = links.item_id
left join authors on authors.id = items.author_id
where links.url = :url or links.resolved_url = :url
order by items.published_at
limit 1000
"""


PAGE = 50


def search(store: Store, q: str, event: str | None = None, after: str = "") -> list[dict]:
    """One page (50) of hits, best first; pass the last hit's ``cursor`` as ``after``."""
    conn = store.conn
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    cursor = conn.execute(SEARCH_SQL, {"q": q, "event": event or "", "after": after or ""})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def terminal_lines(rows: list[dict], config) -> list[str]:
    """Hits as the terminal shows them: time in the event's zone, who, where, the snippet
    with the matched words in [brackets], and the address of the original."""
    import html
    import re

    from .story_cards import PLATFORM_NAMES, Zone

    lines = []
    for row in rows:
        event = config.event(row["event"]) if row.get("event") else None
        zone = Zone.from_config(event.utc_offset if event else None)
        who = row["author"] or (f"@{row['handle'].lstrip('@')}" if row["handle"] else "?")
        snippet = re.sub(r"</?mark>", lambda m: "]" if m.group().startswith("</") else "[",
                         row["snippet"] or "")
        when = zone.show(row["published_at"]) or "time unknown"
        lines.append(f"{when} ({zone.label}) · {who} · "
                     f"{PLATFORM_NAMES.get(row['platform'], row['platform'])}")
        lines.append(f"  {html.unescape(snippet)}")
        if row["url"]:
            lines.append(f"  {row['url']}")
    return lines
