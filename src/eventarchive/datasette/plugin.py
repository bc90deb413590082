"""The archive's Datasette plugin (registered through the ``datasette`` entry point)."""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value, column, table, database, datasette):
    """Links open the original; media stored locally show as thumbnails."""
    if not isinstance(value, str) or not value:
        return None
    if column in ("url", "original") and value.startswith(("https://", "http://")):
        return Markup(f'<a href="{escape(value)}" rel="nofollow noopener">{escape(value)}</a>')
    local_photo = (table == "media" and column == "path") or (table is None and column == "photo")
    if local_photo and value.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")):
        src = f"/media/{escape(value)}"
        return Markup(f'<a href="{src}"><img src="{src}" alt="" style="max-height:6em"></a>')
    return None


@hookimpl
def asgi_wrapper(datasette):
    """A private archive (`serve --private`) shows strangers the login page and nothing else,
    static mounts such as /media/ and plugin routes included."""
    from .private import guard

    return guard(datasette)


@hookimpl
def register_routes():
    """Pages of the archive's own, each in its module."""
    from . import status

    return [*status.routes()]
