"""Attendees' notes: a folder (read recursively) or one file of Markdown, plain text, Word
(.docx) or CSV (one note a row). Each note is a ``note`` item on platform ``notes``.

A note's id is ``notes:`` + its path relative to the imported folder (``#row-N`` or ``#KEY``
added for a CSV row), so importing an edited file again updates the note in place: notes are
saved in replace mode. See docs/notes.md for the formats.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..errors import ImportFormatError
from ..records import Author, Batch, Item, Problem

PLATFORM = "notes"
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")
SUFFIXES = TEXT_SUFFIXES + (".docx", ".csv")
BATCH = 500

# CSV columns, matched case-insensitively after trimming; any other column is kept in raw.
COLUMNS = {
    "session": ("session", "table", "session title", "table name", "group"),
    "author": ("author", "name", "by", "note taker", "notetaker", "written by"),
    "time": ("time", "date", "datetime", "timestamp", "when", "created"),
    "text": ("text", "note", "notes", "body", "content", "comment", "comments"),
    "title": ("title", "heading", "subject"),
    "key": ("id", "key", "note id"),
}
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?",
                          re.DOTALL | re.MULTILINE)
# File names: "2011-10-21 11.30 - World cafe - Priya Shah.md": an optional date and time, then
# the session, then the author, separated by " - " (or "--").
NAME_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T_](\d{1,2})[:.h-]?(\d{2}))?\s*(?:-+\s*)?")
NAME_PARTS = re.compile(r"\s+-\s+|--")
HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


class BadNote(ValueError):
    """One file or row cannot be read; the message says why."""


@dataclass
class Meta:
    session: str | None = None
    author: str | None = None
    time: str | None = None  # as written: resolved with the event's time zone
    title: str | None = None
    fields: dict = field(default_factory=dict)


def read(path: Path, media_dir: Path | None = None, event=None) -> tuple[int, Iterator[Batch]]:
    """``event`` gives the time zone for times written without an offset (else UTC) and the
    day for a time written without a date."""
    if path.is_dir():
        root = path
        files = sorted((p for p in path.rglob("*")
                        if p.is_file() and _is_note(p.relative_to(root))),
                       key=lambda p: p.relative_to(root).as_posix())
        if not files:
            raise ImportFormatError(f"{path}: no notes here; expected .md, .txt, .docx or .csv "
                                    "files (in any sub-folder)")
    elif path.suffix.lower() in SUFFIXES:
        root, files = path.parent, [path]
    else:
        raise ImportFormatError(f"{path}: not a notes file; expected a folder or a .md, .txt, "
                                ".docx or .csv file")
    zone, day = event_zone(event)
    return sum(f.stat().st_size for f in files), _batches(root, files, zone, day)


def _is_note(relative: Path) -> bool:
    """A note file, not hidden (nor in a hidden folder) and not Word's ``~$`` lock file."""
    return (relative.suffix.lower() in SUFFIXES and not relative.name.startswith("~$")
            and not any(part.startswith(".") for part in relative.parts))


def event_zone(event) -> tuple[tzinfo, date | None]:
    """The event's time zone (its ``timezone``: a zone name or a fixed offset) and first day."""
    name = getattr(event, "timezone", None)
    zone: tzinfo = UTC
    if name:
        zone = _offset(name) or ZoneInfo(name)
    starts = getattr(event, "starts_at", None)
    day = datetime.fromisoformat(starts).astimezone(zone).date() if starts else None
    return zone, day


def _offset(text: str) -> tzinfo | None:
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text.strip())
    if not match:
        return None
    minutes = int(match[2]) * 60 + int(match[3])
    return timezone(timedelta(minutes=-minutes if match[1] == "-" else minutes))


