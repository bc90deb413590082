"""``config/eventarchive.toml`` ► validated objects. Every problem raises ConfigError naming the
file, the key and the form expected. Keys only ever gain meaning: an unknown key is an error
(most likely a typo), never silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import ConfigError
from .suppression import Privacy

DEFAULT_PATH = Path("config/eventarchive.toml")
DEFAULT_DATABASE = "data/archive.db"
DEFAULT_MEDIA_DIR = "data/media"
ACCOUNT_PLATFORMS = ("twitter", "mastodon", "bluesky", "flickr")
FETCH_KEYS = {"user_agent": str, "timeout": (int, float), "deadline": (int, float), "retries": int,
              "backoff": (int, float), "max_wait": (int, float), "max_bytes": int,
              "max_redirects": int, "allow_private_addresses": bool,
              "collect_before_days": (int, float), "collect_after_days": (int, float)}
# [fetch] numbers: the form expected, and the test (False for NaN, as every comparison is).
FETCH_RANGES = {
    "timeout": ("seconds above 0, at most 3600", lambda v: 0 < v <= 3600),
    "deadline": ("seconds above 0, at most 3600", lambda v: 0 < v <= 3600),
    "retries": ("a whole number from 0 to 20", lambda v: 0 <= v <= 20),
    "max_redirects": ("a whole number from 0 to 50", lambda v: 0 <= v <= 50),
    "max_bytes": ("a number of bytes above 0", lambda v: v > 0),
    "backoff": ("seconds from 0 to 3600", lambda v: 0 <= v <= 3600),
    "max_wait": ("seconds from 0 to 86400 (a day)", lambda v: 0 <= v <= 86400),
    "collect_before_days": ("days from 0 to 3650", lambda v: 0 <= v <= 3650),
    "collect_after_days": ("days from 0 to 3650", lambda v: 0 <= v <= 3650),
}
PHOTOS_KEYS = {"keep_location": bool}
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TIME_FORM = "an ISO 8601 time with a UTC offset, e.g. 2011-10-21T09:00:00+01:00"


@dataclass
class Session:
    title: str
    starts_at: str | None = None
    ends_at: str | None = None
    room: str | None = None


@dataclass
class Event:
    slug: str
    name: str
    starts_at: str | None = None
    ends_at: str | None = None
    description: str | None = None
    hashtags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    accounts: dict[str, list[str]] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)
    # A zone name ("Europe/London"), or the UTC offset written in starts_at ("+01:00"): the
    # zone of times written without one (notes). None: UTC.
    timezone: str | None = None
    # The UTC offset starts_at was written with ("+01:00"): the event's local time, which the
    # story page shows (starts_at itself is kept in UTC).
    utc_offset: str | None = None


def utc_offset(value) -> str | None:
    """``2011-10-21T09:00:00+01:00`` ► ``+01:00``; None without an offset or unreadable."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    offset = parsed.utcoffset()
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass
class Config:
    path: Path | None
    database: Path
    media_dir: Path
    events: list[Event] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    fetch: dict = field(default_factory=dict)
    photos: dict = field(default_factory=dict)  # [photos]: keep_location
    privacy: Privacy = field(default_factory=lambda: Privacy())

    def event(self, slug: str) -> Event | None:
        return next((e for e in self.events if e.slug == slug), None)


