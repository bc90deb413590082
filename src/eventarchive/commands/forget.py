"""``eventarchive forget``: a takedown that sticks (erasure.py, suppression.py)."""

from __future__ import annotations

import sys

import click

from ..errors import ConfigError
from ..options import event_option


@click.command()
@click.option("--item", "items", multiple=True, metavar="ID", help="An item, e.g. twitter:123.")
@click.option("--author", "authors", multiple=True, metavar="ID",
              help="Everything by an author, e.g. twitter:398120457.")
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="A page or article by its address (as linked, or where it led), and the "
                   "links pointing at it.")
@event_option
@click.option("--reason", metavar="TEXT",
              help="Why, shown on the public takedown page (no names: it is public).")
@click.option("--no-vacuum", is_flag=True,
              help="Skip the one-time rebuild (VACUUM) of an archive an older version "
                   "created (see docs/security.md).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.pass_obj
def forget(state, items, authors, urls, event_slug, reason, no_vacuum, yes):
    """Erase items for good: a takedown request, or an event you no longer keep.

    Removes the items with their photos, thumbnails, links, hashtags, event membership, full
    text and WARC records, and their authors once nothing of theirs is left; --url removes a
    page or article and every link to it. The erased text is scrubbed from the database file
    (what a write frees is zeroed; an archive an older version made is rebuilt once with
    VACUUM). A suppression record (a hash, a date, the reason; never the content) keeps later
    imports and fetches from bringing it back, and is listed at /-/takedowns. Copies made
    before (backups, exports, the Wayback Machine) are not touched: docs/security.md.

    \b
    Example:
        eventarchive forget --author twitter:398120457 --reason "asked by the author"
        eventarchive forget --url https://example.org/2011/10/notes --yes
        eventarchive forget --item mastodon:https://example.social/users/jo/statuses/1 --yes
    """
    from ..erasure import Request, targets
    from ..erasure import forget as run_forget
    from ..lock import ArchiveLock

    request = Request(list(items), list(authors), list(urls), event_slug, reason)
    if not request:
        raise ConfigError("say what to forget: --item ID, --author ID, --url URL or --event SLUG")
    cfg = state.config
    store = state.writable_store()
    if event_slug and not store.conn.execute("SELECT 1 FROM events WHERE slug = ?",
                                             (event_slug,)).fetchone():
        raise ConfigError(f"--event {event_slug}: no such event in {store.path}")
    found = targets(store, request)
    what = f"{len(found.items)} items" + (f" and event {event_slug}" if event_slug else "")
    if not yes:
        if not sys.stdin.isatty():
            raise ConfigError(f"this would delete {what} from {store.path}; add --yes to "
                              "confirm when running without a terminal")
        click.confirm(f"Delete {what} from {store.path} for good?", abort=True, err=True)
    with ArchiveLock(cfg.database):
        done = run_forget(store, request, found, cfg.media_dir, vacuum=not no_vacuum)
    warc = (f", {done.warc_records} WARC records from {done.warc_files} files"
            if done.warc_records else "")
    click.echo(f"Forgot {done.items} items and {done.files} photo files{warc}.")
    if not done.wal_emptied:
        click.echo("Note: a reader (Datasette?) kept the write-ahead log from being emptied; "
                   "erased text may stay in the -wal file until the next forget or restart.",
                   err=True)
