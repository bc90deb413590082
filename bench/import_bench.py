"""Import benchmark: `eventarchive import twitter-archive` against `twitter-to-sqlite import` 0.22.

    .venv/bin/python bench/import_bench.py --tweets 100000 --repeat 3

Generates a synthetic account archive of N tweets once with bench/gen_archive.py into
bench/out/archive-N/, reused by later runs with the same N, seed and generator.  Then imports it
with each tool `--repeat` times, alternating (eventarchive, twitter-to-sqlite, eventarchive, …),
each time into a fresh database file.  Each import is one child process; its wall time is
measured around the whole process and its peak memory is the child's own ru_maxrss from
os.wait4().  The archive file is read once before every run so that both tools start with it in
the page cache.

Both tools parse the very same bytes: twitter-to-sqlite 0.22 only knows the file name
`tweet.js`, so it is given a folder beside the archive, bench/out/archive-N-t2s/, holding hard
links to the archive's data/tweets.js (as tweet.js) and data/account.js.  twitter-to-sqlite
lives in its own venv, bench/.venv-t2s (created here when missing), because it must not share
packages with eventarchive.

Prints a Markdown table of medians and peaks, the speed ratio, what each database holds, and
checks eventarchive's result: one item per tweet, a full-text row per item, and a working
`eventarchive search`.  Databases are deleted after counting unless --keep is given.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
EVENTARCHIVE = ROOT / ".venv" / "bin" / "eventarchive"
T2S_VENV = BENCH / ".venv-t2s"
T2S = T2S_VENV / "bin" / "twitter-to-sqlite"
T2S_VERSION = "0.22"
EA_TABLES = ("items", "authors", "media", "links", "hashtags", "mentions", "event_items",
             "items_fts_docsize")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_t2s() -> None:
    if T2S.exists():
        return
    log(f"creating {T2S_VENV} with twitter-to-sqlite=={T2S_VERSION}")
    subprocess.run([sys.executable, "-m", "venv", str(T2S_VENV)], check=True)
    subprocess.run([str(T2S_VENV / "bin" / "pip"), "install", "-q",
                    f"twitter-to-sqlite=={T2S_VERSION}"], check=True)


def ensure_archive(out: Path, n: int, seed: int) -> tuple[Path, Path]:
    """The archive folder for eventarchive and the tweet.js folder for twitter-to-sqlite.

    The archive folder holds only what gen_archive.py wrote: eventarchive reads every tweets
    file anywhere in the folder, so the tweet.js links live beside it, not in it.
    """
    archive, t2s_dir = out / f"archive-{n}", out / f"archive-{n}-t2s"
    stamp = out / f"archive-{n}.json"
    generator = (BENCH / "gen_archive.py").read_bytes()
    want = {"tweets": n, "seed": seed, "layout": "modern",
            "generator": hashlib.sha256(generator).hexdigest()[:16]}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        log(f"reusing {archive}")
    else:
        stamp.unlink(missing_ok=True)
        shutil.rmtree(archive, ignore_errors=True)
        log(f"generating {n} tweets into {archive}")
        subprocess.run([sys.executable, str(BENCH / "gen_archive.py"), str(n), str(archive),
                        "--seed", str(seed), "--layout", "modern"], check=True)
        stamp.write_text(json.dumps(want))
    files = sorted(p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file())
    if files != ["data/account.js", "data/tweets.js"]:
        sys.exit(f"{archive} should hold only data/account.js and data/tweets.js, not {files}")
    shutil.rmtree(t2s_dir, ignore_errors=True)
    t2s_dir.mkdir()
    for src, name in (("tweets.js", "tweet.js"), ("account.js", "account.js")):
        try:
            os.link(archive / "data" / src, t2s_dir / name)
        except OSError:
            shutil.copyfile(archive / "data" / src, t2s_dir / name)
    return archive, t2s_dir


def remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def busy_cpu_seconds() -> float:
    """CPU time all processes have used so far, from /proc/stat (0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc; just pid elsewhere)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += map(int, Path(f"/proc/{p}/task/{task}/children").read_text().split())
        except OSError:
            pass
    return found


PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_mib(pid: int) -> float:
    """Resident memory from /proc/PID/statm: a counter, cheap to read.  (smaps_rollup's PSS
    walks the page tables under the process's memory lock and slowed a 16 GB
    twitter-to-sqlite by 8 %.)"""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_MIB
    except (OSError, ValueError, IndexError):
        return 0.0


def self_cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run_child(argv: list[str], cwd: Path, logfile: Path) -> dict:
    """Run one import and measure it.

    Returns wall seconds; CPU seconds of the process and its children; peak RSS, which is the
    largest single process's ru_maxrss from os.wait4; peak tree memory, the largest sum of RSS
    over the process and its children, sampled every 0.1 s (an import may parse in a child
    process; pages a forked child shares with its parent count twice, so this errs high); and
    the CPU seconds other processes used meanwhile.
    """
    tree_peak = 0.0
    with open(logfile, "wb") as out:
        busy, t0 = busy_cpu_seconds() - self_cpu_seconds(), time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, sum(map(rss_mib, process_tree(proc.pid))))
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        busy = busy_cpu_seconds() - self_cpu_seconds() - busy  # not counting our sampling
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{argv[0]} exited with {proc.returncode}; output in {logfile}:\n"
                 + logfile.read_text(errors="replace")[-2000:])
    cpu = ru.ru_utime + ru.ru_stime
    return {"wall": wall, "cpu": cpu, "rss": ru.ru_maxrss / 1024, "tree": tree_peak,
            "others": max(busy - cpu, 0)}


def db_size(db: Path) -> float:
    return sum(Path(str(db) + s).stat().st_size for s in ("", "-wal")
               if Path(str(db) + s).exists()) / 1e6


