"""`export --format site`: the story as plain files that open from disk: paged like the live
page, every link relative and pointing at a file the folder holds, the photos copied in, and a
folder that is not an earlier export left alone."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import STORY_EVENT, build_story
from eventarchive.cli import cli
from eventarchive.datasette.app import make_datasette
from eventarchive.datasette.static_site import MANIFEST, export_site
from photo_fixtures import jpeg, picture

SLUG = STORY_EVENT.slug
SIZE = 4  # cards a page holds in these tests (the live page holds 50)


def story_archive(tmp_path: Path) -> tuple[Path, Path]:
    """The story fixture, its photo stored with a thumbnail (the photos stage's result)."""
    db = build_story(tmp_path / "story.db")
    media = tmp_path / "media"
    (media / "photos").mkdir(parents=True)
    (media / "thumbs").mkdir()
    (media / "photos" / "doors.jpg").write_bytes(jpeg(picture(800, 600), gps=False))
    (media / "thumbs" / "doors.jpg").write_bytes(jpeg(picture(320, 240), gps=False))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE media SET status = 'stored', thumb_path = 'thumbs/doors.jpg', "
                     "width = 800, height = 600 WHERE id = 'twitter:m2'")
    return db, media


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("site")
    db, media = story_archive(tmp)
    export_site(db, media, SLUG, tmp / "site", size=SIZE)
    return tmp / "site", db, media


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def problems(site: Path) -> list[str]:
    """Every href and src: an http(s) address, or relative to a file the folder holds (and
    to an element that exists, for a #fragment)."""
    found = []
    for page in html_files(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(lambda t: t.has_attr("href") or t.has_attr("src")):
            url = tag.get("href") or tag.get("src")
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                continue
            if parts.scheme or url.startswith("/") or parts.netloc:
                found.append(f"{page.name}: not relative: {url}")
                continue
            target = page.parent / unquote(parts.path) if parts.path else page
            if not target.is_file():
                found.append(f"{page.name}: missing file: {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                if ids.find(id=unquote(parts.fragment)) is None:
                    found.append(f"{page.name}: no #{parts.fragment} in {target.name}")
    return found


def card_ids(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["id"] for a in soup.select("article.ea-card:not(.ea-comment)")]


def test_every_link_is_relative_and_every_file_is_there(exported):
    site, _, media = exported
    assert (site / "index.html").is_file()
    assert not problems(site)
    for page in html_files(site):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<form" not in text, page.name
    # The photo's thumbnail shows in its card and links to the full-size copy; both copied.
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    photo = soup.select_one("#item-twitter\\:2 .ea-photos a")
    assert photo["href"] == "media/photos/doors.jpg"
    assert photo.img["src"] == "media/thumbs/doors.jpg" and photo.img["alt"] == "The open doors"
    thumb = "thumbs/doors.jpg"
    assert (site / "media" / thumb).read_bytes() == (media / thumb).read_bytes()
    # Hashtags searched the live story; in the copy they are words.
    assert "#lambethcoop" in soup.select_one("#item-twitter\\:1 .ea-text").get_text()
    # Each card's own link is its anchor; a reply's context points at its parent's card.
    reply = BeautifulSoup((site / "page-3.html").read_text(encoding="utf-8"), "html.parser")
    assert reply.select_one("#item-twitter\\:6 .ea-context a")["href"] == \
        "index.html#item-twitter:2"
    assert reply.select_one("#item-twitter\\:6 .ea-card-foot a")["href"] == \
        "page-3.html#item-twitter:6"
    gallery = BeautifulSoup((site / "gallery.html").read_text(encoding="utf-8"), "html.parser")
    assert gallery.select_one(".ea-gallery-grid img")["src"] == "media/thumbs/doors.jpg"


def test_paged_like_the_live_page(exported):
    site, db, media = exported
    pages = [site / "index.html", *sorted(site.glob("page-*.html"),
                                          key=lambda p: int(p.stem.split("-")[1]))]
    live = asyncio.run(_live(db, media))
    assert len(pages) == math.ceil(live["total"] / SIZE) == 3
    # The same cards in the same order as the live page shows them, none twice.
    assert [i for p in pages for i in card_ids(p)] == \
        [f"item-{c['id']}" for c in live["items"] if c["kind"] != "comment"]
    for number, page in enumerate(pages, start=1):
        nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            "nav.ea-pages")
        links = {a.get_text(): a["href"] for a in nav.find_all("a")}
        assert f"Page {number} of 3" in nav.get_text()
        assert links.get("Previous page") == (None if number == 1 else pages[number - 2].name)
        assert links.get("Next page") == (None if number == 3 else pages[number].name)


async def _live(db: Path, media: Path) -> dict:
    ds = make_datasette(db, media)
    response = await ds.client.get(f"/-/events/{SLUG}.json")
    return response.json()


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_writes_a_new_folder_and_refuses_one_that_holds_other_files(tmp_path):
    db, media = story_archive(tmp_path)
    config = tmp_path / "archive.toml"
    config.write_text(f'database = "{db}"\nmedia_dir = "{media}"\n')
    site = tmp_path / "out" / "site"
    result = run("--config", config, "export", "--event", SLUG, "--format", "site", "-o", site)
    assert result.exit_code == 0, result.output
    assert f"open {site / 'index.html'}" in result.output
    assert (site / "media/thumbs/doors.jpg").is_file() and not problems(site)

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    result = run("--config", config, "export", "--event", SLUG, "--format", "site", "-o", theirs)
    assert result.exit_code == 2
    assert "not empty and holds no earlier export" in result.output
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    result = run("--config", config, "export", "--event", SLUG, "--format", "site")
    assert result.exit_code == 2 and "needs -o DIR" in result.output


def test_a_second_export_replaces_only_the_files_the_first_wrote(tmp_path):
    db, media = story_archive(tmp_path)
    site = tmp_path / "site"
    export_site(db, media, SLUG, site, size=SIZE)
    assert (site / "page-3.html").is_file()
    (site / "CNAME").write_text("story.example.org")  # the publisher's own file
    (media / "thumbs" / "doors.jpg").unlink()  # the thumbnail is gone: the full size shows

    done = export_site(db, media, SLUG, site, size=50, site_url="https://story.example.org")
    assert done.pages == 1
    assert not (site / "page-2.html").exists() and not (site / "page-3.html").exists()
    assert not (site / "media/thumbs").exists()
    assert (site / "CNAME").read_text() == "story.example.org"
    assert "page-2.html" not in (site / MANIFEST).read_text()
    assert not problems(site)
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#item-twitter\\:2 .ea-photos img")["src"] == "media/photos/doors.jpg"
    # Citations name the card's address where the copy is published.
    assert soup.select_one("#item-twitter\\:2 .ea-citation").get_text().endswith(
        "at https://story.example.org/index.html#item-twitter:2.")
