"""The store: schema by migration, idempotent upserts, full-text search kept in step."""

import sqlite3

from eventarchive.records import Author, Batch, Item, Link
from eventarchive.search import search
from eventarchive.store import INDEXES, Store, migrations

BIG = str(2**53 + 1)  # 9007199254740993: a float would make it ...992


def batch_of(*items, authors=()):
    batch = Batch()
    batch.items.extend(items)
    batch.authors.extend(authors)
    return batch


def post(native_id=BIG, text="World cafe at the Lambeth co-op day", **fields):
    return Item(id=f"twitter:{native_id}", kind="post", platform="twitter", native_id=native_id,
                text=text, raw=fields.pop("raw", f'{{"text": "{text}"}}'), **fields)


def test_ids_above_2_53_stay_exact(store):
    store.ensure_event("e")
    store.save(batch_of(post()), "e")
    (native_id, type_), = store.conn.execute("select native_id, typeof(native_id) from items")
    assert native_id == BIG and type_ == "text"


def test_saving_twice_changes_nothing(store):
    store.ensure_event("e")
    store.save(batch_of(post(), authors=[Author("twitter:1", "twitter", "jo")]), "e")
    before = [list(r) for r in store.conn.execute("select * from items")]
    store.save(batch_of(post(), authors=[Author("twitter:1", "twitter", "jo")]), "e")
    assert store.counts()["items"] == 1
    assert [list(r) for r in store.conn.execute("select * from items")] == before
    assert store.conn.execute("select count(*) from event_items").fetchone()[0] == 1


def test_a_later_save_with_less_never_erases_what_was_there(store):
    store.save(batch_of(post(title="Kept", url="https://x.example/1")))
    store.save(batch_of(post(raw='{"other": 1}')))
    assert store.conn.execute("select title, url from items").fetchone() == (
        "Kept", "https://x.example/1")
    store.save(batch_of(authors=[Author("twitter:1", "twitter", "jo", "Jo Example")]))
    store.save(batch_of(authors=[Author("twitter:1", "twitter", "jo", None)]))
    assert store.conn.execute("select display_name from authors").fetchone() == ("Jo Example",)


def test_full_text_search_finds_new_and_changed_items(store):
    store.ensure_event("e")
    store.save(batch_of(post()), "e")
    assert [r["id"] for r in search(store, "cafe")] == [f"twitter:{BIG}"]
    assert [r["id"] for r in search(store, "cafes")] == [f"twitter:{BIG}"]  # porter stemming
    # A later copy fills the title in: the index follows.
    store.save(batch_of(post(title="Housing session notes")), "e")
    assert [r["id"] for r in search(store, "housing")] == [f"twitter:{BIG}"]
    assert [r["id"] for r in search(store, "housing", event="e")] == [f"twitter:{BIG}"]
    assert search(store, "housing", event="other") == []
    assert [r["id"] for r in search(store, "cafe")] == [f"twitter:{BIG}"]


def test_the_same_post_from_two_files_gives_the_same_row_in_either_order(tmp_path):
    short = post(raw='{"row": 1}', url=None)
    full = post(raw='{"tweet": {"id_str": "x", "entities": {}}}', url="https://x.example/1")
    results = []
    for order in ((short, full), (full, short)):
        store = Store.open(tmp_path / f"{len(results)}.db")
        for item in order:
            store.save(batch_of(Item(**{f: getattr(item, f) for f in Item.__slots__})))
        results.append(store.conn.execute("select url, raw, text from items").fetchall())
        changes = store.conn.total_changes
        store.save(batch_of(full))
        assert store.conn.total_changes == changes  # saving again writes nothing
    assert results[0] == results[1]
    assert results[0][0][1] == full.raw


def test_search_accepts_odd_input(store):
    store.save(batch_of(post()))
    for query in ['"', "AND", "cafe:", "*", "", "   ", "NEAR(", "co-op"]:
        search(store, query)  # no exception
    assert len(search(store, "co-op")) == 1


def test_migrations_twice_are_a_no_op(tmp_path):
    path = tmp_path / "a.db"
    Store.open(path).close()
    schema = sqlite3.connect(path).execute("select sql from sqlite_master order by name").fetchall()
    store = Store.open(path)
    assert migrations.pending(store.db) == []
    assert store.conn.execute("select sql from sqlite_master order by name").fetchall() == schema
    assert store.conn.execute("pragma journal_mode").fetchone() == ("wal",)


def test_indexes_dropped_by_an_interrupted_bulk_load_come_back_on_open(tmp_path):
    store = Store.open(tmp_path / "a.db")
    with store.conn:
        for name in INDEXES:
            store.conn.execute(f"drop index {name}")
    store.close()
    store = Store.open(tmp_path / "a.db")
    names = {n for (n,) in store.conn.execute("select name from sqlite_master where type='index'")}
    assert set(INDEXES) <= names


def test_bulk_mode_builds_indexes_at_the_end(store):
    with store.bulk():
        store.save(batch_of(post()))
        names = {n for (n,) in store.conn.execute(
            "select name from sqlite_master where type = 'index'")}
        assert not set(INDEXES) & names
    names = {n for (n,) in store.conn.execute("select name from sqlite_master where type='index'")}
    assert set(INDEXES) <= names
    assert len(search(store, "cafe")) == 1


def test_a_failed_batch_leaves_nothing_behind(store):
    batch = batch_of(post())
    batch.links.append(Link("twitter:does-not-exist", "https://x.example"))  # breaks a foreign key
    try:
        store.save(batch)
    except sqlite3.IntegrityError:
        pass
    assert store.count("items") == 0


def test_an_author_is_never_renamed_by_a_later_quote_of_them(store):
    store.save(batch_of(authors=[Author("twitter:1", "twitter", "jo", "Jo Placeholder")]))
    store.save(batch_of(authors=[Author("twitter:1", "twitter", "jo", "Jo at the Tea Table",
                                        avatar_url="https://x.example/jo.jpg")]))
    assert store.conn.execute("select display_name, avatar_url from authors").fetchone() == (
        "Jo Placeholder", "https://x.example/jo.jpg")


def test_links_to_resolve_are_those_of_posts_not_of_fetched_pages(store):
    store.ensure_event("e")
    batch = batch_of(post(native_id="1"),
                     Item(id="web:https://blog.example/a", kind="article", platform="web",
                          native_id="https://blog.example/a", text="a page"))
    batch.links += [Link("twitter:1", "https://blog.example/a"),
                    Link("web:https://blog.example/a", "https://elsewhere.example/b")]
    store.save(batch, "e")
    assert store.links_to_resolve("e") == {"https://blog.example/a": ["twitter:1"]}
