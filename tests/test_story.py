"""The story page of an event, as a colleague opening a shared link sees it: order, sessions,
curation, filters, keyset paging, the JSON form, one card per post however often it was
stored. Through ``make_datasette`` (what `eventarchive serve` runs) and Datasette's client.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import STORY_EVENT, build_story
from eventarchive.datasette.app import make_datasette
from eventarchive.records import Author, Batch, Item
from eventarchive.store import Store

SLUG = STORY_EVENT.slug
STORY = f"/-/events/{SLUG}"
# Pinned first; then time order, the moved item right after its anchor; the hidden one and the
# post the Storify element embeds (shown through it) left out; comments under their article.
ORDER = ["twitter:8", "twitter:1", "twitter:9", "twitter:2", "mastodon:3", "twitter:4",
         "storify:story", "twitter:5", "twitter:6", "notes:n1", "wordpress:post"]


def get(ds, path, **params):
    return asyncio.run(ds.client.get(path, params=params or None))


def close(ds):
    for database in ds.databases.values():
        database.close()


@pytest.fixture(scope="module")
def ds(story_path):
    datasette = make_datasette(story_path, None, events=[STORY_EVENT])
    yield datasette
    close(datasette)


def ids(ds, **params) -> list[str]:
    r = get(ds, f"{STORY}.json", **params)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


def test_story_order_pins_moves_hides_and_shows_embedded_posts_once(ds):
    data = get(ds, f"{STORY}.json").json()
    assert [c["id"] for c in data["items"]] == ORDER
    assert data["total"] == len(ORDER) + 1  # the bridged copy counts, inside its twin's card
    assert data["time_zone"] == "UTC+01:00"
    assert [a["text"] for a in data["annotations"]] == ["The curator's introduction."]
    by_id = {c["id"]: c for c in data["items"]}
    assert by_id["twitter:5"]["via"] == "storify:e1"  # the element shows the post, once
    assert by_id["twitter:2"]["annotations"][0]["text"] == "The welcome was warm."
    assert by_id["twitter:2"]["time"] == "21 Oct 2011, 09:10"  # 08:10 UTC, shown at +01:00


def test_crosspost_and_bridged_copy_are_one_card_listing_both_places(ds):
    card = next(c for c in get(ds, f"{STORY}.json").json()["items"] if c["id"] == "mastodon:3")
    assert card["item_ids"] == ["mastodon:3", "bluesky:3"]
    assert [p["platform"] for p in card["places"]] == ["mastodon", "bluesky"]
    assert "Mastodon, Bluesky" in card["citation"]


def test_comments_are_threaded_under_their_article(ds):
    article = get(ds, f"{STORY}.json").json()["items"][-1]
    assert [c["id"] for c in article["comments"]] == ["wordpress:c1"]
    assert [c["id"] for c in article["comments"][0]["comments"]] == ["wordpress:c2"]


def test_html_groups_under_sessions_with_folded_warning_and_tombstone(ds):
    r = get(ds, STORY)
    assert r.status_code == 200
    headings = re.findall(r'<h2 class="ea-session[^"]*">([^<]+)', r.text)
    assert [h.strip() for h in headings] == [
        "Pinned by the curator", "Before the programme", "Welcome", "Between sessions",
        "World cafe", "After the programme"]
    assert '<html lang="en">' in r.text
    assert "<summary>Content warning: tea talk (show)</summary>" in r.text
    assert "was deleted at its source" in r.text
    assert '<img src="/media/photos/doors.jpg" alt="The open doors"' in r.text
    assert "pbs.example" not in r.text.split("<img")[1]  # never a remote image
    assert 'href="/-/events/coop-story?q=lambethcoop" class="tag">#lambethcoop' in r.text
    assert 'href="/-/events/coop-story?author=sam_coop" class="mention">@sam_coop' in r.text
    assert "Hidden by the curator" not in r.text
    assert f'href="{STORY}/gallery"' in r.text


@pytest.mark.parametrize(("params", "expected"), [
    ({"platform": "mastodon"}, ["mastodon:3"]),
    ({"q": "urn"}, ["mastodon:3", "notes:n1"]),
    ({"author": "@sam_coop"}, ["twitter:9", "twitter:4", "twitter:5"]),
    ({"session": "Welcome"}, ["twitter:2", "mastodon:3"]),
    ({"from": "2011-10-21 10:30", "to": "2011-10-21 11:15"}, ["twitter:5", "twitter:6",
                                                              "notes:n1"]),
    ({"kind": "comment"}, ["wordpress:c1", "wordpress:c2"]),
    ({"kind": "note", "q": "tea"}, ["notes:n1"]),
])
def test_filters(ds, params, expected):
    assert ids(ds, **params) == expected


def test_a_bad_date_is_said_and_left_out(ds):
    r = get(ds, STORY, to="yesterday-ish")
    assert r.status_code == 200
    assert "is not a date or time" in r.text


def test_without_curation_tables_the_story_is_in_time_order(tmp_path):
    ds = make_datasette(build_story(tmp_path / "plain.db", curation=False), None)
    try:
        data = get(ds, f"{STORY}.json").json()
        got = [c["id"] for c in data["items"]]
        assert got[:3] == ["twitter:1", "twitter:2", "mastodon:3"]
        assert "twitter:7" in got  # nothing hidden without curation
        assert data["time_zone"] == "UTC"  # served without its config: UTC, and said so
        assert "times are in UTC" in get(ds, STORY).text
    finally:
        close(ds)


def test_a_story_keeps_its_curated_order_and_merges_with_the_rest_by_time(tmp_path):
    path = build_story(tmp_path / "curated.db")
    conn = sqlite3.connect(path)
    with conn:
        # The curator put the 10:15 note first and the 09:30 element after it.
        conn.execute("UPDATE event_items SET position = 1 WHERE item_id = 'notes:n1'")
        conn.execute("UPDATE event_items SET position = 2 WHERE item_id = 'storify:e1'")
    conn.close()
    ds = make_datasette(path, None, events=[STORY_EVENT])
    try:
        order = ids(ds)
        assert order[0] == "twitter:8"  # pinned
        # The story's own order holds: the element (shown as the post it quotes) follows the
        # note, both where the note's time puts them among everything else.
        assert order.index("twitter:5") == order.index("notes:n1") + 1
        assert order.index("twitter:1") < order.index("twitter:2") < order.index("notes:n1")
    finally:
        close(ds)


def _big_event(path, n: int) -> None:
    store = Store.open(path)
    store.ensure_event("big", "Big day")
    b = Batch()
    b.authors.append(Author("twitter:a", "twitter", "a", "A"))
    for i in range(n):
        # Pairs share a time, so the key's tie-break by id is exercised.
        b.items.append(Item(f"twitter:{9007199254740993 + i}", "post", "twitter",
                            str(9007199254740993 + i), None, "twitter:a",
                            f"2026-10-21T09:{(i // 2) % 60:02d}:{i // 120:02d}+00:00",
                            text=f"post {i}"))
    store.save(b, "big")
    store.close()


def test_keyset_paging_covers_every_item_once(tmp_path):
    path = tmp_path / "big.db"
    _big_event(path, 123)
    ds = make_datasette(path, None)
    try:
        seen, params, pages = [], {}, 0
        while True:
            data = get(ds, "/-/events/big.json", **params).json()
            assert data["total"] == 123
            seen.extend(c["id"] for c in data["items"])
            pages += 1
            if not data["next"]:
                break
            params = {k: v[0] for k, v in parse_qs(urlsplit(data["next"]).query).items()}
        assert pages == 3
        assert len(seen) == len(set(seen)) == 123
        html = get(ds, "/-/events/big", after=params["after"]).text
        assert "First page" in html and "123 items" in html
    finally:
        close(ds)


def test_permalink_page_and_json(ds):
    r = get(ds, f"{STORY}/items/twitter~3A2")
    assert r.status_code == 200
    assert "Doors are open" in r.text and "See it in its place in the story" in r.text
    data = get(ds, f"{STORY}/items/twitter~3A2.json").json()
    assert data["item"]["id"] == "twitter:2"
    assert "/-/events/coop-story/items/twitter~3A2" in data["item"]["citation"]
    assert "Archived 2026-12-01" in data["item"]["citation"]
    # The link into the story opens the page that starts at the item.
    start = get(ds, urlsplit(data["in_story"]).path + "." + "json",
                **{k: v[0] for k, v in parse_qs(urlsplit(data["in_story"]).query).items()})
    assert start.json()["items"][0]["id"] == "twitter:2"
    assert get(ds, f"{STORY}/items/twitter~3A999").status_code == 404
    # A post shown through the Storify element that embeds it is found at the element's place.
    embedded = get(ds, f"{STORY}/items/twitter~3A5.json").json()
    assert embedded["in_story"] and "after=" in embedded["in_story"]


def test_unknown_event_says_so(ds):
    r = get(ds, "/-/events/no-such-day")
    assert r.status_code == 404
    assert "No event called “no-such-day”" in r.text
    assert get(ds, "/-/events/no-such-day.json").json()["ok"] is False


def test_home_page_and_timeline_link_to_the_story(ds, story_path):
    assert f'href="{STORY}">Co-op Story Day</a>' in get(ds, "/").text
    timeline = get(ds, f"/{story_path.stem}/timeline", event=SLUG)
    assert timeline.headers["location"] == STORY


def test_who_may_not_see_the_archive_sees_no_story(story_path):
    ds = make_datasette(story_path, None, events=[STORY_EVENT])
    ds._metadata_local["allow"] = {"id": "organiser"}  # what a private archive sets
    try:
        for path in (STORY, f"{STORY}.json", f"{STORY}.atom", f"{STORY}/items/twitter~3A2"):
            r = get(ds, path)
            assert r.status_code == 403, path
            assert "Doors are open" not in r.text
    finally:
        close(ds)


def test_people_who_opted_out_leave_the_story_and_deleted_posts_stay_as_tombstones(tmp_path):
    path = build_story(tmp_path / "private.db")
    Store.open(path).close()  # migrated: hidden_items exists
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO hidden_items (item_id, reason, since) VALUES "
                     "('twitter:1', 'consent:nobot', '2026-12-03'), "
                     "('twitter:4', 'deleted', '2026-12-03')")
    conn.close()
    ds = make_datasette(path, None, events=[STORY_EVENT])
    try:
        order = ids(ds)
        assert "twitter:1" not in order and "twitter:4" in order
    finally:
        close(ds)


def test_a_photo_without_alt_text_still_names_its_link(tmp_path):
    path = build_story(tmp_path / "story.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE media SET alt_text = NULL WHERE id = 'twitter:m2'")
    conn.commit()
    conn.close()
    datasette = make_datasette(path, None, events=[STORY_EVENT])
    try:
        html = get(datasette, STORY).text
    finally:
        close(datasette)
    link = re.search(r'<a href="/media/photos/doors.jpg">(.*?)</a>', html).group(1)
    assert 'alt=""' in link and '<span class="visually-hidden">full-size photo</span>' in link
