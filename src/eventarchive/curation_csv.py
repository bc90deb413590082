"""An event's curation as a spreadsheet: written for Excel, LibreOffice or Google Sheets, read back
after a curator edited it. Pure: the rows in, the edits out; :meth:`Curation.apply` writes them.

One row per item in story order, and one per annotation right after the item it follows
(docs/curation.md lists the columns). Moves and annotations name their anchor in ``after``, so a
sheet sorted or filtered in the spreadsheet still means the same; only a new annotation row left
without ``after`` takes the item row above it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from .curation import AnnotationEdit, ItemEdit, Story
from .errors import ImportFormatError

COLUMNS = ("row", "id", "position", "pinned", "hidden", "after", "annotation", "published_at",
           "platform", "author", "excerpt")
START = "start"  # `after` of an annotation at the very top
EXCERPT = 140
YES = {"yes", "y", "true", "1", "x", "pinned", "hidden", "oui", "ja", "sí", "si"}
NO = {"", "no", "n", "false", "0", "-"}


def _cell(text: str | None, size: int | None = None) -> str:
    """Read-only text for a cell: one line, and never taken for a formula by a spreadsheet."""
    text = " ".join((text or "").split())
    if size and len(text) > size:
        text = text[:size - 1] + "…"
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write(story: Story, out: TextIO) -> tuple[int, int]:
    """Write the story's rows; returns (items, annotations) written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    notes = 0

    def annotation(note_id: int, after: str, text: str) -> None:
        writer.writerow(("annotation", note_id, "", "", "", after, text, "", "", "", ""))

    for note_id, text in story.top:
        annotation(note_id, START, text)
        notes += 1
    for position, e in enumerate(story.entries, 1):
        writer.writerow(("item", e.item_id, position, "yes" if e.pinned else "",
                         "yes" if e.hidden else "", e.after or "", "", e.published_at or "",
                         e.platform, _cell(e.author), _cell(e.text, EXCERPT)))
        for note_id, text in e.annotations:
            annotation(note_id, e.item_id, text)
            notes += 1
    return len(story.entries), notes


def read(path: Path) -> tuple[list[ItemEdit], list[AnnotationEdit] | None, list[tuple[str, str]]]:
    """The edits a sheet states, and (where, reason) for each row that cannot be read.
    Annotations are None when the sheet has no ``annotation`` column (left alone)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"{path}: not UTF-8 text (byte {exc.start}); in Excel use Save As › "
            "CSV UTF-8 (Comma delimited)") from None
    first = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    if "id" not in header:
        raise ImportFormatError(f"{path}: no `id` column; export one with `eventarchive curate "
                                "--event SLUG --export FILE` and edit that")
    return _edits(path, reader, header)


def _edits(path: Path, reader: Iterable[list[str]], header: list[str]):
    items: list[ItemEdit] = []
    notes: list[AnnotationEdit] = []
    problems: list[tuple[str, str]] = []
    previous: str | None = None  # the last item row, for a new annotation without `after`
    line = 2
    for values in reader:
        where = f"{path}:{line}"
        line = reader.line_num + 1
        row = {k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(header)}
        if not any(row.values()):
            continue
        kind = row.get("row", "").lower() or ("item" if row["id"] and not row.get("annotation")
                                               else "annotation")
        after = row.get("after") or None
        if kind == "annotation":
            text = (row.get("annotation") or "").strip()
            if not text:
                problems.append((where, "annotation row without text (delete the row to "
                                        "remove an annotation)"))
                continue
            if after is None:
                after = previous
            elif after.lower() == START:
                after = None
            try:
                note_id = int(row["id"]) if row["id"] else None
            except ValueError:
                problems.append((where, f"annotation id {row['id']!r}: expected a number, or "
                                        "empty for a new annotation"))
                continue
            notes.append(AnnotationEdit(note_id, after, text, where))
            continue
        if kind != "item":
            problems.append((where, f"row {row.get('row')!r}: expected item or annotation"))
            continue
        previous = row["id"]
        flags = {}
        for name in ("pinned", "hidden"):
            value = row.get(name, "").lower()
            if value not in YES | NO:
                problems.append((where, f"{name} {row.get(name)!r}: expected yes or empty"))
                break
            flags[name] = value in YES
        else:
            if after is not None and after.lower() == START:
                problems.append((where, f"{row['id']}: after start: only annotations go "
                                        "there; pin the item to show it first"))
                continue
            items.append(ItemEdit(row["id"], flags["pinned"], flags["hidden"], after, where))
    return items, (notes if "annotation" in header else None), problems
