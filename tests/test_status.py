"""`status`: per event and source, what to do, and exit 1 when collecting needs a look."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from click.testing import CliRunner

from eventarchive.cli import cli
from eventarchive.datasette.app import make_datasette
from eventarchive.lock import ArchiveLock
from eventarchive.records import Batch, Item, Media
from eventarchive.store import Store

GONE_PID = 2**30  # above any pid_max: no such process


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "archive.db"
    store = Store.open(path)
    store.ensure_event("day", "Co-op Day", "2026-10-21T08:00:00+00:00")
    batch = Batch()
    batch.items += [Item("mastodon:1", "post", "mastodon", "1", text="hello")]
    batch.media += [Media("m:1", "mastodon:1", url="https://x/1.jpg", path="mastodon/1.jpg"),
                    Media("m:2", "mastodon:1", url="https://x/2.jpg")]
    store.save(batch, "day")
    store.close()
    return path


def add_run(db, source, status, errors=(), new_items=0, pid=None, until=None):
    store = Store.open(db)
    run_id = store.start_run(source, "day")
    if status in ("running", "pending"):
        store.conn.execute("UPDATE fetch_runs SET status = ?, pid = ? WHERE id = ?",
                           (status, pid or os.getpid(), run_id))
        store.conn.commit()
    else:
        store.finish_run(run_id, status, new_items, errors, rate_limited_until=until)
    store.close()


def status(db):
    result = run("--db", db, "status", "--json")
    return result.exit_code, json.loads(result.stdout)


def source(data, name):
    return next(s for e in data["events"] for s in e["sources"] if s["source"] == name)


def test_a_failed_latest_run_exits_1_with_its_error_and_what_to_do(db):
    add_run(db, "mastodon", "ok", new_items=1)
    add_run(db, "twitter", "failed",
            ["twitter: EVENTARCHIVE_X_BEARER_TOKEN is not set; create a bearer token"])
    code, data = status(db)
    assert code == 1 and data["exit_code"] == 1
    twitter = source(data, "twitter")
    assert twitter["state"] == "failed" and twitter["last_success_at"] is None
    assert twitter["last_error"].startswith("twitter: EVENTARCHIVE_X_BEARER_TOKEN is not set")
    assert "eventarchive fetch --event day --source twitter" in twitter["action"]
    assert data["alerts"] == [f"day twitter: failed: {twitter['last_error']}"]
    assert source(data, "mastodon")["state"] == "ok"
    text = run("--db", db, "status")
    assert text.exit_code == 1
    assert "to do: fix what the error says" in text.stdout
    assert "Needs a look: 1 source(s)" in text.stdout
    add_run(db, "twitter", "ok", new_items=3)  # fixed: the latest run counts
    code, data = status(db)
    assert code == 0 and source(data, "twitter")["items"] == 3


def test_a_partial_run_is_a_warning_and_an_import_never_alerts(db):
    add_run(db, "mastodon", "partial", ["mastodon: tag:x: HTTP 500"], new_items=2)
    add_run(db, "import:twarc", "failed", ["x.jsonl: no such file"])
    code, data = status(db)
    assert code == 0 and data["alerts"] == []
    assert data["warnings"] == ["day mastodon: partial: mastodon: tag:x: HTTP 500"]
    assert source(data, "mastodon")["last_success_at"]
    assert source(data, "import:twarc")["state"] == "failed"


def test_a_run_left_running_by_a_dead_process_shows_as_interrupted(db):
    add_run(db, "mastodon", "running", pid=GONE_PID)
    code, data = status(db)
    assert code == 1
    mastodon = source(data, "mastodon")
    assert mastodon["state"] == "interrupted"
    assert "killed, or the disk filled" in mastodon["last_error"]


def test_a_run_of_the_live_writer_is_running(db):
    add_run(db, "mastodon", "running")
    with ArchiveLock(db):  # this process is the writer
        code, data = status(db)
    assert code == 0 and source(data, "mastodon")["state"] == "running"
    code, data = status(db)  # the lock released without closing the run: a dead run
    assert code == 1 and source(data, "mastodon")["state"] == "interrupted"


def test_a_rate_limit_says_when_it_lifts_and_does_not_alert(db):
    line = "twitter: api.x.com: rate limited until 14:05 UTC; progress saved"
    add_run(db, "twitter", "failed", [line], until="2099-01-01T14:05:00+00:00")
    code, data = status(db)
    twitter = source(data, "twitter")
    assert code == 0 and twitter["state"] == "rate_limited" and twitter["rate_limited"]
    assert twitter["rate_limited_until"] == "2099-01-01T14:05:00+00:00"
    assert "lifts at 2099-01-01 14:05 UTC" in twitter["action"]


def test_an_archive_from_before_the_column_reads_the_time_from_the_error(db):
    import sqlite3

    add_run(db, "twitter", "failed", ["twitter: api.x.com: rate limited until 00:10 UTC"])
    conn = sqlite3.connect(db)
    conn.execute("UPDATE fetch_runs SET finished_at = '2026-10-21T23:50:00+00:00'")
    conn.execute("ALTER TABLE fetch_runs DROP COLUMN rate_limited_until")
    conn.commit()
    conn.close()
    code, data = status(db)
    assert source(data, "twitter")["rate_limited_until"] == "2026-10-22T00:10:00+00:00"


def test_photos_by_the_media_stages_state_and_links(db):
    code, data = status(db)
    # The photo stage has not looked at them yet: a copied archive photo is still pending.
    assert data["events"][0]["photos"] == {"stored": 0, "pending": 2, "failed": 0, "gone": 0}
    assert data["events"][0]["links"] == {"total": 0, "dead": 0, "archived": 0,
                                          "unchecked": 0}
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE media SET status = 'stored' WHERE id != 'm:2'")
    conn.execute("UPDATE media SET status = 'failed' WHERE id = 'm:2'")
    conn.commit()
    conn.close()
    code, data = status(db)
    assert data["events"][0]["photos"] == {"stored": 1, "pending": 0, "failed": 1, "gone": 0}


def test_the_same_report_in_datasette(db):
    add_run(db, "twitter", "failed", ["twitter: refused the token <script>"])
    ds = make_datasette(db)

    async def fetch():
        await ds.invoke_startup()
        return await ds.client.get("/-/status"), await ds.client.get("/-/status.json")

    page, as_json = asyncio.run(fetch())
    assert page.status_code == 200
    assert "twitter: refused the token &lt;script&gt;" in page.text
    assert "fix what the error says" in page.text
    assert as_json.status_code == 503  # an uptime check alerts as the exit code does
    assert source(as_json.json(), "twitter")["state"] == "failed"


def test_the_served_report_counts_again_once_the_archive_changes(db):
    ds = make_datasette(db)

    async def items():
        return (await ds.client.get("/-/status.json")).json()["events"][0]["items"]

    async def both():
        await ds.invoke_startup()
        before, again = await items(), await items()
        store = Store.open(db)  # a fetch saves a post while the page is being watched
        batch = Batch()
        batch.items += [Item("mastodon:2", "post", "mastodon", "2", text="again")]
        store.save(batch, "day")
        store.close()
        return before, again, await items()

    assert asyncio.run(both()) == (1, 1, 2)
