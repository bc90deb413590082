"""Timestamps as the archive stores them: ISO 8601 in UTC with a ``T``, whole seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_FRACTION = re.compile(r"\.\d+")


def utc_iso(value) -> str | None:
    """``2026-10-21T09:05:12.345Z`` ► ``2026-10-21T09:05:12+00:00``; None when unreadable.

    Fractions of any length are dropped (Python reads at most six digits); a time without an
    offset is taken as UTC.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = _FRACTION.sub("", value.strip(), count=1).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()
