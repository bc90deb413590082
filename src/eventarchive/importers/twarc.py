"""twarc JSONL: twarc 1 (API v1.1 tweets, one a line), twarc2 (v2 response pages with
``includes``) and ``twarc2 flatten`` output (one v2 tweet a line, expansions inlined).
The shape is detected line by line, so concatenated files of mixed vintage import too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import ImportFormatError
from ..jsontext import loads_lenient
from ..records import Batch, Problem
from ..sources import twitter

BATCH = 2000


def read(path: Path, media_dir: Path | None = None, event=None) -> tuple[int, Iterator[Batch]]:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file; expected a twarc .jsonl file")
    return path.stat().st_size, _batches(path)


def parse_line(value, batch: Batch) -> None:
    """Parse one decoded line into ``batch``; raises ValueError when it is not a tweet shape."""
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    if isinstance(value.get("data"), list):
        twitter.parse_v2_page(value, batch)
    elif "user" in value and ("id_str" in value or "id" in value):
        twitter.parse_v1(value, batch)
    elif "id" in value and "text" in value:
        twitter.parse_v2(value, batch)
    elif isinstance(value.get("data"), dict):
        # A single-tweet v2 lookup response: {"data": {...}, "includes": {...}}
        twitter.parse_v2_page({**value, "data": [value["data"]]}, batch)
    else:
        raise ValueError("not a tweet or a v2 response page")


def _batches(path: Path) -> Iterator[Batch]:
    batch = Batch()
    done = 0
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            done += len(line)
            if not line.strip():
                continue
            try:
                value, replaced = loads_lenient(line)
            except ValueError as exc:
                reason = "truncated line" if not line.endswith(b"\n") else "not valid JSON"
                batch.problems.append(Problem(f"{path}:{number}", f"{reason} ({exc})"))
                continue
            if replaced:  # a broken emoji costs one character, not a page of tweets
                batch.problems.append(Problem(f"{path}:{number}", (
                    f"{replaced} bad character{'s' if replaced > 1 else ''} replaced (invalid "
                    "UTF-8 or a lone surrogate); the line's tweets are kept")))
            batch.attempt(f"{path}:{number}", parse_line, value, batch)
            if len(batch.items) >= BATCH:
                batch.position = done
                yield batch
                batch = Batch()
    batch.position = done
    yield batch
