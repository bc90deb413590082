"""TAGS (Twitter Archiving Google Sheet) exports: the ``Archive`` sheet saved as CSV.

Each row becomes a v1.1-shaped tweet and goes through the same parser as every other tweet, so a
TAGS row and the same tweet from twarc end up as one item.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson

from ..errors import ImportFormatError
from ..records import Batch
from ..sources import twitter

BATCH = 2000
REQUIRED = ("id_str", "from_user", "text", "created_at")


def read(path: Path, media_dir: Path | None = None, event=None) -> tuple[int, Iterator[Batch]]:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file; expected a TAGS Archive sheet as CSV")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        header = next(csv.reader(f), [])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFormatError(
            f"{path}: not a TAGS Archive sheet (missing columns {', '.join(missing)}); export "
            "the sheet named 'Archive' with File > Download > CSV"
        )
    return path.stat().st_size, _batches(path)


def row_to_tweet(row: dict) -> dict:
    """A TAGS row in the shape of an API v1.1 tweet."""
    tweet_id = (row.get("id_str") or "").strip()
    if not tweet_id.isdigit():
        # Spreadsheets turn long ids into 1.45E+18; the status URL still has the real one.
        tweet_id = (row.get("status_url") or "").rstrip("/").rsplit("/", 1)[-1]
    if not tweet_id.isdigit():
        raise ValueError("no usable tweet id in id_str or status_url")
    user_id = (row.get("from_user_id_str") or "").strip()
    tweet = {
        "id_str": tweet_id,
        "full_text": row.get("text") or "",
        "created_at": row.get("created_at") or row.get("time"),
        "in_reply_to_status_id_str": (row.get("in_reply_to_status_id_str") or "").strip() or None,
        "user": {
            "id_str": user_id if user_id.isdigit() else f"@{row['from_user']}",
            "screen_name": row["from_user"],
            "profile_image_url": row.get("profile_image_url") or None,
        },
    }
    entities = (row.get("entities_str") or "").strip()
    if entities:
        tweet["entities"] = orjson.loads(entities)
    return tweet


def _parse_row(row: dict, batch: Batch) -> None:
    tweet = row_to_tweet(row)
    if twitter.v1_time(tweet["created_at"]) is None:
        raise ValueError(f"cannot read the date {tweet['created_at']!r}")
    twitter.parse_v1(tweet, batch, raw=orjson.dumps(row).decode())


def _batches(path: Path) -> Iterator[Batch]:
    csv.field_size_limit(1 << 24)
    batch = Batch()
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.DictReader(text)
        try:
            for row in reader:
                batch.attempt(f"{path}:{reader.line_num}", _parse_row, row, batch)
                if len(batch.items) >= BATCH:
                    batch.position = raw.tell()
                    yield batch
                    batch = Batch()
        except UnicodeDecodeError as exc:
            yield batch
            raise ImportFormatError(
                f"{path}:{reader.line_num + 1}: not UTF-8 text ({exc.reason}); save the sheet "
                "again as CSV UTF-8") from exc
    batch.position = path.stat().st_size
    yield batch
