"""Pages that stay fast at a million items (counts.py, schema m014): what a user still sees on
a small archive, and where the counts went."""

from __future__ import annotations

import sqlite3

import pytest

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
