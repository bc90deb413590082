"""Building and serving the Datasette instance for an archive: one factory for `serve`, the
demo and the tests, so what is tested is what users run.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette.app import Datasette

from . import metadata

HERE = Path(__file__).parent

SETTINGS = {
    # Facet suggestions and full counts are what make a big table's page slow; the archive's
    # pages name their facets in the metadata instead.
    "suggest_facets": False,
    "facet_time_limit_ms": 500,
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
}


def make_datasette(database: Path, media_dir: Path | None = None,
                   allow_sql: bool = False) -> Datasette:
    database = Path(database)
    static = [("-/eventarchive", str(HERE / "static"))]
    if media_dir:
        # Created now if need be: a mount needs its folder, and photos arrive after start.
        Path(media_dir).mkdir(parents=True, exist_ok=True)
        static.append(("media", str(media_dir)))
    settings = dict(SETTINGS, default_allow_sql=allow_sql)
    return Datasette(
        [str(database)],
        metadata=metadata.build(database.stem, _event_slugs(database)),
        settings=settings,
        static_mounts=static,
        template_dir=str(HERE / "templates"),
    )


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
          allow_sql: bool = False) -> None:
    import uvicorn

    ds = make_datasette(database, media_dir, allow_sql)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
