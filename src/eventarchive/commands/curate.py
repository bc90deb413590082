"""``eventarchive curate``: pin, hide, move and annotate an event's story, or edit it as a CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import curation_csv
from ..curation import Curation
from ..errors import ConfigError

EXCERPT = 60


def _curation(ctx: click.Context) -> Curation:
    return ctx.find_object(Curation)


@click.group(invoke_without_command=True)
@click.option("--event", "event_slug", metavar="SLUG", required=True,
              help="Event slug, e.g. coproduction-2011.")
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Write the story's curation to a CSV file for a spreadsheet.")
@click.option("--import", "import_path",
              type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="Apply a CSV file edited in a spreadsheet (pinned, hidden, after, "
                   "annotations).")
@click.pass_context
def curate(ctx, event_slug, export_path, import_path):
    """Curate an event's story: pin, hide, move and annotate its items.

    Without a command, lists the story in order with each item's id. Hidden items leave the
    story but stay in the archive and in search. Curation is kept apart from the items, so
    re-imports and fetches never undo it. See docs/curation.md for the CSV columns.

    \b
    Example:
        eventarchive curate --event coproduction-2011 pin twitter:127322096161366019
        eventarchive curate --event coproduction-2011 annotate --after start "Doors opened at 9."
        eventarchive curate --event coproduction-2011 --export story.csv
        eventarchive curate --event coproduction-2011 --import story.csv
    """
    store = ctx.obj.writable_store()
    if not store.conn.execute("SELECT 1 FROM events WHERE slug = ?", (event_slug,)).fetchone():
        raise ConfigError(f"--event {event_slug}: no such event in {store.path}")
    ctx.obj = cur = store.curation(event_slug)
    if export_path and import_path:
        raise ConfigError("--export and --import: one at a time")
    if (export_path or import_path) and ctx.invoked_subcommand:
        raise ConfigError(f"--export/--import cannot be combined with {ctx.invoked_subcommand}")
    if export_path:
        partial = export_path.with_name(export_path.name + ".part")
        with open(partial, "w", encoding="utf-8-sig", newline="") as out:
            items, notes = curation_csv.write(cur.story(), out)
        partial.replace(export_path)
        click.echo(f"Wrote {items} items and {notes} annotations to {export_path}.", err=True)
    elif import_path:
        _import(cur, import_path)
    elif ctx.invoked_subcommand is None:
        _list(cur)


def _import(cur: Curation, path: Path) -> None:
    items, notes, problems = curation_csv.read(path)
    problems += cur.apply(items, notes)
    for where, reason in problems:
        click.echo(f"{where}: {reason}", err=True)
    refused = {where for where, _ in problems}
    applied = sum(1 for e in items if e.where not in refused)
    click.echo(f"Applied {applied} item rows"
               + (f" and {len(notes)} annotation rows" if notes is not None else "")
               + f" to event {cur.event}.")
    if problems:
        click.echo(f"Error: {len(problems)} rows could not be applied; the rest were. Fix them "
                   "and import again.", err=True)
        sys.exit(1)


def _list(cur: Curation) -> None:
    story = cur.story()

    def note(note_id: int, text: str) -> None:
        click.echo(f"     [annotation {note_id}] {' '.join(text.split())}")

    for note_id, text in story.top:
        note(note_id, text)
    position = 0
    for e in story.entries:
        flags = ",".join(f for f, on in (("pinned", e.pinned), ("hidden", e.hidden),
                                          (f"after {e.after}", e.after)) if on)
        if not e.hidden:
            position += 1
        text = " ".join((e.text or "").split())
        text = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
        click.echo(f"{position if not e.hidden else '-':>4} {e.item_id}  "
                   f"{(e.published_at or '')[:16]}  @{e.author or '?'}: {text}"
                   + (f"  ({flags})" if flags else ""))
        for note_id, text in e.annotations:
            note(note_id, text)


def _done(message: str) -> None:
    click.echo(message)


@curate.command(name="list")
@click.pass_context
def list_(ctx):
    """List the story in order: position, id, time, author, text, and what was curated.

    \b
    Example:
        eventarchive curate --event coproduction-2011 list
    """
    _list(_curation(ctx))


@curate.command()
@click.argument("item_id", metavar="ID")
@click.pass_context
def pin(ctx, item_id):
    """Show an item at the top of the story (pins keep the order they were made in).

    \b
    Example:
        eventarchive curate --event coproduction-2011 pin twitter:127322096161366019
    """
    cur = _curation(ctx)
    cur.pin(item_id)
    _done(f"Pinned {item_id} at the top of {cur.event}'s story.")


@curate.command()
@click.argument("item_id", metavar="ID")
@click.pass_context
def hide(ctx, item_id):
    """Leave an item out of the story; it stays in the archive and in search.

    \b
    Example:
        eventarchive curate --event coproduction-2011 hide twitter:127322096161366019
    """
    cur = _curation(ctx)
    cur.hide(item_id)
    _done(f"Hid {item_id} from {cur.event}'s story (still in the archive and search).")


@curate.command()
@click.argument("item_id", metavar="ID")
@click.pass_context
def show(ctx, item_id):
    """Undo hide and pin: the item is back in the story at its own place.

    \b
    Example:
        eventarchive curate --event coproduction-2011 show twitter:127322096161366019
    """
    cur = _curation(ctx)
    cur.show(item_id)
    _done(f"{item_id} is shown in {cur.event}'s story, neither hidden nor pinned.")


@curate.command()
@click.argument("item_id", metavar="ID")
@click.option("--after", "after", metavar="ID", help="The item to show it right after.")
@click.option("--back", is_flag=True, help="Put it back in timeline order.")
@click.pass_context
def move(ctx, item_id, after, back):
    """Show an item right after another one in the story.

    \b
    Example:
        eventarchive curate --event coproduction-2011 move twitter:2 --after twitter:1
        eventarchive curate --event coproduction-2011 move twitter:2 --back
    """
    if bool(after) == back:
        raise ConfigError("move: say where, --after ID, or --back for timeline order")
    cur = _curation(ctx)
    cur.move(item_id, None if back else after)
    _done(f"Moved {item_id} back to its time." if back else f"Moved {item_id} after {after}.")


@curate.command()
@click.argument("text")
@click.option("--after", "after", metavar="ID", default="start", show_default=True,
              help="The item it follows; `start` for the top of the story.")
@click.pass_context
def annotate(ctx, text, after):
    """Add the curator's words to the story, after an item or at the top.

    \b
    Example:
        eventarchive curate --event coproduction-2011 annotate "Doors opened at 9."
        eventarchive curate --event coproduction-2011 annotate --after twitter:1 "Then it rained."
    """
    if not text.strip():
        raise ConfigError("annotate: the text is empty")
    cur = _curation(ctx)
    note_id = cur.annotate(text.strip(), None if after == curation_csv.START else after)
    _done(f"Added annotation {note_id} "
          + ("at the top" if after == curation_csv.START else f"after {after}") + ".")


@curate.command()
@click.argument("annotation_id", type=int, metavar="N")
@click.pass_context
def unannotate(ctx, annotation_id):
    """Delete an annotation (its number is in `list`).

    \b
    Example:
        eventarchive curate --event coproduction-2011 unannotate 3
    """
    cur = _curation(ctx)
    cur.unannotate(annotation_id)
    _done(f"Deleted annotation {annotation_id}.")
