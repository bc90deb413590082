"""`export` writes an event's record out; `forget` deletes items for good (takedowns)."""

import csv
import io
import json
import shutil

from click.testing import CliRunner

from conftest import EVENT, FIXTURES, build_archive
from eventarchive.cli import cli
from eventarchive.search import search
from eventarchive.store import Store


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_export_jsonl_and_csv_in_timeline_order(archive_path, tmp_path):
    result = run("--db", archive_path, "export", "--event", EVENT.slug)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 10
    times = [r["published_at"] for r in rows]
    assert times == sorted(times)
    assert rows[0]["handle"] == "lambeth_events" and rows[0]["id"].startswith("twitter:")
    out = tmp_path / "lambethcoop.csv"
    result = run("--db", archive_path, "export", "--event", EVENT.slug, "--format", "csv",
                 "-o", out)
    assert result.exit_code == 0 and "Wrote 10 items" in result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # so that Excel reads UTF-8
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    photo = next(r for r in table if r["photo_paths"])
    assert photo["photo_paths"] == "twitter/127369833300946952-AcUdF3yCIAAeo9Z.jpg"
    assert photo["photo_urls"] == "https://pbs.twimg.com/media/AcUdF3yCIAAeo9Z.jpg"
    assert next(r for r in rows if r["id"] == photo["id"])["photo_urls"] == [photo["photo_urls"]]
    piped = run("--db", archive_path, "export", "--event", EVENT.slug, "--format", "csv")
    assert piped.stdout.startswith("id,")  # no byte order mark for other programs
    assert run("--db", archive_path, "export", "--event", "nope").exit_code == 2


def test_forget_an_author_removes_their_posts_photos_and_name(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    media = tmp_path / "media" / "twitter"
    assert any(media.iterdir())
    store = Store.open(db)
    before = store.count("items")
    mine = store.conn.execute(
        "select count(*) from items where author_id = 'twitter:398120457'").fetchone()[0]
    store.close()
    refused = run("--db", db, "forget", "--author", "twitter:398120457")
    assert refused.exit_code == 2 and "add --yes" in refused.stderr
    result = run("--db", db, "forget", "--author", "twitter:398120457", "--yes")
    assert result.exit_code == 0 and f"Forgot {mine} items and 1 photo files." in result.stdout
    store = Store.open(db)
    assert store.count("items") == before - mine
    assert store.conn.execute(
        "select count(*) from authors where id = 'twitter:398120457'").fetchone() == (0,)
    assert store.conn.execute("select count(*) from media").fetchone() == (0,)
    assert not any(media.iterdir())
    assert all(r["handle"] != "lambeth_events" for r in search(store, "lambethcoop"))
    for table in ("event_items", "links", "hashtags", "mentions"):
        assert store.conn.execute(
            f"select count(*) from {table} where item_id not in (select id from items)"
        ).fetchone() == (0,), table
    # The full-text index forgot them too.
    assert store.conn.execute("select count(*) from items_fts").fetchone()[0] == (
        before - mine)


def test_forget_an_event_keeps_items_that_belong_to_another(tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(build_archive(tmp_path / "a.db"), db)
    run("--db", db, "import", "twarc", FIXTURES / "twarc1.jsonl", "--event", "other")
    result = run("--db", db, "forget", "--event", EVENT.slug, "--yes")
    assert result.exit_code == 0
    store = Store.open(db)
    assert store.conn.execute("select slug from events").fetchall() == [("other",)]
    kept = {i for (i,) in store.conn.execute("select id from items")}
    other = {i for (i,) in store.conn.execute("select item_id from event_items")}
    assert kept == other and kept
