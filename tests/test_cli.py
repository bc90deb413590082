"""The command line as users meet it: help, exit codes, one-line errors, quiet under cron."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventarchive.cli import cli

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def run(*args, cwd=None):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_documented(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"## eventarchive {name}\n" in DOCS.read_text()


def test_import_without_config_creates_the_event_and_reimport_adds_nothing(tmp_path, fixtures):
    db = tmp_path / "archive.db"
    first = run("--db", db, "import", "twitter-archive", fixtures / "twitter-archive",
                "--event", "lambethcoop-2011")
    assert first.exit_code == 0, first.output
    assert "Imported 7 new items" in first.stdout
    assert "created event 'lambethcoop-2011'" in first.stderr
    assert (tmp_path / "media" / "twitter").is_dir()  # photos go beside the database
    again = run("--db", db, "import", "twitter-archive", fixtures / "twitter-archive",
                "--event", "lambethcoop-2011")
    assert "Imported 0 new items" in again.stdout
    assert "created event" not in again.stderr


def test_bad_lines_exit_1_naming_file_and_line(tmp_path, fixtures):
    result = run("--db", tmp_path / "a.db", "import", "twarc", fixtures / "bad.jsonl",
                 "--event", "x")
    assert result.exit_code == 1
    assert f"{fixtures / 'bad.jsonl'}:2: " in result.stderr
    assert "Imported 2 new items" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "twarc", "{fixtures}/twarc1.jsonl"], "--event SLUG is required"),
        (["import", "twitter-archive", "{tmp}", "--event", "x"], "expected data/tweets.js"),
        (["import", "tags-csv", "{fixtures}/twarc1.jsonl", "--event", "x"], "not a TAGS"),
        (["import", "twarc", "{fixtures}/twarc1.jsonl", "--event", "x", "--match"],
         "--match needs event 'x' in the config"),
        (["import", "twarc", "{fixtures}/twarc1.jsonl", "--event", "Bad Slug"],
         "expected lower-case"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, fixtures, args, message):
    args = [a.format(fixtures=fixtures, tmp=tmp_path) for a in args]
    result = run("--db", tmp_path / "a.db", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_config_error_names_file_and_key(tmp_path, fixtures):
    config = tmp_path / "config" / "eventarchive.toml"
    config.parent.mkdir()
    config.write_text('[[events]]\nslug = "x"\nstarts_at = "21/10/2011"\n')
    result = run("--config", config, "status")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {config}: events.x.starts_at: '21/10/2011' is not an ISO "
                             "8601 time with a UTC offset, e.g. 2011-10-21T09:00:00+01:00\n")


def test_init_writes_a_config_that_loads_and_never_overwrites(tmp_path):
    config = tmp_path / "config" / "eventarchive.toml"
    assert run("--config", config, "init").exit_code == 0
    status = run("--config", config, "status")  # loads; there is no archive yet to show
    assert status.exit_code == 2 and "run import or fetch first" in status.stderr
    assert not (tmp_path / "data" / "archive.db").exists()
    again = run("--config", config, "init")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_match_with_a_configured_event(tmp_path, fixtures):
    config = tmp_path / "config" / "eventarchive.toml"
    config.parent.mkdir()
    config.write_text('[[events]]\nslug = "morning"\nname = "Morning"\n'
                      'starts_at = "2011-10-21T09:00:00+01:00"\n'
                      'ends_at = "2011-10-21T13:00:00+01:00"\nhashtags = ["lambethcoop"]\n')
    result = run("--config", config, "import", "twitter-archive", fixtures / "twitter-archive",
                 "--event", "morning", "--match")
    assert result.exit_code == 0
    assert "skipped" in result.stdout and "not matching the event" in result.stdout


def test_search_and_status(archive_path):
    result = run("--db", archive_path, "search", "urn", "--json")
    rows = json.loads(result.output)
    assert rows and all("urn" in (r["snippet"] or "").lower() for r in rows)
    text = run("--db", archive_path, "search", "urn").output
    assert "@cafe_host_jo" in text and "[Urn]" in text
    assert run("--db", archive_path, "search", "zzzz-nothing").stderr == "No matches.\n"
    status = json.loads(run("--db", archive_path, "status", "--json").output)
    assert status["counts"]["items"] == 10
    assert status["events"][0]["slug"] == "lambethcoop-2011"


def test_quiet_under_cron_no_progress_bar(tmp_path, fixtures):
    """A real process with no terminal: one summary line, nothing else."""
    exe = Path(sys.executable).parent / "eventarchive"
    proc = subprocess.run(
        [exe, "--db", tmp_path / "a.db", "import", "twarc", fixtures / "twarc1.jsonl",
         "--event", "x"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0
    assert proc.stdout.count("\n") == 1
    assert "Importing" not in proc.stderr
