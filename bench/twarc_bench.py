"""twarc2 import benchmark (issue 11, target 3): `eventarchive import twarc` against
`twarc2 flatten` + `sqlite-utils insert --nl`, the usual way to get a twarc2 file into SQLite.

    .venv/bin/python bench/twarc_bench.py --tweets 1000000 --repeat 2

Generates a twarc2 JSONL file once into bench/out/twarc2-N.jsonl: N tweets as v2 search
response pages of 100 (``data``, ``includes`` with users, media and the retweeted or quoted
tweets, ``meta``, ``__twarc``), with the word distribution, users, hashtags, mentions, links,
photos (11 %), replies (22 %) and retweets (8 %) of bench/gen_archive.py's account archives.
Then imports it in turns, each into a fresh database, each a child process timed as a whole:

- eventarchive: `eventarchive import twarc FILE --event bench` (items with their raw payload,
  authors, media, links, hashtags, mentions, event membership, the full-text index and the
  secondary indexes, as for any import);
- the competitor: `twarc2 flatten FILE flat.jsonl`, then `sqlite-utils insert DB tweets
  flat.jsonl --nl` (one flat table, entities as JSON text, no full-text index), from their own
  venv, bench/.venv-twarc (created when missing: `pip install twarc sqlite-utils`).

Prints medians, peak memory (largest process) and the ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gen_archive import HASHTAGS, SPAN, START_ID, START_TS, Gen

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
EVENTARCHIVE = BENCH.parent / ".venv" / "bin" / "eventarchive"
VENV = BENCH / ".venv-twarc"
PAGE = 100
V2_TIME = "%Y-%m-%dT%H:%M:%S.000Z"


def ensure_venv() -> None:
    if (VENV / "bin" / "twarc2").exists() and (VENV / "bin" / "sqlite-utils").exists():
        return
    print(f"creating {VENV} with twarc and sqlite-utils", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "twarc", "sqlite-utils"],
                   check=True)


def user(gen: Gen, name: str) -> dict:
    handle, display, uid = gen.users[name]
    return {"id": uid, "username": handle, "name": json.loads(display),
            "created_at": "2012-03-04T05:06:07.000Z", "description": "Co-ops and tea.",
            "location": "Lambeth", "protected": False, "verified": False,
            "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/a_normal.jpg",
            "public_metrics": {"followers_count": 120, "following_count": 80,
                               "tweet_count": 4000, "listed_count": 3}}


def tweet(gen: Gen, i: int, n: int, includes: dict) -> dict:
    """Tweet i of n as API v2 gives it; what it refers to goes into ``includes``."""
    r = gen.r
    tid = str(START_ID + i * 4096 + r.randrange(4096))
    ts = START_TS + SPAN * i // n + r.randrange(600)
    author = r.choice(gen.names)
    includes["users"][author] = user(gen, author)
    entities: dict = {"hashtags": [], "mentions": [], "urls": []}
    body = r.choices(gen.words, cum_weights=gen.cum, k=r.randint(8, 36))
    for _ in range(int(r.random() * 3)):
        body.insert(r.randrange(len(body) + 1), "#" + r.choice(HASHTAGS))
    for _ in range(int(r.random() * 2.4)):
        body.insert(r.randrange(len(body) + 1), "@" + r.choice(gen.names))
    text, kind, extra = "", r.random(), {}
    if kind < 0.22:
        parent = r.choice(gen.names)
        text = f"@{parent} "
        entities["mentions"].append({"start": 0, "end": len(parent) + 1, "username": parent,
                                     "id": gen.users[parent][2]})
        extra = {"in_reply_to_user_id": gen.users[parent][2],
                 "referenced_tweets": [{"type": "replied_to",
                                        "id": str(START_ID + r.randrange(i * 4096 + 1))}]}
    for word in body:
        if len(text) + len(word) > 232:
            break
        if word[0] == "#":
            entities["hashtags"].append({"start": len(text), "end": len(text) + len(word),
                                         "tag": word[1:]})
        elif word[0] == "@":
            entities["mentions"].append({"start": len(text), "end": len(text) + len(word),
                                         "username": word[1:], "id": gen.users[word[1:]][2]})
        text += word + " "
    text = text[:-1]
    if r.random() < 0.55:
        link, path = gen.tco(), "-".join(r.choices(gen.words[40:], k=4))
        entities["urls"].append({"start": len(text) + 1, "end": len(text) + 1 + len(link),
                                 "url": link, "expanded_url": f"https://example.org/news/{path}",
                                 "display_url": f"example.org/news/{path[:15]}…"})
        text += " " + link
    if r.random() < 0.11:
        key = f"3_{int(tid) - 1 - r.randrange(1000)}"
        link = gen.tco()
        entities["urls"].append({"start": len(text) + 1, "end": len(text) + 1 + len(link),
                                 "url": link, "media_key": key,
                                 "expanded_url": f"https://twitter.com/{author}/status/{tid}"
                                                 "/photo/1",
                                 "display_url": f"pic.twitter.com/{link[13:]}"})
        text += " " + link
        extra["attachments"] = {"media_keys": [key]}
        includes["media"].append({"media_key": key, "type": "photo", "width": 1200,
                                  "height": 900, "url": f"https://pbs.twimg.com/media/{key}.jpg"})
    if 0.22 <= kind < 0.30:  # a retweet: the original comes along in includes.tweets
        original = str(START_ID + r.randrange(i * 4096 + 1))
        source = r.choice(gen.names)
        includes["users"][source] = user(gen, source)
        includes["tweets"].append({"id": original, "text": text, "author_id":
                                   gen.users[source][2], "created_at":
                                   time.strftime(V2_TIME, time.gmtime(ts - 3600)),
                                   "lang": "en", "public_metrics": {
                                       "retweet_count": 4, "reply_count": 0, "like_count": 9,
                                       "quote_count": 0}, "entities": entities})
        text = f"RT @{source}: {text}"[:280]
        extra["referenced_tweets"] = [{"type": "retweeted", "id": original}]
    return {"id": tid, "text": text, "author_id": gen.users[author][2],
            "created_at": time.strftime(V2_TIME, time.gmtime(ts)), "lang": "en",
            "conversation_id": tid, "edit_history_tweet_ids": [tid], "possibly_sensitive": False,
            "reply_settings": "everyone", "public_metrics": {
                "retweet_count": int(r.paretovariate(1.6)) - 1, "reply_count": 0,
                "like_count": int(r.paretovariate(1.3)) - 1, "quote_count": 0},
            "entities": {k: v for k, v in entities.items() if v}, **extra}


def ensure_file(n: int, seed: int) -> Path:
    path = OUT / f"twarc2-{n}.jsonl"
    stamp = OUT / f"twarc2-{n}.json"
    code = Path(__file__).read_bytes() + (BENCH / "gen_archive.py").read_bytes()
    want = {"tweets": n, "seed": seed, "code": hashlib.sha256(code).hexdigest()[:16]}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        return path
    OUT.mkdir(exist_ok=True)
    gen = Gen(seed)
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        for first in range(n - 1, -1, -PAGE):  # newest first, as a search returns them
            includes: dict = {"users": {}, "media": [], "tweets": []}
            data = [tweet(gen, i, n, includes) for i in range(first, max(first - PAGE, -1), -1)]
            page = {"data": data,
                    "includes": {"users": list(includes["users"].values()),
                                 **{k: includes[k] for k in ("media", "tweets") if includes[k]}},
                    "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                             "result_count": len(data)},
                    "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all",
                                "version": "2.14.0", "retrieved_at": "2022-10-21T17:00:00+00:00"}}
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
    stamp.write_text(json.dumps(want))
    print(f"generated {path} ({path.stat().st_size:,} bytes, {n // PAGE} pages) in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process."""
    with open(cwd / "output.log", "ab") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} failed: {(cwd / 'output.log').read_text()[-1000:]}")
    return wall, usage.ru_maxrss / 1024


