"""One writer at a time: a lock file beside the archive, so overlapping cron runs cannot both
fetch. The lock is released by the kernel when the process dies, so a killed run never leaves a
stale lock behind.

An ``flock`` belongs to the open file, which a forked child shares: the import's reader
process closes its copy first thing (``release_inherited``), or, its parent killed, it would
keep the archive "busy" for the next run until it noticed and exited.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import EventArchiveError


class Locked(EventArchiveError):
    pass


_HELD: set[int] = set()  # descriptors of the locks this process holds


def release_inherited() -> None:
    """In a forked child: close the lock files inherited from the parent (the parent keeps
    its lock; only the child's share of it goes)."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


class ArchiveLock:
    def __init__(self, database: Path):
        self.path = Path(f"{database}.lock")
        self.file = None

    def __enter__(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.seek(0)
            holder = self.file.read().strip() or "unknown"
            self.file.close()
            raise Locked(f"another eventarchive (pid {holder}) is writing to this archive "
                         f"({self.path}); this run stops here and changes nothing") from None
        self.file.seek(0)
        self.file.truncate()
        self.file.write(str(os.getpid()))
        self.file.flush()
        _HELD.add(self.file.fileno())
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            _HELD.discard(self.file.fileno())
            self.file.seek(0)
            self.file.truncate()
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
