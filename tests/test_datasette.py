"""The archive as people see it in Datasette: search, timeline, browse, labels and permissions.

Everything goes through ``make_datasette``, the factory `eventarchive serve` uses, and Datasette's
in-process client, so these are the pages and exports a user gets.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from eventarchive.datasette.app import make_datasette
from eventarchive.records import Item
from eventarchive.store import EVENT_ITEM_SQL, FTS_NEW_ROWS_SQL, ITEM_SQL, Store

EVENT = "lambethcoop-2011"
URN_TWEET = "twitter:127322096161366019"  # C, cafe_host_jo: "Urn is on, 200 cups and counting…"
URN_THANKS = "twitter:127326280935845892"  # D, lambeth_events: "…keeping the urn going…"


def run(coro):
    """Run one coroutine to completion (pytest-asyncio is not a dependency)."""
    return asyncio.run(coro)


def get(ds, path: str, **params):
    return run(ds.client.get(path, params=params or None))


def no_error(response) -> None:
    assert response.status_code == 200, response.text[:2000]
    assert "message-error" not in response.text, response.text[:2000]


def copy_archive(src: Path, dest_dir: Path) -> Path:
    """A private copy (same stem, so the same database name) a test may write to."""
    dest = dest_dir / src.name
    for suffix in ("", "-wal"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    return dest


def close(ds) -> None:
    for database in ds.databases.values():
        database.close()


@pytest.fixture(scope="module")
def ds(archive_path):
    datasette = make_datasette(archive_path, archive_path.parent / "media")
    yield datasette
    close(datasette)


@pytest.fixture
def db_name(archive_path) -> str:
    return archive_path.stem


# -- search -------------------------------------------------------------------------------------


def test_search_html_shows_matching_rows(ds, db_name):
    r = get(ds, f"/{db_name}/search", q="urn")
    no_error(r)
    assert "200 cups and counting" in r.text
    assert "keeping the" in r.text and "going all morning" in r.text
    assert "Jo at the Caff" in r.text  # the author's display name, not only an id
    assert "Doors are open" not in r.text  # a tweet without "urn"
    # The form is there, filled in, so the search can be changed and run again.
    assert 'name="q" value="urn"' in r.text
    assert 'name="event"' in r.text


def test_search_json_array(ds, db_name):
    r = get(ds, f"/{db_name}/search.json", q="urn", _shape="array")
    assert r.status_code == 200
    rows = r.json()
    assert {row["id"] for row in rows} == {URN_TWEET, URN_THANKS}
    by_id = {row["id"]: row for row in rows}
    assert by_id[URN_TWEET]["handle"] == "cafe_host_jo"
    assert by_id[URN_TWEET]["author"] == "Jo at the Caff"
    assert "200 cups and counting" in by_id[URN_TWEET]["snippet"]
    assert by_id[URN_TWEET]["url"] == (
        "https://twitter.com/cafe_host_jo/status/127322096161366019")


def test_search_csv(ds, db_name):
    r = get(ds, f"/{db_name}/search.csv", q="slides housing")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in rows] == ["twitter:127350303765946375"]
    assert rows[0]["handle"] == "lambeth_events"
    assert "go up on the blog tonight" in rows[0]["snippet"]
    # Tweet ids above 2**53 survive the export as text.
    assert rows[0]["url"].endswith("/status/127350303765946375")


def test_search_matches_stemmed_words(ds, db_name):
    rows = get(ds, f"/{db_name}/search.json", q="cup", _shape="array").json()
    assert [row["id"] for row in rows] == [URN_TWEET]


@pytest.mark.parametrize("q", ["", '"', "AND", "foo:bar", "*", "urn OR", "NEAR(", "'", "-"])
def test_search_odd_input_is_not_an_error(ds, db_name, q):
    no_error(get(ds, f"/{db_name}/search", q=q))
    r = get(ds, f"/{db_name}/search.json", q=q, _shape="array")
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list)
    assert get(ds, f"/{db_name}/search.csv", q=q).status_code == 200


@pytest.mark.parametrize("q", ["", '"', "*", "foo:bar"])
def test_search_empty_or_punctuation_finds_nothing(ds, db_name, q):
    assert get(ds, f"/{db_name}/search.json", q=q, _shape="array").json() == []


def test_search_without_params_shows_the_form(ds, db_name):
    r = get(ds, f"/{db_name}/search")
    no_error(r)
    assert 'name="q"' in r.text
    assert "Search the archive" in r.text


def test_search_event_param_restricts(archive_path, tmp_path):
    """Searching within an event leaves out items that belong only to other events."""
    path = copy_archive(archive_path, tmp_path)
    store = Store.open(path)
    store.ensure_event("other-2012", "Another day")
    with store.conn:
        store.conn.execute(EVENT_ITEM_SQL, ("other-2012", URN_THANKS, None))
        store.conn.execute("DELETE FROM event_items WHERE event = ? AND item_id = ?",
                           (EVENT, URN_THANKS))
    store.close()
    ds = make_datasette(path)
    try:
        def ids(**params):
            r = get(ds, f"/{path.stem}/search.json", q="urn", _shape="array", **params)
            assert r.status_code == 200, r.text
            return {row["id"] for row in r.json()}

        assert ids() == {URN_TWEET, URN_THANKS}
        assert ids(event="") == {URN_TWEET, URN_THANKS}
        assert ids(event=EVENT) == {URN_TWEET}
        assert ids(event="other-2012") == {URN_THANKS}
        assert ids(event="no-such-event") == set()
        html = get(ds, f"/{path.stem}/search", q="urn", event="other-2012")
        no_error(html)
        assert "going all morning" in html.text
        assert "200 cups and counting" not in html.text
    finally:
        close(ds)


# -- timeline -----------------------------------------------------------------------------------


def test_timeline_in_published_order(ds, db_name):
    rows = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array").json()
    times = [row["published_at"] for row in rows]
    # 10 tweets, less the retweet J: its original is in the archive, so it shows as a repost.
    assert len(rows) == 9
    assert "twitter:127388884907646986" not in {row["id"] for row in rows}
    assert times == sorted(times)
    assert times[0] == "2011-10-21T08:02:14+00:00"  # A, doors open
    assert times[-1] == "2011-10-21T15:58:12+00:00"  # M
    assert len({row["id"] for row in rows}) == len(rows)  # each item once


def test_timeline_accepts_a_space_instead_of_t(ds, db_name):
    rows = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array",
               **{"from": "2011-10-21 10:00", "to": "2011-10-21 12:00"}).json()
    assert [row["published_at"] for row in rows] == [
        "2011-10-21T10:12:05+00:00", "2011-10-21T11:47:33+00:00"]


def test_timeline_from_to(ds, db_name):
    rows = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array",
               **{"from": "2011-10-21T10:00", "to": "2011-10-21T12:00"}).json()
    assert [(row["published_at"], row["id"]) for row in rows] == [
        ("2011-10-21T10:12:05+00:00", URN_THANKS),
        ("2011-10-21T11:47:33+00:00", "twitter:127350303765946375"),
    ]
    assert rows[0]["author"] == "Lambeth Co-op Day"


def test_timeline_to_a_date_includes_that_whole_day(ds, db_name):
    whole = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array").json()
    day = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array",
              **{"from": "2011-10-21", "to": "2011-10-21"}).json()
    assert day == whole
    before = get(ds, f"/{db_name}/timeline.json", event=EVENT, _shape="array",
                 to="2011-10-20").json()
    assert before == []


def test_timeline_page_is_the_events_story(ds, db_name):
    """The shared address still works: it opens the event's story, with its from/to."""
    r = get(ds, f"/{db_name}/timeline", event=EVENT, **{"from": "2011-10-21T09:55:27"},
            to="2011-10-21T09:55:27")
    assert r.status_code == 302
    assert r.headers["location"] == (f"/-/events/{EVENT}?from=2011-10-21T09%3A55%3A27"
                                     "&to=2011-10-21T09%3A55%3A27")
    form = get(ds, f"/{db_name}/timeline")  # no event: the canned query's form
    no_error(form)
    assert 'name="event"' in form.text


