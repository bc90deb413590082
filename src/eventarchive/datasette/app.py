"""Building and serving the Datasette instance for an archive: one factory for `serve`, the
demo and the tests, so what is tested is what users run.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from datasette.app import Datasette

from . import metadata

SETTINGS = {
    # Facet suggestions and full counts are what make a big table's page slow; the archive's
    # pages name their facets in the metadata instead.
    "suggest_facets": False,
    "facet_time_limit_ms": 500,
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
}


def make_datasette(database: Path, media_dir: Path | None = None,
                   allow_sql: bool = False, private: bool = False) -> Datasette:
    """``private``: only who logs in with the password whose hash is in
    EVENTARCHIVE_PASSWORD_HASH sees anything (see private.py); ConfigError without one."""
    database = Path(database)
    meta = metadata.build(database.stem)
    if private:
        from . import private as privacy

        privacy.check_hash()
        meta = privacy.lock(meta)
    static = [("media", str(media_dir))] if media_dir and Path(media_dir).is_dir() else []
    settings = dict(SETTINGS, default_allow_sql=allow_sql)
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
    )


def serve(database: Path, media_dir: Path | None, host: str, port: int,
          allow_sql: bool = False, private: bool = False) -> None:
    import uvicorn

    ds = make_datasette(database, media_dir, allow_sql, private)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
