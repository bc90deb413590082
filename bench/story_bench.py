"""Story page benchmark: the first page of a 50,000-item event's story against the `timeline`
canned query, both served by the real `eventarchive serve` on 127.0.0.1, in the same run.

    .venv/bin/python bench/story_bench.py --items 50000 --requests 40

Generates the event once into bench/out/story-N.db (posts on three platforms, a tenth with a
photo, replies, comments under articles, one pinned, hidden and moved item each when the
curation tables exist, a programme of sessions in the config). Then starts `eventarchive serve`
on a free port and requests, in turns, the story's first page (HTML), its JSON form, a
filtered story page, and the `timeline` canned query (which shows 1,000 rows), each
`--requests` times after two warm-up requests. Prints the p50 and p95 of each in ms and the
ratio of the story's p95 to the timeline's; exits 1 when the story's first page p95 is over
300 ms (the target in docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))

from eventarchive.records import Author, Batch, Item, Media  # noqa: E402
from eventarchive.store import Store  # noqa: E402

SLUG = "bench-day"
TARGET_MS = 300.0
CONFIG = f"""
database = "story.db"
[[events]]
slug = "{SLUG}"
name = "Benchmark day"
starts_at = "2026-10-21T09:00:00+01:00"
ends_at = "2026-10-21T17:00:00+01:00"
sessions = [
  {{ title = "Morning", starts_at = "2026-10-21T09:00:00+01:00", ends_at = "2026-10-21T12:00:00+01:00" }},
  {{ title = "Afternoon", starts_at = "2026-10-21T13:00:00+01:00", ends_at = "2026-10-21T17:00:00+01:00" }},
]
"""  # noqa: E501
CURATION_SQL = """
CREATE TABLE IF NOT EXISTS curation (event TEXT NOT NULL, item_id TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0, hidden INTEGER NOT NULL DEFAULT 0, after_item_id TEXT,
  updated_at TEXT NOT NULL, PRIMARY KEY (event, item_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS annotations (id INTEGER PRIMARY KEY, event TEXT NOT NULL,
  after_item_id TEXT, text TEXT NOT NULL, created_at TEXT NOT NULL);
"""
WORDS = ("co-op tea urn table housing world cafe lambeth people council community share "
         "budget idea notes session talk question answer garden energy food").split()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def generate(path: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    store = Store.open(path)
    store.ensure_event(SLUG, "Benchmark day", "2026-10-21T08:00:00+00:00",
                       "2026-10-21T16:00:00+00:00", "A generated event")
    platforms = ("twitter", "mastodon", "bluesky")
    with store.bulk():
        for start in range(0, n, 5000):
            b = Batch()
            for i in range(start, min(n, start + 5000)):
                platform_ = platforms[i % 3]
                who = f"{platform_}:u{rnd.randrange(2000)}"
                b.authors.append(Author(who, platform_, f"user{who.split(':u')[1]}",
                                        f"Person {who}"))
                seconds = rnd.randrange(12 * 3600)
                when = f"2026-10-21T{6 + seconds // 3600:02d}:{seconds // 60 % 60:02d}:" \
                       f"{seconds % 60:02d}+00:00"
                kind = "article" if i % 500 == 0 else "comment" if i % 500 in (1, 2) else "post"
                parent = f"{platforms[(i - (i % 500)) % 3]}:{i - (i % 500)}" \
                    if kind == "comment" else None
                b.items.append(Item(f"{platform_}:{i}", kind, platform_, str(i),
                                    f"https://{platform_}.example/{i}", who, when,
                                    text=" ".join(rnd.choices(WORDS, k=20)),
                                    in_reply_to=parent))
                if i % 10 == 0:
                    b.media.append(Media(f"{platform_}:m{i}", f"{platform_}:{i}",
                                         f"https://img.example/{i}.jpg", f"photos/{i}.jpg",
                                         "image/jpeg", alt_text="a photo"))
            store.save(b, SLUG)
    store.conn.executescript(CURATION_SQL)
    with store.conn:
        store.conn.executemany(
            "INSERT OR REPLACE INTO curation VALUES (?, ?, ?, ?, ?, '2026-12-01T00:00:00')",
            [(SLUG, "twitter:3", 1, 0, None), (SLUG, "mastodon:4", 0, 1, None),
             (SLUG, "bluesky:5", 0, 0, "twitter:6")])
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
        assert r.status == 200, (url, r.status)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    db = out / f"story-{args.items}.db"
    if not db.exists():
        log(f"generating {args.items:,} items into {db}")
        generate(db, args.items)
    else:
        Store.open(db).close()  # migrations (indexes) of this checkout
    config = out / "story-bench.toml"
    config.write_text(CONFIG.replace('"story.db"', f'"{db}"'))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    exe = ROOT / ".venv" / "bin" / "eventarchive"
    server_log = open(out / "story-bench-server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(exe), "--config", str(config), "serve", "--port", str(port)],
                            stdout=server_log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(f"{base}/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    log(f"server did not start; see {out / 'story-bench-server.log'}")
                    return 2
                time.sleep(0.05)
        urls = {
            "story, first page": f"{base}/-/events/{SLUG}",
            "story JSON, first page": f"{base}/-/events/{SLUG}.json",
            "story, filtered (q=tea, session)": f"{base}/-/events/{SLUG}?q=tea&session=Morning",
            "timeline canned query": f"{base}/{db.stem}/timeline?event={SLUG}",
        }
        times: dict[str, list[float]] = {k: [] for k in urls}
        for url in urls.values():
            fetch(url)
            fetch(url)
        for _ in range(args.requests):
            for name, url in urls.items():
                times[name].append(fetch(url))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        server_log.close()
    conn = sqlite3.connect(db)
    count = conn.execute("SELECT count(*) FROM event_items WHERE event = ?", (SLUG,)).fetchone()
    conn.close()

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[18]

    print(f"Story benchmark: {count[0]:,} items, {args.requests} requests each, "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{platform.machine()}\n")
    print("| page | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {p95(values):.1f} |")
    story, timeline = p95(times["story, first page"]), p95(times["timeline canned query"])
    print(f"\nstory first page p95 / timeline p95 = {story / timeline:.2f} "
          f"(target: story p95 <= {TARGET_MS:.0f} ms)")
    return 0 if story <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
