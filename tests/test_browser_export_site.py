"""The static export of a story in a real browser, opened from disk (file://), no server: the
cards show, "Next page" leads on, every picture loads, a phone needs no sideways scrolling and
axe-core finds no serious or critical accessibility problem."""

from __future__ import annotations

import pytest

from eventarchive.datasette.static_site import export_site
from test_browser import browser  # noqa: F401  (a fixture)
from test_export_site import SIZE, SLUG, story_archive

IMAGES_LOADED = """() => Array.from(document.images).every(i => i.complete)"""
BROKEN_IMAGES = """() => Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-site")
    db, media = story_archive(tmp)
    export_site(db, media, SLUG, tmp / "site", size=SIZE)
    return tmp / "site"


def _every_image_loads(page) -> None:
    images = page.locator("img")
    for i in range(images.count()):  # pictures load lazily: bring each into view
        images.nth(i).scroll_into_view_if_needed()
    page.wait_for_function(IMAGES_LOADED)
    assert page.evaluate(BROKEN_IMAGES) == []


def test_the_export_opens_from_disk_and_pages_on(browser, site):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844})
    failed = []
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((site / "index.html").as_uri())
        expect(page.locator("h1")).to_have_text("Co-op Story Day")
        expect(page.locator("article.ea-card").first).to_be_visible()
        assert page.locator("article.ea-card img").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _every_image_loads(page)
        seen = [page.locator("article.ea-card").first.get_attribute("id")]
        for expected in ("page-2.html", "page-3.html"):
            page.get_by_role("link", name="Next page").click()
            page.wait_for_url(f"**/{expected}")
            expect(page.get_by_role("link", name="Previous page")).to_be_visible()
            seen.append(page.locator("article.ea-card").first.get_attribute("id"))
            _every_image_loads(page)
        assert page.get_by_role("link", name="Next page").count() == 0
        assert len(set(seen)) == 3
        page.get_by_role("link", name="Photo gallery").click()
        page.wait_for_url("**/gallery.html")
        _every_image_loads(page)
        assert page.locator(".ea-gallery-grid img").count() == 1
    finally:
        context.close()
    assert failed == []


def test_no_serious_or_critical_axe_violations(browser, site):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 900})
    bad = []
    try:
        page = context.new_page()
        for name in ("index.html", "page-3.html", "gallery.html"):
            page.goto((site / name).as_uri())
            bad += [f"{name}: {v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
                    for v in Axe().run(page).response["violations"]
                    if v["impact"] in ("serious", "critical")]
    finally:
        context.close()
    assert not bad, "\n".join(bad)
