"""The full-text index stays exactly in step with `items`, whatever a batch holds."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import EVENT
from eventarchive.records import Batch, Item
from eventarchive.run import import_file
from eventarchive.search import search
from eventarchive.store import Store, fts_in_step, migrations

WORDS = ["cafe", "housing", "slides", "garden", "budget", "library", "minutes", "bicycle"]


def note(native_id: str, text: str | None = None, title: str | None = None,
         raw: str | None = None, **fields) -> Item:
    return Item(id=f"twitter:{native_id}", kind="post", platform="twitter", native_id=native_id,
                title=title, text=text, raw=raw, **fields)


def batch_of(*items: Item, replace: bool = False) -> Batch:
    batch = Batch(replace=replace)
    batch.items.extend(items)
    return batch


def hits(store: Store, word: str) -> list[str]:
    return sorted(row["id"] for row in search(store, word))


def assert_in_step(store: Store) -> None:
    """FTS5's own integrity check, and each row indexed once (not twice, not missing)."""
    with store.conn:
        store.conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    assert fts_in_step(store.conn)
    rows = store.conn.execute("SELECT id, coalesce(title, '') || ' ' || coalesce(text, '') "
                              "FROM items").fetchall()
    for word in WORDS:
        expected = sorted(i for i, words in rows if word in re.findall(r"\w+", words.lower()))
        assert hits(store, word) == expected, word


def test_the_same_item_twice_in_one_batch_is_indexed_once(store):
    store.save(batch_of(note("1", "quoted: cafe"), note("1", "quoted: cafe", raw='{"full": 1}')))
    assert_in_step(store)
    assert hits(store, "cafe") == ["twitter:1"]


def test_a_gap_filled_in_the_same_batch_is_searchable(store):
    store.save(batch_of(note("1", "cafe"), note("1", "cafe", title="housing"), note("2", "cafe")))
    assert_in_step(store)
    assert hits(store, "housing") == ["twitter:1"]
    assert hits(store, "cafe") == ["twitter:1", "twitter:2"]


def test_a_stored_item_changed_twice_in_one_batch(store):
    store.save(batch_of(note("1", "cafe")))
    store.save(batch_of(note("1", None, title="housing"), note("1", "cafe", raw='{"a": 12}')))
    assert_in_step(store)
    assert hits(store, "housing") == ["twitter:1"]


def test_replace_mode_replaces_text_and_the_index_follows(store):
    store.save(batch_of(note("1", "cafe", title="garden"), replace=True))
    store.save(batch_of(note("1", "housing", title=None), replace=True))
    assert_in_step(store)
    assert hits(store, "cafe") == [] and hits(store, "garden") == []
    assert hits(store, "housing") == ["twitter:1"]
    changes = store.conn.total_changes
    store.save(batch_of(note("1", "housing"), replace=True))
    assert store.conn.total_changes == changes  # the same note again writes nothing


def test_forgetting_takes_items_out_of_the_index(store):
    store.save(batch_of(note("1", "cafe"), note("2", "cafe housing")))
    store.forget_items(["twitter:2"])
    assert_in_step(store)
    assert hits(store, "housing") == []


@pytest.mark.parametrize("seed", range(6))
def test_random_saves_and_forgets_keep_the_index_in_step(store, seed):
    rng = random.Random(seed)
    ids = [str(2**53 + n) for n in range(12)]

    def words() -> str | None:
        return None if rng.random() < 0.2 else " ".join(rng.sample(WORDS, rng.randint(1, 3)))

    for _ in range(40):
        if rng.random() < 0.15:
            store.forget_items(rng.sample(ids, rng.randint(1, 3)))
        else:
            items = []
            for native_id in rng.choices(ids, k=rng.randint(1, 8)):  # repeats are likely
                item = note(native_id, words(), words() if rng.random() < 0.3 else None,
                            raw="x" * rng.randint(0, 30) or None)
                items.append(item)
                if rng.random() < 0.3:  # the same item again, more complete, in the same batch
                    items.append(note(native_id, item.text or words(), item.title or words(),
                                      raw="y" * 40))
            store.save(batch_of(*items, replace=rng.random() < 0.3))
        assert_in_step(store)


def test_twarc2_pages_with_quoted_and_retweeted_tweets_also_in_data(store, fixtures):
    """A quoted tweet (and a retweeted one) saved from `includes.tweets`, then in full, with
    grown counts, in the next page of the same file: one batch, each tweet indexed once."""
    result = import_file(store, "twarc", fixtures / "twarc2-quoted.jsonl", EVENT, None)
    assert result.problems == []
    assert_in_step(store)
    assert hits(store, "lunch") == ["twitter:127369833300946952"]  # the quoted tweet, once
    assert len(search(store, "busy")) == 1  # the quoting tweet
    raw = store.conn.execute("SELECT raw FROM items WHERE id = 'twitter:127369833300946952'")
    assert '"like_count":12' in raw.fetchone()[0]  # the fuller, later copy


