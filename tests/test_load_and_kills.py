"""Load and faults, bounded: a fetch writes while Datasette answers searches; an import killed
with SIGKILL at random points, then run again, ends with the rows of a clean import and a
sound database file."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from test_browser import serving
from test_fault_matrix import CLI_ENV, write_config
from test_fetch_end_to_end import Replay

ROOT = Path(__file__).parent.parent
EXE = Path(sys.executable).parent / "eventarchive"
TABLES = ("items", "authors", "media", "hashtags", "mentions", "event_items")


def snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
                for t in TABLES if t != "items"} | {"items": sorted(conn.execute(
                    "select id, kind, platform, author_id, published_at, text from items"))}
    finally:
        conn.close()


def sound(db: Path) -> None:
    """The file is sound and its full-text index in step with its items (every batch an
    import saves is indexed in the same transaction)."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in conn.execute("select name from sqlite_master")}
        if "items_fts" not in tables:  # killed while the first open built the schema
            assert "items" not in tables or conn.execute(
                "select count(*) from items").fetchone() == (0,)
            return
        conn.execute("insert into items_fts(items_fts, rank) values ('integrity-check', 1)")
        assert conn.execute("select count(*) from items_fts_docsize").fetchone() == \
            conn.execute("select count(*) from items").fetchone()
    finally:
        conn.close()


def test_a_fetch_writes_while_datasette_answers_searches(tmp_path):
    replay = Replay()
    try:
        config = write_config(tmp_path, replay.port, f"http://127.0.0.1:{replay.port}/x")
        db = tmp_path / "data" / "archive.db"
        subprocess.run([EXE, "--config", config, "init"], capture_output=True)  # no-op: exists
        subprocess.run([EXE, "--db", db, "import", "twarc", ROOT / "tests" / "fixtures" /
                        "twarc2.jsonl", "--event", "lambethcoop-2026"], check=True,
                       capture_output=True, env=CLI_ENV)
        with serving(db, tmp_path) as (base, name):
            served = tmp_path / "serve" / db.name  # serving() serves a copy: write to it
            answers: list[int] = []
            errors: list[str] = []
            stop = threading.Event()

            def searcher():
                for _ in range(400):  # bounded: a few seconds of searching
                    if stop.is_set():
                        return
                    try:
                        with urllib.request.urlopen(
                                f"{base}/{name}/search.json?q=cafe&_shape=array",
                                timeout=10) as r:
                            answers.append(r.status)
                    except urllib.error.HTTPError as exc:
                        errors.append(f"{exc.code} {exc.read()[:200]!r}")

            threads = [threading.Thread(target=searcher) for _ in range(3)]
            for t in threads:
                t.start()
            fetch_config = config.read_text().replace(
                'database = "data/archive.db"', f'database = "{served}"')
            (tmp_path / "config" / "serve.toml").write_text(fetch_config)
            result = subprocess.run([EXE, "--config", tmp_path / "config" / "serve.toml",
                                     "fetch", "--event", "lambethcoop-2026"], env=CLI_ENV,
                                    capture_output=True, text=True, timeout=120,
                                    stdin=subprocess.DEVNULL)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            assert result.returncode in (0, 1) and "locked" not in result.stderr, result.stderr
            assert errors == [] and answers and set(answers) == {200}
            # What the fetch saved is what the next request sees.
            with urllib.request.urlopen(
                    f"{base}/{name}/items.json?_shape=array&platform=bluesky&_size=1") as r:
                assert json.load(r), "the fetch's bluesky posts are visible"
    finally:
        replay.release.set()
        replay.server.shutdown()


def test_imports_killed_at_random_points_end_like_a_clean_import(tmp_path):
    archive = tmp_path / "archive"
    subprocess.run([sys.executable, ROOT / "bench" / "gen_archive.py", "20000", archive],
                   check=True, capture_output=True)
    clean = tmp_path / "clean.db"
    subprocess.run([EXE, "--db", clean, "import", "twitter-archive", archive, "--event", "e"],
                   check=True, capture_output=True)
    victim = tmp_path / "killed.db"
    rng = random.Random(7)
    for _ in range(3):  # bounded: three kills at random moments
        proc = subprocess.Popen([EXE, "--db", victim, "import", "twitter-archive", archive,
                                 "--event", "e"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))  # the moment of the kill, not a wait for readiness
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if victim.exists():  # every batch saved before the kill is searchable already
            sound(victim)
    again = subprocess.run([EXE, "--db", victim, "import", "twitter-archive", archive, "--event",
                            "e"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    sound(victim)
    assert snapshot(victim) == snapshot(clean)
