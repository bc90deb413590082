"""Orchestration: read ► (match) ► store, a transaction per batch, a ``fetch_runs`` row per run."""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import Event
from .importers import READERS
from .matching import Matcher
from .records import Problem
from .store import Store

# A load this big, and bigger than the archive already is, builds its indexes once at the end.
BULK_BYTES = 16 << 20
BYTES_PER_ITEM = 2000


def is_bulk(input_bytes: int, items_before: int) -> bool:
    return input_bytes >= BULK_BYTES and input_bytes // BYTES_PER_ITEM > items_before


@dataclass
class ImportResult:
    new_items: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    event_created: bool = False

    @property
    def status(self) -> str:
        return "partial" if self.problems else "ok"


def import_file(store: Store, kind: str, path: Path, event: Event, media_dir: Path | None,
                match: bool = False, progress: Callable[[int], None] | None = None,
                total: Callable[[int], None] | None = None) -> ImportResult:
    """Import one file into ``event``. Safe to repeat: a second run adds nothing.

    ``total`` is told the input's size before reading starts, ``progress`` how far it got after
    each saved batch.
    """
    size, batches = READERS[kind](Path(path), media_dir)
    if total:
        total(size)
    result = ImportResult()
    result.event_created = store.ensure_event(event.slug, event.name, event.starts_at,
                                              event.ends_at, event.description)
    matcher = Matcher(event) if match else None
    run_id = store.start_run(f"import:{kind}", event.slug)
    before = store.count("items")
    status = "failed"
    # Millions of small objects, none of them cyclic: the cycle collector only costs time here.
    gc.disable()
    bulk = store.bulk() if is_bulk(size, before) else contextlib.nullcontext()
    try:
        with bulk:
            for batch in read_ahead(batches):
                if matcher is not None:
                    result.skipped += matcher.filter(batch)
                store.save(batch, event.slug)
                result.problems.extend(batch.problems)
                if progress:
                    progress(batch.position)
        status = result.status
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        gc.enable()
        result.new_items = store.count("items") - before
        store.finish_run(run_id, status, result.new_items,
                         (f"{p.where}: {p.reason}" for p in result.problems))
    return result


_DONE = object()


def read_ahead(batches: Iterator, depth: int = 2) -> Iterator:
    """Parse the next batches in a thread while this one saves them.

    SQLite releases the GIL while it writes, so reading and writing overlap on two cores; the
    bounded queue keeps at most ``depth`` batches in memory.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        slots.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            slots.put(exc)

    thread = threading.Thread(target=produce, name="eventarchive-reader", daemon=True)
    thread.start()
    try:
        while True:
            batch = slots.get()
            if batch is _DONE:
                return
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        stop.set()
        thread.join(timeout=5)
