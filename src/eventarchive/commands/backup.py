"""`eventarchive backup PATH`: a verified copy of the archive and its media, made while fetches
and Datasette keep running."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True,
              help="Only verify the backup already in PATH (integrity, full-text index, "
                   "photo hashes); write nothing.")
def backup(path, check):
    """Copy the archive, its media folder and config into the folder PATH, then verify it.

    Safe while `fetch` and `serve` run: the database is copied as one consistent snapshot
    (VACUUM INTO), photos are hard-linked when PATH is on the same disk (else only new and
    changed files are copied), and photos forgotten since the last backup go from PATH too.
    Run it again into the same PATH to refresh it. Restoring: docs/operations.md.
    Exit code 1, with one line, when the copy cannot be written or does not verify.

    \b
    Example:
        eventarchive backup /mnt/usb/eventarchive-backup
        eventarchive backup /mnt/usb/eventarchive-backup --check
    """
    from .. import backup as backups

    state = click.get_current_context().obj
    cfg = state.config
    if check:
        result = backups.verify(path, cfg.database.name)
        click.echo(f"Backup {result.database} verified: integrity ok, full-text index ok, "
                   f"{result.items} items, {result.hashed} file hashes ok.")
        return
    state.store().close()  # one clear line when there is no archive, or it is not SQLite
    result = backups.backup(cfg.database, cfg.media_dir, path, cfg.path)
    click.echo(result.summary())