def run_eventarchive(source: Path, work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "eventarchive.toml").write_text(
        'database = "bench.db"\nmedia_dir = "media"\n[[events]]\nslug = "bench"\n')
    wall, rss = timed([str(EVENTARCHIVE), "--config", "eventarchive.toml", "import", "twarc",
                       str(source), "--event", "bench"], work)
    conn = sqlite3.connect(work / "bench.db")
    rows = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("items", "authors", "media", "links", "hashtags", "mentions",
                      "items_fts_docsize")}
    conn.close()
    return {"wall": wall, "rss": rss, "rows": rows}


def run_competitor(source: Path, work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # A dummy token: flatten makes no request, but twarc2 asks for one before any command.
    flat_wall, flat_rss = timed([str(VENV / "bin" / "twarc2"), "--bearer-token", "unused",
                                 "flatten", str(source), "flat.jsonl"], work)
    insert_wall, insert_rss = timed([str(VENV / "bin" / "sqlite-utils"), "insert", "bench.db",
                                     "tweets", "flat.jsonl", "--nl"], work)
    conn = sqlite3.connect(work / "bench.db")
    rows = {"tweets": conn.execute("select count(*) from tweets").fetchone()[0]}
    conn.close()
    return {"wall": flat_wall + insert_wall, "flatten": flat_wall, "insert": insert_wall,
            "rss": max(flat_rss, insert_rss), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensure_venv()
    source = ensure_file(args.tweets, args.seed)
    runs: dict[str, list[dict]] = {"eventarchive": [], "competitor": []}
    for _ in range(args.repeat):
        for name, function in (("eventarchive", run_eventarchive),
                               ("competitor", run_competitor)):
            with open(source, "rb") as f:  # both start with the file in the page cache
                while f.read(1 << 24):
                    pass
            result = function(source, OUT / f"twarc-{name}")
            runs[name].append(result)
            print(f"{name}: {result['wall']:.1f} s", file=sys.stderr)
    for name in runs:
        shutil.rmtree(OUT / f"twarc-{name}", ignore_errors=True)
    ea, comp = runs["eventarchive"], runs["competitor"]
    ea_wall = statistics.median(r["wall"] for r in ea)
    comp_wall = statistics.median(r["wall"] for r in comp)
    print(f"twarc2 JSONL, {args.tweets:,} tweets in {args.tweets // PAGE:,} response pages "
          f"({source.stat().st_size / 1e6:,.0f} MB), {args.repeat} alternated runs each:\n")
    print("| tool | wall, median | each run | peak RSS, largest process |")
    print("|---|--:|--:|--:|")
    each = ", ".join(f"{r['wall']:.1f}" for r in ea)
    print(f"| eventarchive import twarc | {ea_wall:.1f} s | {each} | "
          f"{max(r['rss'] for r in ea):.0f} MiB |")
    each = ", ".join(f"{r['flatten']:.1f}+{r['insert']:.1f}" for r in comp)
    print(f"| twarc2 flatten + sqlite-utils insert --nl | {comp_wall:.1f} s | {each} | "
          f"{max(r['rss'] for r in comp):.0f} MiB |")
    print(f"\neventarchive is {comp_wall / ea_wall:.2f}× faster (target ≥ 3×)")
    print(f"eventarchive rows: {ea[-1]['rows']}; competitor rows: {comp[-1]['rows']}")


if __name__ == "__main__":
    main()
