"""The gallery in a real browser against the real `eventarchive serve`: every thumbnail
loads, and the grid is one column on a 390-pixel phone. Same rules as test_browser.py:
system Chromium, skipped without it except under CI=true."""

from __future__ import annotations

import pytest

from test_browser import browser, running  # noqa: F401  (browser is a fixture)
from test_photos_download import EVENT, add_posts, run_stage, write_config

pytest_plugins = ["test_photos_download"]


@pytest.fixture
def gallery_server(tmp_path, served):
    from eventarchive.store import Store

    workdir = tmp_path / "serve"
    workdir.mkdir()
    store = Store.open(workdir / "archive.db")
    cfg = write_config(tmp_path)
    cfg.media_dir = workdir / "media"  # where `serve --db` without a config looks
    add_posts(store, served)
    run_stage(store, cfg)
    store.close()
    with running(["--db", str(workdir / "archive.db")], workdir) as (base, _):
        yield base


def test_every_thumbnail_loads_and_the_grid_reflows(browser, gallery_server):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{gallery_server}/-/events/{EVENT}/gallery")
    expect(page.locator("h1")).to_contain_text("Photos: ")
    images = page.locator(".ea-gallery-grid img")
    expect(images).to_have_count(3)
    for i in range(3):
        images.nth(i).scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('.ea-gallery-grid img')]"
                           ".every(img => img.complete)")
    widths = page.eval_on_selector_all(".ea-gallery-grid img", "els => els.map(e => "
                                       "[e.naturalWidth, e.alt])")
    assert all(width > 0 and alt for width, alt in widths), widths
    expect(page.locator(".ea-photo-why").first).to_contain_text("Not kept:")
    columns = page.eval_on_selector(".ea-gallery-grid", "g => getComputedStyle(g)"
                                    ".gridTemplateColumns.split(' ').length")
    assert columns > 1
    page.set_viewport_size({"width": 390, "height": 800})
    columns = page.eval_on_selector(".ea-gallery-grid", "g => getComputedStyle(g)"
                                    ".gridTemplateColumns.split(' ').length")
    assert columns == 1

    # A filtered gallery is a shareable address: a fresh browser opens the same view.
    page.select_option('select[name="platform"]', "mastodon")
    page.locator(".ea-gallery-filters button").click()
    page.wait_for_url(lambda url: "platform=mastodon" in url)
    shared = page.url
    context.close()
    other = browser.new_context()
    try:
        fresh = other.new_page()
        response = fresh.goto(shared)
        assert response is not None and response.status == 200
        expect(fresh.locator('select[name="platform"]')).to_have_value("mastodon")
    finally:
        other.close()
