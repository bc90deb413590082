"""Streaming readers of files people already have: each yields Batches of records.

A reader is ``read(path, media_dir, event) -> (total_size, Iterator[Batch])``; it parses with
the same pure functions the live sources use and never touches the database. ``event`` (the
config's Event, or None) is there for formats whose times need the event's time zone (notes).
"""

from . import notes, storify, tags_csv, twarc, twitter_archive

READERS = {
    "twitter-archive": twitter_archive.read,
    "twarc": twarc.read,
    "tags-csv": tags_csv.read,
    "storify": storify.read,
    "notes": notes.read,
}
