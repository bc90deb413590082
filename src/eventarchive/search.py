"""Full-text search: one query, shared by the terminal (``eventarchive search``) and Datasette's
canned ``search`` query, so a colleague's link and a terminal search give the same rows.
"""

from __future__ import annotations

from datasette.utils import escape_fts

from .store import Store

# escape_fts() quotes every term, so odd input (a lone quote, AND, a colon) is a search, not an
# error; an empty query matches nothing instead of failing. A retweet stored as its own item
# (account archives, TAGS) is left out once its original is known: it shows as a repost.
# Times are compared as UTC text; "2011-10-21 14:00" is read as "2011-10-21T14:00", and a "to"
# that is only a date covers the whole day. Items hidden by the archive's privacy policy
# (hidden_items: people who opted out, posts deleted on their platform) are left out.
SEARCH_SQL = """
select
  items.published_at, authors.display_name as author, authors.handle,
  snippet(items_fts, -1, '[', ']', '…', 24) as snippet,
  items.url, items.platform, items.kind, items.title, items.text, items.id
from items_fts
join items on items.rowid = items_fts.rowid
left join authors on authors.id = items.author_id
where items_fts match coalesce(nullif(escape_fts(:q), ''), '""')
  and items.id not in (select id from reposts)
  and items.id not in (select item_id from hidden_items)
  and (coalesce(:event, '') = ''
       or items.id in (select item_id from event_items where event = :event))
order by rank
limit 100
"""

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


# An event's photos, local copies first shown as thumbnails by the plugin.
PHOTOS_SQL = """
select
  media.path as photo, items.published_at, authors.display_name as author, authors.handle,
  media.alt_text, items.text, media.license, items.url, media.url as original, items.id
from media
join items on items.id = media.item_id
join event_items on event_items.item_id = items.id
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


def search(store: Store, q: str, event: str | None = None) -> list[dict]:
    conn = store.conn
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    cursor = conn.execute(SEARCH_SQL, {"q": q, "event": event or ""})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]
