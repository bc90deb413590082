"""The command line: load config ► call the library ► map errors to exit codes.

Exit codes: 0 success; 1 partial (some input could not be read, the rest was saved);
2 usage or config error.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

import click

from . import __version__
from . import config as config_module
from .errors import ConfigError, EventArchiveError, ImportFormatError, NoArchive
from .importers import READERS
from .options import event_option, json_option, path_argument, quiet_option
from .store import Store

PROBLEMS_SHOWN = 20


class State:
    def __init__(self, config_path: Path | None, db: Path | None):
        self.config_path = config_path
        self.db = db
        self._config = None

    @property
    def config(self) -> config_module.Config:
        if self._config is None:
            self._config = config_module.load(self.config_path, self.db)
        return self._config

    def store(self) -> Store:
        """The archive, read-only: for commands that only look (search, status, export)."""
        return Store.open_readonly(self.config.database)

    def writable_store(self) -> Store:
        """The archive, for commands that change it; refuses a path that holds none."""
        Store.open_readonly(self.config.database).close()
        return Store.open(self.config.database)


class Main(click.Group):
    """Turns the library's typed errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (ConfigError, ImportFormatError) as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except EventArchiveError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `eventarchive search … | head`: the reader has had enough
            sys.stderr.close()
            ctx.exit(0)
        except (sqlite3.DatabaseError, OSError) as exc:
            # A sick disk or a file we may not touch: one line, never a traceback.
            click.echo(f"Error: {_storage_line(exc, ctx.obj)}", err=True)
            ctx.exit(1)


def _storage_line(exc: BaseException, state) -> str:
    """What a storage failure means, and what to do, in one line."""
    import errno

    try:
        where = str(state.config.database)
    except (EventArchiveError, AttributeError):
        where = "the archive"
    text = str(exc)
    if "database or disk is full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return (f"the disk holding {where} is full; everything saved before stays and the "
                "archive is intact; free some space and run the command again")
    if "readonly" in text or getattr(exc, "errno", None) in (errno.EACCES, errno.EROFS,
                                                              errno.EPERM):
        return (f"not allowed to write ({getattr(exc, 'filename', None) or where}: "
                f"{getattr(exc, 'strerror', None) or text}); check the folder's permissions")
    if isinstance(exc, OSError):
        return f"{exc.strerror or text}: {exc.filename or where}"
    return (f"{where}: {text}; what was saved before stays; if this repeats, check the disk "
            "and run `eventarchive backup` to a safe place")


@click.group(cls=Main)
@click.version_option(__version__, prog_name="eventarchive")
@click.option("--config", "config_path", type=click.Path(path_type=Path), metavar="PATH",
              help=f"Config file [default: {config_module.DEFAULT_PATH}].")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Archive database; overrides the config's `database`.")
@click.pass_context
def cli(ctx, config_path, db):
    """Keep the whole record of an event in one SQLite archive, served by Datasette.

    \b
    Example:
        eventarchive import twitter-archive twitter-2022.zip --event coproduction-2011
        eventarchive serve
    """
    ctx.obj = State(config_path, db)


def _state() -> State:
    return click.get_current_context().obj


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
def init(force):
    """Write a starter config file with comments.

    \b
    Example:
        eventarchive init
        eventarchive --config events/2011.toml init
    """
    path = _state().config_path or config_module.DEFAULT_PATH
    if path.exists() and not force:
        raise ConfigError(f"{path}: already exists; edit it, or pass --force to start again")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(resources.files("eventarchive").joinpath("starter.toml").read_text("utf-8"),
                    encoding="utf-8")
    click.echo(f"Wrote {path}: set your event's name, dates, hashtags and accounts there.")


@cli.command(name="import")
@click.argument("kind", type=click.Choice(sorted(READERS)), metavar="KIND")
@path_argument()
@event_option
@click.option("--match", is_flag=True,
              help="Keep only items matching the event: its hashtags or keywords within the "
                   "collection window ([fetch] collect_before_days/collect_after_days), its "
                   "accounts' other posts within its hours.")
