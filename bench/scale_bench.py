"""Search and pages at a million items: the canned search, the browse view, the story and the
timeline served by the real `eventarchive serve`, against the baselines, in the same run.

    .venv/bin/python bench/scale_bench.py --tweets 1000000 --requests 50

Builds the archive once per invocation (bench/gen_archive.py + `eventarchive import`) into a
temporary folder, or reuses ``--db``; then serves it on a free port of 127.0.0.1 and requests
each case ``--requests`` times in turn after two warm-ups, printing p50/p95 in ms. Baselines
in the same run: the old search SQL (bm25 over every match, run by Datasette as a query),
Datasette's plain table ``?_search=`` and a ``LIKE`` scan, and the old timeline SQL (1,000
rows). Prints the ratios; no pass/fail.
"""
from __future__ import annotations

import argparse
import platform
import socket
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

from eventarchive.store import Store

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
EXE = ROOT / ".venv" / "bin" / "eventarchive"
OLD = subprocess.run(["git", "-C", str(ROOT), "show", "2af4d03:src/eventarchive/search.py"],
                     capture_output=True, text=True).stdout


def old_sql(name: str) -> str:
    start = OLD.index(f'{name} = """') + len(name) + 6
    return OLD[start:OLD.index('"""', start)].strip()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build(tmp: Path, n: int) -> Path:
    archive, db = tmp / f"archive-{n}", tmp / "scale.db"
    log(f"generating {n:,} tweets into {archive}")
    subprocess.run([sys.executable, str(BENCH / "gen_archive.py"), str(n), str(archive)],
                   check=True)
    log("importing")
    subprocess.run([str(EXE), "--db", str(db), "import", "twitter-archive", str(archive),
                    "--event", "bench", "-q"], check=True, cwd=tmp)
    return db


def common_and_rare(db: Path) -> tuple[str, str, str]:
    """A word in 5-10 % of items, one in a few dozen, and one in a few hundred (at 1M: below
    the browse view's lookup threshold of √items hits), from the index itself."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, items_fts, row)")
    n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    common = conn.execute("SELECT term FROM temp.v WHERE doc BETWEEN ? AND ? AND term GLOB "
                          "'[a-z]*' ORDER BY doc DESC LIMIT 1", (n // 20, n // 10)).fetchone()
    rare = conn.execute("SELECT term FROM temp.v WHERE doc BETWEEN 20 AND 100 AND term GLOB "
                        "'[a-z][a-z][a-z]*' LIMIT 1").fetchone()
    root = int(n ** 0.5)
    few = conn.execute("SELECT term FROM temp.v WHERE doc BETWEEN ? AND ? AND term GLOB "
                       "'[a-z][a-z][a-z]*' LIMIT 1", (root // 5, root)).fetchone()
    conn.close()
    return common[0], (rare or ["zzzz"])[0], (few or ["zzzz"])[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            r.read()
    except urllib.error.HTTPError as e:  # a time limit hit: the page says so (400)
        log(f"{e.code} for {url[:120]}")
    return (time.perf_counter() - started) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tweets", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--db", type=Path, help="reuse this archive instead of building one")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        db = a.db or build(Path(tmp), a.tweets)
        Store.open(db).close()  # a writer's open migrates an older archive (status only reads)
        common, rare, few = common_and_rare(db)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        name = db.stem
        proc = subprocess.Popen([str(EXE), "--db", str(db), "serve", "--port", str(port),
                                 "--allow-sql"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    fetch(f"{base}/-/versions.json")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        log("server did not start")
                        return 2
                    time.sleep(0.1)
            return run(base, name, common, rare, few, a.requests, db)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def run(base: str, name: str, common: str, rare: str, few: str, requests: int,
        db: Path) -> int:
    def sql_url(sql: str, **params) -> str:
        return (f"{base}/{name}.json?" + urllib.parse.urlencode({"sql": sql, **params})
                + "&_shape=array")

    q = urllib.parse.quote
    cases = {}
    for label, word in (("common", common), ("rare", rare)):
        cases[f"search {label} JSON"] = f"{base}/{name}/search.json?q={q(word)}&event=&_shape=array"
        cases[f"search {label} HTML"] = f"{base}/{name}/search?q={q(word)}&event="
        cases[f"baseline: old search SQL, {label}"] = sql_url(
            old_sql("SEARCH_SQL"), q=word, event="", after="")
        cases[f"baseline: items?_search= {label} JSON"] = (
            f"{base}/{name}/items.json?_search={q(word)}&_shape=array")
        cases[f"baseline: items LIKE {label} JSON"] = (
            f"{base}/{name}/items.json?text__contains={q(word)}&_shape=array")
        cases[f"browse?_search= {label}"] = f"{base}/{name}/browse?_search={q(word)}"
    cases["search few JSON"] = f"{base}/{name}/search.json?q={q(few)}&event=&_shape=array"
    cases["browse?_search= few"] = f"{base}/{name}/browse?_search={q(few)}"
    cases["story first page"] = f"{base}/-/events/bench"
    cases["story JSON"] = f"{base}/-/events/bench.json"
    cases["timeline JSON (old SQL, 1,000 rows)"] = f"{base}/{name}/timeline.json?event=bench"
    cases["home page"] = f"{base}/"
    cases["database page"] = f"{base}/{name}"
    cases["items table page"] = f"{base}/{name}/items"
    with urllib.request.urlopen(f"{base}/-/events/bench.json", timeout=120) as r:
        import json

        nxt = json.loads(r.read())["next"]
    if nxt:
        cases["story page 2"] = base + nxt.replace(".json", "")
    times: dict[str, list[float]] = {k: [] for k in cases}
    for url in cases.values():
        for _ in range(2):
            fetch(url)
    for _ in range(requests):
        for k, url in cases.items():
            times[k].append(fetch(url))
    items = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
        "SELECT count(*) FROM items").fetchone()[0]
    print(f"\n### {items:,} items; common word {common!r}, rare word {rare!r}, "
          f"few-hits word {few!r}; "
          f"{requests} sequential requests each after 2 warm-ups\n")
    print(f"{sys.platform}, {__import__('os').cpu_count()} CPUs, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}\n")
    print("| request | p50 ms | p95 ms |\n|---|--:|--:|")
    p95 = {}
    for k, ts in times.items():
        ts.sort()
        p95[k] = ts[int(0.95 * (len(ts) - 1))]
        print(f"| {k} | {statistics.median(ts):,.1f} | {p95[k]:,.1f} |")
    print("\nRatios (baseline p95 / new p95):")
    for label in ("common", "rare"):
        new = p95[f"search {label} JSON"]
        for base_k in (f"baseline: old search SQL, {label}",
                       f"baseline: items?_search= {label} JSON",
                       f"baseline: items LIKE {label} JSON"):
            print(f"- {base_k}: {p95[base_k] / new:.1f}×")
    print(f"- timeline JSON / story first page: "
          f"{p95['timeline JSON (old SQL, 1,000 rows)'] / p95['story first page']:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
