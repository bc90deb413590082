"""The Atom feed of an event's newest items, read by feedparser as a feed reader would."""

from __future__ import annotations

import asyncio

import feedparser

from conftest import STORY_EVENT
from eventarchive.datasette.app import make_datasette


def test_feed_is_valid_atom_with_the_newest_items_first(story_path):
    ds = make_datasette(story_path, None, events=[STORY_EVENT])
    try:
        r = asyncio.run(ds.client.get("/-/events/coop-story.atom"))
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(r.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        assert feed.feed.title == "Co-op Story Day"
        titles = [e.title for e in feed.entries]
        assert titles[0] == "The Organiser: Thank you!"  # the newest comment
        assert not any("Hidden by the curator" in t for t in titles)
        assert sum("Urn is on" in e.summary or "tea talk" in e.summary
                   for e in feed.entries) == 1  # the crosspost once, its warning kept
        entry = next(e for e in feed.entries if "Doors are open" in e.title)
        assert entry.link.endswith("/-/events/coop-story/items/twitter~3A2")
        assert entry.published.startswith("2011-10-21T08:10")
        assert asyncio.run(ds.client.get("/-/events/nope.atom")).status_code == 404
    finally:
        for database in ds.databases.values():
            database.close()