@quiet_option
def import_(kind, path, event_slug, match, quiet):
    """Import a file you already have. KIND: twitter-archive, twarc, tags-csv, storify or notes.

    PATH is a Twitter account-archive zip, its unzipped folder or a tweets.js (twitter-archive);
    a JSONL file from twarc or twarc2 (twarc); a TAGS Archive sheet saved as CSV (tags-csv); a
    Storify export, .json or .html, or a folder of them (storify); or attendees' notes, a folder
    of Markdown, text, Word .docx and CSV files or one such file (notes; see docs/notes.md).
    Running the same import again adds nothing; a note edited since is updated in place.

    \b
    Example:
        eventarchive import twitter-archive twitter-2022.zip --event coproduction-2011
        eventarchive --db data/archive.db import twarc lambethcoop.jsonl --event coproduction-2011
        eventarchive import notes notes/ --event coproduction-2011
    """
    from .run import import_file

    state = _state()
    if not event_slug:
        raise ConfigError("--event SLUG is required: which event these posts belong to "
                          "(e.g. --event coproduction-2011)")
    if not config_module.SLUG.match(event_slug):
        raise ConfigError(f"--event {event_slug}: expected lower-case letters, digits, - or _")
    cfg = state.config
    event = cfg.event(event_slug)
    configured = event is not None
    if event is None:
        if match:
            raise ConfigError(f"--match needs event {event_slug!r} in the config, with its "
                              "hashtags, keywords, accounts or times")
        event = config_module.Event(slug=event_slug, name=event_slug)
    from .lock import ArchiveLock
    from .window import Window

    store = Store.open(cfg.database)
    store.privacy = cfg.privacy
    bar = _ProgressBar(quiet, f"Importing {path.name}")
    try:
        with ArchiveLock(cfg.database):
            window = Window.from_config(cfg.fetch) if match else False
            result = import_file(store, kind, path, event, cfg.media_dir, match=window,
                                 progress=bar.update, total=bar.start)
    finally:
        bar.finish()
    if result.event_created and not configured and not quiet:
        click.echo(f"Note: created event {event_slug!r} (named after its slug); add it to "
                   "the config to give it a name and dates.", err=True)
    for problem in result.problems[:PROBLEMS_SHOWN]:
        click.echo(f"{problem.where}: {problem.reason}", err=True)
    if len(result.problems) > PROBLEMS_SHOWN:
        click.echo(f"… and {len(result.problems) - PROBLEMS_SHOWN} more problems "
                   "(all listed in the fetch_runs table)", err=True)
    if not quiet:
        skipped = f", skipped {result.skipped} not matching the event" if match else ""
        updated = (f", updated {result.updated} changed since the last import" if result.updated
                   else "")
        click.echo(f"Imported {result.new_items} new items into {cfg.database} "
                   f"(event {event_slug}){updated}{skipped}.")
        _left_out(store)
    if result.problems:
        click.echo(f"Error: {len(result.problems)} entries could not be read; the rest were "
                   "saved. Fix or remove them and import again.", err=True)
        sys.exit(1)


def _left_out(store: Store) -> None:
    """What the saves dropped, and why: erased on request, or people who opted out."""
    for reason, count in sorted(store.left_out.items()):
        click.echo(f"{count} items left out: {reason}.")


class _ProgressBar:
    """A progress bar on a terminal; nothing at all under cron."""

    def __init__(self, quiet: bool, label: str):
        self.enabled = not quiet and sys.stderr.isatty()
        self.label = label
        self.bar = None
        self.done = 0

    def start(self, total: int) -> None:
        if self.enabled:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def update(self, position: int) -> None:
        if self.bar is not None:
            self.bar.update(position - self.done)
            self.done = position

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@event_option
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Only this source (repeat for several): twitter, mastodon, bluesky, flickr, "
                   "web.")
@click.option("--max-wait", type=float, metavar="SECONDS",
              help="Longest wait for a rate limit before a source stops (progress is saved).")
