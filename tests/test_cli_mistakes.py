"""Operator mistakes and sick disks: one line saying what is wrong, never a traceback, the
data intact and the next run complete."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, build_archive
from eventarchive.cli import cli
from eventarchive.store import Store

EXE = Path(sys.executable).parent / "eventarchive"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_line(result) -> str:
    """The error line; fails on a traceback or more than one line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize("command", [["forget", "--item", "x:1", "--yes"], ["backup", "b"],
                                     ["serve", "--port", "1"], ["curate", "--event", "e", "list"]],
                         ids=lambda c: c[0])
def test_a_db_that_is_not_sqlite_is_one_line_for_writers_too(tmp_path, command):
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n" * 100)
    result = run("--db", db, *command)
    assert result.exit_code == 2
    assert one_line(result).startswith(f"Error: {db}: not an SQLite database")
    assert db.read_text() == "my notes\n" * 100


# -- a disk that fills up --------------------------------------------------------------------


def big_twarc(path: Path, count: int) -> Path:
    tweet = json.loads((FIXTURES / "twarc1.jsonl").read_text().splitlines()[0])
    with open(path, "w") as out:
        for n in range(count):
            tweet["id"] = tweet["id_str"] = str(10**18 + n)
            tweet["full_text"] = f"tweet {n} #lambethcoop " + "words of the day " * 40
            out.write(json.dumps(tweet) + "\n")
    return path


@pytest.fixture
def tiny_disk(monkeypatch):
    """Store.open with room for only a few more pages: SQLite says "database or disk is full"
    exactly as on a full disk."""
    opened = Store.open.__func__

    def open_small(cls, path):
        store = opened(cls, path)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_small))


def test_a_disk_filling_during_an_import_is_one_line_and_the_next_import_completes(
        tmp_path, tiny_disk, monkeypatch):
    db = build_archive(tmp_path / "archive.db")
    before = sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]
    big = big_twarc(tmp_path / "big.jsonl", 3000)
    result = run("--db", db, "import", "twarc", big, "--event", "lambethcoop-2011")
    assert result.exit_code == 1
    line = one_line(result)
    assert "database or disk is full" in line and "importing again carries on" in line
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] >= before
    assert conn.execute("SELECT status FROM fetch_runs ORDER BY id DESC LIMIT 1").fetchone() \
        == ("failed",)  # closed, not left 'running'
    conn.close()
    monkeypatch.undo()  # space freed
    again = run("--db", db, "import", "twarc", big, "--event", "lambethcoop-2011")
    assert again.exit_code == 0, again.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0] \
        == before + 3000


