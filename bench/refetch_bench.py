"""Re-fetch (issue 11, target 5): a second `fetch` with nothing new, against the first, for
the social sources and the photo stage.

    .venv/bin/python bench/refetch_bench.py --latency 0.05

Serves the demo's recorded API answers (data/sample/replay/, the same replay `make demo`
fetches from) on 127.0.0.1, each answer after a fixed latency, and runs the real `fetching.fetch`
of the demo's 2026 event (X, Mastodon, Bluesky, Flickr, then the photos) twice into a fresh
archive, one source at a time. For each source and run: wall time, requests, the bytes the
replay sent (status line, headers and body) and new items. The second run sends the
`since_id` / cursors the first stored, so the replay answers with its empty pages. (The web
stage's re-fetch is measured by bench/web_bench.py.)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.replay import load_routes, make_handler
from eventarchive.store import Store

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "data" / "sample" / "replay"
EVENT = "lambethcoop-2026"
SOURCES = ("twitter", "mastodon", "bluesky", "flickr", "media")
ENV = {"EVENTARCHIVE_X_BEARER_TOKEN": "demo", "EVENTARCHIVE_BLUESKY_HANDLE": "demo.example",
       "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "demo", "EVENTARCHIVE_FLICKR_KEY": "demo"}


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.bytes = self.requests = 0

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.requests, self.bytes


def serve(counter: Counter, latency: float) -> ThreadingHTTPServer:
    base = make_handler(REPLAY, load_routes(REPLAY))

    class Metered(base):
        def setup(self):
            super().setup()
            write = self.wfile.write

            def counted(data):
                with counter.lock:
                    counter.bytes += len(data)
                return write(data)

            self.wfile.write = counted

        def _answer(self):
            with counter.lock:
                counter.requests += 1
            time.sleep(latency)
            super()._answer()

        do_GET = do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Metered)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    counter = Counter()
    server = serve(counter, args.latency)
    text = (ROOT / "config" / "demo.toml").read_text()
    text = text.replace("127.0.0.1:8765", f"127.0.0.1:{server.server_port}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        text = text.replace('database = "data/demo.db"', f'database = "{tmp}/bench.db"')
        text = text.replace('media_dir = "data/media"', f'media_dir = "{tmp}/media"')
        path = Path(tmp) / "eventarchive.toml"
        path.write_text(text)
        import tomllib

        cfg = config.parse(tomllib.loads(text), path)
        events = [cfg.event(EVENT)]
        store = Store.open(cfg.database)
        env = {**os.environ, **ENV}
        for attempt in ("first", "second"):
            for name in SOURCES:
                requests, sent = counter.snapshot()
                start = time.perf_counter()
                (run,) = fetch(store, cfg, events, [name], env)
                elapsed = time.perf_counter() - start
                after = counter.snapshot()
                rows.append((attempt, name, elapsed, after[0] - requests, after[1] - sent,
                             run.new_items, run.status))
        store.close()
    server.shutdown()
    print(f"The demo's {EVENT} fetched twice from its replay ({args.latency * 1000:g} ms "
          "latency per answer), one source at a time:\n")
    print("| source | first: s | requests | bytes | new items | second: s | requests | bytes "
          "| new items | time 2nd/1st | bytes 2nd/1st |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    first = {r[1]: r for r in rows if r[0] == "first"}
    second = {r[1]: r for r in rows if r[0] == "second"}
    totals = [0.0, 0, 0, 0, 0.0, 0, 0, 0]
    for name in SOURCES:
        a, b = first[name], second[name]
        values = (*a[2:6], *b[2:6])
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        print(f"| {name} | {a[2]:.2f} | {a[3]} | {a[4]:,} | {a[5]} | {b[2]:.2f} | {b[3]} | "
              f"{b[4]:,} | {b[5]} | {b[2] / a[2]:.0%} | {b[4] / max(a[4], 1):.1%} |")
    print(f"| all | {totals[0]:.2f} | {totals[1]} | {totals[2]:,} | {totals[3]} | "
          f"{totals[4]:.2f} | {totals[5]} | {totals[6]:,} | {totals[7]} | "
          f"{totals[4] / totals[0]:.0%} | {totals[6] / max(totals[2], 1):.1%} |")
    statuses = {r[6] for r in rows}
    print(f"\nstatuses: {', '.join(sorted(statuses))}; targets: bytes ≤ 5 %, time ≤ 10 %")


if __name__ == "__main__":
    main()
