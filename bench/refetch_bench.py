"""Re-fetch (issue 11, target 5): a second `fetch` with nothing new, against the first, for
every source: the social sources, the web stage and the photo stage.

    .venv/bin/python bench/refetch_bench.py --posts 300 --pages 200 --latency 0.05
    .venv/bin/python bench/refetch_bench.py --demo --latency 0.05

By default, an event of realistic size: bench/refetch_server.py generates ``--posts`` posts per
query in the platforms' real payload shapes (X search; Mastodon's two tag timelines and an
account's statuses; Bluesky's two hashtag searches; Flickr's search, whose photos the photo
stage then downloads), paged as each API pages, and ``--pages`` seed pages of the event over
``--hosts`` local hosts (bench/web_bench.py's pages: half with an ETag, half with none), every
answer after ``--latency`` seconds. The real ``fetching.fetch`` runs each source twice into a
fresh archive, one source at a time; the second run has nothing new. For each source and run:
wall time, requests, the bytes the servers sent (status line, headers and body) and new items.

``--demo`` measures the demo's own replay instead (data/sample/replay/, the answers `make demo`
fetches: a tiny first run of 2 to 9 requests per source).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from refetch_server import Platforms
from refetch_server import serve as serve_platforms
from web_bench import Meter
from web_bench import serve as serve_pages

from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.replay import load_routes, make_handler
from eventarchive.store import Store

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "data" / "sample" / "replay"
EVENT = "lambethcoop-2026"
SOURCES = ("twitter", "mastodon", "bluesky", "flickr", "media")
BIG_SOURCES = ("twitter", "mastodon", "bluesky", "flickr", "web", "media")
ENV = {"EVENTARCHIVE_X_BEARER_TOKEN": "demo", "EVENTARCHIVE_BLUESKY_HANDLE": "demo.example",
       "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "demo", "EVENTARCHIVE_FLICKR_KEY": "demo"}


def serve(meter: Meter, latency: float) -> ThreadingHTTPServer:
    base = make_handler(REPLAY, load_routes(REPLAY))

    class Metered(base):
        def setup(self):
            super().setup()
            write = self.wfile.write

            def counted(data):
                meter.add(len(data), requests=0)
                return write(data)

            self.wfile.write = counted

        def _answer(self):
            meter.add(0)
            time.sleep(latency)
            super()._answer()

        do_GET = do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Metered)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def demo(latency: float) -> None:
    """The demo's replay, fetched twice (its first run is tiny)."""
    meter = Meter()
    server = serve(meter, latency)
    text = (ROOT / "config" / "demo.toml").read_text()
    text = text.replace("127.0.0.1:8765", f"127.0.0.1:{server.server_port}")
    with tempfile.TemporaryDirectory() as tmp:
        text = text.replace('database = "data/demo.db"', f'database = "{tmp}/bench.db"')
        text = text.replace('media_dir = "data/media"', f'media_dir = "{tmp}/media"')
        path = Path(tmp) / "eventarchive.toml"
        path.write_text(text)
        import tomllib

        cfg = config.parse(tomllib.loads(text), path)
        events = [cfg.event(EVENT)]
        store = Store.open(cfg.database)
        rows = run_twice(store, cfg, events, SOURCES, {**os.environ, **ENV}, meter)
        store.close()
    server.shutdown()
    print(f"The demo's {EVENT} fetched twice from its replay ({latency * 1000:g} ms "
          "latency per answer), one source at a time:\n")
    table(rows, SOURCES)


def run_twice(store, cfg, events, names, env, meter: Meter) -> list:
    """Each source fetched twice into ``store``, one at a time; a row per source and run."""
    rows = []
    for attempt in ("first", "second"):
        for name in names:
            requests, sent = meter.snapshot()
            start = time.perf_counter()
            (run,) = fetch(store, cfg, events, [name], env)
            elapsed = time.perf_counter() - start
            after = meter.snapshot()
            rows.append((attempt, name, elapsed, after[0] - requests, after[1] - sent,
                         run.new_items or run.photos, run.status, run.lines[:2]))
    return rows


