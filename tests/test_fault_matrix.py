"""One broken source among working ones, through the real CLI, as cron runs it.

For each fault, X (the `twitter` source) is pointed at a local server that misbehaves in that
one way, while Mastodon, Bluesky and Flickr fetch from the demo's recorded replay. The working
ones must save everything, the broken one is named in one line, the exit code is 1, fetch_runs
tells the truth and no traceback reaches the user.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from test_fetch_end_to_end import ENV, EXE, Replay

WORKING = ("mastodon", "bluesky", "flickr")
TOKEN = "AAAAAAAAAAAAAAAAAAAAAFaultMatrixBearerToken0123456789"
CLI_ENV = {**ENV, "EVENTARCHIVE_X_BEARER_TOKEN": TOKEN}


class Faulty(BaseHTTPRequestHandler):
    """An X API that answers the account look-up and the search in one broken way."""

    fault = "ok"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        fault = self.server.fault
        if "/2/users/by/username/" in self.path:
            if fault == "unknown-account":
                return self._json({"errors": [{"title": "Not Found Error", "detail":
                                               "Could not find user with username: [nobody]."}]})
            return self._json({"data": {"id": "2244994945", "username": "nobody"}})
        if fault == "not-json":
            return self._send(200, b"<html><body>Welcome to our new site</body></html>",
                              "text/html")
        if fault == "unauthorized":
            return self._send(401, b'{"title": "Unauthorized"}', "application/json")
        if fault == "rate-limited":
            reset = int(time.time()) + 3 * 86400
            return self._send(429, b'{"title": "Too Many Requests"}', "application/json",
                              {"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
        if fault == "redirect-loop":
            return self._send(302, b"", "text/plain", {"Location": self.path})
        if fault == "repeated-cursor":
            return self._json({"data": [{"id": "2112934768935386999", "text": "#lambethcoop x",
                                         "author_id": "1", "created_at":
                                         "2026-10-21T10:00:00.000Z"}],
                               "meta": {"result_count": 1, "next_token": "same-every-time"}})
        if fault == "broken-encoding":
            return self._send(200, b"this is not gzip at all", "application/json",
                              {"Content-Encoding": "gzip"})
        if fault == "dripping":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(40):  # one byte every 0.25 s: each read is quick, the whole is not
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return None
                time.sleep(0.25)
            return None
        if fault == "hung":
            time.sleep(5)
            return None
        if fault == "lone-surrogate":
            body = (b'{"data": [{"id": "2112934768935386998", "author_id": "1", "created_at": '
                    b'"2026-10-21T10:00:00.000Z", "text": "#lambethcoop \\ud83d cafe"}], '
                    b'"meta": {"result_count": 1}}')
            return self._send(200, body, "application/json")
        return self._json({"meta": {"result_count": 0}})

    def _json(self, data):
        self._send(200, json.dumps(data).encode(), "application/json")

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def replay():
    r = Replay()
    yield r
    r.release.set()
    r.server.shutdown()


@pytest.fixture
def faulty():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    server.fault = "ok"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def write_config(tmp_path: Path, replay_port: int, x_base: str, *,
                 instances: list[str] | None = None) -> Path:
    base = f"http://127.0.0.1:{replay_port}"
    instances = instances or [f"{base}/mastodon"]
    path = tmp_path / "config" / "eventarchive.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"""
database = "data/archive.db"

[[events]]
slug = "lambethcoop-2026"
name = "Lambeth Co-op Day 2026"
starts_at = "2026-10-21T09:00:00+01:00"
ends_at = "2026-10-21T17:00:00+01:00"
hashtags = ["lambethcoop", "coproduction"]
accounts = {{ mastodon = ["@lambeth_events@toot.example.org"], twitter = ["nobody"] }}

[sources.twitter]
search = "all"
base_url = "{x_base}"

[sources.mastodon]
instances = {json.dumps(instances)}
account_base_url = "{base}/mastodon"

[sources.bluesky]
base_url = "{base}/bluesky"
appview_url = "{base}/bluesky"

[sources.flickr]
base_url = "{base}/flickr"

