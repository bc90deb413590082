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
    local_photo = ((table == "media" and column in ("path", "thumb_path"))
                   or (table is None and column == "photo"))
    if local_photo and value.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")):
        src = f"/media/{escape(value)}"
        name = escape(value.rsplit("/", 1)[-1])
        return Markup(f'<a href="{src}"><img src="{src}" alt="Photo {name}" '
                      'style="max-height:6em"></a>')
    return None


@hookimpl
def asgi_wrapper(datasette):
    """A private archive (`serve --private`) shows strangers the login page and nothing else,
    static mounts such as /media/ and plugin routes included. An event's timeline page is its
    story (timeline.py). Big tables' pages skip their full count (counts.py); an empty search
    box shows the table unsearched (browse_search.py)."""
    from .browse_search import drop_empty_search
    from .counts import no_full_counts
    from .private import guard
    from .timeline import redirect

    locked = guard(datasette)
    return lambda app: locked(redirect(drop_empty_search(no_full_counts(app))))


@hookimpl
def startup(datasette):
    """The database page counts each table only up to a bound (counts.py)."""
    from .counts import bound_table_counts

    for db in datasette.databases.values():
        if db.is_mutable and not db.is_memory:
            bound_table_counts(db)

@hookimpl
def filters_from_request(request, database, table, datasette):
    """A browse search for a word with few hits looks them up instead of walking every item
    by date (browse_search.py); the rows, counts and facets are the same."""
    from .browse_search import lookup_clause

    return lookup_clause(request, database, table, datasette)

# -- the story page, its feed and the accessible templates (story worker) -------------------------

@hookimpl
def prepare_jinja2_environment(env, datasette):
    """``|ea_url``: an address from the archive's content as a link target, only when it is a
    web address; anything else (``javascript:``, ``data:`` …) links nowhere."""
    env.filters["ea_url"] = web_url


def web_url(value) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


@hookimpl
def register_routes(datasette):
    """Every page the project adds; each module holds its own routes."""
    from . import gallery, status, story, takedowns

    return [*story.ROUTES, *gallery.ROUTES, *takedowns.routes(), *status.routes()]


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    return ["/-/eventarchive/eventarchive.css"]


@hookimpl
def extra_template_vars(template, database, view_name, request, datasette):
    """The archive's events, for the home page's story links and the search page's select."""
    if template not in ("index.html", "query.html", "story.html", "story_item.html") \
            and not template.startswith("query-"):
        return {}

    from ..story_cards import PLATFORM_NAMES, Zone, item_path
    from .story import event_config

    def local_time(published_at, slug):
        zone = Zone.from_config(event_config(datasette, slug or "").get("utc_offset"))
        shown = zone.show(published_at)
        return f"{shown} ({zone.label})" if shown else "time unknown"

    async def events():
        db = datasette.get_database()
        found = []
        if "events" in await db.table_names():
            found = [dict(r) for r in await db.execute(
                "SELECT slug, name, starts_at FROM events ORDER BY starts_at DESC, name")]
        return {"ea_events": found, "ea_time": local_time, "ea_item_path": item_path,
                "ea_platform": lambda p: PLATFORM_NAMES.get(p, p)}

    return events
# -- the photo gallery (photos worker) ------------------------------------------------------------

