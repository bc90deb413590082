"""`backup`: a verified copy made while another process writes; damage is caught in one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from conftest import build_archive
from eventarchive.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


WRITER = textwrap.dedent("""
    import sys, pathlib
    from eventarchive.records import Batch, Item
    from eventarchive.store import Store
    store = Store.open(sys.argv[1])
    stop = pathlib.Path(sys.argv[2])
    for n in range(100000):  # bounded; stops as soon as the test says so
        if stop.exists():
            break
        batch = Batch()
        batch.items.append(Item(f"web:{n}", "page", "web", str(n), text=f"page {n} world cafe"))
        store.save(batch, "lambethcoop-2011")
    print(n)
""")


def items(db) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_made_while_another_process_writes_is_consistent(tmp_path):
    db = build_archive(tmp_path / "data" / "archive.db")
    before = items(db)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(10000):  # readiness: the writer has committed something
            if items(db) > before + 20 or writer.poll() is not None:
                break
        result = run("--db", db, "backup", tmp_path / "backup")
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Backed up ") and "integrity ok" in result.stdout
    copy = tmp_path / "backup" / "archive.db"
    assert before < items(copy) <= items(db)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    hits = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'cafe'").fetchone()
    assert hits[0] >= items(copy) - before  # every page the snapshot holds is searchable
    conn.close()
    photo = next((tmp_path / "backup" / "media").rglob("*.jpg"))
    original = tmp_path / "data" / "media" / photo.relative_to(tmp_path / "backup" / "media")
    assert os.path.samefile(photo, original)  # same filesystem: a hard link, no space used
    assert run("--db", db, "backup", tmp_path / "backup", "--check").exit_code == 0


def test_a_damaged_photo_fails_the_backup_in_one_line(tmp_path):
    db = build_archive(tmp_path / "data" / "archive.db")
    assert run("--db", db, "backup", tmp_path / "backup").exit_code == 0
    photo = next((tmp_path / "data" / "media").rglob("*.jpg"))
    with open(photo, "r+b") as f:  # bit rot in the original (the backup links to it)
        f.seek(100)
        f.write(b"\x00\x01\x02")
    result = run("--db", db, "backup", tmp_path / "backup2")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'backup2' / 'media'}")
    assert "does not match its sha256" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "backup2" / "archive.db").exists()  # never a backup that lies
    checked = run("--db", db, "backup", tmp_path / "backup", "--check")
    assert checked.exit_code == 1 and "does not match its sha256" in checked.stderr


def test_photos_forgotten_since_go_from_the_backup_and_its_own_folder_is_refused(tmp_path):
    db = build_archive(tmp_path / "data" / "archive.db")
    assert run("--db", db, "backup", tmp_path / "backup").exit_code == 0
    photo = next((tmp_path / "data" / "media").rglob("*.jpg"))
    sqlite3.connect(db).execute("UPDATE media SET path = NULL, sha256 = NULL").connection.commit()
    photo.unlink()
    result = run("--db", db, "backup", tmp_path / "backup")
    assert result.exit_code == 0 and "1 removed" in result.stdout
    assert not list((tmp_path / "backup" / "media").rglob("*.jpg"))
    refused = run("--db", db, "backup", tmp_path / "data")
    assert refused.exit_code == 1 and "the archive's own folder" in refused.stderr
