"""search, status and export only look: they never create, migrate or change an archive."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from conftest import build_archive
from eventarchive.cli import cli
from eventarchive.records import Batch, Item
from eventarchive.store import ITEM_SQL, Store

LOOKING = [["search", "cafe"], ["status"], ["export", "--event", "lambethcoop-2011"],
           ["serve", "--port", "1"]]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("command", LOOKING, ids=lambda c: c[0])
def test_a_path_without_an_archive_is_refused_not_created(tmp_path, command):
    db = tmp_path / "typo" / "archive.db"
    result = run("--db", db, *command)
    assert result.exit_code == 2
    assert result.stderr == f"Error: no archive at {db}; run import or fetch first\n"
    assert not db.parent.exists()  # nothing created, not even the folder


@pytest.mark.parametrize("command", LOOKING + [["import", "twarc", __file__]],
                         ids=lambda c: c[0])
def test_a_file_that_is_not_sqlite_is_named_in_one_line(tmp_path, command):
    db = tmp_path / "notes.txt"
    db.write_text("These are my notes, not a database.\n" * 50)
    before = db.read_bytes()
    result = run("--db", db, *command, *(["--event", "e"] if command[0] == "import" else []))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {db}: not an SQLite database")
    assert len(result.stderr.splitlines()) == 1 and result.exception.__class__ is SystemExit
    assert db.read_bytes() == before


def test_an_empty_sqlite_file_is_no_archive(tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    result = run("--db", db, "status")
    assert result.exit_code == 2 and "no archive at" in result.stderr
    assert db.stat().st_size == 0


def test_looking_while_a_writer_holds_the_wal_changes_nothing(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    writer = Store.open(db)
    writer.conn.execute("BEGIN IMMEDIATE")  # a fetch in the middle of saving a page
    writer.conn.execute(ITEM_SQL, ("twitter:1", "post", "twitter", "1", None, None, None, None,
                                   "an uncommitted cafe post", None, None, None, None))
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    try:
        found = run("--db", db, "search", "cafe", "--json")
        assert found.exit_code == 0, found.output
        assert "twitter:1\"" not in found.stdout and "twitter:" in found.stdout
        status = run("--db", db, "status", "--json")
        assert status.exit_code == 0, status.output
        exported = run("--db", db, "export", "--event", "lambethcoop-2011")
        assert exported.exit_code == 0, exported.output
    finally:
        writer.conn.rollback()
        writer.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_the_reading_store_cannot_write(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    store = Store.open_readonly(db)
    batch = Batch()
    batch.items.append(Item("twitter:1", "post", "twitter", "1", text="x"))
    with pytest.raises(Exception, match="readonly"):
        store.save(batch)
    store.close()