def _batches(root: Path, files: list[Path], zone: tzinfo, day: date | None) -> Iterator[Batch]:
    batch = Batch(replace=True)
    done = 0
    for file in files:
        done += file.stat().st_size
        rel = file.relative_to(root).as_posix()
        try:
            if file.suffix.lower() == ".csv":
                _csv(file, rel, batch, zone, day)
            elif file.suffix.lower() == ".docx":
                # Word's own author is often the machine's owner: the file name comes first.
                meta, text = _docx(file)
                _add(batch, rel, _merge(_from_name(file.stem), meta), text, zone, day, "docx")
            else:
                meta, text = _text(file)
                form = "markdown" if file.suffix.lower() in (".md", ".markdown") else "text"
                _add(batch, rel, _merge(meta, _from_name(file.stem)), text, zone, day, form)
        except (BadNote, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            batch.problems.append(Problem(str(file), reason))
        if len(batch.items) >= BATCH:
            batch.position = done
            yield batch
            batch = Batch(replace=True)
    batch.position = done
    yield batch


def _add(batch: Batch, native_id: str, meta: Meta, text: str, zone: tzinfo,
         day: date | None, form: str) -> None:
    text = text.strip()
    if not text and not meta.title:
        raise BadNote("no text")
    published = parse_time(meta.time, zone, day) if meta.time else None
    author_id = None
    if meta.author:
        handle = slugify(meta.author)
        author_id = f"{PLATFORM}:{handle}"
        batch.authors.append(Author(author_id, PLATFORM, handle, meta.author))
    raw = {"format": form, "path": native_id.split("#", 1)[0], "session": meta.session,
           "author": meta.author, "time": meta.time, "fields": meta.fields}
    batch.items.append(Item(
        id=f"{PLATFORM}:{native_id}", kind="note", platform=PLATFORM, native_id=native_id,
        author_id=author_id, published_at=published, title=meta.title, text=text or None,
        raw=json.dumps(raw, ensure_ascii=False, default=str),
    ))


# -- times ------------------------------------------------------------------------------------


def parse_time(value: str, zone: tzinfo, day: date | None) -> str:
    """A note's time as stored (ISO 8601 UTC). An offset written with it wins; without one the
    event's zone applies; a time of day alone ("11:30") falls on the event's first day."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    clock = re.fullmatch(r"(\d{1,2})[:.h](\d{2})(?::(\d{2}))?", text)
    if clock and day is None:
        raise BadNote(f"time {value!r} has no date and the event has no starts_at; "
                      "write it as 2011-10-21T11:30")
    try:
        if clock:
            parsed = datetime.combine(day, time(int(clock[1]), int(clock[2]),
                                                int(clock[3] or 0)))
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadNote(f"time {value!r} is not a time; write it as 2011-10-21T11:30 "
                      "(or 2011-10-21T11:30+01:00)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat()


# -- formats ----------------------------------------------------------------------------------


def _read_text(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadNote(f"not UTF-8 text (byte {exc.start}); save it as UTF-8 and import "
                      "again") from None


def _text(file: Path) -> tuple[Meta, str]:
    """Markdown or plain text, with optional YAML front matter between ``---`` lines."""
    content = _read_text(file).replace("\r\n", "\n")
    meta = Meta()
    match = FRONT_MATTER.match(content)
    if match:
        try:
            # Every value as written (a string): YAML would read 11:30 as the number 690.
            data = yaml.load(match[1], Loader=yaml.BaseLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" at line {mark.line + 2}" if mark else ""
            raise BadNote(f"front matter is not valid YAML{line}: "
                          f"{getattr(exc, 'problem', None) or exc}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise BadNote("front matter is not a list of `key: value` lines")
        meta = _meta(data)
        content = content[match.end():]
    if meta.title is None and file.suffix.lower() in (".md", ".markdown"):
        first = content.lstrip().split("\n", 1)[0]
        heading = HEADING.match(first)
        if heading:
            meta.title = heading[1]
            content = content.lstrip()[len(first):]
    return meta, content


def _docx(file: Path) -> tuple[Meta, str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(file))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise BadNote(f"not a readable Word .docx file ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - zip and XML errors of a damaged file
        raise BadNote(f"not a readable Word .docx file ({type(exc).__name__})") from None
    blocks = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks += [" | ".join(c.text.strip() for c in row.cells) for row in block.rows]
        elif block.text.strip():
            blocks.append(block.text.strip())
    props = document.core_properties
    created = props.created  # naive, UTC by the format's definition
    meta = Meta(author=props.author or None, title=props.title or None,
                time=created.replace(tzinfo=UTC).isoformat() if created else None)
    return meta, "\n\n".join(blocks)


def _csv(file: Path, rel: str, batch: Batch, zone: tzinfo, day: date | None) -> None:
    reader = csv.reader(io.StringIO(_read_text(file), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadNote("empty CSV file") from None
    except csv.Error as exc:
        raise BadNote(f"not CSV ({exc})") from None
    roles = {}
    for index, name in enumerate(header):
        role = next((r for r, names in COLUMNS.items() if name.strip().lower() in names), None)
        if role and role not in roles.values():
            roles[index] = role
    if "text" not in roles.values():
        raise BadNote(f"no text column; expected one named {' or '.join(COLUMNS['text'][:3])}"
                      f" (found {', '.join(header)})")
    base = Meta(**{k: v for k, v in _from_name(file.stem).__dict__.items() if k != "fields"})
    seen = set()
    try:
        for number, row in enumerate(reader, 1):
            if not any(cell.strip() for cell in row):
                continue
            values = {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}
            known = {roles[i]: row[i].strip() for i in roles if i < len(row) and row[i].strip()}
            key = known.pop("key", None)
            native_id = f"{rel}#{key}" if key else f"{rel}#row-{number}"
            if native_id in seen:
                batch.problems.append(Problem(f"{file}", f"row {number}: id {key!r} is "
                                              "used twice in this file; this row is left out"))
                continue
            seen.add(native_id)
            meta = _merge(Meta(**{k: v for k, v in known.items() if k != "text"},
                               fields=values), base)
            try:
                _add(batch, native_id, meta, known.get("text", ""), zone, day, "csv")
            except BadNote as exc:
                batch.problems.append(Problem(str(file), f"row {number}: {exc}"))
    except csv.Error as exc:
        raise BadNote(f"not CSV at line {reader.line_num} ({exc})") from None


# -- metadata ---------------------------------------------------------------------------------


def _meta(data: dict) -> Meta:
    """Front matter keys, case-insensitively, as for CSV columns; the rest kept in raw."""
    meta = Meta(fields=data)
    for key, value in data.items():
        role = next((r for r, names in COLUMNS.items() if str(key).strip().lower() in names),
                    None)
        if role in ("session", "author", "time", "title") and isinstance(value, str) \
                and value.strip() and getattr(meta, role) is None:
            setattr(meta, role, value.strip())
    return meta


def _from_name(stem: str) -> Meta:
    """Time, session and author from a file name such as ``2011-10-21 11.30 - World cafe -
    Priya Shah``; a name without " - " gives nothing but its time."""
    meta = Meta()
    match = NAME_TIME.match(stem)
    rest = stem
    if match:
        meta.time = match[1] + (f"T{int(match[2]):02d}:{match[3]}" if match[2] else "")
        rest = stem[match.end():]
    parts = [p.strip() for p in NAME_PARTS.split(rest) if p.strip()]
    if match or len(parts) > 1:
        meta.session = parts[0] if parts else None
        meta.author = parts[1] if len(parts) > 1 else None
    return meta


def _merge(first: Meta, then: Meta) -> Meta:
    """``first``'s values, with gaps filled from ``then``."""
    return Meta(*(getattr(first, f) or getattr(then, f) for f in ("session", "author", "time",
                                                                   "title")),
                fields=first.fields or then.fields)


def slugify(name: str) -> str:
    """``Zoë O'Brien`` ► ``zoe-o-brien``: an author id that survives re-typing of accents."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-") or "anonymous"
