"""The collection window: an event is collected from ``[fetch] collect_before_days`` before it
starts until ``collect_after_days`` after it ends ("save the date" posts, then the write-ups).

``fetch`` runs the events whose window is open (others only when named with ``--event``);
``import --match`` keeps posts carrying the event's hashtags or keywords within the window, and
an account's other posts only within the event's own hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Window:
    before_days: float = DEFAULT_DAYS
    after_days: float = DEFAULT_DAYS

    @classmethod
    def from_config(cls, fetch: dict) -> Window:
        """From a validated ``[fetch]`` table (config.py checks the ranges)."""
        return cls(fetch.get("collect_before_days", DEFAULT_DAYS),
                   fetch.get("collect_after_days", DEFAULT_DAYS))

    def opens(self, event) -> str | None:
        """When collecting starts (UTC ISO), or None: open since for ever."""
        start = event.starts_at or event.ends_at
        return _shift(start, -self.before_days) if start else None

    def closes(self, event) -> str | None:
        """When collecting stops (UTC ISO), or None: open for ever."""
        end = event.ends_at or event.starts_at
        return _shift(end, self.after_days) if end else None

    def is_open(self, event, now: str) -> bool:
        return _within(now, self.opens(event), self.closes(event))

    def covers(self, event, when: str | None) -> bool:
        """Whether a post published at ``when`` falls in the window (unknown: only when the
        event has no times at all)."""
        return _within(when, self.opens(event), self.closes(event))


def in_hours(event, when: str | None) -> bool:
    """Whether ``when`` falls within the event's own hours (no times: always)."""
    return _within(when, event.starts_at, event.ends_at)


def _within(when: str | None, low: str | None, high: str | None) -> bool:
    if low is None and high is None:
        return True
    if not when:
        return False
    try:
        moment = _parse(when)
    except ValueError:  # a post's time we cannot read is outside every window
        return False
    return ((low is None or moment >= _parse(low)) and (high is None or moment <= _parse(high)))


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # a time without an offset is taken as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment


def _shift(value: str, days: float) -> str:
    return (_parse(value) + timedelta(days=days)).isoformat()
