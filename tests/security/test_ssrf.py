"""Links in posts and an event's seed URLs can never make the fetcher read this machine or its
network: every spelling of a loopback, private, link-local or cloud-metadata address, through
the real CLI, and a canary on 127.0.0.1 that must see no request at all.

(Redirects from an allowed host and DNS names that resolve to private addresses need a public
host or a resolver, which tests may not use: they are covered in tests/test_http.py with a
MockTransport and an injected resolver.)
"""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventarchive.records import Batch, Item, Link
from eventarchive.store import Store

EXE = Path(sys.executable).parent / "eventarchive"


class Canary(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        Canary.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><title>secret intranet page</title></html>")

    do_POST = do_HEAD = do_GET


@pytest.fixture
def canary():
    Canary.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()


def spellings(port: int) -> list[str]:
    """The same machine, and its neighbours, written every way people try."""
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/admin",
        f"http://LOCALHOST:{port}/",
        f"http://localhost.:{port}/",
        f"http://app.localhost:{port}/",
        f"http://2130706433:{port}/",            # decimal
        f"http://0x7f000001:{port}/",            # hex
        f"http://0177.0.0.1:{port}/",            # octal
        f"http://127.1:{port}/",                 # short form
        f"http://127.000.000.001:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",    # IPv4-mapped IPv6
        f"http://[0:0:0:0:0:ffff:7f00:1]:{port}/",
        f"http://0.0.0.0:{port}/",
        "http://169.254.169.254/latest/meta-data/",   # cloud metadata
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/",
        "http://[fd00::1]/", "http://[fe80::1]/",
        f"http://user:pass@127.0.0.1:{port}/",
    ]


def test_no_spelling_of_a_private_address_reaches_the_canary(tmp_path, canary):
    urls = spellings(canary)
    config = tmp_path / "config" / "eventarchive.toml"
    config.parent.mkdir()
    seeds = ", ".join(f'"{u}"' for u in urls[:6])
    config.write_text(f"""
database = "data/archive.db"
[[events]]
slug = "e"
name = "E"
starts_at = "2026-10-21T09:00:00+01:00"
ends_at = "2026-10-21T17:00:00+01:00"
urls = [{seeds}]

[sources.web]
robots = false
per_host_delay = 0

[fetch]
timeout = 2
retries = 0
""")
    # The rest arrive as links in a stored post, as a Mastodon card or a tweet would bring them.
    store = Store.open(tmp_path / "data" / "archive.db")
    store.ensure_event("e", "E")
    batch = Batch()
    batch.items.append(Item("mastodon:1", "post", "mastodon", "1", text="see these"))
    batch.links += [Link("mastodon:1", u) for u in urls[6:]]
    store.save(batch, "e")
    store.close()
    result = subprocess.run([EXE, "--config", config, "fetch", "--event", "e", "--source", "web"],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert "Traceback" not in result.stderr
    assert Canary.hits == [], Canary.hits
    assert result.returncode == 1  # each refusal is named
    refused = [line for line in result.stderr.splitlines() if line.startswith("web")]
    assert len(refused) >= 20, result.stderr  # 20 shown, the rest in fetch_runs
    assert "secret intranet page" not in Path(tmp_path / "data" / "archive.db").read_bytes(
        ).decode("latin-1")
