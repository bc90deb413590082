"""The photo stage end to end: real pictures and broken ones served on 127.0.0.1, downloaded by
`eventarchive fetch --source media`, verified, measured, deduplicated and thumbnailed."""

from __future__ import annotations

import io
import sqlite3

import pytest
from PIL import Image
from werkzeug import Response

from eventarchive.config import load
from eventarchive.fetching import fetch
from eventarchive.records import Batch, Item, Media
from eventarchive.sources import media as stage
from eventarchive.store import Store
from photo_fixtures import HTML_PAGE, encoded, jpeg, near_duplicate, picture

EVENT = "lambethcoop-2011"
CAP = 400_000


def write_config(tmp_path, extra: str = "") -> object:
    path = tmp_path / "config" / "eventarchive.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'''
[[events]]
slug = "{EVENT}"
name = "Lambeth Co-op Day"
[sources.media]
max_bytes = {CAP}
[fetch]
allow_private_addresses = true
retries = 0
{extra}''')
    return load(path)


def serve(httpserver, files: dict[str, tuple[int, bytes, str]]) -> dict[str, str]:
    for name, (status, body, mime) in files.items():
        httpserver.expect_request(f"/{name}").respond_with_response(
            Response(body, status=status, content_type=mime))
    return {name: httpserver.url_for(f"/{name}") for name in files}


def add_posts(store: Store, urls: dict[str, str]) -> None:
    store.ensure_event(EVENT)
    batch = Batch()
    for i, (name, url) in enumerate(urls.items()):
        item_id = f"mastodon:{i}"
        batch.items.append(Item(item_id, "post", "mastodon", str(i), text=f"post about {name}",
                                published_at=f"2011-10-21T10:{i:02d}:00+00:00"))
        batch.media.append(Media(f"mastodon:{url}", item_id, url=url, mime="image/jpeg",
                                 taken_at=None if name == "photo.jpg" else "2011-10-21"))
    store.save(batch, EVENT)


def run_stage(store, cfg):
    return fetch(store, cfg, cfg.events, ["media"], {})[0]


def rows(store) -> dict[str, dict]:
    store.conn.row_factory = sqlite3.Row
    try:
        return {r["url"].rsplit("/", 1)[-1]: dict(r)
                for r in store.conn.execute("SELECT * FROM media")}
    finally:
        store.conn.row_factory = None


@pytest.fixture
def photo_body():
    return jpeg(picture(seed=1))


@pytest.fixture
def served(httpserver, photo_body):
    big = encoded(Image.effect_noise((700, 700), 80).convert("RGB"), "PNG")
    assert len(big) > CAP
    return serve(httpserver, {
        "photo.jpg": (200, photo_body, "image/jpeg"),
        "same-photo-elsewhere.jpg": (200, photo_body, "image/jpeg"),
        "resized.jpg": (200, near_duplicate(photo_body), "image/jpeg"),
        "drawing.png": (200, encoded(picture(320, 200, seed=5), "PNG"), "image/png"),
        "photo.webp": (200, encoded(picture(400, 300, seed=9), "WEBP"), "image/webp"),
        "error.jpg": (200, HTML_PAGE, "image/jpeg"),
        "truncated.jpg": (200, photo_body[: len(photo_body) // 2], "image/jpeg"),
        "empty.jpg": (200, b"", "image/jpeg"),
        "huge.png": (200, big, "image/png"),
        "deleted.jpg": (404, b"not found", "text/plain"),
    })


def test_photos_are_kept_once_verified_measured_and_grouped(tmp_path, store, served):
    cfg = write_config(tmp_path)
    add_posts(store, served)
    run = run_stage(store, cfg)
    assert run.status == "ok", run.lines
    got = rows(store)
    media = cfg.media_dir

    photo = got["photo.jpg"]
    assert photo["status"] == "stored" and photo["mime"] == "image/jpeg"
    assert (photo["width"], photo["height"]) == (800, 600)
    assert photo["taken_at"] == "2011-10-21T10:14:33"  # from EXIF: the row had none
    assert got["resized.jpg"]["taken_at"] == "2011-10-21"  # the platform's date stays
    assert photo["camera"] == "Examplecam X100"
    assert photo["path"] == f"{photo['sha256'][:2]}/{photo['sha256']}.jpg"
    assert (media / photo["path"]).read_bytes() == served_bytes(served, "photo.jpg")
    # The same bytes from two addresses: one file; the resized copy: another file, one group.
    assert got["same-photo-elsewhere.jpg"]["path"] == photo["path"]
    assert got["resized.jpg"]["path"] != photo["path"]
    assert got["resized.jpg"]["photo_group"] == photo["photo_group"]
    # The group is named after whichever copy was stored first (downloads run concurrently).
    assert photo["photo_group"] in (photo["sha256"], got["resized.jpg"]["sha256"])
    assert got["drawing.png"]["photo_group"] != photo["photo_group"]
    assert got["drawing.png"]["path"].endswith(".png")
    assert got["photo.webp"]["mime"] == "image/webp"
    kept = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert len([k for k in kept if not k.startswith("thumbs/")]) == 4
    assert len([k for k in kept if k.startswith("thumbs/")]) == 4

    # Broken ones: failed with a reason and a next try; the deleted one is gone for good.
    assert "HTML page" in got["error.jpg"]["error"]
    assert "truncated" in got["truncated.jpg"]["error"]
    assert "0 bytes" in got["empty.jpg"]["error"]
    assert "size cap" in got["huge.png"]["error"]
    for name in ("error.jpg", "truncated.jpg", "empty.jpg", "huge.png"):
        assert got[name]["status"] == "failed" and got[name]["next_try_at"] > "2011"
        assert got[name]["path"] is None and got[name]["thumb_path"] is None
    assert got["deleted.jpg"]["status"] == "gone" and got["deleted.jpg"]["next_try_at"] is None
    assert store.photo_counts()[EVENT] == {"pending": 0, "stored": 5, "failed": 4, "gone": 1}


def served_bytes(served, name):
    import urllib.request

    with urllib.request.urlopen(served[name]) as answer:
        return answer.read()


def test_no_location_anywhere_unless_asked(tmp_path, store, served):
    cfg = write_config(tmp_path)
    add_posts(store, served)
    run_stage(store, cfg)
    photo = rows(store)["photo.jpg"]
    assert photo["location"] is None
    dump = "\n".join(store.conn.iterdump())
    assert "51.46" not in dump and "0.11" not in dump.replace("0.11.", "")
    thumb = Image.open(cfg.media_dir / photo["thumb_path"])
    assert thumb.format == "WEBP" and max(thumb.size) <= 480
    assert not thumb.getexif() and "exif" not in thumb.info
    # The original keeps its bytes (provenance), GPS included.
    original = Image.open(cfg.media_dir / photo["path"])
    assert original.getexif().get_ifd(0x8825)


def test_location_kept_when_configured(tmp_path, store, served):
    cfg = write_config(tmp_path, "[photos]\nkeep_location = true\n")
    add_posts(store, served)
    run_stage(store, cfg)
    assert rows(store)["photo.jpg"]["location"] == "51.461300,-0.115600"


def test_a_rerun_downloads_nothing_and_failures_retry_when_due(tmp_path, store, served,
                                                              httpserver):
    cfg = write_config(tmp_path)
    add_posts(store, served)
    run_stage(store, cfg)
    asked = len(httpserver.log)
    run = run_stage(store, cfg)
    assert run.queries == 0 and len(httpserver.log) == asked
    # Later, when the failures are due, only they are asked for again (not the 404).
    later = store.photos_to_download(EVENT, now="2999-01-01T00:00:00+00:00")
    assert sorted(r["url"].rsplit("/", 1)[-1] for r in later) == [
        "empty.jpg", "error.jpg", "huge.png", "truncated.jpg"]


def test_a_run_stopped_midway_counts_no_partial_file(tmp_path, store, served):
    cfg = write_config(tmp_path)
    add_posts(store, served)
    (cfg.media_dir / ".partial").mkdir(parents=True)
    (cfg.media_dir / ".partial" / "leftover.jpg.1.2.tmp").write_bytes(b"\xff\xd8half")
    query = stage.plan(_context(cfg, store))[0]
    pages = stage.fetch(_http(), query, {})
    first = next(stage_pages(pages, size=1))
    pages.close()  # killed after the first page
    store.save(first.batch, EVENT)
    done = [r for r in rows(store).values() if r["status"] != "pending"]
    assert len(done) == 1 and not list((cfg.media_dir / ".partial").iterdir())
    run = run_stage(store, cfg)  # the next run finishes the rest
    assert run.status == "ok"
    assert store.photo_counts()[EVENT]["stored"] == 5
    assert store.photo_counts()[EVENT]["pending"] == 0
    files = [p for p in cfg.media_dir.rglob("*") if p.is_file()]
    assert all(p.suffix in (".jpg", ".png", ".webp") for p in files)


def stage_pages(pages, size):
    stage.PAGE_SIZE, old = size, stage.PAGE_SIZE
    try:
        yield from pages
    finally:
        stage.PAGE_SIZE = old


def _context(cfg, store):
    from eventarchive.sources import Context

    return Context(cfg.events[0], stage.SOURCE.validate(cfg.sources["media"]), cfg.sources, {},
                   cfg.media_dir, cfg, store)


def _http():
    from eventarchive.http import Http, HttpSettings

    return Http(HttpSettings(retries=0))


def test_best_size_addresses():
    assert stage.photos.candidates("https://pbs.twimg.com/media/AbC.jpg") == [
        "https://pbs.twimg.com/media/AbC.jpg?name=orig", "https://pbs.twimg.com/media/AbC.jpg"]
    assert stage.photos.candidates(
        "https://pbs.twimg.com/media/AbC?format=jpg&name=small")[0] == (
        "https://pbs.twimg.com/media/AbC?format=jpg&name=orig")
    assert stage.photos.candidates("https://live.staticflickr.com/65535/1_abc_z.jpg")[0] == (
        "https://live.staticflickr.com/65535/1_abc_b.jpg")
    assert stage.photos.candidates("https://live.staticflickr.com/65535/1_abc_o.jpg") == [
        "https://live.staticflickr.com/65535/1_abc_o.jpg"]
    assert stage.photos.candidates(
        "https://files.example/media_attachments/files/1/2/small/a.png")[0] == (
        "https://files.example/media_attachments/files/1/2/original/a.png")
    assert stage.photos.candidates(
        "https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:x/bafy@jpeg")[0] == (
        "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:x/bafy@jpeg")


def test_thumbnail_turns_upright_and_reads_exif():
    body = jpeg(picture(600, 300), gps=False)
    photo, image = stage.photos.decode(body)
    assert photo.location is None and photo.taken_at == "2011-10-21T10:14:33"
    thumb = stage.photos.thumbnail(image)
    assert thumb.size == (480, 240)
    assert Image.open(io.BytesIO(stage.photos.thumb_bytes(thumb))).format == "WEBP"


def test_keep_location_must_be_true_or_false(tmp_path):
    from eventarchive.errors import ConfigError

    with pytest.raises(ConfigError, match="photos.keep_location: expected true or false"):
        write_config(tmp_path, '[photos]\nkeep_location = "yes"\n')
    with pytest.raises(ConfigError, match="photos.gps: unknown key"):
        write_config(tmp_path, '[photos]\ngps = true\n')


def test_status_reports_photos_per_event(tmp_path, store, served):
    from click.testing import CliRunner

    from eventarchive.cli import cli

    cfg = write_config(tmp_path)
    add_posts(store, served)
    runner = CliRunner()
    before = runner.invoke(cli, ["--config", str(cfg.path), "--db", str(store.path), "status"])
    assert f"Event {EVENT}: 10 items" in before.output
    assert "  photos: 10 pending\n" in before.output
    run_stage(store, cfg)
    after = runner.invoke(cli, ["--config", str(cfg.path), "--db", str(store.path), "status",
                                "--json"])
    import json

    event = json.loads(after.output)["events"][0]
    assert event["photos"] == {"pending": 0, "stored": 5, "failed": 4, "gone": 1}


def test_an_archive_copy_downloaded_again_is_one_file(tmp_path, store, httpserver, photo_body):
    import hashlib

    cfg = write_config(tmp_path)
    (cfg.media_dir / "twitter").mkdir(parents=True)
    (cfg.media_dir / "twitter" / "1-photo.jpg").write_bytes(photo_body)
    urls = serve(httpserver, {"quoted.jpg": (200, photo_body, "image/jpeg")})
    add_posts(store, urls)
    archive = Batch()
    archive.items.append(Item("twitter:1", "post", "twitter", "1", text="the tweet"))
    archive.media.append(Media("twitter:m1", "twitter:1", url="https://pbs.twimg.com/media/x.jpg",
                               path="twitter/1-photo.jpg", mime="image/jpeg",
                               sha256=hashlib.sha256(photo_body).hexdigest()))
    store.save(archive, EVENT)
    assert run_stage(store, cfg).status == "ok"
    got = {r["id"]: r for r in rows(store).values()}
    assert got["twitter:m1"]["path"] == got[f"mastodon:{urls['quoted.jpg']}"]["path"] == (
        "twitter/1-photo.jpg")
    assert {r["status"] for r in got.values()} == {"stored"}
    originals = [p for p in cfg.media_dir.rglob("*.jpg")]
    assert [p.name for p in originals] == ["1-photo.jpg"]
