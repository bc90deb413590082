"""Orchestration: read ► (match) ► store, a transaction per batch, a ``fetch_runs`` row per run."""

from __future__ import annotations

import contextlib
import gc
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import Event
from .errors import ConfigError, EventArchiveError
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


# -- fetching ---------------------------------------------------------------------------------


@dataclass
class SourceRun:
    source: str
    event: str
    new_items: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def status(self) -> str:
        return "failed" if self.error else ("partial" if self.problems else "ok")


def active_events(cfg, slug: str | None, now: str, keep_days: int = 30) -> list:
    """The events to fetch: the one asked for, or every event not long over."""
    from datetime import datetime, timedelta

    if slug:
        event = cfg.event(slug)
        if event is None:
            raise ConfigError(f"{cfg.path}: no event {slug!r}; the events configured are: "
                              f"{', '.join(e.slug for e in cfg.events) or 'none'}")
        return [event]
    cutoff = (datetime.fromisoformat(now) - timedelta(days=keep_days)).isoformat()
    return [e for e in cfg.events if not e.ends_at or e.ends_at >= cutoff]


def fetch(store: Store, cfg, events: list, sources: list[str], env, *,
          http_factory: Callable | None = None, max_wait: float | None = None,
          progress: Callable[[SourceRun], None] | None = None) -> list[SourceRun]:
    """Run each source for each event. One failing source never stops the others."""
    from .http import AuthError, Http, HttpSettings
    from .sources import LIVE

    settings = HttpSettings.from_config(cfg.fetch, max_wait)
    if http_factory is None:
        def http_factory(module, secrets):
            return Http(settings, secrets=secrets)
    runs = []
    for event in events:
        store.ensure_event(event.slug, event.name, event.starts_at, event.ends_at,
                           event.description)
        for name in sources:
            module = LIVE[name]
            run = SourceRun(name, event.slug)
            runs.append(run)
            run_id = store.start_run(name, event.slug)
            before = store.count("items")
            try:
                source_settings = cfg.sources.get(name, {})
                queries = module.plan(event, source_settings, env)
                secrets = [env.get(k, "") for k in getattr(module, "SECRETS", ())]
                with http_factory(module, secrets) as http:
                    if hasattr(module, "connect"):
                        module.connect(http, source_settings, env)
                    for query in queries:
                        key = f"{event.slug}:{query.key}"
                        for page in module.fetch(http, query, store.state(name, key)):
                            store.save(page.batch, event.slug, state=(name, key, page.state))
                            run.pages += 1
                            run.problems += [f"{p.where}: {p.reason}" for p in page.batch.problems]
                            run.new_items = store.count("items") - before
                            if progress:
                                progress(run)
            except KeyboardInterrupt:
                run.error = f"{name}: interrupted; the next run carries on from the last page saved"
                raise
            except (EventArchiveError, sqlite3.DatabaseError) as exc:
                message = str(exc)
                secrets = getattr(module, "SECRETS", ())
                if isinstance(exc, AuthError) and secrets and not any(
                        s in message for s in secrets):
                    message += f"; check {' and '.join(secrets)} (expired or revoked?)"
                run.error = message if message.startswith(f"{name}:") else f"{name}: {message}"
            finally:
                run.new_items = store.count("items") - before
                store.finish_run(run_id, run.status, run.new_items,
                                 run.problems + ([run.error] if run.error else []))
    return runs
