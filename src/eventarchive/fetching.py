"""Fetching: each source for each event, stage by stage, a transaction per page, failures
contained per query, and a ``fetch_runs`` row for every planned run."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, EventArchiveError, StoreFailure
from .extractpool import Workers
from .records import Problem
from .store import Store


@dataclass
class SourceRun:
    """One source's run for one event, as ``fetch_runs`` records it."""

    source: str
    event: str
    new_items: int = 0
    photos: int = 0  # photos stored (the media stage)
    pages: int = 0
    not_due: int = 0  # queries that asked nothing: pages not due for a re-check yet
    queries: int = 0
    failed_queries: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None  # the source as a whole could not run (or was stopped)
    interrupted: bool = False
    rate_limited_until: str | None = None  # UTC ISO time a platform asked us to wait until
    counted_to: int = 0  # items up to this rowid are in new_items (while the run goes on)

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.error or (self.queries and self.failed_queries == self.queries):
            return "failed"
        return "partial" if self.problems else "ok"

    @property
    def lines(self) -> list[str]:
        """What went wrong, one line each: the problems, then the error."""
        return self.problems + ([self.error] if self.error else [])

    @property
    def summary(self) -> str:
        """``12 new``, ``4 photos stored``, ``failed`` …, for the one line cron sees."""
        if self.status in ("failed", "interrupted"):
            return self.status
        said = f"{self.photos} photos stored" if self.photos else f"{self.new_items} new"
        if self.not_due:
            said += f", {self.not_due} {'page' if self.not_due == 1 else 'pages'} not due"
        return said + (" (partial)" if self.status == "partial" else "")

    @property
    def message(self) -> str | None:
        return "\n".join(self.lines) or None


def active_events(cfg, slug: str | None, now: str) -> list:
    """The events to fetch: the one asked for, or every event whose collection window
    (``[fetch] collect_before_days`` before it starts to ``collect_after_days`` after it ends)
    is open at ``now``."""
    from .window import Window

    if slug:
        event = cfg.event(slug)
        if event is None:
            raise ConfigError(f"{cfg.path}: no event {slug!r}; the events configured are: "
                              f"{', '.join(e.slug for e in cfg.events) or 'none'}")
        return [event]
    window = Window.from_config(cfg.fetch)
    return [e for e in cfg.events if window.is_open(e, now)]


def chosen_sources(cfg, names: list[str] | tuple[str, ...] = ()) -> list:
    """The sources a fetch runs, in stage order: those named, or every source with a
    ``[sources.NAME]`` table plus those that run by default (photos)."""
    from . import sources

    if names:
        chosen = []
        for name in names:
            if name not in sources.names():
                fetching = ", ".join(s.name for s in sources.runnable())
                raise ConfigError(f"--source {name}: not a source that fetches; expected one "
                                  f"of {fetching}")
            source = sources.get(name)
            if not source.runs:
                raise ConfigError(f"--source {name}: used by the {source.used_by} source, not "
                                  f"fetched on its own; use --source {source.used_by}")
            chosen.append(name)
        return sources.in_stage_order(chosen)
    configured = [name for name in cfg.sources if sources.get(name).runs]
    if not configured:
        raise ConfigError(f"{cfg.path}: no sources to fetch from; add a table such as "
                          "[sources.mastodon] (see docs/sources.md)")
    defaults = [s.name for s in sources.runnable() if s.default and s.name not in configured]
    return sources.in_stage_order(configured + defaults)


