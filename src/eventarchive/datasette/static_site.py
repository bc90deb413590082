"""``eventarchive export --format site``: an event's story as a static website.

The pages are the live story's own: the same context functions (``story.story_context``, the
gallery's ``tiles``) rendered through the same templates by the same Datasette, with
``ea_static`` set so they leave out what needs the server (filters, search, the feed, JSON,
the menu). Then every address is made relative (``localise``): the story's pages become
``index.html``, ``page-2.html`` …, an item's permalink becomes its card's anchor on the page
that shows it, ``/media/…`` files and the CSS are copied in, and a link to anything the copy
does not hold (a hashtag's search, a hidden item) is unwrapped to its text. No script, no
absolute path, no missing file: the folder opens from disk or from any web host.

The export writes into a staging folder next to the target and moves its files in at the end;
a target must be new, empty or a previous export (its manifest lists the files it wrote, and
only those are replaced or removed).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import datasette
from bs4 import BeautifulSoup
from markupsafe import Markup

from .. import galleryquery
from ..config import Event
from ..errors import ConfigError
from ..story_cards import Card, citation, item_path
from .app import make_datasette
from .gallery import tiles
from .story import event_config, story_context, story_url

HERE = Path(__file__).parent
MANIFEST = ".eventarchive-export.json"
DATASETTE_STATIC = Path(datasette.__file__).parent / "static"
KEPT_SCHEMES = ("http", "https", "mailto", "data")
GALLERY_LIMIT = 1000


@dataclass
class SiteExport:
    """What an export wrote: the story's items and pages, the photos copied, every file."""
    items: int
    pages: int
    photos: int
    files: int
    gallery: bool


class Links:
    """Where each of the live pages' absolute addresses goes in the copy, and the files the
    copy must hold for it."""

    def __init__(self, slug: str, media_dir: Path | None):
        self.slug = slug
        self.story = story_url(slug)
        self.media_dir = Path(media_dir) if media_dir else None
        self.copies: dict[str, Path] = {}  # file in the copy ► file it is copied from
        self.anchors: dict[str, str] = {}  # an item's permalink ► "page-N.html#item-ID"
        self.pages: dict[str, str] = {}  # a live page's path ► the copy's file

    def media_file(self, url: str | None) -> tuple[str, Path] | None:
        """``/media/PATH`` ► (its name in the copy, the stored file), when the file exists."""
        if not url or not url.startswith("/media/") or self.media_dir is None:
            return None
        rel = posixpath.normpath(unquote(urlsplit(url).path[len("/media/"):]))
        if rel.startswith(("../", "/")) or rel in ("..", "."):
            return None
        source = self.media_dir / rel
        return (f"media/{rel}", source) if source.is_file() else None

    def resolve(self, url: str, written: set[str] | None = None) -> str | None:
        """The copy's address for ``url``; None when the copy cannot hold what it names."""
        url = url.strip()
        if url.startswith("#"):
            return url
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
        if scheme:
            return url if scheme.group(1).lower() in KEPT_SCHEMES else None
        if not url.startswith("/"):
            target = url.split("#", 1)[0]
            return url if written is None or not target or target in written else None
        parts = urlsplit(url)
        found = None
        if parts.path in self.anchors and not parts.query:
            found = self.anchors[parts.path]
        elif parts.path in self.pages and not parts.query:
            found = self.pages[parts.path] + (f"#{parts.fragment}" if parts.fragment else "")
        elif parts.path.startswith("/media/"):
            media = self.media_file(url)
            if media:
                self.copies[media[0]] = media[1]
                found = quote(media[0])
        else:
            for prefix, folder, into in (("/-/static/", DATASETTE_STATIC, "assets/datasette/"),
                                         ("/-/eventarchive/", HERE / "static", "assets/")):
                name = parts.path[len(prefix):]
                if parts.path.startswith(prefix) and "/" not in name and (folder / name).is_file():
                    self.copies[into + name] = folder / name
                    found = into + name
        if found is None:
            return None
        target = unquote(found.split("#", 1)[0])
        return found if written is None or target in written or target in self.copies else None