def table(rows: list, names) -> None:
    print("| source | first: s | requests | bytes | new | second: s | requests | bytes "
          "| new | time 2nd/1st | bytes 2nd/1st |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    first = {r[1]: r for r in rows if r[0] == "first"}
    second = {r[1]: r for r in rows if r[0] == "second"}
    totals = [0.0, 0, 0, 0, 0.0, 0, 0, 0]
    for name in names:
        a, b = first[name], second[name]
        values = (*a[2:6], *b[2:6])
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        print(f"| {name} | {a[2]:.2f} | {a[3]} | {a[4]:,} | {a[5]} | {b[2]:.2f} | {b[3]} | "
              f"{b[4]:,} | {b[5]} | {b[2] / a[2]:.1%} | {b[4] / max(a[4], 1):.1%} |")
    print(f"| **all** | {totals[0]:.2f} | {totals[1]} | {totals[2]:,} | {totals[3]} | "
          f"{totals[4]:.2f} | {totals[5]} | {totals[6]:,} | {totals[7]} | "
          f"**{totals[4] / totals[0]:.1%}** | **{totals[6] / max(totals[2], 1):.1%}** |")
    if "media" in names:  # photo downloads dominate a first run: the total without them too
        rest = [n for n in names if n != "media"]
        t1, t2 = (sum(r[2] for r in rows if r[0] == run and r[1] in rest)
                  for run in ("first", "second"))
        b1, b2 = (sum(r[4] for r in rows if r[0] == run and r[1] in rest)
                  for run in ("first", "second"))
        print(f"| all but photos | {t1:.2f} | | {b1:,} | | {t2:.2f} | | {b2:,} | | "
              f"{t2 / t1:.1%} | {b2 / max(b1, 1):.1%} |")
    statuses = {r[6] for r in rows}
    print(f"\nstatuses: {', '.join(sorted(statuses))}; targets: bytes ≤ 5 %, time ≤ 10 %")
    for row in rows:
        if row[6] != "ok":
            print(f"  {row[0]} {row[1]}: {row[6]}: {row[7]}")


def realistic(posts: int, pages: int, hosts: int, latency: float) -> None:
    """An event of realistic size from bench/refetch_server.py and web_bench's pages."""
    meter = Meter()
    platforms = serve_platforms(Platforms(posts), meter, latency)
    servers = [serve_pages(meter, latency) for _ in range(hosts)]
    base = f"http://127.0.0.1:{platforms.server_port}"
    urls = [f"http://127.0.0.1:{servers[n % hosts].server_address[1]}/p{n}"
            for n in range(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config.parse({
            "database": f"{tmp}/bench.db", "media_dir": f"{tmp}/media",
            "events": [{"slug": EVENT, "name": "Lambeth Co-op Day 2026 (bench)",
                        "starts_at": "2026-10-21T09:00:00+01:00",
                        "ends_at": "2026-10-21T17:00:00+01:00",
                        "hashtags": ["lambethcoop", "coproduction"], "urls": urls,
                        "accounts": {"mastodon": ["@lambeth_events@toot.example.org"]}}],
            "sources": {
                "twitter": {"search": "all", "base_url": f"{base}/x"},
                "mastodon": {"instances": [f"{base}/mastodon"],
                             "account_base_url": f"{base}/mastodon"},
                "bluesky": {"base_url": f"{base}/bluesky", "appview_url": f"{base}/bluesky"},
                "flickr": {"base_url": f"{base}/flickr", "per_page": 100},
                "web": {"per_host_delay": 0},
                "media": {"via": f"{base}/photos"},
            },
            "fetch": {"allow_private_addresses": True},
        }, Path(tmp) / "eventarchive.toml")
        store = Store.open(cfg.database)
        rows = run_twice(store, cfg, cfg.events, BIG_SOURCES, {**os.environ, **ENV}, meter)
        links = store.links_to_resolve(EVENT)
        store.close()
    platforms.shutdown()
    for server in servers:
        server.shutdown()
    print(f"An event of realistic size ({posts} posts per social query, {pages} seed pages "
          f"over {hosts} hosts, {latency * 1000:g} ms latency per answer, per_host_delay 0) "
          "fetched twice, one source at a time:\n")
    table(rows, BIG_SOURCES)
    if links:
        print(f"\nwarning: {len(links)} post links were left for the web stage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--posts", type=int, default=300, help="posts per social query")
    parser.add_argument("--pages", type=int, default=200, help="seed pages of the event")
    parser.add_argument("--hosts", type=int, default=4, help="hosts the seed pages are on")
    parser.add_argument("--demo", action="store_true", help="the demo's replay instead")
    args = parser.parse_args()
    if args.demo:
        demo(args.latency)
    else:
        realistic(args.posts, args.pages, args.hosts, args.latency)


if __name__ == "__main__":
    main()
