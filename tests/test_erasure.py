"""`forget` as a takedown that sticks: the rows, the full text, photos, links and WARC records
go; the erased words are not in the database file's bytes; re-imports, re-fetches, exports
and backups made after never bring them back; /-/takedowns lists the request, not the content.
"""

import asyncio
import hashlib
import json
import sqlite3
from datetime import UTC, datetime

import httpx
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from eventarchive.cli import cli
from eventarchive.datasette.app import make_datasette
from eventarchive.records import Batch, Item, Link
from eventarchive.search import search
from eventarchive.store import Store, fts_in_step
from eventarchive.warc import WarcFile

SENTENCE = "The quartermaster's zebra painted seventeen violet teapots"
TWEET = "1234567890123456789"  # above 2**53
KEPT = "1234567890123456790"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def tweet(tweet_id, text):
    return {"id": tweet_id, "text": text, "author_id": "77", "created_at":
            "2011-10-21T13:05:09.000Z", "author": {"id": "77", "username": "teapots",
                                                   "name": "Teapot fan"},
            "entities": {"hashtags": [{"tag": "lambethcoop"}]}}


def file_bytes(db):
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal"))
                    if p.exists())


def test_an_erased_post_stays_erased_through_reimport_export_and_backup(tmp_path):
    db = tmp_path / "archive.db"
    jsonl = tmp_path / "tweets.jsonl"
    jsonl.write_text(json.dumps(tweet(TWEET, f"{SENTENCE} #lambethcoop")) + "\n"
                     + json.dumps(tweet(KEPT, "Urn is on #lambethcoop")) + "\n")
    assert run("--db", db, "import", "twarc", jsonl, "--event", "e").exit_code == 0
    assert SENTENCE.encode() in file_bytes(db)

    result = run("--db", db, "forget", "--item", f"twitter:{TWEET}", "--reason",
                 "asked by the author", "--yes")
    assert result.exit_code == 0 and "Forgot 1 items" in result.stdout
    # Not in the file, not even the id: suppressions keep a hash of it.
    raw = file_bytes(db)
    assert SENTENCE.encode() not in raw and b"quartermaster" not in raw
    assert TWEET.encode() not in raw

    again = run("--db", db, "import", "twarc", jsonl, "--event", "e")
    assert "Imported 0 new items" in again.stdout
    assert "1 items left out: erased on request." in again.stdout
    store = Store.open(db)
    assert [i for (i,) in store.conn.execute("select id from items")] == [f"twitter:{KEPT}"]
    assert fts_in_step(store.conn)  # VACUUM kept the rowids the full-text index points at
    assert [r["id"] for r in search(store, "urn")] == [f"twitter:{KEPT}"]
    assert store.conn.execute("select left_out from fetch_runs order by id desc limit 1"
                              ).fetchone() == ('{"erased on request": 1}',)
    backup = sqlite3.connect(tmp_path / "backup.db")
    store.conn.backup(backup)
    backup.close()
    store.close()
    assert SENTENCE.encode() not in (tmp_path / "backup.db").read_bytes()
    exported = run("--db", db, "export", "--event", "e").stdout
    assert "zebra" not in exported and KEPT in exported
    assert run("--db", db, "search", "zebra").stderr.strip() == "No matches."
    status = run("--db", db, "status").stdout
    assert "1 items left out: erased on request" in status and "1 takedowns" in status


def test_forget_without_vacuum_still_scrubs_the_sentence(tmp_path):
    db = tmp_path / "archive.db"
    jsonl = tmp_path / "tweets.jsonl"
    jsonl.write_text(json.dumps(tweet(TWEET, SENTENCE)) + "\n")
    run("--db", db, "import", "twarc", jsonl, "--event", "e")
    result = run("--db", db, "forget", "--author", "twitter:77", "--no-vacuum", "--yes")
    assert result.exit_code == 0
    assert SENTENCE.encode() not in file_bytes(db)
    assert b"Teapot fan" not in file_bytes(db)  # the author's name went with them


def response(url, body):
    return httpx.Response(200, headers={"content-type": "text/html"}, content=body.encode(),
                          request=httpx.Request("GET", url))


