"""The story page in a real browser against the real `eventarchive serve`: a shared filtered
link opens the same items for a colleague, a phone shows it without sideways scrolling, and
axe-core finds no serious or critical accessibility problem on any page the project serves.
"""

from __future__ import annotations

import pytest

from conftest import STORY_EVENT
from test_browser import browser, serving  # noqa: F401  (browser is a fixture)

CONFIG = f"""
[[events]]
slug = "{STORY_EVENT.slug}"
name = "{STORY_EVENT.name}"
starts_at = "{STORY_EVENT.starts_at}"
ends_at = "{STORY_EVENT.ends_at}"
sessions = [
  {{ title = "Welcome", starts_at = "2011-10-21T09:00:00+01:00", ends_at = "2011-10-21T09:45:00+01:00", room = "Foyer" }},
  {{ title = "World cafe", starts_at = "2011-10-21T10:00:00+01:00", ends_at = "2011-10-21T12:00:00+01:00" }},
]
"""  # noqa: E501
STORY = f"/-/events/{STORY_EVENT.slug}"


@pytest.fixture(scope="module")
def story_server(story_path, tmp_path_factory):
    with serving(story_path, tmp_path_factory.mktemp("story-serve"), CONFIG) as found:
        yield found


def _cards(page) -> list[str]:
    return page.locator("article.ea-card:not(.ea-comment)").evaluate_all(
        "cards => cards.map(c => c.id)")


def test_a_shared_filtered_story_link_shows_a_colleague_the_same_items(browser, story_server):  # noqa: F811
    from playwright.sync_api import expect

    base, _ = story_server
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}{STORY}")
    expect(page.locator("h1")).to_have_text("Co-op Story Day")
    # The config `serve` was given makes times local: 08:00 UTC is 09:00 at +01:00.
    expect(page.locator(".ea-dates")).to_have_text("21 Oct 2011, 09:00–17:00 (UTC+01:00)")
    page.get_by_label("Session", exact=True).select_option("World cafe")
    page.get_by_label("Words", exact=True).fill("tea")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "session=World+cafe" in url and "q=tea" in url)
    assert "platform=" not in page.url  # only the filters in use
    mine = _cards(page)
    assert mine == ["item-twitter:5", "item-notes:n1"]
    shared = page.get_by_label("Link to this view").input_value()
    assert shared == page.url
    context.close()

    other = browser.new_context()
    try:
        page = other.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(shared)
        assert response is not None and response.status == 200
        assert _cards(page) == mine
        expect(page.get_by_label("Session", exact=True)).to_have_value("World cafe")
        # The content warning stays folded until opened.
        page.goto(f"{base}{STORY}?platform=mastodon")
        text = page.locator("article.ea-card .ea-text").first
        expect(text).to_be_hidden()
        page.get_by_text("Content warning: tea talk").click()
        expect(text).to_be_visible()
    finally:
        other.close()


def test_phone_width_has_no_sideways_scrolling(browser, story_server):  # noqa: F811
    base, db = story_server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for path in (STORY, f"{STORY}/items/twitter~3A2", f"/{db}/search?q=tea"):
            page.goto(f"{base}{path}")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"{path} is {wide}px wide at a 390px viewport"
    finally:
        context.close()


def _pages(db: str) -> list[str]:
    return ["/", f"/{db}", f"/{db}/browse", f"/{db}/items", f"/{db}/media",
            f"/{db}/items/twitter~3A2", f"/{db}/search?q=tea&event={STORY_EVENT.slug}",
            f"/{db}/timeline?event={STORY_EVENT.slug}", f"/{db}/referrers?url=x",
            f"/{db}/photos?event={STORY_EVENT.slug}", STORY, f"{STORY}/items/twitter~3A2"]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_or_critical_axe_violations_on_any_page(browser, story_server, width):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    base, db = story_server
    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 900})
    found = {}
    try:
        page = context.new_page()
        for path in _pages(db):
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, path
            violations = axe.run(page).response["violations"]
            bad = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
                   for v in violations if v["impact"] in ("serious", "critical")]
            if bad:
                found[path] = bad
    finally:
        context.close()
    assert not found, "\n".join(f"{p}: {b}" for p, bs in found.items() for b in bs)
