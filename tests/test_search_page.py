"""The canned search page reads like search: each hit once, who and when, a highlighted
snippet, a link to the hit's card in the story, events chosen by name, pages, plain titles."""

from __future__ import annotations

import asyncio
import re

import pytest

from conftest import STORY_EVENT
from eventarchive.datasette.app import make_datasette


def get(ds, path, **params):
    return asyncio.run(ds.client.get(path, params=params or None))


@pytest.fixture(scope="module")
def ds(story_path):
    datasette = make_datasette(story_path, None, events=[STORY_EVENT])
    yield datasette
    for database in datasette.databases.values():
        database.close()


@pytest.fixture
def search(story_path):
    return f"/{story_path.stem}/search"


def test_each_hit_once_with_author_local_time_snippet_and_story_link(ds, search):
    r = get(ds, search, q="tea", event="coop-story")
    assert r.status_code == 200
    hits = re.findall(r'<li class="ea-hit">', r.text)
    # The Storify element and the tweet it embeds are one hit (the tweet); the note and the
    # post whose content warning says "tea talk" are the others.
    assert len(hits) == 3, r.text
    assert r.text.count("Table 3 says co-production starts with") == 1
    assert "starts with <mark>tea</mark>" in r.text
    assert "21 Oct 2011, 10:30 (UTC+01:00)" in r.text
    assert 'href="/-/events/coop-story/items/twitter~3A5"' in r.text
    assert "<title>“tea” – search Co-op Story Day</title>" in r.text
    assert "Run SQL" not in r.text and "Custom SQL query" not in r.text


def test_events_are_chosen_by_name_in_a_labelled_select(ds, search):
    r = get(ds, search)
    assert '<label for="search-event">Event</label>' in r.text
    assert '<option value="coop-story">Co-op Story Day</option>' in r.text


def test_an_unknown_event_says_so(ds, search):
    r = get(ds, search, q="tea", event="coop-storey")
    assert "There is no event called “coop-storey”" in r.text
    assert 'class="ea-hit"' not in r.text


def test_json_keeps_the_contract_and_pages_on(ds, search):
    rows = get(ds, f"{search}.json", q="tea", event="", _shape="objects").json()["rows"]
    assert sorted(r["id"] for r in rows) == ["mastodon:3", "notes:n1", "twitter:5"]
    more = get(ds, f"{search}.json", q="tea", event="", after=rows[0]["cursor"],
               _shape="objects").json()["rows"]
    assert [r["id"] for r in more] == [r["id"] for r in rows[1:]]
