"""The whole fetch, as cron runs it, against the recorded replay of all four networks:
a second run adds nothing and asks only for what is new; a run killed with SIGKILL in the middle
and run again ends with exactly the rows of an uninterrupted run; Datasette finds every network.
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eventarchive.datasette.app import make_datasette
from eventarchive.replay import load_routes, make_handler

ROOT = Path(__file__).parent.parent
REPLAY = ROOT / "data" / "sample" / "replay"
EXE = Path(sys.executable).parent / "eventarchive"
ENV = {**os.environ, "EVENTARCHIVE_X_BEARER_TOKEN": "t", "EVENTARCHIVE_BLUESKY_HANDLE": "d.example",
       "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "p", "EVENTARCHIVE_FLICKR_KEY": "k"}
TABLES = {
    "items": "select id, kind, platform, native_id, url, author_id, published_at, title, text, "
             "html, in_reply_to, raw from items",
    "authors": "select * from authors",
    # Everything but when a photo was downloaded (or is due another try), and which copy of a
    # near-duplicate pair names the pair's group (the one downloaded first): see `groups`.
    "media": "select id, item_id, url, path, mime, width, height, taken_at, alt_text, sha256, "
             "license, status, error, attempts, thumb_path, camera, location, phash from media",
    "groups": "select group_concat(id, ' ') from (select id, photo_group from media "
              "where photo_group is not null order by id) group by photo_group",
    "links": "select * from links", "hashtags": "select * from hashtags",
    "mentions": "select * from mentions", "reposts": "select * from reposts",
    "event_items": "select * from event_items",
}


class Replay:
    """The demo's replay in a thread; ``hold`` pauses one request path until released."""

    def __init__(self):
        self.requests = []
        self.hold_path = None
        self.reached = threading.Event()
        self.release = threading.Event()
        handler = make_handler(REPLAY, load_routes(REPLAY))
        replay = self

        class Recording(handler):
            def _answer(self):
                replay.requests.append(self.path)
                if replay.hold_path and urlsplit(self.path).path == replay.hold_path:
                    replay.reached.set()
                    replay.release.wait(10)
                super()._answer()

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port


@pytest.fixture
def replay():
    r = Replay()
    yield r
    r.release.set()
    r.server.shutdown()


def config_for(tmp_path: Path, port: int, name: str) -> Path:
    text = (ROOT / "config" / "demo.toml").read_text()
    text = text.replace("127.0.0.1:8765", f"127.0.0.1:{port}")
    text = text.replace('database = "data/demo.db"', f'database = "data/{name}.db"')
    path = tmp_path / "config" / f"{name}.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def fetch(config: Path, **kwargs):
    return subprocess.Popen([EXE, "--config", config, "fetch", "--event", "lambethcoop-2026"],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, **kwargs)


def rows(db: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {t: sorted(conn.execute(sql).fetchall(), key=repr) for t, sql in TABLES.items()}
    finally:
        conn.close()


def test_fetch_all_four_twice_then_search_finds_every_network(tmp_path, replay):
    config = config_for(tmp_path, replay.port, "whole")
    first = fetch(config)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert all(f"{s} " in out and f"{s} 0 new" not in out
               for s in ("twitter", "mastodon", "bluesky", "flickr"))
    db = tmp_path / "data" / "whole.db"
    before = rows(db)
    replay.requests.clear()
    second = fetch(config)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out == ("Fetched: lambethcoop-2026 twitter 0 new; lambethcoop-2026 mastodon 0 new; "
                   "lambethcoop-2026 bluesky 0 new; lambethcoop-2026 flickr 0 new; "
                   "lambethcoop-2026 media 0 new.\n")
    assert rows(db) == before
    # The photos came from the replay on the first run, and none is asked for again.
    photos = sqlite3.connect(db).execute(
        "select status, count(*) from media where mime like 'image/%' group by 1").fetchall()
    assert dict(photos) == {"stored": 8, "gone": 1}
    assert not [p for p in replay.requests if p.startswith("/photos/")]
    # The X photo is Flickr's "World cafe" resized: one picture, shared twice.
    assert ("flickr:55082116789 twitter:2112915831649846213",) in before["groups"]
    # The second run asks only for what is new.
    for path in replay.requests:
        parts = urlsplit(path)
        params = parse_qs(parts.query)
        if parts.path.endswith("/2/tweets/search/all"):
            assert "since_id" in params
        elif "/timelines/tag/" in parts.path or parts.path.endswith("/statuses"):
            assert "since_id" in params or "min_id" in params
        elif parts.path.endswith("searchPosts"):
            assert "since" in params
        elif params.get("method") == ["flickr.photos.search"]:
            assert "min_upload_date" in params

    ds = make_datasette(db)
    response = asyncio.run(ds.client.get(
        "/whole/search.json?q=world+cafe&event=lambethcoop-2026&_shape=array"))
    assert {row["platform"] for row in response.json()} == {
        "twitter", "mastodon", "bluesky", "flickr"}


def test_killed_with_sigkill_mid_fetch_then_rerun_equals_an_uninterrupted_run(tmp_path, replay):
    whole = fetch(config_for(tmp_path, replay.port, "whole"))
    assert whole.wait(timeout=60) == 0

    config = config_for(tmp_path, replay.port, "killed")
    replay.hold_path = next(urlsplit(p).path for p in replay.requests if "searchPosts" in p)
    victim = fetch(config)
    assert replay.reached.wait(30), "the fetch never reached the held request"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    replay.hold_path = None
    replay.release.set()
    killed_db = tmp_path / "data" / "killed.db"
    partial = rows(killed_db)
    assert 0 < len(partial["items"]) < len(rows(tmp_path / "data" / "whole.db")["items"])

    again = fetch(config)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert rows(killed_db) == rows(tmp_path / "data" / "whole.db")
