"""Sources: one module per platform. A live source module provides

``NAME``
    its name in ``[sources.NAME]`` and ``--source NAME``.
``plan(event, settings, env) -> list[Query]``
    what to ask for an event (one query per hashtag, account, instance …). Raises ConfigError
    when something it needs is missing (a token in ``env``, an instance URL).
``fetch(http, query, state) -> Iterator[Page]``
    HTTP and paging only: yields pages of parsed records, each with the state to store with it.
    ``state`` is what the last committed page left (``{}`` the first time).
``parse_*(payload, batch)``
    pure functions turning payloads into records; no I/O.

The runner saves each page and its state in one transaction, so a run killed at any point
resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from ..records import Batch


@dataclass
class Query:
    """One thing to ask a platform for. ``key`` names it in the stored state, so it must stay
    the same from run to run (e.g. ``tag:lambethcoop@https://mastodon.social``)."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass
class Page:
    batch: Batch
    state: dict


def check_settings(name: str, settings: dict, known) -> None:
    """A key a source does not know is a typo, never something to ignore silently."""
    for key in settings:
        if key not in known:
            raise ConfigError(f"sources.{name}.{key}: unknown key; expected one of "
                              f"{', '.join(known)}")


def newer(a: str | None, b: str | None) -> str | None:
    """The larger of two numeric string ids (snowflakes exceed 2**53: compare as integers)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if int(a) >= int(b) else b


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


def _live() -> dict:
    from . import bluesky, flickr, mastodon, twitter, web

    return {module.NAME: module for module in (twitter, mastodon, bluesky, flickr, web)}


LIVE = _live()
