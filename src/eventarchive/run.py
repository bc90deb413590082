"""Orchestration: read ► (match) ► store, a transaction per batch, a ``fetch_runs`` row per run."""

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
from .errors import ConfigError, EventArchiveError, ImportFormatError
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
    updated: int = 0  # items already stored that this import changed (edited notes)
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
        finally:
            gc.enable()
            result.new_items = store.count("items") - before
            store.finish_run(run_id, status, result.new_items,
                             (f"{p.where}: {p.reason}" for p in result.problems))
        return result
    finally:
        reader.stop()


class _Reader:
    """The reading half of an import, in a child process: file ► parse ► (match) ► rows.

    Parsing is pure Python and holds the GIL; in a thread it barely overlapped SQLite's
    writing. In a process it does, and rows travel as plain tuples, cheap to pickle.
    """

    def __init__(self, kind: str, path: Path, media_dir: Path | None, event: Event,
                 match: bool):
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


def _read(kind: str, path: Path, media_dir: Path | None, event: Event, match: bool, out,
          parent: int) -> None:
    """The child process: everything that needs no database."""

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
        matcher = Matcher(event) if match else None
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
    public_only = not cfg.fetch.get("allow_private_addresses", False)
    if http_factory is None:
        def http_factory(module, secrets):
            # Links found in content are untrusted: they never reach private addresses.
            return Http(settings, secrets=secrets,
                        public_only=public_only and getattr(module, "NEEDS_LINKS", False))
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
                if getattr(module, "NEEDS_LINKS", False):
                    queries = module.plan(event, source_settings, env,
                                          links=store.links_to_resolve(event.slug),
                                          media_dir=cfg.media_dir, sources=cfg.sources)
                else:
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
