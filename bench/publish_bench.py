"""A published copy against the live file: the canned search's p95 served by plain `datasette`
from `eventarchive publish DIR` (compacted, analysed, immutable, with inspect data) and by
`eventarchive serve` from the live archive, in the same run.

    .venv/bin/python bench/publish_bench.py --tweets 1000000 --requests 50
    .venv/bin/python bench/publish_bench.py --db /tmp/scalebench/live.db --requests 50

Builds the archive like bench/scale_bench.py, or copies ``--db`` into a temporary folder first
(the given file is only read: serving migrates the archive it serves). Requests each case
``--requests`` times in turn after two warm-ups, alternating the two servers, and prints
p50/p95 in ms and the ratio; no pass/fail.
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from scale_bench import EXE, build, common_and_rare, fetch, free_port, log, wait_up

DATASETTE = EXE.parent / "datasette"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tweets", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--db", type=Path, help="copy and use this archive instead of building one")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if a.db:
            db = tmp / "live.db"
            log(f"copying {a.db}")
            src = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
            dst = sqlite3.connect(db)
            src.backup(dst)  # a consistent copy even while the original is written
            src.close()
            dst.close()
        else:
            db = build(tmp, a.tweets)
        # Migrated (as `serve` would), so both servers answer from the same schema.
        subprocess.run([str(EXE.parent / "python"), "-c", "import sys; from eventarchive.store "
                        "import Store; Store.open(sys.argv[1]).close()", str(db)], check=True)
        common, rare, _few = common_and_rare(db)
        out = tmp / "published"
        log("publishing")
        started = time.perf_counter()
        subprocess.run([str(EXE), "--db", str(db), "publish", str(out)], check=True,
                       stdout=subprocess.DEVNULL)
        publish_s = time.perf_counter() - started
        live_port, pub_port = free_port(), free_port()
        servers = [
            subprocess.Popen([str(EXE), "--db", str(db), "serve", "--port", str(live_port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([str(DATASETTE), str(out), "--static",
                              f"-/eventarchive:{out}/static", "--static", f"media:{out}/media",
                              "--port", str(pub_port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        try:
            bases = {"live (eventarchive serve)": (f"http://127.0.0.1:{live_port}", db.stem),
                     "published (datasette DIR)": (f"http://127.0.0.1:{pub_port}", "archive")}
            for proc, (base, _) in zip(servers, bases.values(), strict=True):
                wait_up(base, proc)
            sizes = (db.stat().st_size, (out / "archive.db").stat().st_size)
            return run(bases, common, rare, a.requests, db, publish_s, sizes)
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait(timeout=30)


def run(bases, common, rare, requests, db, publish_s, sizes) -> int:
    q = urllib.parse.quote
    cases = {}
    for label, word in (("common", common), ("rare", rare)):
        for copy, (base, name) in bases.items():
            cases[(f"search {label} JSON", copy)] = (
                f"{base}/{name}/search.json?q={q(word)}&event=&_shape=array")
            cases[(f"search {label} HTML", copy)] = f"{base}/{name}/search?q={q(word)}&event="
    for url in cases.values():  # a case that fails would time an error page: stop instead
        try:
            urllib.request.urlopen(url, timeout=120).read()
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{e.code} for {url}: {e.read()[:300]!r}") from None
    for url in cases.values():
        for _ in range(2):
            fetch(url)
    times: dict = {k: [] for k in cases}
    for _ in range(requests):
        for k, url in cases.items():
            times[k].append(fetch(url))
    items = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
        "SELECT count(*) FROM items").fetchone()[0]
    print(f"\n### Published copy against the live file: {items:,} items; common word "
          f"{common!r}, rare word {rare!r}; {requests} sequential requests each after 2 "
          "warm-ups, the two servers in turn\n")
    print(f"{sys.platform}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}; live file {sizes[0] / 1e6:,.0f} MB, published "
          f"copy {sizes[1] / 1e6:,.0f} MB, `publish` took {publish_s:,.0f} s\n")
    copies = list(bases)
    print("| request | " + " | ".join(f"{c} p50 / p95 ms" for c in copies)
          + " | live p95 / published p95 |\n|---|" + "--:|" * (len(copies) + 1))
    for case in dict.fromkeys(k[0] for k in cases):
        cells, p95 = [], []
        for copy in copies:
            ts = sorted(times[(case, copy)])
            p95.append(ts[int(0.95 * (len(ts) - 1))])
            cells.append(f"{statistics.median(ts):,.1f} / {p95[-1]:,.1f}")
        print(f"| {case} | " + " | ".join(cells) + f" | {p95[0] / p95[1]:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