def test_timeline_unknown_event_is_empty(ds, db_name):
    r = get(ds, f"/{db_name}/timeline.json", event="no-such-event", _shape="array")
    assert r.status_code == 200
    assert r.json() == []


# -- browse, tables -----------------------------------------------------------------------------


def test_browse_search_and_facets(ds, db_name):
    r = get(ds, f"/{db_name}/browse", _search="urn")
    no_error(r)
    assert "Urn is on, 200 cups and counting" in r.text
    assert "Doors are open" not in r.text
    for facet in ("platform", "kind", "author", "events", "day"):
        assert f'id="facet-{facet}"' in r.text, facet
    assert "events__arraycontains=lambethcoop-2011" in r.text  # events facet on the JSON array
    assert "Jo at the Caff" in r.text

    data = get(ds, f"/{db_name}/browse.json", _search="urn", _shape="objects").json()
    assert {row["id"] for row in data["rows"]} == {URN_TWEET, URN_THANKS}
    facets = data["facet_results"]
    assert set(facets) == {"platform", "kind", "author", "events", "day"}
    assert {r["value"]: r["count"] for r in facets["author"]["results"]} == {
        "Jo at the Caff": 1, "Lambeth Co-op Day": 1}
    assert {r["value"]: r["count"] for r in facets["events"]["results"]} == {EVENT: 2}
    assert {r["value"]: r["count"] for r in facets["day"]["results"]} == {"2011-10-21": 2}


def test_browse_facet_filter(ds, db_name):
    data = get(ds, f"/{db_name}/browse.json", _search="urn", author="Jo at the Caff",
               _shape="objects").json()
    assert [row["id"] for row in data["rows"]] == [URN_TWEET]


