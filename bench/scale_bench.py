"""Search and pages at a million items: the canned search, the browse view, the story and the
timeline served by the real `eventarchive serve`, against the baselines, in the same run.

    .venv/bin/python bench/scale_bench.py --tweets 1000000 --requests 50

Builds the archive once per invocation (bench/gen_archive.py + `eventarchive import`) into a
temporary folder, or reuses ``--db``; then serves it on a free port of 127.0.0.1 and requests
each case ``--requests`` times in turn after two warm-ups, printing p50/p95 in ms. Baselines
in the same run: the old search SQL (bm25 over every match, run by Datasette as a query),
Datasette's plain table ``?_search=`` and a ``LIKE`` scan, and the old timeline SQL (1,000
rows). Prints the ratios; no pass/fail.

``--before SRC`` serves the same file a second time with an earlier source tree and prints
the pages (searches, browse, story, home, database, table) before and after, requests
interleaved so both servers see the same load (a shared machine's noise cancels out).
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


def serve(db: Path, src: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`eventarchive serve` of ``db`` on a free port, once it answers; ``src``: the source
    tree to serve it with instead of this one (a checkout of an earlier commit's ``src``)."""
    import os

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(src)) if src else None
    proc = subprocess.Popen([str(EXE), "--db", str(db), "serve", "--port", str(port),
                             "--allow-sql"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    wait_up(base, proc)
    return proc, base


def wait_up(base: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    """Until the server at ``base`` answers (it may first load a big file's inspect data)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fetch(f"{base}/-/versions.json")
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise SystemExit(f"server at {base} did not start") from None
            time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tweets", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--db", type=Path, help="reuse this archive instead of building one")
    ap.add_argument("--before", type=Path, metavar="SRC",
                    help="also serve the archive with this source tree (e.g. `git archive "
                         "COMMIT src | tar -x -C DIR`, then DIR/src) and compare the pages "
                         "before/after, requests interleaved (the same load for both)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        db = a.db or build(Path(tmp), a.tweets)
        Store.open(db).close()  # a writer's open migrates an older archive (status only reads)
        common, rare, few = common_and_rare(db)
        procs = []
        try:
            proc, base = serve(db)
            procs.append(proc)
            if a.before:
                proc, before = serve(db, a.before)
                procs.append(proc)
                return compare(before, base, db.stem, common, rare, few, a.requests)
            return run(base, db.stem, common, rare, few, a.requests, db)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)


def page_cases(base: str, name: str, common: str, rare: str, few: str) -> dict[str, str]:
    """The pages people open (no baselines), for ``compare``."""
    q = urllib.parse.quote
    cases = {}
    for label, word in (("common", common), ("few", few), ("rare", rare)):
        cases[f"search {label} JSON"] = f"{base}/{name}/search.json?q={q(word)}&event=&_shape=array"
        cases[f"search {label} HTML"] = f"{base}/{name}/search?q={q(word)}&event="
        cases[f"browse?_search= {label}"] = f"{base}/{name}/browse?_search={q(word)}"
    cases["story first page"] = f"{base}/-/events/bench"
    cases["home page"] = f"{base}/"
    cases["database page"] = f"{base}/{name}"
    cases["items table page"] = f"{base}/{name}/items"
    return cases


def compare(before: str, after: str, name: str, common: str, rare: str, few: str,
            requests: int) -> int:
    """Each page from both servers, before and after in turn, so both see the same load."""
    cases = {k: (url, page_cases(after, name, common, rare, few)[k])
             for k, url in page_cases(before, name, common, rare, few).items()}
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
    for pair in cases.values():
        for url in pair * 2:
            fetch(url)
    for i in range(requests):
        for k, pair in cases.items():
            for j in ((0, 1) if i % 2 else (1, 0)):
                times[k][j].append(fetch(pair[j]))
    print(f"\n### before/after, interleaved; common word {common!r}, rare word {rare!r}, "
          f"few-hits word {few!r}; {requests} requests each after 2 warm-ups\n")
    print("| request | before p50 | before p95 | after p50 | after p95 | p95 ratio |")
    print("|---|--:|--:|--:|--:|--:|")
    for k, (b, a) in times.items():
        b.sort()
        a.sort()
        pb, pa = b[int(0.95 * (len(b) - 1))], a[int(0.95 * (len(a) - 1))]
        print(f"| {k} | {statistics.median(b):,.1f} | {pb:,.1f} | {statistics.median(a):,.1f}"
              f" | {pa:,.1f} | {pb / pa:.1f}× |")
    return 0


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
    cases["gallery first page"] = f"{base}/-/events/bench/gallery"
    cases[f"story search ?q= {common}"] = f"{base}/-/events/bench?q={q(common)}"
    cases[f"story search ?q= {rare}"] = f"{base}/-/events/bench?q={q(rare)}"
    cases["Atom feed"] = f"{base}/-/events/bench.atom"
    cases["photos canned query (1,000 rows)"] = f"{base}/{name}/photos.json?event=bench"
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