@quiet_option
def fetch(event_slug, sources, max_wait, quiet):
    """Fetch what is new for your events from every configured source.

    Runs each source named in the config ([sources.NAME]) for each event whose collection
    window is open: from [fetch] collect_before_days (default 30) before it starts until
    collect_after_days (default 30) after it ends; other events only when --event names them.
    Incremental and safe to repeat: run it from cron (see `eventarchive schedule`). Exit code 1
    if some source failed; the others are saved.

    \b
    Example:
        eventarchive fetch
        eventarchive fetch --event coproduction-2011 --source mastodon
    """
    import os

    from .fetching import active_events, chosen_sources
    from .fetching import fetch as run_fetch
    from .lock import ArchiveLock
    from .store import now_iso

    cfg = _state().config
    if cfg.path is None:
        raise ConfigError("fetch needs a config file with your events and sources; run "
                          "`eventarchive init` to write one")
    chosen = chosen_sources(cfg, sources)
    events = active_events(cfg, event_slug, now_iso())
    if not events:
        if not quiet:
            click.echo("No event's collection window is open; nothing to fetch (name one "
                       "with --event).", err=True)
        return
    live = not quiet and sys.stderr.isatty()

    def progress(run):
        if live:
            click.echo(f"\r{run.event} {run.source}: {run.pages} pages, {run.new_items} new "
                       "   ", nl=False, err=True)

    store = Store.open(cfg.database)
    store.privacy = cfg.privacy
    with ArchiveLock(cfg.database):
        runs = run_fetch(store, cfg, events, chosen, os.environ, max_wait=max_wait,
                         progress=progress)
    if live:
        click.echo("", err=True)
    for run in runs:
        for line in run.lines[:PROBLEMS_SHOWN]:
            click.echo(line, err=True)
        if len(run.lines) > PROBLEMS_SHOWN:
            click.echo(f"{run.source}: … and {len(run.lines) - PROBLEMS_SHOWN} more (all in the "
                       "fetch_runs table)", err=True)
    if not quiet:
        click.echo("Fetched: " + "; ".join(f"{r.event} {r.source} {r.summary}" for r in runs)
                   + ".")
        _left_out(store)
    if any(r.status != "ok" for r in runs):
        sys.exit(1)


@cli.command()
@click.argument("query")
@event_option
@click.option("--after", default="", metavar="CURSOR",
              help="Go on after this hit (the line printed under a full page).")
@json_option
def search(query, event_slug, after, as_json):
    """Full-text search of the archive, the same search Datasette runs.

    Each hit once, best first, 50 a page, times in the event's time zone.

    \b
    Example:
        eventarchive search "world cafe" --event coproduction-2011
    """
    from .search import PAGE, terminal_lines
    from .search import search as run_search

    state = _state()
    store = state.store()
    if event_slug and not store.has_event(event_slug):
        raise click.UsageError(f"there is no event called {event_slug!r} in this archive; "
                               "`eventarchive status` lists them")
    rows = run_search(store, query, event_slug, after)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No more matches." if after else "No matches.", err=True)
        return
    for line in terminal_lines(rows, state.config):
        click.echo(line)
    if len(rows) >= PAGE:
        click.echo(f"More: eventarchive search {json.dumps(query)}"
                   + (f" --event {event_slug}" if event_slug else "")
                   + f" --after '{rows[-1]['cursor']}'", err=True)


@cli.command()
@event_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "site"]),
              default="jsonl", show_default=True, help="JSON lines (one item a line), CSV, "
              "Parquet (a file, with -o; for DuckDB or Spark), or the story as a static website "
              "(a folder that opens from disk or any web host).")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write to this file instead of the terminal; for site, the folder: new, "
                   "empty or an earlier export (only the files that wrote are replaced).")
@click.option("--bom/--no-bom", default=None,
              help="Start a CSV with a byte order mark, so Excel reads it as UTF-8 [default: "
                   "with -o, yes; on the terminal, no].")
def export(event_slug, fmt, output, bom):
    """Write an event's items in timeline order, as JSON lines or CSV, or its story as a site.

    A CSV file opens in Excel as it is (UTF-8 with a byte order mark); each item's photos are
    listed in photo_paths (under the media folder) and photo_urls, one a line in the cell.
    A site is the story page as plain files, paged like the live page, with its photos.
    Parquet (pip install 'eventarchive[parquet]') adds each item's search terms for DuckDB.

    \b
    Example:
        eventarchive export --event coproduction-2011 --format csv -o coproduction-2011.csv
        eventarchive export --event coproduction-2011 --format site -o coproduction-2011-site
        eventarchive export --event coproduction-2011 --format parquet -o items.parquet
    """
    from . import export as exporting

    if not event_slug:
        raise ConfigError("--event SLUG is required: which event to export")
    store = _state().store()
    if not store.conn.execute("SELECT 1 FROM events WHERE slug = ?", (event_slug,)).fetchone():
        raise ConfigError(f"--event {event_slug}: no such event in {store.path}")
    if fmt == "site":
        return _export_site(event_slug, output)
    if output is not None and output.is_dir():
        raise ConfigError(f"-o {output}: a folder; --format {fmt} writes a file")
    if fmt == "parquet":
        return _export_parquet(store, event_slug, output)
    if output is None:
        exporting.write(store, event_slug, sys.stdout, fmt, bom=bool(bom))
        return
    partial = output.with_name(output.name + ".part")
    with open(partial, "w", encoding="utf-8", newline="") as out:
        count = exporting.write(store, event_slug, out, fmt, bom=bom is not False)
    partial.replace(output)
    click.echo(f"Wrote {count} items to {output}.", err=True)