def test_items_show_author_names(ds, db_name):
    r = get(ds, f"/{db_name}/items")
    no_error(r)
    for name in ("Lambeth Co-op Day", "Jo at the Caff", "Sam Notes"):
        # Foreign-key label: a link to the author whose text is the display name.
        assert f">{name}</a>" in r.text, name
    assert "/authors/twitter~3A215447302" in r.text

    data = get(ds, f"/{db_name}/items.json", _labels="on", _shape="array",
               author_id="twitter:215447302").json()
    assert data and all(row["author_id"]["label"] == "Jo at the Caff" for row in data)


def test_index_page_title(ds):
    r = get(ds, "/")
    no_error(r)
    assert "<h1>Event archive</h1>" in r.text
    assert "<title>Event archive" in r.text


def test_database_page_links_queries(ds, db_name):
    r = get(ds, f"/{db_name}")
    no_error(r)
    assert f'href="/{db_name}/search"' in r.text
    assert f'href="/{db_name}/timeline"' in r.text


# -- arbitrary SQL --------------------------------------------------------------------------------


def test_arbitrary_sql_is_off_by_default(ds, db_name):
    assert get(ds, f"/{db_name}", sql="select 1").status_code == 403
    assert get(ds, f"/{db_name}.json", sql="select 1").status_code == 403
    # The canned queries still work.
    assert get(ds, f"/{db_name}/search.json", q="urn").status_code == 200


def test_arbitrary_sql_when_allowed(archive_path):
    ds = make_datasette(archive_path, allow_sql=True)
    try:
        r = get(ds, f"/{archive_path.stem}.json", sql="select 1 as one", _shape="array")
        assert r.status_code == 200
        assert r.json() == [{"one": 1}]
        assert get(ds, f"/{archive_path.stem}", sql="select 1").status_code == 200
    finally:
        close(ds)


# -- reading while importing ----------------------------------------------------------------------


def test_reads_while_a_writer_holds_a_transaction(archive_path, tmp_path):
    """An import in progress (WAL mode, open write transaction) must not block or break the site;
    readers see the last committed state until the writer commits."""
    path = copy_archive(archive_path, tmp_path)
    ds = make_datasette(path)
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

        def search(q):
            r = get(ds, f"/{path.stem}/search.json", q=q, _shape="array")
            assert r.status_code == 200, r.text
            return [row["id"] for row in r.json()]

        assert search("kettle") == []
        item = Item(id="notes:kettle-1", kind="note", platform="notes", native_id="kettle-1",
                    published_at="2011-10-21T16:30:00+00:00",
                    text="Kettle descaled after the big day")
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        last = conn.execute("SELECT max(rowid) FROM items").fetchone()[0]
        conn.execute(ITEM_SQL, (item.id, item.kind, item.platform, item.native_id, item.url,
                                item.author_id, item.published_at, item.title, item.text,
                                item.html, item.in_reply_to, item.raw, "2011-10-22T00:00:00+00:00"))
        conn.execute(FTS_NEW_ROWS_SQL, (last,))
        conn.execute(EVENT_ITEM_SQL, (EVENT, item.id, None))
        assert conn.in_transaction

        # While the write transaction is open: pages load, with the committed data only.
        assert set(search("urn")) == {URN_TWEET, URN_THANKS}
        assert search("kettle") == []
        no_error(get(ds, f"/{path.stem}/browse", _search="urn"))
        timeline = get(ds, f"/{path.stem}/timeline.json", event=EVENT, _shape="array").json()
        assert item.id not in {row["id"] for row in timeline}

        conn.commit()
        assert search("kettle") == [item.id]
        timeline = get(ds, f"/{path.stem}/timeline.json", event=EVENT, _shape="array").json()
        assert timeline[-1]["id"] == item.id
    finally:
        if store.conn.in_transaction:
            store.conn.rollback()
        store.close()
        close(ds)
    # The copy was written to, the shared session archive was not.
    src = sqlite3.connect(archive_path)
    try:
        assert src.execute("SELECT count(*) FROM items WHERE id = 'notes:kettle-1'"
                           ).fetchone()[0] == 0
    finally:
        src.close()


def test_referrers_lists_the_posts_linking_to_a_page(ds, db_name):
    rows = get(ds, f"/{db_name}/referrers.json", _shape="array",
               url="http://samnotes.example.net/2011/10/21/coop-housing/").json()
    assert rows and all(r["linked_as"] == "http://samnotes.example.net/2011/10/21/coop-housing/"
                        for r in rows)


def test_photos_of_an_event_show_local_copies_as_thumbnails(archive_path, tmp_path):
    ds = make_datasette(archive_path, archive_path.parent / "media")
    db = archive_path.stem
    page = run(ds.client.get(f"/{db}/photos?event={EVENT}")).text
    assert '<img src="/media/twitter/127369833300946952-AcUdF3yCIAAeo9Z.jpg"' in page
    image = run(ds.client.get("/media/twitter/127369833300946952-AcUdF3yCIAAeo9Z.jpg"))
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
