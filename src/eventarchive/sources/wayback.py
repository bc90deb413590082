"""The Wayback Machine: finding and fetching the archived copy of a dead link.

Two look-ups, both answering JSON:

- the availability API (``archive.org/wayback/available?url=…&timestamp=…``): one capture
  closest to a time, ``{"archived_snapshots": {"closest": {...}}}``, or ``{}`` for none;
- the CDX server (``web.archive.org/cdx/search/cdx?url=…&output=json``): a list of captures,
  the first row naming the fields. Asked with ``closest=`` and ``sort=closest`` it returns the
  captures nearest a time first; the choice is made again here by distance, so it does not
  depend on the server honouring that.

A capture is fetched in the ``id_`` form (``/web/{timestamp}id_/{original}``): the archived
bytes as they were served, without the Wayback toolbar or rewritten links.

Only captures whose archived status matched (``200`` unless asked otherwise) are used. When
Storify closed in May 2018, ArchiveTeam's grab of it got HTTP 503 for about one request in
eight, and those error pages are in the archive as captures like any other.

The CDX server asks for no more than about one request a second (it answers 429 beyond, and
blocks an address that keeps going); every look-up goes through a :class:`Pacer`, one per
``Http`` client unless one is passed in, sleeping through the client's injectable ``sleep``.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from ..http import FetchError
from ..times import utc_iso
from . import Setting, Source

NAME = "wayback"
DEFAULT_BASE = "https://web.archive.org"
AVAILABILITY_URL = "https://archive.org/wayback/available"
CDX_FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest")
CDX_INTERVAL = 1.25  # seconds between look-ups: 48 a minute, under the CDX server's 60
MAX_INTERVAL = 60.0
DEFAULT_LIMIT = 10

# Hosts gone for good, whose links are looked up in the archive without trying them first.
KNOWN_DEAD = {
    "storify.com": "Storify closed on 16 May 2018 and deleted every story",
    "sfy.co": "Storify's link shortener, closed with it in May 2018",
    "posterous.com": "Posterous closed on 30 April 2013",
    "post.ly": "Posterous's link shortener, closed with it in April 2013",
    "twapperkeeper.com": "TwapperKeeper (hashtag archives) closed on 6 January 2012",
    "friendfeed.com": "FriendFeed closed on 9 April 2015",
    "plus.google.com": "Google+ closed to consumers on 2 April 2019",
}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One capture. ``url`` is the Wayback page for people (with the toolbar), to keep as a
    link's ``archived_url``; ``raw_url`` the same capture's archived bytes."""

    original: str
    timestamp: str  # 14 digits, UTC: 20111024093512
    status: str | None = None
    mime: str | None = None
    url: str | None = None

    @property
    def raw_url(self) -> str:
        base = DEFAULT_BASE
        if self.url:
            found = self.url.find(f"/web/{self.timestamp}")
            if found > 0:
                base = self.url[:found]
        return snapshot_url(self.original, self.timestamp, base)

    @property
    def captured_at(self) -> str | None:
        """The capture time as the archive stores times (ISO 8601, UTC)."""
        parsed = _parse_timestamp(self.timestamp)
        return utc_iso(parsed.isoformat()) if parsed else None


def is_known_dead(url: str) -> bool:
    """A link to a host that is gone for good (storify.com, sfy.co …, or a subdomain of one)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except (AttributeError, ValueError):
        return False
    return any(host == dead or host.endswith("." + dead) for dead in KNOWN_DEAD)


def snapshot_url(original: str, timestamp: str, base: str = DEFAULT_BASE) -> str:
    """``{base}/web/{timestamp}id_/{original}``: the raw archived capture, no toolbar."""
    return f"{base.rstrip('/')}/web/{timestamp}id_/{original.split('#', 1)[0]}"


def playback_url(original: str, timestamp: str, base: str = DEFAULT_BASE) -> str:
    """``{base}/web/{timestamp}/{original}``: the capture as people browse it."""
    return f"{base.rstrip('/')}/web/{timestamp}/{original.split('#', 1)[0]}"


def wayback_timestamp(value) -> str:
    """A time as the Wayback Machine writes it: ``2011-10-21T09:00:00+01:00`` (or a datetime,
    or 1 to 14 digits already) ► ``20111021080000``, in UTC."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    text = str(value).strip()
    if re.fullmatch(r"\d{1,14}", text):
        return text
    iso = utc_iso(text)
    if iso is None:
        raise ValueError(f"{value!r} is not a time (expected e.g. 2011-10-21T09:00:00+01:00)")
    return datetime.fromisoformat(iso).strftime("%Y%m%d%H%M%S")