def localise(html: str, links: Links, written: set[str]) -> str:
    """The page with every address relative and every script gone; a link to what the copy
    does not hold keeps its words and loses its link; an image or stylesheet is left out."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        script.decompose()
    for attr in ("href", "src", "action"):
        for tag in soup.find_all(attrs={attr: True}):
            if tag.parent is None and tag is not soup:
                continue  # inside something already left out
            new = links.resolve(tag[attr], written)
            if new is not None:
                tag[attr] = new
            elif tag.name == "a":
                tag.unwrap()
            else:
                tag.decompose()
    return str(soup)


def export_site(database: Path, media_dir: Path | None, slug: str, out: Path,
                events: list[Event] = (), size: int | None = None,
                site_url: str = "") -> SiteExport:
    """Write the story of ``slug`` as a static site in the folder ``out``. ``size``: cards a
    page holds (the live page's by default); ``site_url``: where the copy will be published,
    for the citations (without it they name the card's page in the copy)."""
    out = Path(out)
    previous = _previous_files(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        result, files = asyncio.run(_render(database, media_dir, slug, staging, events, size,
                                            site_url.rstrip("/") + "/" if site_url else ""))
        _move_in(staging, out, files, previous, slug)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _previous_files(out: Path) -> set[str]:
    if not out.exists():
        return set()
    if not out.is_dir():
        raise ConfigError(f"-o {out}: a file; --format site writes a folder, name a new one")
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"-o {out}: its {MANIFEST} cannot be read; export into a new "
                              "folder") from None
        return {f for f in files if isinstance(f, str) and ".." not in f.split("/")}
    if any(out.iterdir()):
        raise ConfigError(f"-o {out}: the folder is not empty and holds no earlier export; "
                          "name a new or empty folder")
    return set()


def _move_in(staging: Path, out: Path, files: list[str], previous: set[str],
             slug: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
    for name in sorted(previous - set(files)):
        (out / name).unlink(missing_ok=True)
        parent = (out / name).parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    manifest = {"event": slug, "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": files}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(staging / MANIFEST, out / MANIFEST)


async def _render(database, media_dir, slug, staging: Path, events, size, site_url):
    from .. import storyquery as sq

    size = size or sq.PAGE_SIZE
    ds = make_datasette(Path(database), None, events=list(events))
    await ds.invoke_startup()
    db = ds.get_database()
    cfg = event_config(ds, slug)
    links = Links(slug, media_dir)
    today = datetime.now(UTC).date().isoformat()
    footer = Markup("A copy of this story exported by eventarchive on {}. The archive itself "
                    "also has search, filters and a feed.").format(today)
    gallery = await _gallery(ds, db, slug, links, footer)
    links.pages[links.story] = "index.html"
    if gallery:
        links.pages[f"{links.story}/gallery"] = "gallery.html"
    written = {"gallery.html"} if gallery else set()
    if gallery:
        (staging / "gallery.html").write_text(gallery, encoding="utf-8")
    after, number, items = None, 0, 0
    while True:
        number += 1
        name = _page_name(number)
        args = {"after": after} if after else {}
        context = await db.execute_fn(
            lambda conn, args=args: story_context(conn, slug, args, cfg, "", size))
        if "missing" in context:
            raise ConfigError(f"--event {slug}: no such event in {database}")
        items = context["total"]
        _prepare(context["cards"], links, name, site_url)
        pages = max(1, math.ceil(context["total"] / size))
        context.update(
            next_url=_page_name(number + 1) if context["next_cursor"] else None,
            ea_static={"page": number, "pages": max(pages, number),
                       "prev": _page_name(number - 1) if number > 1 else None,
                       "gallery": "gallery.html" if gallery else None,
                       "home": f"{context['event']['name'] or slug}: the story",
                       "footer": footer})
        html = await ds.render_template("story.html", context, request=None)
        (staging / name).write_text(html, encoding="utf-8")  # made relative below
        written.add(name)
        after = context["next_cursor"]
        if not after:
            break
    for name in written:  # now that every card's page is known
        page = staging / name
        page.write_text(localise(page.read_text(encoding="utf-8"), links, written),
                        encoding="utf-8")
    photos = 0
    for name, source in links.copies.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        photos += name.startswith("media/")
    files = sorted([*written, *links.copies])
    return SiteExport(items=items, pages=number, photos=photos, files=len(files),
                      gallery=bool(gallery)), files


def _page_name(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def _walk(cards: list[Card]):
    for c in cards:
        yield c
        yield from _walk(c.comments)


def _prepare(cards: list[Card], links: Links, page: str, site_url: str) -> None:
    """Photos the copy cannot hold are described, not shown; each card's item ids point at
    its anchor on this page; citations name the copy's address of the card."""
    for c in _walk(cards):
        for p in c.photos:
            p["full"] = p["full"] if links.media_file(p["full"]) else None
            p["src"] = p["src"] if links.media_file(p["src"]) else p["full"]
        anchor = f"{page}#item-{quote(c.id, safe=':@!$&()*+,;=-._~/')}"
        for item_id in c.item_ids:
            links.anchors.setdefault(item_path(links.slug, item_id), anchor)
        c.citation = citation(replace(c, base_url=site_url, permalink=anchor))


async def _gallery(ds, db, slug: str, links: Links, footer: Markup) -> str | None:
    """The event's photo gallery, unfiltered, when the event has photos."""
    found = await db.execute_fn(lambda conn: galleryquery.page(conn, slug, {}, None,
                                                                GALLERY_LIMIT))
    shown = tiles(found.rows)
    if not shown:
        return None
    for tile in shown:
        tile["full"] = tile["full"] if links.media_file(tile["full"]) else None
        if not links.media_file(tile["thumb"]):
            tile["thumb"] = tile["full"]
        if not tile["thumb"] and not tile["why"]:
            tile["why"] = "not copied into this export"
    event = (await db.execute("select slug, name from events where slug = ?", [slug])).first()
    context = {"event": dict(event), "photos": shown, "filters": {}, "json_url": None,
               "truncated": found.next_cursor is not None, "platforms": [], "authors": [],
               "days": [], "ea_static": {"home": f"{event['name'] or slug}: the story",
                                         "footer": footer}}
    return await ds.render_template("gallery.html", context, request=None)

