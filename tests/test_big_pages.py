"""Pages that stay fast at a million items (counts.py, schema m014): what a user still sees on
a small archive, and where the counts went."""

from __future__ import annotations

import sqlite3

import pytest
from datasette.utils import escape_fts

from eventarchive.datasette import counts
from eventarchive.datasette.app import make_datasette
from test_datasette import close, get, no_error


@pytest.fixture
def ds(archive_path):
    datasette = make_datasette(archive_path, archive_path.parent / "media")
    yield datasette
    close(datasette)


def test_browse_search_keeps_results_facets_and_columns(ds, archive_path):
    name = archive_path.stem
    r = get(ds, f"/{name}/browse", _search="urn")
    no_error(r)
    assert "Urn is on, 200 cups and counting" in r.text
    for facet in ("platform", "kind", "author", "events", "day"):
        assert f'id="facet-{facet}"' in r.text, facet
    data = get(ds, f"/{name}/browse.json", _search="urn", _shape="objects").json()
    # The columns people's saved links name are those of the view before m014.
    assert data["columns"] == ["search_rowid", "id", "published_at", "day", "platform", "kind",
                               "author", "title", "text", "url", "events"]
    assert [row["published_at"] for row in data["rows"]] == sorted(
        (row["published_at"] for row in data["rows"]), reverse=True)
    conn = sqlite3.connect(archive_path)
    rowids = {row["search_rowid"] for row in data["rows"]}
    ids = {row["id"] for row in data["rows"]}
    assert {r[1] for r in conn.execute(
        f"select rowid, id from items where rowid in ({','.join('?' * len(rowids))})",
        list(rowids))} == ids
    conn.close()


def test_big_tables_count_only_when_asked(ds, archive_path):
    name = archive_path.stem
    total = sqlite3.connect(archive_path).execute("select count(*) from items").fetchone()[0]
    page = get(ds, f"/{name}/items")
    no_error(page)
    assert "Lambeth Co-op Day" in page.text
    assert get(ds, f"/{name}/items.json").json()["filtered_table_rows_count"] is None
    assert get(ds, f"/{name}/items.json", _count="1").json()["filtered_table_rows_count"] == total
    asked = get(ds, f"/{name}/items", _count="1")
    assert f"{total:,} row" in asked.text
    # Small tables still show their count.
    assert get(ds, f"/{name}/authors.json").json()["filtered_table_rows_count"] > 0


def test_database_page_counts_up_to_a_bound(ds, archive_path, monkeypatch):
    name = archive_path.stem
    conn = sqlite3.connect(archive_path)
    items, authors = (conn.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("items", "authors"))
    conn.close()
    assert authors < items
    monkeypatch.setattr(counts, "COUNT_CAP", items - 1)
    data = get(ds, f"/{name}.json").json()
    by_name = {t["name"]: t["count"] for t in data["tables"]}
    assert by_name["authors"] == authors
    assert by_name["items"] is None  # shown as "Many rows", as Datasette shows a slow count
    assert "Many rows" in get(ds, f"/{name}").text

    # The search index is counted by its narrow docsize table; its blobs are not counted.
    monkeypatch.setattr(counts, "COUNT_CAP", 10_000)
    by_name = {t["name"]: t["count"] for t in get(ds, f"/{name}.json").json()["tables"]}
    indexed = sqlite3.connect(archive_path).execute("select count(*) from items_fts").fetchone()
    assert by_name["items_fts"] == indexed[0] > 0
    assert by_name["items_fts_data"] is None


def test_the_feed_and_photos_read_a_big_event_in_the_same_order(archive_path, monkeypatch):
    from eventarchive import storyquery
    from eventarchive.search import PHOTOS_SQL

    conn = sqlite3.connect(archive_path)
    event = conn.execute("select event from event_items group by event "
                         "order by count(*) desc limit 1").fetchone()[0]
    small = storyquery.newest(conn, event, 20)
    monkeypatch.setattr(storyquery, "COUNT_BOUND", 3)  # now a "big" event: the time index
    assert storyquery.newest(conn, event, 20) == small and len(small) > 3
    photos = conn.execute(PHOTOS_SQL, {"event": event}).fetchall()
    assert photos and [p[1] for p in photos] == sorted(p[1] for p in photos)
    plan = " ".join(r[3] for r in conn.execute("explain query plan " + PHOTOS_SQL,
                                               {"event": event}))
    assert "idx_items_published_at" in plan and "TEMP B-TREE" not in plan
    conn.close()


