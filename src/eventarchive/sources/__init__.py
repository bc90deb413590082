"""Sources: one module per platform, each declaring itself with a module-level ``SOURCE``.

A source module holds pure parse functions (payload ► records, no I/O) and::

    SOURCE = Source(
        name="mastodon",              # [sources.mastodon] and --source mastodon
        stage="social",               # social, then web, then media: stages run in that order
        settings={"instances": Setting("urls", ...)},   # the [sources.NAME] schema
        secrets=("EVENTARCHIVE_MASTODON_TOKEN",),       # env variables, redacted everywhere
        plan=plan,                    # plan(ctx) -> list[Query]: what to ask for one event
        fetch=fetch,                  # fetch(http, query, state) -> Iterator[Page]
        connect=connect,              # connect(ctx) -> Connection: credentials for the client
        concurrent=False,             # True: queries run at once (settings concurrency and
    )                                 # per_host; Query.host), fetch must be thread-safe

The registry finds a source by importing ``eventarchive.sources.NAME`` only when it is needed,
so an import of a twarc file never loads the web stack. Adding a source means writing one
module; nothing else changes.

The runner (``fetching.fetch``) saves each page and its state in one transaction, so a run killed
at any point resumes where it stopped, and contains failures: one failed query is a problem of
that query, one failed source never stops the next.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..records import Batch, Problem

STAGES = ("social", "web", "media")


@dataclass
class Query:
    """One thing to ask a platform for. ``key`` names it in the stored state, so it must stay
    the same from run to run (e.g. ``tag:lambethcoop@https://mastodon.social``)."""

    key: str
    params: dict = field(default_factory=dict)
    host: str = ""  # for a concurrent source: the host asked, to limit queries per host


@dataclass
class Page:
    """What one request (or a few) produced: records, and the state to store with them.

    ``follow`` lists further queries of the same source that this page found (the pages a
    seed write-up links to); the runner runs them in the same run, each with its own state.

    ``asked`` False: the query asked nothing (a page not due for a re-check); with an empty
    batch the runner saves nothing and counts the query as not due.
    """

    batch: Batch
    state: dict
    follow: list[Query] = field(default_factory=list)
    asked: bool = True


@dataclass
class Connection:
    """Credentials for a source's HTTP client, handed to ``Http``; sources never change the
    client themselves."""

    auth: Any = None  # an httpx.Auth
    params: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


@dataclass
class Context:
    """What ``plan`` and ``connect`` get for one event: the event, this source's settings
    (validated, defaults applied), every source's settings, the environment, the media folder,
    and (read lazily, only by the sources that ask) the links still to resolve and the photos
    still to download; ``workers`` takes pure CPU work off the fetching process (started by
    a source's ``plan``, which runs in the runner's thread, see ``extractpool``)."""

    event: Any
    settings: dict
    sources: Mapping[str, dict]
    env: Mapping[str, str]
    media_dir: Path | None = None
    config: Any = None
    reader: Any = None  # the store, for the lazy look-ups below; sources never write to it
    workers: Any = None  # the run's extractpool.Workers: pure CPU work in worker processes

    @cached_property
    def links(self) -> dict[str, list[str]]:
        return self.reader.links_to_resolve(self.event.slug) if self.reader else {}

    @cached_property
    def photos(self) -> list:
        return self.reader.photos_to_download(self.event.slug) if self.reader else []

    def source_settings(self, name: str) -> dict:
        """Another source's settings with its defaults (e.g. web reading [sources.wayback])."""
        return get(name).validate(self.sources.get(name, {}))


# -- settings schemas ---------------------------------------------------------------------------

_FORMS = {
    "str": "a string in quotes",
    "url": 'an http(s) address, e.g. "https://example.org"',
    "urls": 'a list of http(s) addresses, e.g. ["https://mastodon.social"]',
    "strs": 'a list of strings, e.g. ["a", "b"]',
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
}


@dataclass(frozen=True)
class Setting:
    """One key of a ``[sources.NAME]`` table: its kind, default and allowed values."""

    kind: str  # str, url, urls, strs, bool, int, number
    default: Any = None
    help: str = ""
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None

    def check(self, key: str, value):
        """The value as the source uses it; ConfigError naming the key and the form."""
        form = _FORMS[self.kind]
        if self.choices:
            form = "one of " + ", ".join(f'"{c}"' for c in self.choices)
        bad = ConfigError(f"{key}: expected {form}, not {value!r}")
        if self.kind in ("str", "url"):
            if not isinstance(value, str) or not value.strip():
                raise bad
            value = value.strip()
            if self.kind == "url":
                value = _url(value, bad)
        elif self.kind in ("urls", "strs"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad
            if self.kind == "urls":
                value = list(dict.fromkeys(_url(v.strip(), bad) for v in value))
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise bad
        elif self.kind in ("int", "number"):
            ok = isinstance(value, int) if self.kind == "int" else isinstance(value, int | float)
            if not ok or isinstance(value, bool) or not math.isfinite(value):
                raise bad
            if ((self.minimum is not None and value < self.minimum)
                    or (self.maximum is not None and value > self.maximum)):
                raise ConfigError(f"{key}: {value} is out of range; expected "
                                  f"{_range(self.minimum, self.maximum)}")
        if self.choices and value not in self.choices:
            raise bad
        return value


def _url(value: str, bad: ConfigError) -> str:
    from urllib.parse import urlsplit

    if "://" not in value:
        value = f"https://{value}"  # "mastodon.social" is what people write
    if not value.startswith(("http://", "https://")) or not urlsplit(value).hostname:
        raise bad
    return value.rstrip("/")


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f"from {low:g} to {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


# -- sources and the registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source's declaration. ``plan`` None: a settings-only source that another one uses
    (the Wayback Machine and the Guardian, used by the web stage)."""

    name: str
    plan: Callable[[Context], list[Query]] | None = None
    fetch: Callable[..., Iterator[Page]] | None = None
    stage: str = "social"
    settings: Mapping[str, Setting] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    connect: Callable[[Context], Connection] | None = None
    untrusted_links: bool = False  # follows links found in content: private addresses refused
    default: bool = False  # runs on every fetch, even without a [sources.NAME] table
    used_by: str | None = None  # for a settings-only source: which source reads its table
    # Its queries may run at once: up to its ``concurrency`` setting, at most ``per_host`` of
    # them with the same ``Query.host`` (fetching.fetch saves every page in its own thread).
    concurrent: bool = False

    @property
    def runs(self) -> bool:
        return self.plan is not None and self.fetch is not None

    def validate(self, table: Mapping) -> dict:
        """The ``[sources.NAME]`` table checked against the schema, defaults filled in."""
        for key in table:
            if key not in self.settings:
                known = ", ".join(self.settings) or "none"
                raise ConfigError(f"sources.{self.name}.{key}: unknown key; expected one of "
                                  f"{known}")
        checked = {}
        for key, setting in self.settings.items():
            if key in table:
                checked[key] = setting.check(f"sources.{self.name}.{key}", table[key])
            elif setting.default is not None:
                checked[key] = setting.default
        return checked


def names() -> list[str]:
    """Every source module's name, without importing any of them."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get(name: str) -> Source:
    """The source called ``name``; ConfigError when there is none."""
    if name not in names():
        raise ConfigError(f"sources.{name}: unknown source; expected one of {', '.join(names())}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.SOURCE


def runnable() -> list[Source]:
    """Every source that fetches, in stage order."""
    found = [s for s in (get(n) for n in names()) if s.runs]
    return sorted(found, key=lambda s: STAGES.index(s.stage))


def in_stage_order(selected: list[str]) -> list[Source]:
    """Named sources in the fixed stage order (social, web, media), whatever order was given;
    within a stage, in the order given."""
    sources = [get(n) for n in dict.fromkeys(selected)]
    return sorted(sources, key=lambda s: STAGES.index(s.stage))


# -- paging helpers shared by the sources ----------------------------------------------------------

REMEMBER_SECONDS = 30 * 86400  # how long a query keeps a look-up that new posts do not change


def remembered(state: Mapping, name: str, now: float, ask: Callable[[], Any]) -> tuple[Any, dict]:
    """A look-up that does not change with new posts (an account's id, Flickr's licence list),
    kept in the query's state for 30 days instead of asked on every run: ``(value, fields to
    keep in the state)``. ``ask()`` answers None when it found nothing worth keeping."""
    value, at = state.get(name), state.get(f"{name}_at")
    if value is not None and isinstance(at, int | float) and 0 <= now - at < REMEMBER_SECONDS:
        return value, {name: value, f"{name}_at": at}
    value = ask()
    return value, ({name: value, f"{name}_at": int(now)} if value is not None else {})


def newer(a: str | None, b: str | None) -> str | None:
    """The larger of two numeric string ids (snowflakes exceed 2**53: compare as integers)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if int(a) >= int(b) else b


class Cursors:
    """Remembers the paging cursors a sweep has followed, so a server that repeats one (and
    would page for ever) stops the sweep with a problem that makes the run partial."""

    def __init__(self, where: str):
        self.where = where
        self.seen: set = set()

    def repeated(self, cursor, batch: Batch, name: str = "cursor") -> bool:
        """True (and a problem on ``batch``) when ``cursor`` was followed already."""
        if cursor is None:
            return False
        if cursor in self.seen:
            batch.problems.append(Problem(self.where, f"the server repeated its paging {name} "
                                          f"({cursor}); stopped paging, try again later"))
            return True
        self.seen.add(cursor)
        return False


class Sweep:
    """Incremental paging for newest-first APIs, resumable after a crash.

    A sweep reads from the newest post back to ``since`` (what the last finished sweep reached).
    The state kept after each page is ``since`` (the lower bound), ``top`` (the newest id this
    sweep saw) and ``before`` (the oldest id saved so far, where a resumed sweep carries on).
    When the sweep reaches ``since`` it finishes: ``since`` becomes ``top``.
    """

    def __init__(self, state: dict):
        self.since: str | None = state.get("since")
        self.top: str | None = state.get("top")
        self.before: str | None = state.get("before")

    def page_state(self, ids: list[str], last: bool) -> dict:
        """Record a page of ids (any order); the state to save with it."""
        for native_id in ids:
            self.top = newer(self.top, native_id)
        if last:
            self.since, self.top, self.before = newer(self.since, self.top), None, None
        elif ids:
            oldest = min(ids, key=int)
            self.before = oldest if self.before is None else min(self.before, oldest, key=int)
        return {"since": self.since, "top": self.top, "before": self.before}
