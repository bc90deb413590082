"""`eventarchive fetch` as cron runs it: exit codes, the lock, one-line summaries."""

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from eventarchive.cli import cli
from eventarchive.lock import ArchiveLock

EXE = Path(sys.executable).parent / "eventarchive"


def write_config(tmp_path, sources: str, events: str | None = None) -> Path:
    path = tmp_path / "config" / "eventarchive.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((events or '''
[[events]]
slug = "lambethcoop-2011"
name = "Lambeth Co-op Day"
starts_at = "2011-10-21T09:00:00+01:00"
ends_at = "2011-10-21T17:00:00+01:00"
hashtags = ["lambethcoop"]
''') + sources)
    return path


def cli_run(*args, env=None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_no_sources_configured_is_a_config_error(tmp_path):
    config = write_config(tmp_path, "")
    result = cli_run("--config", config, "fetch")
    assert result.exit_code == 2 and "no sources to fetch from" in result.stderr


def test_unknown_source_and_unknown_event(tmp_path):
    config = write_config(tmp_path, "[sources.twitter]\n")
    result = cli_run("--config", config, "fetch", "--source", "myspace")
    assert result.exit_code == 2 and "--source myspace" in result.stderr
    result = cli_run("--config", config, "fetch", "--event", "nope")
    assert result.exit_code == 2 and "no event 'nope'" in result.stderr


def test_a_second_overlapping_run_says_who_holds_the_lock(tmp_path):
    config = write_config(tmp_path, "[sources.twitter]\n")
    with ArchiveLock(tmp_path / "data" / "archive.db"):
        result = cli_run("--config", config, "fetch", "--event", "lambethcoop-2011")
    assert result.exit_code == 1
    assert f"(pid {os.getpid()})" in result.stderr and "changes nothing" in result.stderr


def test_fetch_under_cron_prints_one_line_and_exits_1_when_a_source_fails(
        tmp_path, httpserver, fixtures):
    page = json.loads((fixtures / "twarc2.jsonl").read_text().splitlines()[0])
    page.pop("__twarc", None)
    page["meta"].pop("next_token", None)
    httpserver.expect_request("/2/tweets/search/all").respond_with_json(page)
    base = httpserver.url_for("").rstrip("/")
    config = write_config(tmp_path, f'[sources.twitter]\nbase_url = "{base}"\nsearch = "all"\n',
                          events='''
[[events]]
slug = "lambethcoop-2011"
hashtags = ["lambethcoop"]
''')
    env = {**os.environ, "EVENTARCHIVE_X_BEARER_TOKEN": "tok"}
    proc = subprocess.run([EXE, "--config", config, "fetch"], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Fetched: lambethcoop-2011 twitter ")
    assert proc.stdout.count("\n") == 1 and proc.stderr == ""
    again = subprocess.run([EXE, "--config", config, "fetch"], capture_output=True, text=True,
                           env=env, stdin=subprocess.DEVNULL)
    assert again.stdout == ("Fetched: lambethcoop-2011 twitter 0 new; "
                            "lambethcoop-2011 media 0 new.\n")
    no_token = {k: v for k, v in env.items() if k != "EVENTARCHIVE_X_BEARER_TOKEN"}
    failed = subprocess.run([EXE, "--config", config, "fetch"], capture_output=True, text=True,
                            env=no_token, stdin=subprocess.DEVNULL)
    assert failed.returncode == 1
    assert failed.stderr.strip().endswith("EVENTARCHIVE_X_BEARER_TOKEN is not set; create a "
                                          "bearer token in the X developer portal and export "
                                          "it in the environment")
