"""The SQL behind an event's photo gallery: pictures in the order first shared, a page at a
time, and the filter choices, at any size of archive.

A picture is one tile however many posts shared it: byte-identical copies share a ``sha256``,
near-identical ones a ``photo_group`` (photos.py). A page is the next ``size`` *first shares*
(rows with no earlier copy among the rows the filters keep), read from the newest cursor on
through ``idx_items_published_at``, never OFFSET; then every copy of those pictures, so each
tile lists every post it came from. Photos without a time come last, by id. Everything takes a
plain ``sqlite3.Connection``, as ``storyquery`` does (docs/decisions.md, "The gallery pages").
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from .storyquery import has_index

PAGE_SIZE = 60
# Past this many photos, the choices offered for the filters are what indexes give cheaply
# (platforms probed one by one, the days between the first and last photo, the author typed):
# collecting every distinct author and day of 100,000 photos took 1.7 s a view.
CHOICES_BOUND = 5_000
MAX_DAYS = 92  # a longer span offers a date field instead of a list of days

COLUMNS = """media.id, media.url, media.path, media.thumb_path,
       coalesce(media.status, 'pending') as status, media.error, media.alt_text, media.license,
       media.width, media.height, media.taken_at, media.sha256, media.photo_group,
       media.camera, items.id as item_id, items.url as item_url, items.platform,
       items.published_at, coalesce(items.text, items.title) as words,
       coalesce(authors.display_name, authors.handle) as author, authors.handle"""

# The rows a gallery shows, for the item alias ``i`` and the media alias ``m``.
_KEPT = """coalesce({m}.mime, 'image/') like 'image/%'
  and exists (select 1 from event_items where event_items.item_id = {i}.id
              and event_items.event = :slug) {filters}"""
# Only the filters in use, each a plain constraint an index can serve.
_FILTERS = {
    "platform": "and {i}.platform = :platform",
    "author": "and {i}.author_id in (select value from json_each(:author_ids))",
    "day": "and {i}.published_at >= :day and {i}.published_at < :day || 'U'",
}

# An author or platform with fewer items than this is read through its own index, then
# sorted; a busier one along the time index (filtering as it goes).
FEW = 10_000

# A row is a first share when no kept row with the same picture comes before it. Each look
# starts from the picture's own index (idx_media_photo_group, idx_media_sha256; the CROSS JOIN
# keeps that order): from the items side it would read every item of a platform per row.
_EARLIER = """not exists (
  select 1 from media as m2 cross join items as i2 on i2.id = m2.item_id
  where m2.{column} = media.{column} {also}
    and (ifnull(i2.published_at, '9999'), m2.id)
        < (ifnull(items.published_at, '9999'), media.id)
    and """ + _KEPT.format(i="i2", m="m2", filters="{{filters2}}") + ")"
_FIRST = (
    "(media.photo_group is null or "
    + _EARLIER.format(column="photo_group", also="") + ")\n"
    "  and (media.photo_group is not null or media.sha256 is null or "
    + _EARLIER.format(column="sha256", also="and m2.photo_group is null") + ")")

_TIMED = f"""
select {COLUMNS}
from items {{index}}
join media on media.item_id = items.id
left join authors on authors.id = items.author_id
where items.published_at is not null
  and items.published_at >= :after_time
  and (items.published_at > :after_time or media.id > :after_id)
  and {_KEPT.format(i="items", m="media", filters="{filters}")}
  and {_FIRST}
order by items.published_at, media.id
limit :limit
"""

_UNTIMED = f"""
select {COLUMNS}
from items {{index}}
join media on media.item_id = items.id
left join authors on authors.id = items.author_id
where items.published_at is null and media.id > :after_id
  and {_KEPT.format(i="items", m="media", filters="{filters}")}
  and {_FIRST}
order by media.id
limit :limit
"""

_COPIES = f"""
select {COLUMNS}
from media join items on items.id = media.item_id
left join authors on authors.id = items.author_id
where (media.photo_group in (select value from json_each(:groups))
       or (media.photo_group is null and media.sha256 in (select value from json_each(:shas))))
  and {_KEPT.format(i="items", m="media", filters="{filters}")}
order by ifnull(items.published_at, '9999'), media.id
"""

CHOICES_SQL = """
select distinct items.platform, coalesce(authors.display_name, authors.handle) as author,
       authors.handle, substr(items.published_at, 1, 10) as day
from media
join items on items.id = media.item_id
join event_items on event_items.item_id = items.id and event_items.event = :slug
left join authors on authors.id = items.author_id
where coalesce(media.mime, 'image/') like 'image/%'
"""

_ANY = """select 1 from items {index}
join media on media.item_id = items.id
join event_items on event_items.item_id = items.id and event_items.event = :slug
where coalesce(media.mime, 'image/') like 'image/%' {where} limit 1"""


@dataclass
class Page:
    rows: list[dict]  # every kept copy of the page's pictures, in the order first shared
    next_cursor: str | None


def page(conn: sqlite3.Connection, slug: str, filters: dict[str, str],
         after: str | None = None, size: int | None = None) -> Page:
    """The next ``size`` pictures (``PAGE_SIZE``) after the cursor ``after`` (None: from
    the start)."""
    size = size or PAGE_SIZE
    params = {"slug": slug, "platform": "", "author": "", "day": "", **filters,
              "limit": size + 1}
    params["author_ids"] = json.dumps(_author_ids(conn, params["author"]))
    index = _index(conn, params)
    if index is None:
        return Page([], None)
    cursor = decode_cursor(after) if after else None
    first: list[dict] = []
    if cursor is None or cursor[0] is not None:
        time_, id_ = cursor or ("", "")
        first = _rows(conn, _sql(_TIMED, index, params),
                      dict(params, after_time=time_, after_id=id_))
    if len(first) <= size:
        id_ = cursor[1] if cursor and cursor[0] is None else ""
        first += _rows(conn, _sql(_UNTIMED, index, params),
                       dict(params, after_id=id_, limit=size + 1 - len(first)))
    more = len(first) > size
    first = first[:size]
    groups = [r["photo_group"] for r in first if r["photo_group"]]
    shas = [r["sha256"] for r in first if not r["photo_group"] and r["sha256"]]
    copies = _rows(conn, _sql(_COPIES, "", params), dict(params, groups=json.dumps(groups),
                                       shas=json.dumps(shas))) if groups or shas else []
    seen = {r["id"] for r in copies}
    rows = [r for r in first if r["id"] not in seen] + copies
    order = {key(r): n for n, r in enumerate(first)}
    rows.sort(key=lambda r: order[key(r)])  # stable: copies keep their time order
    last = first[-1] if first else None
    return Page(rows, encode_cursor(last["published_at"], last["id"]) if more and last
                else None)


def _sql(template: str, index: str, params: dict) -> str:
    def used(alias: str) -> str:
        return "\n  ".join(sql.format(i=alias) for name, sql in _FILTERS.items()
                           if params.get(name))

    return template.format(index=index, filters=used("items"), filters2=used("i2"))


def _author_ids(conn: sqlite3.Connection, author: str) -> list[str]:
    """The accounts a typed author names: by id, handle or display name."""
    if not author:
        return []
    return [r[0] for r in conn.execute(
        "select id from authors where id = ?1 or handle = ?1 or display_name = ?1 "
        "union select author_id from items where author_id = ?1 limit 1000", (author,))]


def _index(conn: sqlite3.Connection, params: dict) -> str | None:
    """How to read the items: ``INDEXED BY`` the index that finds the page soonest, "" to
    leave it to SQLite (an index is missing while a bulk load runs), None when nothing can
    match (an author no item has)."""
    if params["author"]:
        ids = params["author_ids"]
        if ids == "[]":
            return None
        few = conn.execute(f"select count(*) from (select 1 from items where author_id in "
                           f"(select value from json_each(?)) limit {FEW + 1})",
                           (ids,)).fetchone()[0] <= FEW
        if few and has_index(conn, "idx_items_author_id"):
            return "indexed by idx_items_author_id"
    elif params["platform"] and not params["day"]:
        few = conn.execute(f"select count(*) from (select 1 from items where platform = ? "
                           f"limit {FEW + 1})", (params["platform"],)).fetchone()[0] <= FEW
        if few and has_index(conn, "idx_items_platform"):
            return "indexed by idx_items_platform"
    return _indexed(conn, "idx_items_published_at")


def _indexed(conn: sqlite3.Connection, name: str) -> str:
    """``indexed by NAME``, or nothing while the index is missing (a bulk load drops it)."""
    return f"indexed by {name}" if has_index(conn, name) else ""


def key(row: dict) -> str:
    """Which picture a row shows: its group, else its bytes, else itself."""
    return row["photo_group"] or row["sha256"] or row["id"]


def choices(conn: sqlite3.Connection, slug: str) -> dict:
    """What the filters offer: ``platforms``, ``authors`` (handle, name) and ``days``; for a
    big gallery ``authors`` is None (typed instead) and ``days`` may be None (a date field)."""
    bounded = conn.execute(
        "select count(*) from (select 1 from media join event_items on event_items.item_id = "
        "media.item_id and event_items.event = ? where coalesce(media.mime, 'image/') like "
        f"'image/%' limit {CHOICES_BOUND + 1})", (slug,)).fetchone()[0]
    if bounded <= CHOICES_BOUND:
        rows = _rows(conn, CHOICES_SQL, {"slug": slug})
        return {
            "platforms": sorted({c["platform"] for c in rows if c["platform"]}),
            "authors": sorted({(c["handle"] or c["author"], c["author"] or c["handle"])
                               for c in rows if c["handle"] or c["author"]},
                              key=lambda a: a[1]),
            "days": sorted({c["day"] for c in rows if c["day"]}),
        }
    return {"platforms": _platforms(conn, slug), "authors": None, "days": _days(conn, slug)}


def _platforms(conn: sqlite3.Connection, slug: str) -> list[str]:
    """Each platform of the archive (a skip along its index), kept if the event has a photo
    from it."""
    found, last = [], ""
    while (row := conn.execute("select min(platform) from items where platform > ?",
                               (last,)).fetchone()) and row[0] is not None:
        last = row[0]
        if conn.execute(_ANY.format(index=_indexed(conn, "idx_items_platform"),
                                    where="and items.platform = :platform"),
                        {"slug": slug, "platform": last}).fetchone():
            found.append(last)
    return found


def _days(conn: sqlite3.Connection, slug: str) -> list[str] | None:
    """The days from the first photo to the last, or None past ``MAX_DAYS``."""
    ends = []
    for direction in ("", "desc"):
        row = conn.execute(
            _ANY.replace("select 1", "select items.published_at").format(
                index=_indexed(conn, "idx_items_published_at"),
                where=f"and items.published_at is not null order by items.published_at "
                      f"{direction}"), {"slug": slug}).fetchone()
        if row is None:
            return []
        ends.append(row[0][:10])
    try:
        first, last = date.fromisoformat(ends[0]), date.fromisoformat(ends[1])
    except ValueError:
        return None
    if (last - first).days >= MAX_DAYS:
        return None
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def encode_cursor(published_at: str | None, media_id: str) -> str:
    raw = json.dumps([published_at, media_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str | None, str] | None:
    """The (time, media id) a cursor names, or None when it is not one of ours."""
    try:
        time_, id_ = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(id_, str) or not (time_ is None or isinstance(time_, str)):
        return None
    return time_, id_


def _rows(conn: sqlite3.Connection, sql: str, params: dict) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
