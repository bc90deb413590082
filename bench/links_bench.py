"""Fetching links (issue 11, target 4): the web stage's concurrent queries against one at a time.

    .venv/bin/python bench/links_bench.py --pages 1000 --hosts 20 --latency 0.1

Serves N pages over H local hosts (a server each, on its own port of 127.0.0.1, answering
every request after a fixed latency), gives them to an event as seed URLs and runs the real
web stage (``fetching.fetch``: robots.txt, politeness, WARC, extraction, one transaction per page)
twice into fresh archives: once with ``concurrency = 1`` (one URL at a time, as the web stage
did before and as ArchiveBox does) and once with the concurrency asked for. Both keep the
same per-host delay (``per_host_delay``) and per-host limit (``per_host``).

The servers run in a process of their own (as a real site's would), so the stage's process
has no other thread when it starts and can read pages in its worker processes
(``extractpool``); their own work does not take the stage's interpreter lock either.

The ideal is the time the politeness rules allow: each host's pages one after another, each
request starting at least the delay after the one before and taking the latency, ``per_host``
at a time, plus the host's robots.txt; no faster than N × latency / concurrency overall. Also
printed: the same concurrent run with no latency (what the pages cost this machine to
extract and store), the other floor under the stage's time.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import tempfile
import time
from pathlib import Path

from web_bench import Meter, serve

from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.store import Store


def _serve_hosts(hosts: int, latency: float, conn) -> None:
    servers = [serve(Meter(), latency) for _ in range(hosts)]
    conn.send([server.server_address[1] for server in servers])
    conn.recv()  # until told to stop (or the bench is gone)


def serve_elsewhere(hosts: int, latency: float) -> tuple:
    """``hosts`` local servers in a child process: (stop function, their ports)."""
    mine, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve_hosts, args=(hosts, latency, theirs), daemon=True)
    process.start()
    ports = mine.recv()

    def stop():
        mine.send(None)
        process.join(5)
        process.kill()
    return stop, ports


def run_stage(urls: list[str], concurrency: int, per_host: int, delay: float,
              workers: int | None = None) -> tuple:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config.parse({
            "events": [{"slug": "bench", "urls": urls}],
            "sources": {"web": {"per_host_delay": delay, "concurrency": concurrency,
                                "per_host": per_host}},
            "fetch": {"allow_private_addresses": True},
        }, Path(tmp) / "config" / "eventarchive.toml")
        store = Store.open(cfg.database)
        start = time.perf_counter()
        (run,) = fetch(store, cfg, cfg.events, ["web"], {}, workers=workers)
        elapsed = time.perf_counter() - start
        store.close()
    if run.status != "ok" or run.new_items != len(urls):
        raise SystemExit(f"the web stage did not fetch every page: {run.status}, "
                         f"{run.new_items} new items; {run.lines[:3]}")
    return elapsed, run.new_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--delay", type=float, default=0.1, help="per_host_delay")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--per-host", type=int, default=1)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the one-at-a-time run (two minutes at 1,000 pages)")
    args = parser.parse_args()
    stop, ports = serve_elsewhere(args.hosts, args.latency)
    urls = [f"http://127.0.0.1:{ports[n % args.hosts]}/p{n}" for n in range(args.pages)]
    per_host_pages = math.ceil(args.pages / args.hosts)
    step = max(args.delay, args.latency / args.per_host)
    ideal = max(args.latency + per_host_pages * step,
                (args.pages + args.hosts) * args.latency / args.concurrency)
    one = run_stage(urls, 1, args.per_host, args.delay)[0] if args.baseline else math.nan
    many, _ = run_stage(urls, args.concurrency, args.per_host, args.delay)
    alone, _ = run_stage(urls, args.concurrency, args.per_host, args.delay, workers=0)
    stop()
    # The same pages with no latency and no delay: extraction and storing alone.
    stop, ports = serve_elsewhere(args.hosts, 0.0)
    quick_urls = [f"http://127.0.0.1:{ports[n % args.hosts]}/p{n}" for n in range(args.pages)]
    cpu, _ = run_stage(quick_urls, args.concurrency, args.per_host, 0.0)
    stop()
    print(f"Web stage, {args.pages} seed pages over {args.hosts} local hosts, "
          f"{args.latency * 1000:g} ms latency, per_host_delay {args.delay:g} s, per_host "
          f"{args.per_host}:\n")
    print("| fetcher | s | pages/s |\n|---|--:|--:|")
    print(f"| one at a time (concurrency 1) | {one:.2f} | {args.pages / one:.0f} |")
    print(f"| web stage, concurrency {args.concurrency} | {many:.2f} | {args.pages / many:.0f} |")
    print(f"| the same, pages read in the fetching process (no workers) | {alone:.2f} | "
          f"{args.pages / alone:.0f} |")
    print(f"| ideal the politeness rules allow | {ideal:.2f} | {args.pages / ideal:.0f} |")
    print(f"| web stage with no latency or delay (processing only) | {cpu:.2f} | "
          f"{args.pages / cpu:.0f} |")
    print(f"\nconcurrent: {one / many:.1f}× faster than one at a time; "
          f"{many / ideal:.2f}× the ideal (target ≤ 2×); without workers "
          f"{alone / ideal:.2f}× the ideal")


if __name__ == "__main__":
    main()
