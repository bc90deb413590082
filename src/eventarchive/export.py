"""``eventarchive export``: an event's items as JSON lines or CSV, in timeline order, for people
who want the record outside Datasette (a spreadsheet, another archive, a report)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from .store import Store

COLUMNS = ("id", "published_at", "platform", "kind", "author", "handle", "title", "text",
           "url", "in_reply_to", "position", "photo_paths", "photo_urls")
PHOTOS = ("photo_paths", "photo_urls")  # lists in JSON; in CSV one a line of the cell

EXPORT_SQL = """
select items.id, items.published_at, items.platform, items.kind,
       authors.display_name as author, authors.handle, items.title, items.text, items.url,
       items.in_reply_to, event_items.position,
       (select json_group_array(path) from (select path from media
        where media.item_id = items.id and path is not null order by id)) as photo_paths,
       (select json_group_array(url) from (select url from media
        where media.item_id = items.id and url is not null order by id)) as photo_urls
from event_items
join items on items.id = event_items.item_id
left join authors on authors.id = items.author_id
where event_items.event = ?
  and items.id not in (select item_id from hidden_items)
order by event_items.position is null, event_items.position, items.published_at, items.id
"""


def rows(store: Store, event: str) -> Iterator[dict]:
    for values in store.conn.execute(EXPORT_SQL, (event,)):
        row = dict(zip(COLUMNS, values, strict=True))
        for column in PHOTOS:
            row[column] = json.loads(row[column])
        yield row


def write(store: Store, event: str, out: TextIO, fmt: str = "jsonl", bom: bool = False) -> int:
    """Stream the event's items to ``out``; returns how many were written. ``bom`` starts a CSV
    with a UTF-8 byte order mark, which is how Excel knows the file is UTF-8."""
    count = 0
    if fmt == "csv":
        if bom:
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows(store, event):
            writer.writerow({**row, **{c: "\n".join(row[c]) for c in PHOTOS}})
            count += 1
        return count
    for row in rows(store, event):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
