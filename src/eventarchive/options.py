"""Shared click options, declared once."""

from __future__ import annotations

from pathlib import Path

import click

event_option = click.option(
    "--event", "event_slug", metavar="SLUG", help="Event slug, e.g. coproduction-2011.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def path_argument(name: str = "path"):
    return click.argument(name, type=click.Path(exists=True, path_type=Path))