def _export_parquet(store, event_slug, output):
    from . import export_parquet

    if output is None:
        raise ConfigError("--format parquet writes a file: give it with -o PATH")
    partial = output.with_name(output.name + ".part")
    count = export_parquet.write(store, event_slug, partial)
    partial.replace(output)
    click.echo(f"Wrote {count} items to {output}.", err=True)


def _export_site(event_slug: str, output: Path | None) -> None:
    from .datasette.static_site import export_site

    if output is None:
        raise ConfigError("--format site needs -o DIR: the folder to write the site in")
    config = _state().config
    done = export_site(config.database, config.media_dir, event_slug, output, config.events)
    click.echo(f"Wrote the story of {event_slug} ({done.items} items, {done.pages} pages, "
               f"{done.photos} photos) to {output}; open {output / 'index.html'}.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to share on your network.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--allow-sql", is_flag=True, help="Let visitors run their own SQL queries.")
@click.option("--private", is_flag=True,
              help="Only people who log in see anything: user `archive`, the password whose "
                   "hash is in EVENTARCHIVE_PASSWORD_HASH (make one with `eventarchive "
                   "password`).")
def serve(host, port, allow_sql, private):
    """Serve the archive in Datasette: search, browse, timeline, shareable links.

    With --host 0.0.0.0 it prints the addresses colleagues on your network can open, and warns
    when the archive is not --private. See docs/privacy.md.

    \b
    Example:
        eventarchive serve --port 8001
        EVENTARCHIVE_PASSWORD_HASH='pbkdf2_sha256$…' eventarchive serve --host 0.0.0.0 --private
    """
    from .datasette import sharing
    from .datasette.app import serve as run_server

    cfg = _state().config
    if private:
        from .datasette.private import check_hash

        check_hash()
    from .readonly import folder_writable

    if not cfg.database.exists():  # a typo must not serve (and leave behind) an empty archive
        raise NoArchive(f"no archive at {cfg.database}; run import or fetch first")
    if not folder_writable(cfg.database):
        Store.open_readonly(cfg.database).close()  # served as it is: nobody may write there
        click.echo(f"Note: {cfg.database} is in a read-only folder; serving it as it is.",
                   err=True)
    else:
        Store.open(cfg.database).close()  # create and migrate before serving
    urls = sharing.addresses(host, port)
    click.echo(f"Serving {cfg.database} at {', '.join(urls)} (Ctrl-C to stop)", err=True)
    if private:
        click.echo("Private: visitors log in as user `archive` with the archive's password.",
                   err=True)
    elif sharing.beyond_this_machine(host):
        click.echo("Warning: this archive is not private: anyone who can reach these addresses "
                   "can read all of it. Serve it with --private (docs/privacy.md), or on "
                   "--host 127.0.0.1.", err=True)
    run_server(cfg.database, cfg.media_dir, host=host, port=port, allow_sql=allow_sql,
               private=private, events=cfg.events)

from .commands.backup import backup  # noqa: E402
from .commands.curate import curate  # noqa: E402
from .commands.forget import forget  # noqa: E402
from .commands.password import password  # noqa: E402
from .commands.schedule import schedule  # noqa: E402
from .commands.status import status  # noqa: E402

cli.add_command(curate)
cli.add_command(password)
cli.add_command(forget)
cli.add_command(status)
cli.add_command(backup)
cli.add_command(schedule)
from .commands.publish import publish  # noqa: E402

cli.add_command(publish)