def to_utc(value: str) -> str:
    """A timezone-aware ISO time as ``YYYY-MM-DDTHH:MM:SS+00:00``; ValueError otherwise."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat()


def load(path: Path | None = None, database: Path | None = None) -> Config:
    """Read the config at ``path``; with no file there, a config with defaults only.

    ``database`` (the global ``--db`` option) overrides the file's ``database``.
    """
    explicit = path is not None
    path = path or DEFAULT_PATH
    if not path.exists():
        if explicit and database is None:
            raise ConfigError(f"{path}: no such config file; run `eventarchive init` to write one")
        database = database or Path(DEFAULT_DATABASE)
        # No config: photos go beside the database, e.g. data/archive.db ► data/media/
        return Config(None, database, database.parent / "media")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return parse(data, path, database)


def project_dir(path: Path) -> Path:
    """Relative paths in a config are relative to the project folder: the one holding config/."""
    folder = path.resolve().parent
    return folder.parent if folder.name == "config" else folder


def parse(data: dict, path: Path, database: Path | None = None) -> Config:
    where = str(path)
    _only(data, {"database", "media_dir", "events", "sources", "fetch", "photos", "privacy"},
          where, "")
    root = project_dir(path)
    db = database or root / _file_path(data, "database", where, root)
    media = root / _str(data, "media_dir", where, "", DEFAULT_MEDIA_DIR)
    if media.is_file():
        raise ConfigError(f"{where}: media_dir: {media} is a file; expected a folder, e.g. "
                          f'"{DEFAULT_MEDIA_DIR}"')
    events = []
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise ConfigError(f"{where}: [[events]] must be a list of tables, one per event")
    for i, raw in enumerate(raw_events):
        events.append(_event(raw, where, f"events[{i}]"))
    slugs = [e.slug for e in events]
    for slug in slugs:
        if slugs.count(slug) > 1:
            raise ConfigError(f"{where}: events: slug {slug!r} is used twice; slugs must be unique")
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        raise ConfigError(f"{where}: sources: expected tables like [sources.twitter]")
    for name, table in sources.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: sources.{name}: expected a table [sources.{name}]")
        _check_source(table, name, where)
    fetch = data.get("fetch", {})
    if not isinstance(fetch, dict):
        raise ConfigError(f"{where}: fetch: expected a table [fetch]")
    _only(fetch, set(FETCH_KEYS), where, "fetch")
    for name, kind in FETCH_KEYS.items():
        if name in fetch and not _is(fetch[name], kind):
            form = {str: "a string in quotes", bool: "true or false"}.get(kind, "a number")
            raise ConfigError(f"{where}: fetch.{name}: expected {form}")
        if name in fetch and name in FETCH_RANGES and not FETCH_RANGES[name][1](fetch[name]):
            raise ConfigError(f"{where}: fetch.{name}: expected {FETCH_RANGES[name][0]}, "
                              f"got {fetch[name]!r}")
    photos = data.get("photos", {})
    if not isinstance(photos, dict):
        raise ConfigError(f"{where}: photos: expected a table [photos]")
    _only(photos, set(PHOTOS_KEYS), where, "photos")
    if "keep_location" in photos and not isinstance(photos["keep_location"], bool):
        raise ConfigError(f"{where}: photos.keep_location: expected true or false")
    privacy = Privacy.from_table(data.get("privacy", {}), where)
    return Config(path, Path(db), Path(media), events, sources, fetch, photos, privacy)


def _file_path(data: dict, name: str, where: str, root: Path) -> str:
    """``database``: a file's path (relative to the project folder), never a folder."""
    value = _str(data, name, where, "", DEFAULT_DATABASE)
    if not value.strip() or Path(value).name in ("", ".", "..") or value.endswith(("/", "\\")) \
            or (root / value).is_dir():
        raise ConfigError(f"{where}: {name}: {value!r} is a folder; expected the archive "
                          f'file\'s path, e.g. "{DEFAULT_DATABASE}"')
    return value