def test_an_archive_whose_index_the_old_triggers_broke_is_repaired(tmp_path):
    path = tmp_path / "old.db"
    store = Store.open(path)
    store.save(batch_of(note("1", "cafe"), note("2", "housing")))
    with store.conn:  # as an archive from before m004: triggers back, index out of step
        store.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_fts_and_notes'")
        store.conn.execute("UPDATE items SET text = 'garden' WHERE id = 'twitter:1'")
        store.conn.execute("CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN SELECT 1; END")
    assert not fts_in_step(store.conn)
    store.close()
    store = Store.open(path)
    assert "m004_fts_and_notes" in {m.name for m in migrations.applied(store.db)}
    assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                              ).fetchone()[0] == 0
    assert_in_step(store)
    assert hits(store, "garden") == ["twitter:1"]
    store.close()


SAVER = textwrap.dedent("""
    import itertools, sys
    from eventarchive.records import Batch, Item
    from eventarchive.store import Store
    store = Store.open(sys.argv[1])
    for n in itertools.count():
        batch = Batch(replace=n % 3 == 0)
        for i in range(200):
            native = str((n * 37 + i) % 500)
            batch.items.append(Item(id=f"t:{native}", kind="post", platform="t",
                                    native_id=native, text=f"urn {n} {i}", raw="x" * (n % 7)))
        store.save(batch)
        print(n, flush=True)
""")


def test_a_save_killed_at_any_point_leaves_the_index_in_step(tmp_path):
    path = tmp_path / "killed.db"
    child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE,
                             text=True)
    try:
        for _ in range(5):  # a few batches in, then killed wherever it is in the next one
            assert child.stdout.readline(), "the saving process stopped early"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    store = Store.open(path)
    assert store.count("items") > 0
    assert_in_step(store)
    assert store.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'urn'"
                              ).fetchone()[0] == store.count("items")
    store.close()



BULK_SAVER = textwrap.dedent("""
    import sys, time
    from eventarchive.records import Batch, Item
    from eventarchive.store import Store

    def batch(*items):
        found = Batch()
        found.items.extend(items)
        return found

    def item(n, **fields):
        return Item(id=f"t:{n}", kind="post", platform="t", native_id=str(n), **fields)

    store = Store.open(sys.argv[1])
    store.save(batch(item(1, text="urn one")))
    with store.bulk():
        for n in range(2, 6):
            # t:1 was indexed before the load and changes in it; t:2 is new and saved again.
            store.save(batch(item(1, title=f"cafe {n}" if n == 3 else None, text="urn one"),
                             item(n, text="urn cafe"),
                             item(2, title="tea" if n == 4 else None, text="urn cafe")))
        print("saved", flush=True)
        time.sleep(60)
""")


def test_a_bulk_load_killed_midway_leaves_every_saved_batch_searchable(tmp_path):
    path = tmp_path / "bulk.db"
    child = subprocess.Popen([sys.executable, "-c", BULK_SAVER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "saved\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    store = Store.open(path)
    assert_in_step(store)
    assert store.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'cafe'"
                              ).fetchone()[0] == 5
    with store.bulk():  # and a load that ends
        more = Batch()
        more.items.append(Item(id="t:9", kind="post", platform="t", native_id="9", text="tea"))
        store.save(more)
    assert_in_step(store)
    assert store.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'tea'"
                              ).fetchone()[0] == 2
    assert store.conn.execute("SELECT count(*) FROM source_state WHERE key = 'fts_pending'"
                              ).fetchone()[0] == 0  # no marker left to finish
    store.close()


def test_rows_an_earlier_versions_killed_bulk_load_left_unindexed_are_indexed_on_open(tmp_path):
    # Earlier versions indexed a bulk load's rows at its end, after a marker naming the rowid
    # the load started after; a kill before that end left rows out of the index.
    store = Store.open(tmp_path / "old.db")
    store.save(batch_of(note("1", text="urn before")))
    with store.conn:
        store.conn.execute("INSERT INTO source_state (source, key, state, updated_at) "
                           "VALUES ('store', 'fts_pending', '{\"after\": 1}', 'x')")
        store.conn.execute("INSERT INTO items (id, kind, platform, native_id, text) "
                           "VALUES ('twitter:2', 'post', 'twitter', '2', 'urn cafe')")
    store.close()
    store = Store.open(tmp_path / "old.db")
    assert_in_step(store)
    assert hits(store, "urn") == ["twitter:1", "twitter:2"]
    assert store.conn.execute("SELECT count(*) FROM source_state WHERE key = 'fts_pending'"
                              ).fetchone()[0] == 0  # no marker left to finish
    store.close()