def fetch(store: Store, cfg, events: list, sources: list, env, *,
          http_options: dict | None = None, http_factory: Callable | None = None,
          max_wait: float | None = None, workers: int | None = None,
          progress: Callable[[SourceRun], None] | None = None) -> list[SourceRun]:
    """Run each source for each event, stage by stage (social, web, media).

    Failures are contained: a failed query is a problem of that query and the source goes on
    with the next; a source that fails entirely, or hits a rate limit, never stops the next
    source or event. Every planned run gets a ``fetch_runs`` row up front, so one that never
    got to start is recorded too. ``sources`` are Source objects or names. ``workers``:
    how many processes may read pages (``extractpool``; default one per core, 0: none).
    """
    from . import sources as registry
    from .http import Http, HttpSettings

    chosen = [registry.get(s) if isinstance(s, str) else s for s in sources]
    chosen = registry.in_stage_order([s.name for s in chosen])
    settings = HttpSettings.from_config(cfg.fetch, max_wait)
    public_only = not cfg.fetch.get("allow_private_addresses", False)

    def make_http(source, options: dict):
        if http_factory is not None:
            return http_factory(source, options)
        return Http(settings, **options, **(http_options or {}))

    for event in events:
        store.ensure_event(event.slug, event.name, event.starts_at, event.ends_at,
                           event.description)
    planned = [(source, event, SourceRun(source.name, event.slug))
               for source in chosen for event in events]
    ids = {id(run): store.start_run(run.source, run.event, status="pending")
           for _, _, run in planned}
    log = DebugLog(Path(cfg.database))
    runs = [run for _, _, run in planned]
    # Started by the first source that asks, in this thread; ended with the run.
    readers = Workers(workers)
    try:
        for source, event, run in planned:
            _run_source(store, cfg, source, event, run, ids[id(run)], env, make_http,
                        public_only, log, progress, readers)
    except KeyboardInterrupt:
        for run in runs:
            if store.run_status(ids[id(run)]) in ("pending", "running"):
                run.interrupted = True
                run.error = (f"{run.source}: interrupted; what was saved stays, the next run "
                             "carries on from there")
                store.finish_run(ids[id(run)], run.status, run.new_items, run.lines)
        raise
    finally:
        readers.close()
    return runs


def _run_source(store, cfg, source, event, run: SourceRun, run_id: int, env, make_http,
                public_only: bool, log, progress, workers=None) -> None:
    from . import sources as registry
    from .http import AuthError

    name = source.name
    store.mark_run(run_id, "running")
    before = run.counted_to = store.max_rowid()
    try:
        ctx = registry.Context(event, source.validate(cfg.sources.get(name, {})), cfg.sources,
                               env, cfg.media_dir, cfg, store, workers)
        queries = list(source.plan(ctx))
        connection = source.connect(ctx) if source.connect else registry.Connection()
        options = {"secrets": [env.get(k, "") for k in source.secrets],
                   "public_only": public_only and source.untrusted_links,
                   "auth": connection.auth, "params": connection.params,
                   "headers": connection.headers}
        with make_http(source, options) as http:
            if source.concurrent:
                _run_at_once(store, source, event, run, run_id, http, queries, ctx.settings,
                             log, progress)
            else:
                _run_in_turn(store, source, event, run, run_id, http, queries, log, progress)
    except KeyboardInterrupt:
        raise
    except AuthError as exc:
        run.error = _line(name, _auth_hint(str(exc), source.secrets))
    except StoreFailure as exc:
        run.error = _line(name, f"the archive could not be written ({exc}); nothing after "
                          "the last saved page was lost; check free disk space and run again")
    except EventArchiveError as exc:  # plan or connect: a missing token, a bad setting
        run.error = _line(name, str(exc))
    except Exception as exc:  # noqa: BLE001 - the next source still runs
        run.error = _line(name, log.unexpected(exc))
    run.new_items = store.count_since(before)
    try:
        store.finish_run(run_id, run.status, run.new_items, run.lines,
                         rate_limited_until=run.rate_limited_until)
    except sqlite3.DatabaseError:
        pass  # the disk is full: the row stays 'running' and is shown as interrupted


def _run_in_turn(store, source, event, run: SourceRun, run_id: int, http, queries: list,
                 log, progress) -> None:
    """One query after another, each page saved as it comes."""
    name = source.name
    while queries:
        query = queries.pop(0)
        run.queries += 1
        key = f"{event.slug}:{query.key}"
        try:
            for page in source.fetch(http, query, store.state(name, key)):
                page.batch.problems.extend(_client_problems(http, name, query))
                queries += _save_page(store, name, event, run, run_id, key, page, progress)
        except Exception as exc:  # noqa: BLE001 - sorted by _contain
            if _contain(exc, run, name, query, log) == "stop":
                break


def _run_at_once(store, source, event, run: SourceRun, run_id: int, http, queries: list,
                 settings: dict, log, progress) -> None:
    """Up to ``concurrency`` queries at once (at most ``per_host`` per ``Query.host``), on
    worker threads; every page is saved here, in the order pages come, with its state in one
    transaction. Failures are contained per query as in turn; a rate limit or refused
    credentials start no further query, and the running ones end after their current page."""
    from .fetchpool import QueryPool
    from .http import AuthError

    name = source.name

    def work(query, state):
        for page in source.fetch(http, query, state):
            # Problems the client noted are kept per thread: taken here, by the query's own.
            page.batch.problems.extend(_client_problems(http, name, query))
            yield page

    def add(found: list) -> None:
        for query in found:
            run.queries += pool.add(query, store.state(name, f"{event.slug}:{query.key}"))

    pool = QueryPool(work, int(settings.get("concurrency", 1)),
                     int(settings.get("per_host", 1)))
    add(queries)
    fatal: BaseException | None = None
    for done in pool:
        if done.error is not None:
            try:
                action = _contain(done.error, run, name, done.query, log)
            except (AuthError, StoreFailure) as exc:
                fatal, action = fatal or exc, "stop"
            if action == "stop":
                pool.stop()
        elif done.page is not None:
            key = f"{event.slug}:{done.query.key}"
            try:
                add(_save_page(store, name, event, run, run_id, key, done.page, progress))
            except sqlite3.DatabaseError as exc:
                fatal = fatal or StoreFailure(str(exc))
                pool.stop()
            pool.ack(done)
    if fatal is not None:
        raise fatal