def _check_source(table: dict, name: str, where: str) -> dict:
    """The table checked against the source's declared settings, with defaults filled in."""
    from . import sources

    try:
        return sources.get(name).validate(table)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _event(raw, where: str, key: str) -> Event:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {key}: expected a table under [[events]]")
    slug = _str(raw, "slug", where, key)
    if not slug or not SLUG.match(slug):
        raise ConfigError(f"{where}: {key}.slug: expected lower-case letters, digits, - or _ "
                          "(e.g. coproduction-2011)")
    key = f"events.{slug}"
    _only(raw, {"slug", "name", "starts_at", "ends_at", "description", "hashtags", "keywords",
                "urls", "accounts", "sessions", "timezone"}, where, key)
    event = Event(
        slug=slug,
        name=_str(raw, "name", where, key, slug),
        starts_at=_time(raw, "starts_at", where, key),
        ends_at=_time(raw, "ends_at", where, key),
        description=_str(raw, "description", where, key, None),
        hashtags=[t.lstrip("#") for t in _strings(raw, "hashtags", where, key)],
        keywords=_strings(raw, "keywords", where, key),
        urls=_strings(raw, "urls", where, key),
        timezone=_zone(raw, where, key),
    )
    if raw.get("starts_at") is not None:
        event.utc_offset = utc_offset(raw["starts_at"])
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        raise ConfigError(f"{where}: {key}.ends_at: is before starts_at")
    accounts = raw.get("accounts", {})
    if not isinstance(accounts, dict):
        raise ConfigError(f"{where}: {key}.accounts: expected a table like "
                          '{ twitter = ["name"], mastodon = ["@name@host"] }')
    for platform in accounts:
        if platform not in ACCOUNT_PLATFORMS:
            raise ConfigError(f"{where}: {key}.accounts.{platform}: unknown platform; expected "
                              f"one of {', '.join(ACCOUNT_PLATFORMS)}")
        event.accounts[platform] = _strings(accounts, platform, where, f"{key}.accounts")
    sessions = raw.get("sessions", [])
    if not isinstance(sessions, list):
        raise ConfigError(f"{where}: {key}.sessions: expected a list of tables")
    for i, s in enumerate(sessions):
        skey = f"{key}.sessions[{i}]"
        if not isinstance(s, dict):
            raise ConfigError(f"{where}: {skey}: expected a table with title, starts_at, ends_at")
        _only(s, {"title", "starts_at", "ends_at", "room"}, where, skey)
        title = _str(s, "title", where, skey)
        if not title:
            raise ConfigError(f"{where}: {skey}.title: missing; every session needs a title")
        event.sessions.append(Session(title, _time(s, "starts_at", where, skey),
                                      _time(s, "ends_at", where, skey),
                                      _str(s, "room", where, skey, None)))
    return event


def _zone(raw: dict, where: str, key: str) -> str | None:
    """The event's ``timezone`` (an IANA name), else the offset its ``starts_at`` was written
    with."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _str(raw, "timezone", where, key, None)
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{where}: {key}.timezone: {name!r} is not a time zone name; "
                              'expected one such as "Europe/London"') from None
        return name
    starts = raw.get("starts_at")
    if isinstance(starts, datetime) and starts.utcoffset() is not None:
        starts = starts.isoformat()
    match = re.search(r"([+-]\d{2}:\d{2}|Z)$", starts) if isinstance(starts, str) else None
    return None if match is None else ("+00:00" if match[1] == "Z" else match[1])


def _is(value, kind) -> bool:
    """isinstance, where True and False do not count as numbers."""
    if kind is bool:
        return isinstance(value, bool)
    return isinstance(value, kind) and not isinstance(value, bool)


def _only(table: dict, allowed: set[str], where: str, key: str) -> None:
    for name in table:
        if name not in allowed:
            prefix = f"{key}." if key else ""
            raise ConfigError(f"{where}: {prefix}{name}: unknown key; expected one of "
                              f"{', '.join(sorted(allowed))}")


def _str(table: dict, name: str, where: str, key: str, default: str | None = "") -> str | None:
    value = table.get(name, default)
    if value is not None and not isinstance(value, str):
        prefix = f"{key}." if key else ""
        raise ConfigError(f"{where}: {prefix}{name}: expected a string in quotes")
    return value


def _strings(table: dict, name: str, where: str, key: str) -> list[str]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: {key}.{name}: expected a list of strings, e.g. ["a", "b"]')
    return value


def _time(table: dict, name: str, where: str, key: str) -> str | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, datetime):  # TOML's own datetime literal
        value = value.isoformat()
    try:
        return to_utc(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {key}.{name}: {value!r} is not {TIME_FORM}") from None
