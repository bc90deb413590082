"""What keeps search and pages fast at a million items gives the same answers people got
before: a big story pages through indexes in the same order, and a word with few matches is
ranked exactly as by bm25 over every match."""

from __future__ import annotations

import sqlite3

import pytest
from datasette.utils import escape_fts

from conftest import STORY_EVENT, build_story
from eventarchive import storyquery as sq
from eventarchive.records import Author, Batch, Item
from eventarchive.search import search
from eventarchive.store import Store


def walk(conn, filters=None):
    """Every id of the story, page by page, and the first page's total."""
    seen, after, total = [], None, None
    while True:
        page = sq.page(conn, STORY_EVENT.slug, filters or sq.Filters(), after, size=3)
        total = page.total if total is None else total
        seen.extend(page.ids)
        if not page.next_cursor:
            return seen, total, page.capped
        after = page.next_cursor


@pytest.mark.parametrize("filters", [sq.Filters(), sq.Filters(q="urn"), sq.Filters(kind="comment"),
                                     sq.Filters(author="@sam_coop")])
def test_a_big_story_pages_in_the_same_order(tmp_path, monkeypatch, filters):
    path = build_story(tmp_path / "story.db")
    conn = sqlite3.connect(path)
    with conn:  # curated positions too, alongside the pinned, moved and hidden items
        conn.execute("UPDATE event_items SET position = 2 WHERE item_id = 'notes:n1'")
        conn.execute("UPDATE event_items SET position = 1 WHERE item_id = 'twitter:6'")
    small, total, capped = walk(conn, filters)
    assert not capped and total >= len(small) > 0
    monkeypatch.setattr(sq, "COUNT_BOUND", 1)
    big, bound, capped = walk(conn, filters)
    assert big == small
    if len(small) > 1:
        assert capped and bound == 1  # "more than 1 item": no count of every item
    conn.close()


def test_a_big_story_says_more_than(tmp_path, monkeypatch):
    from eventarchive.datasette.app import make_datasette
    from test_story import close, get

    monkeypatch.setattr(sq, "COUNT_BOUND", 5)
    ds = make_datasette(build_story(tmp_path / "story.db"), None, events=[STORY_EVENT])
    try:
        data = get(ds, f"/-/events/{STORY_EVENT.slug}.json").json()
        assert data["total"] == 5 and data["total_is_lower_bound"] is True
        assert "More than 5 items" in get(ds, f"/-/events/{STORY_EVENT.slug}").text
    finally:
        close(ds)


def test_a_rare_word_is_ranked_as_by_bm25_over_every_match(tmp_path):
    store = Store.open(tmp_path / "a.db")
    store.ensure_event("day", "Day")
    b = Batch()
    b.authors.append(Author("twitter:a", "twitter", "a", "A"))
    for i in range(300):
        words = "kale " * (1 + i % 7) + ("and some other words " * (i % 5))
        b.items.append(Item(f"twitter:{i}", "post", "twitter", str(i), None, "twitter:a",
                            f"2026-10-21T09:{i % 60:02d}:00+00:00",
                            text=words if i % 3 == 0 else f"nothing here {i}"))
    store.save(b, "day")
    hits = [h["id"] for h in search(store, "kale")]
    conn = store.conn
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    everything = [r[0] for r in conn.execute(
        "SELECT items.id FROM items_fts JOIN items ON items.rowid = items_fts.rowid "
        "WHERE items_fts MATCH escape_fts('kale') ORDER BY round(rank, 9), items.rowid "
        "LIMIT 50")]
    assert hits == everything and len(hits) == 50
    more = search(store, "kale", after=search(store, "kale")[-1]["cursor"])
    assert len(hits) + len(more) == 100 and not {h["id"] for h in more} & set(hits)
    store.close()