def _save_page(store, name: str, event, run: SourceRun, run_id: int, key: str, page,
               progress) -> list:
    """Save one page with its state; returns the queries it asks to follow. A page that
    asked nothing and found nothing (not due) is counted, not saved: its state stands."""
    if not page.asked and page.batch.empty:
        run.not_due += 1
        if progress:
            progress(run)
        return page.follow
    store.save(page.batch, event.slug, state=(name, key, page.state))
    run.photos += sum(f.status == "stored" for f in page.batch.files)
    run.pages += 1
    run.problems += [_problem_line(name, p) for p in page.batch.problems]
    if page.batch.items:  # a page that only remembers where the query got to adds none
        # Counted from where the last page's count ended: counting from the run's start on
        # every page made a long run quadratic (the run's final count is from its start).
        counted, run.counted_to = run.counted_to, store.max_rowid()
        run.new_items += store.count_since(counted)
        store.update_run_items(run_id, run.new_items)
    if progress:
        progress(run)
    return page.follow


def _client_problems(http, name: str, query) -> list[Problem]:
    """What the client tolerated (bad characters replaced), reported with the query."""
    from .http import host_of

    return [Problem(f"{name}:{query.key}", f"{host_of(p.where)}: {p.reason}")
            for p in http.take_problems()]


def _contain(exc: BaseException, run: SourceRun, name: str, query, log) -> str:
    """A failed query as one problem of the run: "next" (go on with the other queries) or
    "stop" (a rate limit: the whole source waits for the next run). Refused credentials and
    a failed save are raised: they end the source."""
    from .http import AuthError, FetchError, RateLimited

    if isinstance(exc, RateLimited):
        run.problems.append(_line(name, str(exc)))
        run.rate_limited_until = exc.until.isoformat() if exc.until else None
        run.failed_queries += 1
        return "stop"
    if isinstance(exc, AuthError):  # refused credentials refuse every query
        raise exc.with_traceback(None) from None
    if isinstance(exc, StoreFailure):
        raise exc
    if isinstance(exc, sqlite3.DatabaseError):
        raise StoreFailure(str(exc)) from exc
    if isinstance(exc, FetchError | EventArchiveError):
        run.problems.append(_line(name, str(exc), query.key))
    elif isinstance(exc, Exception):  # one bug never stops the other queries
        run.problems.append(_line(name, log.unexpected(exc), query.key))
    else:  # KeyboardInterrupt, SystemExit
        raise exc
    run.failed_queries += 1
    return "next"


def _line(name: str, message: str, query: str | None = None) -> str:
    """``name: [query: ]message``, without saying the source's name twice."""
    message = message.removeprefix(f"{name}: ")
    return f"{name}: {query}: {message}" if query else f"{name}: {message}"


def _problem_line(name: str, problem: Problem) -> str:
    """A page's problem as one line that starts with the source's name, as every line does."""
    line = f"{problem.where}: {problem.reason}"
    return line if line.startswith(name) else f"{name}: {line}"



def _auth_hint(message: str, secrets) -> str:
    if secrets and not any(s in message for s in secrets):
        message += f"; check {' and '.join(secrets)} (expired or revoked?)"
    return message


class DebugLog:
    """Tracebacks of unexpected errors go to a file beside the archive, never to cron mail."""

    def __init__(self, database: Path):
        self.path = database.parent / f"{database.stem}-debug.log"

    def unexpected(self, exc: BaseException) -> str:
        import traceback

        from .store import now_iso

        try:
            with open(self.path, "a", encoding="utf-8") as log:
                log.write(f"--- {now_iso()}\n")
                log.write("".join(traceback.format_exception(exc)))
            where = f"details in {self.path}"
        except OSError:
            where = "no debug log could be written"
        return (f"unexpected {type(exc).__name__}: {str(exc)[:200]}; please report it "
                f"({where})")