[fetch]
timeout = 1
deadline = 1.5
retries = 1
backoff = 0.01
allow_private_addresses = true
""")
    return path


def run_fetch(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, "--config", config, "fetch", "--event", "lambethcoop-2026"],
                          env=CLI_ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=90)


def runs(db: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    try:
        return {source: (status, errors) for source, status, errors in conn.execute(
            "select source, status, errors from fetch_runs order by id")}
    finally:
        conn.close()


def platforms(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("select platform, count(*) from items group by platform"))
    finally:
        conn.close()


FAULTS = {
    # fault: (what the one line about twitter says, twitter's recorded status)
    "unknown-account": ("no X account @nobody (Could not find user", "partial"),
    "not-json": ("not JSON", "failed"),
    "unauthorized": ("check EVENTARCHIVE_X_BEARER_TOKEN", "failed"),
    "rate-limited": ("rate limited until", "failed"),
    "redirect-loop": ("redirect", "failed"),
    "repeated-cursor": ("repeated its paging next_token", "partial"),
    "broken-encoding": ("", "failed"),
    "hung": ("", "failed"),
    "dripping": ("sent too slowly", "failed"),
    "lone-surrogate": ("", None),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_broken_source_is_named_once_and_the_others_save_everything(
        fault, tmp_path, replay, faulty):
    faulty.fault = fault
    config = write_config(tmp_path, replay.port, f"http://127.0.0.1:{faulty.server_port}")
    result = run_fetch(config)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, result.stderr
    said, status = FAULTS[fault]
    twitter_lines = [line for line in result.stderr.splitlines() if line.startswith("twitter")]
    assert twitter_lines and said in "\n".join(twitter_lines), result.stderr
    assert len(twitter_lines) <= 2, result.stderr  # one per failed query, at most
    assert all(not line.startswith(WORKING) for line in result.stderr.splitlines())
    db = tmp_path / "data" / "archive.db"
    counts = platforms(db)
    assert all(counts.get(p, 0) > 0 for p in WORKING), counts
    recorded = runs(db)
    assert all(recorded[p][0] == "ok" for p in WORKING), recorded
    if status:
        assert recorded["twitter"][0] == status, recorded
    assert recorded["twitter"][0] != "ok" and recorded["twitter"][1]
    assert "twitter" in result.stdout  # the summary still lists every source
    assert TOKEN not in result.stderr + result.stdout + str(recorded)


def test_a_dead_mastodon_instance_listed_first_never_stops_the_others(tmp_path, replay):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    base = f"http://127.0.0.1:{replay.port}"
    config = write_config(tmp_path, replay.port, f"{base}/x",
                          instances=[f"http://127.0.0.1:{dead}/mastodon", f"{base}/mastodon"])
    result = run_fetch(config)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    mastodon_lines = [line for line in result.stderr.splitlines()
                      if line.startswith("mastodon")]
    assert all(f"127.0.0.1:{dead}" in line for line in mastodon_lines) and mastodon_lines
    db = tmp_path / "data" / "archive.db"
    conn = sqlite3.connect(db)
    # The live instance's hashtag timelines and the account were all read.
    assert conn.execute("select count(*) from items where platform = 'mastodon'").fetchone()[0]
    assert runs(db)["mastodon"][0] == "partial"
    assert runs(db)["bluesky"][0] == "ok"


def test_a_killed_fetch_shows_as_interrupted_with_what_it_saved(tmp_path, replay):
    import signal

    base = f"http://127.0.0.1:{replay.port}"
    config = write_config(tmp_path, replay.port, f"{base}/x")
    from test_fetch_end_to_end import fetch as popen_fetch

    replay.requests.clear()
    replay.hold_path = "/bluesky/xrpc/app.bsky.feed.searchPosts"
    replay.reached.clear()
    replay.release.clear()
    victim = popen_fetch(config)
    try:
        assert replay.reached.wait(30), "the fetch never reached the held request"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        replay.hold_path = None
        replay.release.set()
    again = run_fetch(config)
    assert "Traceback" not in again.stderr
    conn = sqlite3.connect(tmp_path / "data" / "archive.db")
    first = conn.execute("select source, status, new_items from fetch_runs where id <= 4 "
                         "order by id").fetchall()
    assert [s for s, _, _ in first] == ["twitter", "mastodon", "bluesky", "flickr"]
    statuses = dict((s, st) for s, st, _ in first)
    assert statuses["mastodon"] == "ok" and statuses["bluesky"] == "interrupted"
    assert statuses["flickr"] == "interrupted"  # planned, never started
    assert dict((s, n) for s, _, n in first)["mastodon"] > 0
    # The re-run finished what the killed one left.
    assert conn.execute("select status from fetch_runs where source = 'bluesky' order by id "
                        "desc limit 1").fetchone() == ("ok",)