def test_forget_url_takes_the_page_its_links_and_warc_records_out(tmp_path):
    page, other = "https://blog.example.org/notes", "https://blog.example.org/other"
    media = tmp_path / "media"
    warc = media / "warc"
    warc.mkdir(parents=True)
    # A file as a crawler would leave it: warcinfo first, then the responses.
    day = warc / f"eventarchive-{datetime.now(UTC):%Y%m%d}.warc.gz"
    with open(day, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(day.name, {"software": "test"}))
    run_file = WarcFile(warc)
    run_file.path = day  # the fetch appends to its run's file
    record = run_file.write([response(page, f"<p>{SENTENCE}</p>")])[page].split("#")[1]
    run_file.write([response(other, "<p>Kept page</p>")])
    (written,) = list(warc.iterdir())
    db = tmp_path / "archive.db"
    store = Store.open(db)
    store.ensure_event("e")
    batch = Batch()
    batch.items += [
        Item(f"web:{page}", "article", "web", page, url=page, text=SENTENCE,
             raw=json.dumps({"requested": "https://t.co/abc", "final": page,
                             "warc": f"{written.name}#{record}"})),
        Item("twitter:1", "post", "twitter", "1", text="Notes: https://t.co/abc")]
    batch.links += [Link("twitter:1", "https://t.co/abc", resolved_url=page, status=200)]
    store.save(batch, "e")
    store.close()

    result = run("--db", db, "forget", "--url", page, "--yes")
    assert result.exit_code == 0, result.output
    assert "2 WARC records from 1 files" in result.stdout
    with open(written, "rb") as stream:
        left = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
                for r in ArchiveIterator(stream)]
    assert left == [("warcinfo", None), ("response", other), ("request", other)]
    assert SENTENCE.encode() not in file_bytes(db)
    store = Store.open(db)
    assert [i for (i,) in store.conn.execute("select id from items")] == ["twitter:1"]
    assert store.count("links") == 0
    # The post comes again with its t.co link: the link to the erased page stays out.
    again = Batch()
    again.items.append(Item("twitter:1", "post", "twitter", "1", text="Notes"))
    again.links.append(Link("twitter:1", "https://t.co/abc"))
    store.save(again, "e")
    assert store.count("links") == 0
    store.close()


def test_the_takedown_page_lists_requests_without_their_content(tmp_path):
    db = tmp_path / "archive.db"
    jsonl = tmp_path / "tweets.jsonl"
    jsonl.write_text(json.dumps(tweet(TWEET, SENTENCE)) + "\n")
    run("--db", db, "import", "twarc", jsonl, "--event", "e")
    run("--db", db, "forget", "--item", f"twitter:{TWEET}", "--reason", "asked by the author",
        "--yes")
    ds = make_datasette(db)
    page = asyncio.run(ds.client.get("/-/takedowns"))
    data = asyncio.run(ds.client.get("/-/takedowns.json")).json()
    home = asyncio.run(ds.client.get("/"))
    for database in ds.databases.values():
        database.close()
    assert page.status_code == 200 and "asked by the author" in page.text
    assert TWEET not in page.text and "teapots" not in page.text
    short = hashlib.sha256(f"twitter:{TWEET}".encode()).hexdigest()[:12]
    assert data["takedowns"] == [{"kind": "item", "hash": short, "reason": "asked by the author",
                                  "requested_at": data["takedowns"][0]["requested_at"],
                                  "items": 1}]
    assert 'href="/-/takedowns"' in home.text


def test_warc_rewrite_keeps_a_file_without_matches_untouched(tmp_path):
    from eventarchive.warcfiles import drop_records

    warc = tmp_path / "warc"
    WarcFile(warc).write([response("https://a.example/", "a")])
    (path,) = warc.iterdir()
    before = path.stat().st_mtime_ns, path.read_bytes()
    assert drop_records(warc, {"https://b.example/"}).files == 0
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


# -- free space: zeroed by every write, so a takedown needs no VACUUM ------------------------


def edited_note(db, secure: bool) -> Store:
    """A note saved, then edited (its first words freed), by a writer with or without
    ``secure_delete``; returns the store."""
    store = Store.open(db)
    store.ensure_event("e")
    store.conn.execute(f"PRAGMA secure_delete = {'ON' if secure else 'OFF'}")
    for text in (f"{SENTENCE} in the first draft", "A tidy second draft " * 20):
        batch = Batch(replace=True)
        batch.items.append(Item("notes:1", "note", "notes", "1", text=text))
        store.save(batch, "e")
    return store


def test_an_archive_written_with_free_space_zeroed_forgets_without_vacuum(tmp_path):
    from eventarchive.erasure import Request, forget, targets

    db = tmp_path / "archive.db"
    store = edited_note(db, secure=True)
    assert store.scrubbed()  # created by a writer that zeroes what it frees
    request = Request(items=["notes:1"])
    done = forget(store, request, targets(store, request), None)
    assert done.items == 1 and not done.vacuumed
    store.close()
    assert b"quartermaster" not in file_bytes(db) and b"tidy second draft" not in file_bytes(db)


def test_an_older_archive_is_vacuumed_once_then_marked(tmp_path):
    from eventarchive.erasure import Request, forget, targets

    db = tmp_path / "archive.db"
    store = edited_note(db, secure=False)  # as an older version on another SQLite build did
    store.conn.execute("DELETE FROM source_state WHERE key = 'free_space_zeroed'")
    store.conn.execute("INSERT INTO items (id, kind, platform, native_id, text) "
                       "VALUES ('x:1', 'post', 'x', '1', ?)", (f"{SENTENCE} again",))
    store.conn.commit()
    store.conn.execute("DELETE FROM items WHERE id = 'x:1'")  # freed, not zeroed
    store.conn.commit()
    store.close()
    assert b"quartermaster" in file_bytes(db)  # left in free space
    store = Store.open(db)
    assert not store.scrubbed()
    request = Request(items=["notes:1"])
    done = forget(store, request, targets(store, request), None)
    assert done.vacuumed and store.scrubbed()
    store.close()
    assert b"quartermaster" not in file_bytes(db)
    store = Store.open(db)
    again = Request(items=["notes:2"])
    assert not forget(store, again, targets(store, again), None).vacuumed
    store.close()