def test_a_story_search_reads_its_hits_first(archive_path):
    from eventarchive import storyquery

    conn = sqlite3.connect(archive_path)
    event = conn.execute("select event from event_items limit 1").fetchone()[0]
    assert storyquery.page(conn, event, storyquery.Filters(q="nowordlikethis")).ids == []
    where, params = storyquery.Filters(q="urn").clauses()
    params["event"] = event
    sql = (f"{storyquery._with(conn)} SELECT 1 {storyquery._from(conn, searching=True)} "
           + "\n".join(where))
    plan = [r[3] for r in conn.execute("explain query plan " + sql, params)]
    assert any("items USING INTEGER PRIMARY KEY (rowid=?)" in step for step in plan), plan
    conn.close()



@pytest.fixture
def words_archive(tmp_path):
    """300 posts a minute apart: "kale" in 100 of them, "quince" in 3."""
    from eventarchive.records import Author, Batch, Item
    from eventarchive.store import Store

    store = Store.open(tmp_path / "words.db")
    store.ensure_event("day", "Day")
    b = Batch()
    b.authors.extend([Author("twitter:a", "twitter", "a", "Ann"),
                      Author("twitter:b", "twitter", "b", "Bo")])
    for i in range(300):
        text = ("kale soup " if i % 3 == 0 else "bread ") + ("quince" if i % 100 == 7 else "")
        b.items.append(Item(f"twitter:{i}", "post", "twitter", str(i), None,
                            f"twitter:{'ab'[i % 2]}",
                            f"2026-10-{21 + i // 120}T{i // 60 % 2 + 9:02d}:{i % 60:02d}:00+00:00",
                            text=text))
    store.save(b, "day")
    store.close()
    return tmp_path / "words.db"


def plan(path, query) -> str:
    conn = sqlite3.connect(path)
    conn.create_function("escape_fts", 1, escape_fts)
    found = " / ".join(r[3] for r in conn.execute("explain query plan " + query["sql"],
                                                   query["params"]))
    conn.close()
    return found


@pytest.mark.parametrize("word", ["quince", "kale", "nothing"])
def test_browse_search_gives_the_same_page_whichever_plan(words_archive, monkeypatch, word):
    """A word with few hits is looked up by id, a common one walks the date index: the same
    rows, count and facets either way."""
    from eventarchive.datasette import browse_search

    pages = {}
    for limit in (-1, 1000):
        async def threshold(db, limit=limit):
            return limit

        monkeypatch.setattr(browse_search, "threshold", threshold)
        ds = make_datasette(words_archive)
        try:
            data = get(ds, "/words/browse.json", _search=word, _count="1", _next="50",
                       _facet="platform", _facet_array="events").json()
            html = get(ds, "/words/browse", _search=word)
            no_error(html)
        finally:
            close(ds)
        walks = "idx_items_published_at" in plan(words_archive, data["query"])
        assert walks == (limit < 0)
        pages[walks] = (data["rows"], data["filtered_table_rows_count"], {
            name: [(v["value"], v["count"]) for v in facet["results"]]
            for name, facet in data["facet_results"].items()})
    assert pages[True] == pages[False]
    rows, count, facets = pages[True]
    assert count == {"quince": 3, "kale": 100, "nothing": 0}[word]
    assert len(rows) == min(50, max(0, count - 50))
    if count:
        assert facets["platform"] == [("twitter", count)]


def test_browse_search_looks_up_a_rare_word_only(words_archive):
    """At 300 items the threshold is 17 hits: "quince" (3) is looked up, "kale" (100) walks."""
    ds = make_datasette(words_archive)
    try:
        for word, walks in (("quince", False), ("kale", True), ('"kale', True)):
            data = get(ds, "/words/browse.json", _search=word).json()
            assert ("idx_items_published_at" in plan(words_archive, data["query"])) == walks
        # Raw mode takes the FTS5 syntax as Datasette does; a broken query still says so.
        raw = get(ds, "/words/browse.json", _search="quince OR kale", _searchmode="raw").json()
        assert len(raw["rows"]) == 50
        broken = get(ds, "/words/browse.json", _search='"quince', _searchmode="raw")
        assert broken.status_code == 400
        # An empty search box shows everything, as no search does (not "Invalid SQL").
        empty = get(ds, "/words/browse", _search=" ", _facet="platform")
        no_error(empty)
        assert get(ds, "/words/browse.json", _search="").json()["rows"] == get(
            ds, "/words/browse.json").json()["rows"]
    finally:
        close(ds)
