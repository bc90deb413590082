"""The gallery page of an event, in-process: one tile per picture with every post that shared
it, filters as query parameters, the JSON form, failures explained, thumbnails served."""

from __future__ import annotations

import asyncio

import pytest

from eventarchive import galleryquery
from eventarchive.datasette.app import make_datasette
from eventarchive.datasette.gallery import tiles
from eventarchive.records import Batch, Item, Media
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


# -- paging: the next pictures after a cursor, each picture once -----------------------------


def many_photos(store, count: int) -> None:
    """``count`` posts with a photo each a minute apart; every fifth is the same picture
    (same bytes) as the first, so its copies fall on later pages; one post has no time."""
    store.ensure_event("big")
    batch = Batch()
    for i in range(count):
        item_id = f"mastodon:p{i}"
        batch.items.append(Item(item_id, "post", "mastodon", f"p{i}", text=f"photo {i}",
                                published_at=None if i == count - 1 else
                                f"2011-10-21T{10 + i // 60:02d}:{i % 60:02d}:00+00:00"))
        batch.media.append(Media(f"m{i:03d}", item_id, url=f"https://x.example/{i}.jpg",
                                 mime="image/jpeg",
                                 sha256="same" if i % 5 == 0 else f"sha{i}"))
    store.save(batch, "big")


def test_gallery_pages_on_with_each_picture_once(store):
    many_photos(store, 23)
    seen, after, pages = [], None, 0
    while True:
        found = galleryquery.page(store.conn, "big", {}, after, size=4)
        shown = tiles(found.rows)
        pages += 1
        assert len(shown) <= 4
        seen += [t["group"] for t in shown]
        if pages == 1:  # the shared picture lists its five posts where it was first shared
            assert len(shown[0]["posts"]) == 5 and shown[0]["group"] == "same"
        after = found.next_cursor
        if not after:
            break
    assert len(seen) == len(set(seen)) == 23 - 4  # 19 pictures: 5 posts share one
    assert seen[-1] == "sha22"  # the photo with no time comes last
    day = galleryquery.page(store.conn, "big", {"day": "2011-10-21"}, size=100)
    assert len(tiles(day.rows)) == 18  # the untimed one is on no day
    nobody = galleryquery.page(store.conn, "big", {"author": "nobody"})
    assert nobody.rows == [] and nobody.next_cursor is None


def test_gallery_next_link_and_a_big_gallery_offers_typed_filters(store, monkeypatch):
    many_photos(store, 23)
    monkeypatch.setattr(galleryquery, "PAGE_SIZE", 10)
    monkeypatch.setattr(galleryquery, "CHOICES_BOUND", 5)
    ds = make_datasette(store.path, store.path.parent / "media")
    first = get(ds, "/-/events/big/gallery.json?platform=mastodon").json()
    assert len(first["photos"]) == 10 and "platform=mastodon" in first["next"]
    second = get(ds, first["next"]).json()
    assert {p["group"] for p in first["photos"]}.isdisjoint(p["group"] for p in second["photos"])
    html = get(ds, "/-/events/big/gallery").text
    assert 'rel="next"' in html and 'type="text" name="author"' in html
    assert '<option value="mastodon">' in html and '<option value="2011-10-21">' in html
    bad = get(ds, "/-/events/big/gallery?after=nonsense")
    assert bad.status_code == 200 and "not one of this gallery" in bad.text