# -- pacing ---------------------------------------------------------------------------------------


class Pacer:
    """At most one request every ``interval`` seconds. After a look-up that needed retries
    (the server said 429 or failed) the interval doubles, up to a minute, for the rest of the
    run: the CDX server blocks addresses that keep asking through its 429s."""

    _by_client: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    _lock = threading.Lock()

    def __init__(self, interval: float = CDX_INTERVAL, *, sleep=time.sleep,
                 clock=time.monotonic):
        self.interval = interval
        self._sleep, self._clock = sleep, clock
        self.last: float | None = None

    @classmethod
    def of(cls, http) -> Pacer:
        """The pacer shared by every look-up made through this client (a wrapper such as the
        web stage's per-thread capture shares its client's)."""
        client = getattr(http, "http", http)
        with cls._lock:
            pacer = cls._by_client.get(client)
            if pacer is None:
                pacer = cls._by_client[client] = cls(sleep=http.sleep, clock=http.clock)
        return pacer

    def wait(self) -> None:
        """Sleep until this look-up's turn (threads take turns: each reserves its slot)."""
        with self._lock:
            now = self._clock()
            slot = now if self.last is None else max(now, self.last + self.interval)
            self.last = slot
        if slot > now:
            self._sleep(slot - now)

    def done(self, requests_made: int) -> None:
        """Note when a look-up took more than one request; then slow down."""
        with self._lock:
            if requests_made > 1:
                self.interval = min(max(self.interval, 1.0) * 2, MAX_INTERVAL)
            self.last = max(self.last or 0.0, self._clock())


def _paced_json(http, url: str, params: Mapping, pacer: Pacer | None):
    pacer = pacer or Pacer.of(http)
    pacer.wait()
    before = http.requests
    try:
        data, _ = http.get_json(url, params=dict(params))
    finally:
        pacer.done(http.requests - before)
    return data


# -- the availability API -------------------------------------------------------------------------


def parse_availability(data, web_base: str | None = None, status: str = "200") -> Snapshot | None:
    """The availability API's answer ► its closest capture, or None when there is none or its
    archived status does not match ``status`` (a regular expression: a 503 error page is not
    an archived copy)."""
    if not isinstance(data, Mapping):
        raise ValueError("the availability API did not answer with an object")
    closest = (data.get("archived_snapshots") or {}).get("closest")
    if not isinstance(closest, Mapping) or not closest.get("available"):
        return None
    timestamp, url = str(closest.get("timestamp") or ""), closest.get("url") or ""
    captured = str(closest.get("status") or "")
    marker = f"/web/{timestamp}/"
    if not timestamp or marker not in url or not re.fullmatch(status, captured):
        return None
    here, original = url.split(marker, 1)
    if web_base is None:  # the API writes http://web.archive.org/…; the archive serves https
        web_base = re.sub(r"^http://((?:[\w-]+\.)*archive\.org)$", r"https://\1", here)
    return Snapshot(original=original, timestamp=timestamp, status=captured, mime=None,
                    url=playback_url(original, timestamp, web_base))


def availability(http, url: str, timestamp=None, base: str = AVAILABILITY_URL, *,
                 web_base: str | None = None, status: str = "200",
                 pacer: Pacer | None = None) -> Snapshot | None:
    """The capture of ``url`` closest to ``timestamp`` (any time form; default now), or None.

    ``web_base`` is where captures are fetched from (default: the host the API names, on
    https). The availability API sometimes answers "none" for a URL the CDX server has
    captures of; :func:`closest` asks both."""
    params = {"url": url}
    if timestamp is not None:
        params["timestamp"] = wayback_timestamp(timestamp)
    data = _paced_json(http, base, params, pacer)
    try:
        return parse_availability(data, web_base, status)
    except ValueError:
        raise FetchError(f"{NAME}: the availability API answered something unexpected for "
                         f"{url}; check [sources.wayback] availability_url") from None


# -- the CDX server -------------------------------------------------------------------------------


