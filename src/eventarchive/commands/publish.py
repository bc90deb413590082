"""`eventarchive publish DIR`: a read-only copy of the archive that plain `datasette` serves on
any number of hosts (docs/scaling.md): the database compacted with ``VACUUM INTO``, Datasette's
inspect data (table counts and hash, so no host counts a big table), the metadata and settings,
the project's templates and CSS, and the media folder (hard links where the disk allows).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click

from ..errors import ConfigError
from ..store import Store

HERE = Path(__file__).resolve().parent.parent / "datasette"
SERVE = ("datasette {dir} --static -/eventarchive:{dir}/static --static media:{dir}/media "
         "--host 0.0.0.0 --port 8001")


def publish_to(database: Path, media_dir: Path | None, out: Path, events=()) -> Path:
    """Write the published copy into ``out`` (which must be empty or missing); returns the
    copy's database path."""
    from ..datasette import app, metadata

    if not database.exists():
        raise ConfigError(f"no archive at {database}")
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"{out} is not empty; publish into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    copy = out / "archive.db"
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.execute("VACUUM INTO ?", (str(copy),))
    finally:
        source.close()
    # The copy has the current schema even when the archive predates a migration (the canned
    # queries read tables such as hidden_items); the archive itself is only read.
    Store.open(copy).close()
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode = DELETE")  # one file: nothing beside it to ship
    # Not ANALYZEd: with statistics SQLite planned the canned search's NOT IN lists by
    # scanning a million items instead of the empty reposts table (400 ms instead of 19 ms at
    # 1M, docs/decisions.md); without, the copy plans exactly as the live file.
    conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
    conn.close()
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(copy),
                    "--inspect-file", str(out / "inspect-data.json")], check=True)
    meta = metadata.build(copy.stem, app._event_slugs(copy))
    meta.setdefault("plugins", {})["eventarchive"] = {"events": app.events_config(events)}
    (out / "metadata.json").write_text(json.dumps(meta, indent=2))
    (out / "settings.json").write_text(json.dumps(app.SETTINGS, indent=2))
    shutil.copytree(HERE / "templates", out / "templates")
    shutil.copytree(HERE / "static", out / "static")
    (out / "media").mkdir()
    if media_dir and Path(media_dir).is_dir():
        _link_tree(Path(media_dir), out / "media")
    (out / "README.txt").write_text(
        "A read-only copy of an event archive, made by `eventarchive publish`.\n"
        "Serve it (with eventarchive installed, for its Datasette plugin) with:\n\n  "
        + SERVE.format(dir=out) + "\n\nSee docs/scaling.md.\n")
    return copy


def _link_tree(src: Path, dst: Path) -> None:
    for path in src.rglob("*"):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(state, directory):
    """Write a read-only copy of the archive for serving on other hosts.

    DIRECTORY gets the compacted database, Datasette's inspect data, metadata, settings,
    templates and the media; serve it with plain `datasette` (printed at the end).

    \b
    Example:
      eventarchive publish /srv/archive-2026-12-03
    """
    cfg = state.config
    try:
        copy = publish_to(cfg.database, cfg.media_dir, directory, cfg.events)
    except (ConfigError, sqlite3.Error, OSError, subprocess.CalledProcessError) as e:
        raise click.ClickException(str(e)) from None
    size = copy.stat().st_size / 1e6
    click.echo(f"Published {cfg.database} to {directory} ({size:,.0f} MB). Serve it with:\n  "
               + SERVE.format(dir=directory))