def test_publish_writes_a_copy_plain_datasette_serves_with_search(archive_path, tmp_path):
    import asyncio
    import json

    from click.testing import CliRunner
    from datasette.app import Datasette

    from eventarchive.cli import cli

    out = tmp_path / "published"
    result = CliRunner().invoke(cli, ["--db", str(archive_path), "publish", str(out)])
    assert result.exit_code == 0, result.output
    assert "datasette " in result.output
    copy = out / "archive.db"
    inspect = json.loads((out / "inspect-data.json").read_text())
    assert inspect["archive"]["tables"]["items"]["count"] > 0
    ds = Datasette([], immutables=[str(copy)], inspect_data=inspect,
                   metadata=json.loads((out / "metadata.json").read_text()),
                   template_dir=str(out / "templates"))
    r = asyncio.run(ds.client.get("/archive/search.json?q=urn&_shape=array"))
    assert r.status_code == 200 and r.json()
    assert all("urn" in hit["snippet"].lower() for hit in r.json())
    page = asyncio.run(ds.client.get("/archive/search?q=urn"))
    assert "Search results for" in page.text  # the project's search page
    again = CliRunner().invoke(cli, ["--db", str(archive_path), "publish", str(out)])
    assert again.exit_code != 0 and "not empty" in again.output


def test_publish_brings_an_older_archive_up_to_date_in_the_copy_only(tmp_path):
    """An archive from before the takedowns migration (no hidden_items, which the search
    reads) publishes a copy whose search works; the archive itself is left as it was."""
    import asyncio
    import json
    import shutil

    from click.testing import CliRunner
    from datasette.app import Datasette

    from conftest import build_archive
    from eventarchive.cli import cli

    old = build_archive(tmp_path / "old.db")
    conn = sqlite3.connect(old)
    conn.executescript("""
        DROP VIEW browse; DROP TABLE hidden_items; DROP TABLE suppressions;
        DROP TABLE takedowns; ALTER TABLE fetch_runs DROP COLUMN left_out;
        ALTER TABLE fetch_runs DROP COLUMN rate_limited_until;
        DELETE FROM _sqlite_migrations WHERE name IN ('m011_suppression', 'm012_status');
        PRAGMA wal_checkpoint(TRUNCATE);""")
    conn.close()
    before = (tmp_path / "before.db")
    shutil.copy(old, before)
    out = tmp_path / "published"
    result = CliRunner().invoke(cli, ["--db", str(old), "publish", str(out)])
    assert result.exit_code == 0, result.output
    inspect = json.loads((out / "inspect-data.json").read_text())
    ds = Datasette([], immutables=[str(out / "archive.db")], inspect_data=inspect,
                   metadata=json.loads((out / "metadata.json").read_text()))
    r = asyncio.run(ds.client.get("/archive/search.json?q=urn&_shape=array"))
    assert r.status_code == 200 and r.json()
    assert old.read_bytes() == before.read_bytes()


def test_one_datasette_searches_several_archive_files_with_the_documented_query(tmp_path):
    """docs/scaling.md, "Several files in one Datasette": the cross-file search over
    `datasette --crossdb`, newest first, leaves out what each file hides."""
    import asyncio
    import re
    from pathlib import Path

    from datasette.app import Datasette

    doc = (Path(__file__).parent.parent / "docs" / "scaling.md").read_text()
    sql = next(block for block in re.findall(r"```sql\n(.*?)```", doc, re.S)
               if "union all" in block)
    for name, hour in (("ev2011", 9), ("ev2026", 10)):
        store = Store.open(tmp_path / f"{name}.db")
        store.ensure_event(name)
        b = Batch()
        b.authors.append(Author("twitter:a", "twitter", "a", "A"))
        for i in range(3):
            b.items.append(Item(f"twitter:{name}-{i}", "post", "twitter", f"{name}-{i}", None,
                                "twitter:a", f"2026-10-21T{hour:02d}:0{i}:00+00:00",
                                text=f"kale soup {i}"))
        store.save(b, name)
        store.conn.execute("INSERT INTO hidden_items VALUES (?, 'opted out', '2026-10-22')",
                           (f"twitter:{name}-1",))
        store.conn.commit()
        store.close()
    ds = Datasette([str(tmp_path / "ev2011.db"), str(tmp_path / "ev2026.db")], crossdb=True)
    r = asyncio.run(ds.client.get("/_memory.json", params={"sql": sql, "q": "kale",
                                                          "_shape": "array"}))
    assert r.status_code == 200, r.text
    assert [(h["archive"], h["id"]) for h in r.json()] == [
        ("ev2026", "twitter:ev2026-2"), ("ev2026", "twitter:ev2026-0"),
        ("ev2011", "twitter:ev2011-2"), ("ev2011", "twitter:ev2011-0")]
