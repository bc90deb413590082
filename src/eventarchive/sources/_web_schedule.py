"""When the web stage asks for a URL again: a dead link after 1, 7 and 30 days; a seed page on
a schedule that backs off while it stays the same and follows its event's dates (see
docs/decisions.md, "Re-checking seed pages"). Pure functions of a URL's stored state."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["EARLY", "due", "recheck_after", "schedule", "seconds"]

DAY = 86400.0
HOUR = 3600.0
DEAD_RETRY_DAYS = (1, 7, 30)  # a dead link without a copy: tried again after these
# A seed page, once read, is re-checked after 1 hour, then 2, 4, 8 … hours while it stays the
# same (a 304 or the same bytes), at most every 30 days, and after 1 hour again once it changes.
# While its event runs it is re-checked every hour, and in the week after it at least daily;
# a check before the event never waits past its start (docs/decisions.md).
RECHECK_FIRST = HOUR
RECHECK_MAX_DAYS = 30
AFTER_EVENT_DAYS = 7  # write-ups and reader comments come in the week after an event
AFTER_EVENT_MAX = DAY  # … so a page is re-checked at least daily then
EARLY = 0.1  # due once 90 % of its interval has passed: an hourly cron's runs drift


def due(state: dict, seed: bool, now: float) -> bool:
    """Whether to ask for a URL now. Seeds are re-checked; a link is fetched until it is
    settled (read, archived, skipped); a dead one waits for its ``next_try``."""
    outcome = state.get("outcome")
    if outcome is None:
        return True
    if state.get("next_try") and _iso(now) < state["next_try"]:
        return False
    return seed or outcome in ("failed", "dead")


KEPT = ("final", "status", "etag", "last_modified", "archived", "warc", "hash", "follow",
        "dead", "unchanged", "redirects")


def schedule(old: dict, new: dict, now: float, seed: bool,
             live: tuple[float | None, float | None] | None = None) -> dict:
    """The state to store after a try: what is still true from before, what this try found,
    and when to try again (see docs/decisions.md, "How often the web stage asks again").
    ``live``: the event's start and end (Unix seconds or None)."""
    result = {**{k: old[k] for k in KEPT if k in old}, **new, "checked_at": _iso(now)}
    result.pop("next_try", None)
    outcome = result["outcome"]
    if outcome == "dead" or (outcome == "archived" and seed):
        result["dead"] = old.get("dead", 0) + 1
        days = DEAD_RETRY_DAYS[min(result["dead"], len(DEAD_RETRY_DAYS)) - 1]
        result["next_try"] = _iso(now + days * DAY)
    else:
        result.pop("dead", None)
    not_modified = result.pop("not_modified", False)  # a 304: the same, hash or none
    if seed and outcome in ("ok", "robots"):
        if outcome == "robots":
            same = old.get("outcome") == "robots"
        else:
            same = not_modified or (result.get("hash") is not None
                                    and result.get("hash") == old.get("hash"))
        result["unchanged"] = old.get("unchanged", -1) + 1 if same else 0
        result["next_try"] = _iso(now + recheck_after(result["unchanged"], now, live))
    else:
        result.pop("unchanged", None)
    return result


def recheck_after(unchanged: int, now: float,
                  live: tuple[float | None, float | None] | None = None) -> float:
    """Seconds until a seed page checked ``unchanged`` times in a row without a change is due
    again: 1 hour doubling to 30 days; every hour while its event runs, at least daily in the
    week after; never past the event's start (less ``EARLY``: see ``EARLY``)."""
    interval = min(RECHECK_FIRST * 2 ** min(unchanged, 20), RECHECK_MAX_DAYS * DAY)
    starts, ends = live or (None, None)
    ends = ends if ends is not None else starts
    if starts is not None and now < starts:
        interval = min(interval, starts - now)
    elif starts is not None and now <= ends:
        interval = RECHECK_FIRST
    elif ends is not None and now <= ends + AFTER_EVENT_DAYS * DAY:
        interval = min(interval, AFTER_EVENT_MAX)
    return interval * (1 - EARLY)


def seconds(iso: str | None) -> float | None:
    """An event's ISO time as Unix seconds (None when unset or unreadable)."""
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else None
    except (TypeError, ValueError):
        return None


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=0).isoformat()
