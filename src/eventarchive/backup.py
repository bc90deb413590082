"""Backups made while fetches and Datasette run: the database as one consistent snapshot
(``VACUUM INTO`` from a read-only connection), the media folder mirrored (hard links where the
backup is on the same filesystem, else copies of new and changed files only), then verified.

Why ``VACUUM INTO`` rather than the online backup API: it reads in one transaction, so a writer
committing meanwhile never restarts it, and it writes only live rows, never free pages: text
erased from the archive is not carried into a backup made after (docs/decisions.md).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EventArchiveError


class BackupError(EventArchiveError):
    """A backup could not be written or did not verify; the message says which file."""


@dataclass
class Result:
    database: Path
    items: int = 0
    size: int = 0
    linked: int = 0
    copied: int = 0
    kept: int = 0
    removed: int = 0
    hashed: int = 0
    missing_in_archive: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return self.linked + self.copied + self.kept

    def summary(self) -> str:
        missing = (f"; {len(self.missing_in_archive)} photos the archive lists are missing from "
                   f"its media folder too (first: {self.missing_in_archive[0]})"
                   if self.missing_in_archive else "")
        return (f"Backed up {self.items} items ({self.size / 1e6:.1f} MB) and {self.files} media "
                f"files ({self.linked} linked, {self.copied} copied, {self.kept} unchanged, "
                f"{self.removed} removed) to {self.database.parent}; verified: integrity ok, "
                f"full-text index ok, {self.hashed} file hashes ok{missing}.")


def backup(database: Path, media_dir: Path | None, target: Path,
           config: Path | None = None) -> Result:
    """Write (or refresh) a backup of ``database`` and ``media_dir`` in the folder ``target``:
    ``target/<database name>``, ``target/media/``, and the config file beside them."""
    where = target.resolve()
    inside = [p for p in (database.parent, media_dir) if p is not None and (
        where == p.resolve() or (p == media_dir and p.resolve() in where.parents))]
    if inside:
        raise BackupError(f"{target}: is the archive's own folder {inside[0]}; back up to "
                          "another folder, ideally on another disk")
    final = target / database.name
    partial = target / f".{database.name}.part"
    try:
        target.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        _snapshot(database, partial)
        result = Result(final, size=partial.stat().st_size)
        result.items = check_database(partial, repair=True)
        if media_dir is not None and media_dir.is_dir():
            _mirror(media_dir, target / "media", result)
        result.hashed, result.missing_in_archive = check_media(partial, target / "media",
                                                               media_dir)
        if config is not None and config.is_file():
            shutil.copy2(config, target / config.name)
        for suffix in ("-wal", "-shm"):  # left by someone opening an earlier backup
            Path(f"{final}{suffix}").unlink(missing_ok=True)
        partial.replace(final)
    except OSError as exc:
        raise BackupError(f"{target}: could not write the backup ({_reason(exc)})") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return result


def verify(target: Path, name: str) -> Result:
    """Check a backup already made: the database's integrity and full-text index, and every
    photo's bytes against its sha256."""
    database = target / name
    if not database.is_file():
        raise BackupError(f"{target}: no {name} here; is this a backup folder?")
    result = Result(database, size=database.stat().st_size, items=check_database(database))
    media = target / "media"
    result.hashed, missing = check_media(database, media, None)
    result.kept = sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0
    if missing:
        raise BackupError(f"{media / missing[0]}: missing from the backup "
                          f"({len(missing)} files in all)")
    return result


def _snapshot(database: Path, into: Path) -> None:
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("VACUUM INTO ?", (str(into),))
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{database}: could not be copied ({exc})") from None
    finally:
        conn.close()


def check_database(path: Path, repair: bool = False) -> int:
    """``PRAGMA integrity_check`` and FTS5's own check of the copy; its item count.

    ``repair``: for a fresh snapshot, rebuild the full-text index once when it is out of step
    (SQLite does not promise that VACUUM keeps the implicit rowids the index points at; today's
    versions do)."""
    from .store import fts_in_step

    # Not read-only: FTS5's integrity check is an INSERT (it changes nothing). It also catches
    # a copy whose rowids moved, which would point the index at the wrong items.
    conn = sqlite3.connect(path)
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if found != ["ok"]:
            raise BackupError(f"{path}: integrity check failed ({found[0]})")
        if not fts_in_step(conn) and repair:
            with conn:
                conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
        if not fts_in_step(conn):
            raise BackupError(f"{path}: the full-text index does not match the items")
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable archive ({exc})") from None
    finally:
        conn.close()


def check_media(database: Path, media: Path, original: Path | None) -> tuple[int, list[str]]:
    """Every media file the archive records a sha256 for, hashed against it (the table, not
    file names, is the authority: a thumbnail may be named after its original). Returns how
    many were hashed, and the files missing from the archive's own media folder too (nothing
    a backup can fix). BackupError on the first mismatch, or a file the original has and the
    backup lacks."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        expected = dict(conn.execute(
            "SELECT path, sha256 FROM media WHERE path IS NOT NULL AND sha256 IS NOT NULL"))
    finally:
        conn.close()
    hashed, missing = 0, []
    for relative, digest in sorted(expected.items()):
        path = media / relative
        if not path.is_file():
            if original is not None and (original / relative).is_file():
                raise BackupError(f"{path}: missing from the backup")
            missing.append(relative)
            continue
        if _sha256(path) != digest.lower():
            raise BackupError(f"{path}: its content does not match its sha256 (damaged file; "
                              "the archive's own copy may be damaged too)")
        hashed += 1
    return hashed, missing


def _mirror(source: Path, target: Path, result: Result) -> None:
    """Make ``target`` hold what ``source`` holds: a hard link per file where the filesystem
    allows (instant, no space), else a copy of new and changed files; files gone from the
    source (forgotten photos) go from the backup too."""
    seen = set()
    for path in source.rglob("*"):
        if not path.is_file() or path.name.endswith(".part"):
            continue
        relative = path.relative_to(source)
        seen.add(relative)
        into = target / relative
        stat = path.stat()
        if into.is_file():
            other = into.stat()
            if (other.st_ino, other.st_dev) == (stat.st_ino, stat.st_dev) or (
                    other.st_size == stat.st_size and int(other.st_mtime) == int(stat.st_mtime)):
                result.kept += 1
                continue
        into.parent.mkdir(parents=True, exist_ok=True)
        fresh = into.with_name(into.name + ".part")
        fresh.unlink(missing_ok=True)
        try:
            os.link(path, fresh)
            result.linked += 1
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
            shutil.copy2(path, fresh)
            result.copied += 1
        fresh.replace(into)
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(target) not in seen:
                path.unlink()
                result.removed += 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
