"""Streaming readers of files people already have: each yields Batches of records.

A reader is ``read(path, media_dir) -> (total_size, Iterator[Batch])``; it parses with the same
pure functions the live sources use and never touches the database.
"""

from . import storify, tags_csv, twarc, twitter_archive

READERS = {
    "twitter-archive": twitter_archive.read,
    "twarc": twarc.read,
    "tags-csv": tags_csv.read,
    "storify": storify.read,
}
