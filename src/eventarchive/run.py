"""Importing: read ► (match) ► store, a transaction per batch, a ``fetch_runs`` row per run.
Fetching is in ``fetching.py``."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Event
from .errors import ImportFormatError, StoreFailure
from .importers import READERS
from .matching import Matcher
from .records import Problem
from .store import Store
from .window import Window

# A load this big, and bigger than the archive already is, builds its indexes once at the end.
BULK_BYTES = 16 << 20
BYTES_PER_ITEM = 2000


def is_bulk(input_bytes: int, items_before: int) -> bool:
    return input_bytes >= BULK_BYTES and input_bytes // BYTES_PER_ITEM > items_before


@dataclass
class ImportResult:
    new_items: int = 0
    updated: int = 0  # items already stored that this import changed (edited notes)
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    event_created: bool = False

    @property
    def status(self) -> str:
        return "partial" if self.problems else "ok"


def import_file(store: Store, kind: str, path: Path, event: Event, media_dir: Path | None,
                match: bool | Window = False, progress: Callable[[int], None] | None = None,
                total: Callable[[int], None] | None = None) -> ImportResult:
    """Import one file into ``event``. Safe to repeat: a second run adds nothing.

    ``match``: keep only the items matching the event (True: with the default collection
    window; a Window: with that one).

    The file is read and parsed in a child process while this one writes, so both cores work.
    ``total`` is told the input's size before writing starts, ``progress`` how far it got after
    each saved batch.
    """
    reader = _Reader(kind, Path(path), media_dir, event, match)
    try:
        size = reader.start()
        if total:
            total(size)
        result = ImportResult()
        result.event_created = store.ensure_event(event.slug, event.name, event.starts_at,
                                                  event.ends_at, event.description)
        run_id = store.start_run(f"import:{kind}", event.slug)
        before = store.count("items")
        status = "failed"
        # Millions of small objects, none of them cyclic: the cycle collector only costs time.
        gc.disable()
        try:
            with store.bulk() if is_bulk(size, before) else contextlib.nullcontext():
                for rows, skipped in reader.batches():
                    result.skipped += skipped
                    result.updated += store.save(rows, event.slug)
                    result.problems.extend(rows.problems)
                    if progress:
                        progress(rows.position)
            status = result.status
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        except sqlite3.DatabaseError as exc:  # the disk filled, or the file went away
            raise StoreFailure(f"{store.path}: could not save ({exc}); free some disk "
                               "space: every batch saved before stays, and importing again "
                               "carries on (nothing is doubled)") from None
        finally:
            gc.enable()
            try:
                result.new_items = store.count("items") - before
                store.finish_run(run_id, status, result.new_items,
                                 (f"{p.where}: {p.reason}" for p in result.problems))
            except sqlite3.DatabaseError:
                pass  # no room even for that: status shows the run as interrupted
        return result
    finally:
        reader.stop()


class _Reader:
    """The reading half of an import, in a child process: file ► parse ► (match) ► rows.

    Parsing is pure Python and holds the GIL; in a thread it barely overlapped SQLite's
    writing. In a process it does, and rows travel as plain tuples, cheap to pickle.
    """

    def __init__(self, kind: str, path: Path, media_dir: Path | None, event: Event,
                 match: bool | Window):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.queue = context.Queue(maxsize=4)
        self.process = context.Process(target=_read, daemon=True,
                                       args=(kind, path, media_dir, event, match, self.queue,
                                             os.getpid()))

    def start(self) -> int:
        """Start reading; returns the input's size, or raises what the reader raised."""
        self.process.start()
        return self._next()[1]

    def batches(self):
        while (message := self._next())[0] != "done":
            yield message[1], message[2]

    def _next(self):
        while True:
            try:
                message = self.queue.get(timeout=1)
            except queue.Empty:
                if not self.process.is_alive():
                    raise ImportFormatError("the import's reader process died "
                                            f"(exit code {self.process.exitcode})") from None
                continue
            if message[0] == "error":
                raise message[1]
            return message

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.queue.close()


def _read(kind: str, path: Path, media_dir: Path | None, event: Event, match: bool | Window,
          out, parent: int) -> None:
    """The child process: everything that needs no database."""
    from .lock import release_inherited

    release_inherited()  # the parent's archive lock must die with the parent

    def send(message) -> None:
        while True:
            try:
                out.put(message, timeout=1)
                return
            except queue.Full:
                if os.getppid() != parent:  # the parent was killed: nobody will read this
                    out.cancel_join_thread()
                    raise SystemExit(1) from None

    gc.disable()
    try:
        size, batches = READERS[kind](path, media_dir, event)
        send(("size", size))
        window = match if isinstance(match, Window) else Window()
        matcher = Matcher(event, window) if match else None
        for batch in batches:
            skipped = matcher.filter(batch) if matcher is not None else 0
            send(("rows", batch.rows(), skipped))
        send(("done",))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        send(("error", exc))
    except KeyboardInterrupt:
        out.cancel_join_thread()
    finally:
        out.close()
        out.join_thread()  # hand over what is still buffered before exiting