def test_a_disk_filling_before_anything_is_saved_is_one_line(tmp_path, monkeypatch):
    db = build_archive(tmp_path / "archive.db")
    opened = Store.open.__func__

    def full(cls, path):
        store = opened(cls, path)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(Store, "open", classmethod(full))
    result = run("--db", db, "import", "twarc", big_twarc(tmp_path / "b.jsonl", 50),
                 "--event", "new-event")
    assert result.exit_code == 1
    assert "database or disk is full" in one_line(result)
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_disk_filling_during_a_fetch_is_one_line_and_the_next_fetch_completes(
        tmp_path, tiny_disk, monkeypatch, httpserver):
    page = json.loads((FIXTURES / "twarc2.jsonl").read_text().splitlines()[0])
    page.pop("__twarc", None)
    page["meta"].pop("next_token", None)
    first = page["data"][0]
    page["data"] = [dict(first, id=str(10**18 + n), text=f"post {n} " + "words " * 150)
                    for n in range(400)]
    httpserver.expect_request("/2/tweets/search/all").respond_with_json(page)
    config = tmp_path / "config" / "eventarchive.toml"
    config.parent.mkdir()
    config.write_text(f'[[events]]\nslug = "day"\nhashtags = ["lambethcoop"]\n'
                      f'[sources.twitter]\nbase_url = "{httpserver.url_for("").rstrip("/")}"\n'
                      'search = "all"\n')
    db = build_archive(tmp_path / "data" / "archive.db")
    runner = CliRunner(env={"EVENTARCHIVE_X_BEARER_TOKEN": "tok"})
    result = runner.invoke(cli, ["--config", str(config), "fetch", "--quiet"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("twitter: the archive could not be written (database or "
                                    "disk is full)")
    status = run("--db", db, "status", "--json")
    day = next(e for e in json.loads(status.stdout)["events"] if e["slug"] == "day")
    twitter = day["sources"][0]
    assert twitter["state"] in ("failed", "interrupted")  # never 'running' for ever
    assert status.exit_code == 1
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    monkeypatch.undo()
    monkeypatch.undo()
    again = runner.invoke(cli, ["--config", str(config), "fetch", "--quiet"])
    assert again.exit_code == 0, again.output
    assert run("--db", db, "status").exit_code == 0


# -- damaged zips ----------------------------------------------------------------------------


def zipped(tmp_path) -> Path:
    path = tmp_path / "twitter-2022.zip"
    source = FIXTURES / "twitter-archive"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for file in sorted(source.rglob("*")):
            if file.is_file():
                z.write(file, file.relative_to(source).as_posix())
    return path


def test_a_zip_with_a_bad_crc_in_the_middle_says_which_file_is_damaged(tmp_path):
    path = zipped(tmp_path)
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("data/tweets.js")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    result = run("--db", tmp_path / "a.db", "import", "twitter-archive", path, "--event", "e")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{path}!data/tweets.js: damaged inside the zip (" in result.stderr
    assert "download the archive again" in result.stderr


def test_a_truncated_zip_is_called_incomplete_not_a_wrong_format(tmp_path):
    path = zipped(tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = run("--db", tmp_path / "a.db", "import", "twitter-archive", path, "--event", "e")
    assert result.exit_code == 2
    assert one_line(result) == (
        f"Error: {path}: an incomplete or damaged zip (its table of contents at the end is "
        "missing: was the download cut short?); download the archive again\n")


# -- config values ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ('database = "."\n', "database: '.' is a folder; expected the archive file's path"),
    ('database = "data/"\n', "database: 'data/' is a folder"),
    ("[fetch]\ntimeout = -1\n", "fetch.timeout: expected seconds above 0"),
    ("[fetch]\ntimeout = 1e300\n", "fetch.timeout: expected seconds above 0"),
    ("[fetch]\nmax_redirects = -1\n", "fetch.max_redirects: expected a whole number"),
    ("[fetch]\nmax_bytes = -5\n", "fetch.max_bytes: expected a number of bytes above 0"),
    ('[sources.mastodon]\ninstances = "https://mastodon.social"\n',
     "sources.mastodon.instances: expected a list of http(s) addresses"),
])
def test_config_values_out_of_range_exit_2_naming_file_and_key(tmp_path, text, message):
    config = tmp_path / "settings.toml"
    config.write_text(text)
    result = run("--config", config, "status")
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith(f"Error: {config}: ") and message in line


def test_relative_paths_in_a_config_outside_a_config_folder_resolve_beside_it(
        tmp_path, monkeypatch):
    folder = tmp_path / "events"
    folder.mkdir()
    config = folder / "2011.toml"
    config.write_text('database = "data/archive.db"\nmedia_dir = "data/media"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("--config", config, "import", "twarc", FIXTURES / "twarc1.jsonl",
                 "--event", "e")
    assert result.exit_code == 0, result.output
    assert (folder / "data" / "archive.db").is_file()
    assert not (elsewhere / "data").exists()
    (tmp_path / "config").mkdir()
    inside = tmp_path / "config" / "eventarchive.toml"
    inside.write_text('database = "data/archive.db"\n')
    assert run("--config", inside, "import", "twarc", FIXTURES / "twarc1.jsonl",
               "--event", "e").exit_code == 0
    assert (tmp_path / "data" / "archive.db").is_file()  # the folder holding config/


# -- an archive in a read-only folder -------------------------------------------------------


def as_nobody(*args) -> subprocess.CompletedProcess:
    """The real CLI as an unprivileged user: root writes through any permission bits, so a
    read-only folder can only be tried by someone else."""
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           EXE, *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd="/")


@pytest.fixture(scope="module")
def read_only_archive():
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another user")
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux)")
    top = Path(tempfile.mkdtemp())
    try:
        top.chmod(0o755)
        db = build_archive(top / "data" / "archive.db")
        for path in (top / "data").rglob("*"):
            path.chmod(0o555 if path.is_dir() else 0o444)
        (top / "data").chmod(0o555)
        if as_nobody("--version").returncode != 0:
            pytest.skip("the unprivileged user cannot run this install")
        yield db
    finally:
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(top)


def test_an_archive_in_a_read_only_folder_can_be_read_and_says_why_it_cannot_be_written(
        read_only_archive, tmp_path):
    db = read_only_archive
    before = {p: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    for command in (["status"], ["search", "urn"], ["export", "--event", "lambethcoop-2011"]):
        result = as_nobody("--db", db, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout
    status = as_nobody("--db", db, "status", "--json")
    assert json.loads(status.stdout)["counts"]["items"] > 0
    for command in (["import", "twarc", FIXTURES / "twarc1.jsonl", "--event", "e"],
                    ["forget", "--item", "twitter:1", "--yes"]):
        result = as_nobody("--db", db, *command)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"Error: cannot write to {db}: ")
        assert "read-only" in result.stderr and len(result.stderr.splitlines()) == 1
    assert {p: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


SERVE = """
import asyncio, sys
from eventarchive.datasette.app import make_datasette
ds = make_datasette(sys.argv[1])
async def main():
    await ds.invoke_startup()
    for path in ("/archive/items.json?_shape=array&_size=1", "/-/status.json"):
        response = await ds.client.get(path)
        print(path, response.status_code)
asyncio.run(main())
"""


def test_datasette_serves_an_archive_in_a_read_only_folder(read_only_archive):
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             sys.executable, "-c", SERVE, str(read_only_archive)],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["/archive/items.json?_shape=array&_size=1 200",
                                          "/-/status.json 200"]
