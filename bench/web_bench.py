"""Re-fetch benchmark (issue 11, target 5): a second web run with nothing new, against the first.

    .venv/bin/python bench/web_bench.py --pages 200 --hosts 4 --latency 0.01

Serves N seed pages over H local "hosts" (ports on 127.0.0.1, each adding a fixed latency per
answer): half of them send an ETag (and answer 304 to If-None-Match), half send no validator at
all, as most small sites. Runs the real web stage (``fetching.fetch``) into a fresh archive: a
first run, a second at once (no page is due for its re-check: nothing is asked) and a third
with every page due (as after the re-check interval: a conditional GET or a download and hash
per page). Prints, for each run, the wall time, the requests and the bytes the servers sent
(status line, headers and body), and each later run's share of the first.
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.store import Store

PARAGRAPH = ("Residents and officers met at the town hall to plan the co-operative council's "
             "first year; the repairs panel asked for tenants on every board. ")


class Meter:
    def __init__(self):
        self.lock = threading.Lock()
        self.bytes = self.requests = 0

    def add(self, sent: int, requests: int = 1) -> None:
        with self.lock:
            self.bytes += sent
            self.requests += requests

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.requests, self.bytes


def serve(meter: Meter, latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as real servers do. (Answering "HTTP/1.1" from an HTTP/1.0 handler,
        # which closes every connection, made the client reuse closed connections and retry
        # after its 2 s backoff.)
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server's name
            time.sleep(latency)
            if self.path == "/robots.txt":
                return self.answer(404, b"", {})
            n = int(self.path.strip("/p") or 0)
            etag = f'"v{n}"' if n % 2 == 0 else None
            if etag and self.headers.get("If-None-Match") == etag:
                return self.answer(304, b"", {"ETag": etag})
            body = (f"<html><head><title>Page {n}</title></head><body><article><h1>Page {n}"
                    f"</h1><p>{PARAGRAPH * 40}</p></article></body></html>").encode()
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if etag:
                headers["ETag"] = etag
            self.answer(200, body, headers)

        def answer(self, status: int, body: bytes, headers: dict) -> None:
            head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}",
                    *(f"{k}: {v}" for k, v in headers.items())]
            data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
            meter.add(len(data))  # before the client has it: counted in the run that asked
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.01)
    args = parser.parse_args()
    meter = Meter()
    servers = [serve(meter, args.latency) for _ in range(args.hosts)]
    urls = [f"http://127.0.0.1:{servers[n % args.hosts].server_address[1]}/p{n}"
            for n in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config.parse({
            "events": [{"slug": "bench", "urls": urls}],
            "sources": {"web": {"per_host_delay": 0}},
            "fetch": {"allow_private_addresses": True},
        }, Path(tmp) / "config" / "eventarchive.toml")
        store = Store.open(cfg.database)
        results = []
        for attempt in range(3):
            if attempt == 2:  # an hour later: every page is due for its re-check
                with store.conn:
                    store.conn.execute("UPDATE source_state SET state = json_set(state, "
                                       "'$.next_try', '2000-01-01T00:00:00+00:00') "
                                       "WHERE source = 'web'")
            before = (meter.bytes, meter.requests)
            start = time.perf_counter()
            (run,) = fetch(store, cfg, cfg.events, ["web"], {})
            elapsed = time.perf_counter() - start
            results.append((elapsed, meter.requests - before[1], meter.bytes - before[0],
                            run.new_items, run.status))
        store.close()
    for server in servers:
        server.shutdown()
    print(f"Web stage, {args.pages} seed pages over {args.hosts} local hosts "
          f"({args.latency * 1000:g} ms latency), half with an ETag, half with no validator:\n")
    print("| run | time (s) | requests | bytes received | new items | status |")
    print("|---|--:|--:|--:|--:|---|")
    names = ("first", "second (at once)", "third (every page due)")
    for name, row in zip(names, results, strict=True):
        elapsed, requests, sent, new, status = row
        print(f"| {name} | {elapsed:.2f} | {requests} | {sent:,} | {new} | {status} |")
    (t1, _, b1, _, _), (t2, _, b2, _, _), (t3, _, b3, _, _) = results
    print(f"\nSecond run / first: time {t2 / t1:.1%} (target ≤ 10 %), bytes {b2 / b1:.1%} "
          f"(target ≤ 5 %). A run when every page is due (its re-check): time {t3 / t1:.1%}, "
          f"bytes {b3 / b1:.1%}.")


if __name__ == "__main__":
    main()
