"""Building and serving the Datasette instance for an archive: one factory for `serve`, the
demo and the tests, so what is tested is what users run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from datasette.app import Datasette

from ..config import Event, to_utc, utc_offset
from . import metadata

HERE = Path(__file__).parent

SETTINGS = {
    # Facet suggestions and full counts are what make a big table's page slow; the archive's
    # pages name their facets in the metadata instead. A facet over a million rows does not
    # finish in 30 ms and is shown as timed out rather than holding the page (counts.py).
    "suggest_facets": False,
    "facet_time_limit_ms": 30,
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
}


def make_datasette(database: Path, media_dir: Path | None = None,
                   allow_sql: bool = False, private: bool = False,
                   events: list[Event] = ()) -> Datasette:
    """``private``: only who logs in with the password whose hash is in
    EVENTARCHIVE_PASSWORD_HASH sees anything (see private.py); ConfigError without one.
    ``events``: the configured events, for the story page's sessions and local times."""
    database = Path(database)
    static = [("-/eventarchive", str(HERE / "static"))]
    if media_dir:
        # Created now if need be: a mount needs its folder, and photos arrive after start.
        with contextlib.suppress(OSError):  # a read-only folder: served without photos
            Path(media_dir).mkdir(parents=True, exist_ok=True)
        if Path(media_dir).is_dir():
            static.append(("media", str(media_dir)))
    settings = dict(SETTINGS, default_allow_sql=allow_sql)
    meta = metadata.build(database.stem, _event_slugs(database))
    meta.setdefault("plugins", {})["eventarchive"] = {"events": events_config(events)}
    if private:
        from . import private as privacy

        privacy.check_hash()
        meta = privacy.lock(meta)
    # An archive in a read-only folder is served as immutable (see readonly.py): SQLite could
    # not make the -shm file its usual read-only opening needs, and nobody can write there.
    from ..readonly import folder_writable

    files = [str(database)]
    immutables = [] if folder_writable(database) else files
    return Datasette(
        [] if immutables else files,
        immutables=immutables,
        metadata=meta,
        settings=settings,
        static_mounts=static,
        # Signs login cookies; set it to keep people logged in across restarts.
        secret=os.environ.get("DATASETTE_SECRET") or None,
        template_dir=str(HERE / "templates"),
    )


def events_config(events: list[Event]) -> dict:
    """What the story page needs from the config it is served with: each event's UTC offset
    (the offset its starts_at was written with) and its programme's sessions, in UTC."""
    return {e.slug: {"utc_offset": e.utc_offset or utc_offset(e.starts_at), "sessions": [
        {"title": s.title, "room": s.room,
         "starts_at": to_utc(s.starts_at) if s.starts_at else None,
         "ends_at": to_utc(s.ends_at) if s.ends_at else None} for s in e.sessions]}
        for e in events}


def _event_slugs(database: Path) -> list[tuple[str, str]]:
    """(slug, name) of the archive's events when it starts, for the home page's links."""
    import sqlite3

    if not database.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return list(conn.execute("select slug, coalesce(name, slug) from events "
                                     "order by starts_at desc, slug"))
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def serve(database: Path, media_dir: Path | None, host: str, port: int,
          allow_sql: bool = False, private: bool = False, events: list[Event] = ()) -> None:
    import uvicorn

    ds = make_datasette(database, media_dir, allow_sql, private, events)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
