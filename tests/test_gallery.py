"""The gallery page of an event, in-process: one tile per picture with every post that shared
it, filters as query parameters, the JSON form, failures explained, thumbnails served."""

from __future__ import annotations

import asyncio

import pytest

from eventarchive.datasette.app import make_datasette
from test_photos_download import EVENT, add_posts, run_stage, write_config

pytest_plugins = ["test_photos_download"]


@pytest.fixture
def gallery_archive(tmp_path, store, served):
    cfg = write_config(tmp_path)
    add_posts(store, served)
    run_stage(store, cfg)
    return make_datasette(store.path, cfg.media_dir)


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_gallery_json_groups_copies_and_explains_failures(gallery_archive):
    response = get(gallery_archive, f"/-/events/{EVENT}/gallery.json")
    assert response.status_code == 200
    photos = response.json()["photos"]
    stored = [p for p in photos if p["status"] == "stored"]
    # photo.jpg, its copy at another address and its resized copy are one picture.
    assert len(stored) == 3
    shared = next(p for p in stored if len(p["posts"]) == 3)
    assert shared["width"] == 800 and shared["full"].endswith(".jpg")
    assert shared["thumb"].startswith("/media/thumbs/") and shared["alt"] == "post about photo.jpg"
    assert [p["published_at"] for p in photos] == sorted(p["published_at"] for p in photos)
    why = {p["original"].rsplit("/", 1)[-1]: p["why"] for p in photos if p["status"] != "stored"}
    assert "HTML page" in why["error.jpg"] and "deleted" in why["deleted.jpg"]
    assert all(p["thumb"] is None for p in photos if p["status"] != "stored")
    thumb = get(gallery_archive, shared["thumb"])
    assert thumb.status_code == 200 and thumb.content[:4] == b"RIFF"


def test_gallery_page_filters_and_names_every_link(gallery_archive):
    page = get(gallery_archive, f"/-/events/{EVENT}/gallery?day=2011-10-21&platform=mastodon")
    assert page.status_code == 200
    html = page.text
    assert 'loading="lazy"' in html and 'alt="post about photo.jpg"' in html
    assert "Not kept: an HTML page, not a picture" in html
    assert '<option value="mastodon" selected>' in html
    assert "/-/eventarchive/gallery.css" in html
    none = get(gallery_archive, f"/-/events/{EVENT}/gallery.json?platform=flickr").json()
    assert none["photos"] == [] and none["filters"]["platform"] == "flickr"
    assert get(gallery_archive, "/-/events/nope/gallery").status_code == 404
    css = get(gallery_archive, "/-/eventarchive/gallery.css")
    assert css.status_code == 200 and "max-width: 480px" in css.text


def test_home_page_links_each_gallery(gallery_archive):
    home = get(gallery_archive, "/")
    assert f'href="/-/events/{EVENT}/gallery"' in home.text
