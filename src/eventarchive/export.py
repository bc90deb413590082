"""``eventarchive export``: an event's items as JSON lines or CSV, in timeline order, for people
who want the record outside Datasette (a spreadsheet, another archive, a report)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from .store import Store

COLUMNS = ("id", "published_at", "platform", "kind", "author", "handle", "title", "text",
           "url", "in_reply_to", "position")

EXPORT_SQL = """
select items.id, items.published_at, items.platform, items.kind,
       authors.display_name as author, authors.handle, items.title, items.text, items.url,
       items.in_reply_to, event_items.position
from event_items
join items on items.id = event_items.item_id
left join authors on authors.id = items.author_id
where event_items.event = ?
order by event_items.position is null, event_items.position, items.published_at, items.id
"""


def rows(store: Store, event: str) -> Iterator[dict]:
    for row in store.conn.execute(EXPORT_SQL, (event,)):
        yield dict(zip(COLUMNS, row, strict=True))


def write(store: Store, event: str, out: TextIO, fmt: str = "jsonl") -> int:
    """Stream the event's items to ``out``; returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows(store, event):
            writer.writerow(row)
            count += 1
        return count
    for row in rows(store, event):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
