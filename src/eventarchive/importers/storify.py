"""Storify stories kept as files: the API's JSON (``index.json`` from DocNow's *storified*, the
2017–18 JSON export, a saved ``api.storify.com`` answer, the 2010–11 ``.json``) or the ``.html``
export, as Storify served it or as a browser saved it ("Web page, complete"). A folder imports
every story in it; the ``*_files`` folders a browser saves beside a page are skipped.

One story per file and one Batch per story. Element order reaches the store through
``StoryResult.positions``, which the parser also copies into ``batch.positions`` once Batch has
that field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import ImportFormatError
from ..records import Batch, Problem
from ..sources import storify

SUFFIXES = (".json", ".html", ".htm")
EXPECTED = ("expected a Storify story saved as .json (the API or the export) or the .html "
            "export, or a folder of them")


def read(path: Path, media_dir: Path | None = None, event=None) -> tuple[int, Iterator[Batch]]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() in SUFFIXES
                       and not any(part.endswith("_files") for part in p.relative_to(path).parts))
        if not files:
            raise ImportFormatError(f"{path}: no .json or .html files in this folder; {EXPECTED}")
        return sum(f.stat().st_size for f in files), _batches(files, strict=False)
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file; {EXPECTED}")
    if path.suffix.lower() not in SUFFIXES:
        raise ImportFormatError(f"{path}: not a .json or .html file; {EXPECTED}")
    return path.stat().st_size, _batches([path], strict=True)


def parse_file(path: Path, batch: Batch) -> storify.StoryResult:
    """One saved story into ``batch``; raises ValueError when the file holds none."""
    body = path.read_bytes().decode("utf-8-sig", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        return storify.parse_story_html(body, None, batch)
    return storify.parse_story_json(storify.load_json(body), batch)


def _batches(files: list[Path], strict: bool) -> Iterator[Batch]:
    done = 0
    for path in files:
        batch = Batch()
        try:
            parse_file(path, batch)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            if strict:
                raise ImportFormatError(f"{path}: {reason}; {EXPECTED}") from None
            batch = Batch()
            batch.problems.append(Problem(str(path), f"not read as a Storify story ({reason})"))
        done += path.stat().st_size
        batch.position = done
        yield batch