def parse_cdx(rows, base: str = DEFAULT_BASE, status: str = "200") -> list[Snapshot]:
    """CDX JSON (a header row naming the fields, then one row per capture) ► captures whose
    archived status matches ``status``, in the server's order. Blank rows (before a resume
    key) and rows of the wrong length are skipped."""
    if not isinstance(rows, list):
        raise ValueError("the CDX server did not answer with a list")
    if not rows:
        return []  # nothing captured: the server sends [] with no header
    header = rows[0]
    if not isinstance(header, list) or "timestamp" not in header or "original" not in header:
        raise ValueError("the CDX answer has no header row naming timestamp and original")
    found = []
    for row in rows[1:]:
        if not isinstance(row, list) or len(row) != len(header):
            continue
        capture = dict(zip(header, row, strict=True))
        captured = capture.get("statuscode") or ""
        if not re.fullmatch(status, captured):
            continue  # 503s from the grab of a dying site, revisits (-), 404s …
        original, timestamp = capture["original"], capture["timestamp"]
        found.append(Snapshot(original=original, timestamp=timestamp, status=captured,
                              mime=capture.get("mimetype"),
                              url=playback_url(original, timestamp, base)))
    return found


def nearest(snapshots: Sequence[Snapshot], around=None) -> list[Snapshot]:
    """Captures nearest ``around`` first (the earlier of two as near); without a time, the
    newest first. Captures with unreadable timestamps go last."""
    if around is None:
        return sorted(snapshots, key=lambda s: s.timestamp, reverse=True)
    target = _parse_timestamp(wayback_timestamp(around))
    if target is None:
        raise ValueError(f"{around!r} is not a time")

    def distance(snapshot: Snapshot):
        when = _parse_timestamp(snapshot.timestamp)
        if when is None:
            return (float("inf"), snapshot.timestamp)
        return (abs((when - target).total_seconds()), snapshot.timestamp)

    return sorted(snapshots, key=distance)


def captures(http, url: str, around=None, base: str = DEFAULT_BASE,
             limit: int = DEFAULT_LIMIT, *, status: str = "200",
             pacer: Pacer | None = None) -> list[Snapshot]:
    """Up to ``limit`` good captures of ``url``, nearest ``around`` first (without a time,
    the newest first). ``status`` is a regular expression on the archived status: ``"200"``
    for pages, ``"30[12]"`` to read where an archived short link pointed."""
    params: dict = {
        "url": url, "output": "json", "fl": ",".join(CDX_FIELDS),
        "filter": f"statuscode:{status}", "collapse": "digest",
    }
    if around is not None:
        params.update(closest=wayback_timestamp(around), sort="closest", limit=limit)
    else:
        params["limit"] = -limit  # the last N: the newest captures
    address = f"{base.rstrip('/')}/cdx/search/cdx"
    rows = _paced_json(http, address, params, pacer)
    try:
        found = parse_cdx(rows, base, status)
    except ValueError as exc:
        raise FetchError(f"{NAME}: the CDX server answered something unexpected for {url} "
                         f"({exc}); check [sources.wayback] base_url") from None
    return nearest(found, around)[:limit]


def closest(http, url: str, around=None, *, base: str = DEFAULT_BASE,
            availability_url: str = AVAILABILITY_URL, status: str = "200",
            pacer: Pacer | None = None) -> Snapshot | None:
    """The one capture to use for a dead link: the availability API's answer, else the CDX
    server's nearest good capture (the availability API misses some), else None."""
    found = availability(http, url, around, availability_url, web_base=base, status=status,
                         pacer=pacer)
    if found is not None:
        return found
    nearby = captures(http, url, around, base, limit=1, status=status, pacer=pacer)
    return nearby[0] if nearby else None


def fetch_snapshot(http, snapshot: Snapshot) -> httpx.Response:
    """The archived bytes of a capture (``id_``: no toolbar, links as they were). An archived
    redirect is followed to the capture of its target. Raises FetchError as ``Http`` does."""
    return http.request("GET", snapshot.raw_url)


def _parse_timestamp(timestamp: str) -> datetime | None:
    """``20111024093512`` ► a UTC datetime; short forms are padded, and the ``00`` days and
    months some CDX rows have are read as the first."""
    digits = str(timestamp or "")
    if not re.fullmatch(r"\d{4,14}", digits):
        return None
    digits = digits.ljust(14, "0")
    year, month, day = int(digits[:4]), int(digits[4:6]) or 1, int(digits[6:8]) or 1
    try:
        return datetime(year, month, day, int(digits[8:10]), int(digits[10:12]),
                        int(digits[12:14]), tzinfo=UTC)
    except ValueError:
        return None


SOURCE = Source(
    name=NAME,
    used_by="web",
    settings={
        "base_url": Setting("url", DEFAULT_BASE, "where snapshots are read (web.archive.org)"),
        "availability_url": Setting("url", AVAILABILITY_URL, "the availability API"),
    },
)