def count(db: Path, table: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def verify_eventarchive(db: Path, n: int, word: str, cwd: Path) -> list[str]:
    """Problems with eventarchive's database, or an empty list."""
    problems = []
    items, fts = count(db, "items"), count(db, "items_fts_docsize")
    if items != n:
        problems.append(f"items: {items}, expected {n}")
    if fts != items:
        problems.append(f"full-text rows: {fts}, expected {items}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        runs = conn.execute("SELECT status, new_items FROM fetch_runs").fetchall()
    if runs != [("ok", n)]:
        problems.append(f"fetch_runs: {runs}, expected [('ok', {n})]")
    res = subprocess.run([str(EVENTARCHIVE), "--db", str(db), "search", word, "--json"],
                         cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        problems.append(f"search {word!r} exited {res.returncode}: {res.stderr.strip()}")
    else:
        hits = json.loads(res.stdout)
        if not hits:
            problems.append(f"search {word!r} found nothing")
        elif not all(word in (h["snippet"] or "").lower() for h in hits):
            problems.append(f"search {word!r}: a result does not contain the word")
    return problems


def versions() -> str:
    def version(python: Path, pkg: str) -> str:
        res = subprocess.run([str(python), "-c", "import importlib.metadata as m, sys; "
                              "print(m.version(sys.argv[1]))", pkg], capture_output=True, text=True)
        return res.stdout.strip() or "?"

    ea, t2s = ROOT / ".venv" / "bin" / "python", T2S_VENV / "bin" / "python"
    head = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                          capture_output=True, text=True).stdout.strip() or "?"
    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; eventarchive {version(ea, 'eventarchive')} "
            f"({head}) with sqlite-utils {version(ea, 'sqlite-utils')}; twitter-to-sqlite "
            f"{version(t2s, 'twitter-to-sqlite')} with sqlite-utils {version(t2s, 'sqlite-utils')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tweets", type=int, default=100_000, help="tweets in the archive (100000)")
    ap.add_argument("--repeat", type=int, default=3, help="imports per tool (3)")
    ap.add_argument("--keep", action="store_true", help="keep the databases in bench/out/")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    ap.add_argument("--word", default="community", help="word to search for in the check")
    ap.add_argument("--only", choices=("eventarchive", "twitter-to-sqlite"),
                    help="run one tool only (no ratio)")
    a = ap.parse_args()
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    tools = [t for t in ("eventarchive", "twitter-to-sqlite") if a.only in (None, t)]
    if "twitter-to-sqlite" in tools:
        ensure_t2s()
    archive, t2s_dir = ensure_archive(out, a.tweets, a.seed)
    tweets_js = archive / "data" / "tweets.js"
    commands = {
        "eventarchive": lambda db: [str(EVENTARCHIVE), "--db", str(db), "import", "twitter-archive",
                                    str(archive), "--event", "bench", "-q"],
        "twitter-to-sqlite": lambda db: [str(T2S), "import", str(db), str(t2s_dir)],
    }
    dbs = {"eventarchive": out / "eventarchive.db", "twitter-to-sqlite": out / "t2s.db"}
    results: dict[str, list[dict]] = {t: [] for t in tools}
    problems: list[str] = []
    for i in range(a.repeat):
        for tool in tools:
            db = dbs[tool]
            remove_db(db)
            warm(tweets_js)
            r = run_child(commands[tool](db), out, out / f"{tool}.log")
            r["size"] = db_size(db)
            results[tool].append(r)
            log(f"run {i + 1}/{a.repeat} {tool}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, "
                f"{r['rss']:.0f} MiB peak RSS (largest process), {r['tree']:.0f} MiB peak "
                f"memory of all its processes, {r['size']:.0f} MB database; "
                f"other processes used {r['others']:.1f} s CPU meanwhile")
            if tool == "eventarchive":
                items = count(db, "items")
                if items != a.tweets:
                    problems.append(f"run {i + 1}: {items} items, expected {a.tweets}")

    counts = {}
    if "eventarchive" in tools:
        db = dbs["eventarchive"]
        counts["eventarchive"] = {t: count(db, t) for t in EA_TABLES}
        problems += verify_eventarchive(db, a.tweets, a.word, out)
    if "twitter-to-sqlite" in tools:
        t2s_db = dbs["twitter-to-sqlite"]
        counts["twitter-to-sqlite"] = {"archive_tweet": count(t2s_db, "archive_tweet")}
    if not a.keep:
        for db in dbs.values():
            remove_db(db)

    size_mb = tweets_js.stat().st_size / 1e6
    print(f"\n### {a.tweets:,} tweets ({size_mb:,.0f} MB tweets.js), {a.repeat} run(s) per tool\n")
    print(versions() + "\n")
    print("| tool | wall, median (s) | each run (s) | CPU user+sys, median (s) "
          "| peak RSS, max (MiB) | each run (MiB) | peak memory, all processes (MiB) "
          "| database (MB) |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    med = {}
    for tool, rs in results.items():
        med[tool] = statistics.median(r["wall"] for r in rs)
        walls = ", ".join(f"{r['wall']:.1f}" for r in rs)
        rsss = ", ".join(f"{r['rss']:.0f}" for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        peak, tree = max(r["rss"] for r in rs), max(r["tree"] for r in rs)
        print(f"| {tool} | {med[tool]:.1f} | {walls} | {cpu:.1f} | {peak:,.0f} | {rsss} "
              f"| {tree:,.0f} | {rs[-1]['size']:,.0f} |")
    print("\nPeak RSS is the largest single process (ru_maxrss from wait4); peak memory of all "
          "processes is the largest sum of the RSS of the tool's processes, sampled every 0.1 s "
          "(pages a forked child shares with its parent count twice).")
    if len(med) == 2:
        ratio = med["twitter-to-sqlite"] / med["eventarchive"]
        print(f"\nRatio (twitter-to-sqlite wall / eventarchive wall, medians): **{ratio:.2f}×**; "
              f"eventarchive {a.tweets / med['eventarchive']:,.0f} tweets/s, "
              f"twitter-to-sqlite {a.tweets / med['twitter-to-sqlite']:,.0f} tweets/s")
    busy = [f"{tool} run {i + 1} ({r['others']:.1f} s)" for tool, rs in results.items()
            for i, r in enumerate(rs) if r["others"] > 0.1 * r["wall"]]
    if busy:
        print("\nWarning: other processes used more than 10 % of a CPU during " + ", ".join(busy)
              + "; those timings are less reliable.")
    print("\nRows stored:\n")
    for tool, c in counts.items():
        print(f"- {tool}: " + ", ".join(f"{t} {v:,}" for t, v in c.items()))
    if "eventarchive" in tools:
        print(f"\neventarchive check (items == {a.tweets:,}, one FTS row per item, "
              f"`search {a.word}` finds it): " + ("ok" if not problems else "FAILED"))
    for p in problems:
        print(f"- {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
