"""Hostile content in every field a page shows: nothing runs in a real browser, on any page.

An archive holds other people's words. Posts, comments, notes, page HTML, alt text, author names
and URLs are filled with the payloads people actually try (script tags, event handlers,
``javascript:`` and ``data:`` URLs, attribute breakouts); the real `eventarchive serve` shows
them on every page the project serves, and Chromium, listening for dialogs and console output,
must see none run.
"""

from __future__ import annotations

import json

import pytest

from eventarchive.records import Author, Batch, Item, Link, Media, Tag
from eventarchive.store import Store
from test_browser import browser, serving  # noqa: F401  (browser is a fixture)

EVENT = "xss-day"
# Each payload, if it ran, would call alert() or set window.__pwned.
PAYLOADS = [
    "<script>window.__pwned=1;alert('script')</script>",
    "<img src=x onerror=\"window.__pwned=1;alert('img')\">",
    "<svg onload=\"window.__pwned=1;alert('svg')\"></svg>",
    "\"><script>window.__pwned=1</script>",
    "' onmouseover='window.__pwned=1' x='",
    "<a href=\"javascript:window.__pwned=1;alert('a')\">click</a>",
    "<iframe src=\"data:text/html,<script>parent.__pwned=1</script>\"></iframe>",
    "{{7*7}} {% raw %}${alert(1)}{% endraw %}",
]
EVIL = " ".join(PAYLOADS)
EVIL_URL = "javascript:window.__pwned=1;alert('url')"
DATA_URL = "data:text/html,<script>alert('data')</script>"


def hostile_archive(path) -> None:
    store = Store.open(path)
    store.ensure_event(EVENT, f"XSS day {PAYLOADS[0]}", "2011-10-21T08:00:00+00:00",
                       "2011-10-21T16:00:00+00:00", EVIL)
    batch = Batch()
    batch.authors.append(Author("twitter:666", "twitter", handle=f"evil{PAYLOADS[1]}",
                                display_name=EVIL, url=EVIL_URL, avatar_url=DATA_URL))
    batch.authors.append(Author("mastodon:https://x.example/@m", "mastodon", handle="m@x",
                                display_name=PAYLOADS[2], url="https://x.example/@m"))
    raw = json.dumps({"spoiler_text": EVIL, "sensitive": True, "content": EVIL})
    batch.items += [
        Item("twitter:1", "post", "twitter", "1", url=EVIL_URL, author_id="twitter:666",
             published_at="2011-10-21T09:00:00+00:00", text=f"hello #tag {EVIL}",
             html=EVIL, raw=raw),
        Item("mastodon:https://x.example/1", "post", "mastodon", "https://x.example/1",
             url=DATA_URL, author_id="mastodon:https://x.example/@m",
             published_at="2011-10-21T10:00:00+00:00", text=EVIL, html=EVIL, raw=raw),
        Item("web:https://blog.example/post", "article", "web", "https://blog.example/post",
             url="https://blog.example/post", published_at="2011-10-21T11:00:00+00:00",
             title=EVIL, text=EVIL, html=EVIL),
        Item("wordpress:blog.example:comment:1", "comment", "wordpress", "comment:1",
             url=EVIL_URL, author_id="twitter:666", published_at="2011-10-21T11:30:00+00:00",
             text=EVIL, html=EVIL, in_reply_to="web:https://blog.example/post"),
        Item("notes:evil.md", "note", "notes", "evil.md", published_at="2011-10-21T12:00:00+00:00",
             title=PAYLOADS[3], text=EVIL, raw=json.dumps({"session": EVIL})),
    ]
    batch.media.append(Media("twitter:1:m", "twitter:1", url=EVIL_URL, mime="image/jpeg",
                             alt_text=EVIL))
    batch.links.append(Link("twitter:1", EVIL_URL, resolved_url=DATA_URL))
    batch.tags.append(Tag("twitter:1", "tag"))
    store.save(batch, EVENT)
    store.close()


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "archive.db"
    hostile_archive(path)
    return path


def pages(db: str) -> list[str]:
    item = "twitter:1"
    return [
        "/", f"/{db}", f"/{db}/items", f"/{db}/items/{item.replace(':', '~3A')}",
        f"/{db}/authors", f"/{db}/media", f"/{db}/links", f"/{db}/browse",
        f"/{db}/browse?_search=hello", f"/{db}/search?q=hello&event={EVENT}",
        f"/{db}/search?q={EVIL[:60]}", f"/{db}/timeline?event={EVENT}",
        f"/{db}/referrers?url=https://blog.example/post", f"/{db}/photos",
        f"/-/events/{EVENT}", f"/-/events/{EVENT}?q=hello", f"/-/events/{EVENT}/items/{item}",
        f"/-/events/{EVENT}/items/wordpress:blog.example:comment:1",
        f"/-/events/{EVENT}/gallery",
    ]


def test_no_payload_runs_on_any_page(browser, hostile_path, tmp_path):  # noqa: F811
    config = f'[[events]]\nslug = "{EVENT}"\nname = "XSS day"\n'
    with serving(hostile_path, tmp_path, config=config) as (base, db):
        context = browser.new_context()
        page = context.new_page()
        ran: list[str] = []
        page.on("dialog", lambda dialog: (ran.append(f"dialog {dialog.message}"),
                                          dialog.dismiss()))
        page.on("console", lambda message: ran.append(f"console {message.text}")
                if "pwned" in message.text else None)
        for path in pages(db):
            response = page.goto(base + path)
            assert response is not None and response.status < 500, path
            page.wait_for_load_state("load")
            # Hover and focus everything, as a curious visitor would.
            for element in page.locator("a, img").all()[:40]:
                try:
                    element.hover(timeout=200)
                except Exception:  # noqa: BLE001 - off-screen or detached: nothing to hover
                    pass
            assert page.evaluate("() => window.__pwned === undefined"), path
            hrefs = page.evaluate(
                "() => [...document.querySelectorAll('[href],[src],[action],[formaction]')]"
                ".map(e => e.getAttribute('href') || e.getAttribute('src') || "
                "e.getAttribute('action') || e.getAttribute('formaction') || '')")
            assert not [h for h in hrefs if h.strip().lower().startswith(
                ("javascript:", "data:text", "vbscript:"))], (path, hrefs)
            handlers = page.evaluate(
                "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                ".filter(a => a.name.startsWith('on') && a.value.includes('pwned'))"
                ".map(a => a.name))")
            assert handlers == [], (path, handlers)
        assert ran == []
        context.close()
