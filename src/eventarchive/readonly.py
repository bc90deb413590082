"""Opening an archive without ever changing it (search, status, export, backup, serve), and
saying plainly why an archive cannot be written.

An archive in a folder nobody may write to (a read-only share, a copy on a DVD, a backup disk
mounted read-only) cannot be opened the usual read-only way: SQLite's WAL mode needs a ``-shm``
file beside the database even to read. Nobody can write there either, so the file cannot change
while we read it, and it is opened as immutable instead.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import NoArchive, ReadOnlyArchive


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing file (NoArchive when there is none)."""
    if not path.is_file():
        raise NoArchive(f"no archive at {path}; run import or fetch first")
    uri = path.resolve().as_uri()
    problem = None
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            problem = exc
            if not isinstance(exc, sqlite3.OperationalError) or folder_writable(path):
                raise NoArchive(f"{path}: not an SQLite database ({exc}); check --db or the "
                                "config's `database`") from None
    raise NoArchive(f"{path}: cannot be read ({problem})")


def folder_writable(path: Path) -> bool:
    return os.access(path.resolve().parent, os.W_OK)


def check_writable(path: Path) -> None:
    """ReadOnlyArchive, saying why, when ``path`` (or the folder it would be made in) cannot be
    written: SQLite writes ``NAME-wal`` and ``NAME-shm`` beside the archive, and the lock file."""
    path = Path(path)
    folder = path.resolve().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if path.exists() and not os.access(path, os.W_OK):
        why = f"the file {path} is read-only"
    elif not os.access(folder, os.W_OK):
        why = (f"its folder {folder} is read-only (SQLite writes {path.name}-wal and "
               f"{path.name}-shm beside it)")
    else:
        return
    raise ReadOnlyArchive(f"cannot write to {path}: {why}; status, search, export, backup and "
                          "serve work on it as it is; to change it, copy it to a folder "
                          "you can write to, or fix the permissions")
