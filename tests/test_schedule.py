"""`schedule`: lines to paste, with this install's absolute paths and variable names only."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from eventarchive.cli import cli

CONFIG = """
database = "data/archive.db"
[[events]]
slug = "day"
starts_at = "2026-10-21T09:00:00+01:00"
[sources.mastodon]
instances = ["https://mastodon.social"]
[sources.bluesky]
"""


def schedule(tmp_path, *args, env=None):
    config = tmp_path / "project" / "config" / "eventarchive.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG)
    return CliRunner().invoke(cli, ["--config", str(config), "schedule", *args], env=env), config


def test_cron_lines_use_absolute_paths_and_name_variables_without_values(tmp_path):
    result, config = schedule(tmp_path, "--only", "cron",
                              env={"EVENTARCHIVE_BLUESKY_APP_PASSWORD": "s3cret-value"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "s3cret-value" not in out
    for name in ("EVENTARCHIVE_MASTODON_TOKEN", "EVENTARCHIVE_BLUESKY_APP_PASSWORD",
                 "EVENTARCHIVE_BLUESKY_HANDLE"):
        assert f"#   {name}" in out
    jobs = [line for line in out.splitlines() if line and not line.startswith("#")]
    assert len(jobs) == 3
    exe = str(Path(sys.executable).parent / "eventarchive")
    project = tmp_path / "project"
    fetch = jobs[0].split()
    assert fetch[:5] == ["*/30", "*", "*", "*", "*"]
    assert f"cd {project} && set -a && . ./.env && set +a && {exe} --config {config} " \
           "fetch --quiet" in jobs[0]
    assert "status 2>&1) || echo" in jobs[1]
    assert f"backup {project / 'backup'} > /dev/null" in jobs[2]


def test_systemd_units_and_a_git_scraping_workflow(tmp_path):
    result, config = schedule(tmp_path, "--every", "15")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"ExecStart={Path(sys.executable).parent / 'eventarchive'} --config {config} " \
           "fetch --quiet" in out
    assert f"WorkingDirectory={tmp_path / 'project'}" in out
    assert f"EnvironmentFile=-{tmp_path / 'project' / '.env'}" in out
    assert "OnUnitActiveSec=15min" in out
    workflow = yaml.safe_load(out[out.index("name: Fetch the event archive"):])
    assert workflow[True]["schedule"] == [{"cron": "*/15 * * * *"}]  # YAML 1.1: on is True
    steps = {s.get("name"): s for s in workflow["jobs"]["fetch"]["steps"]}
    fetch = steps["Fetch"]
    assert fetch["env"]["EVENTARCHIVE_MASTODON_TOKEN"] == \
        "${{ secrets.EVENTARCHIVE_MASTODON_TOKEN }}"
    assert fetch["run"].startswith("eventarchive --config config/eventarchive.toml fetch")
    commit = steps["Commit and push if anything changed"]["run"]
    assert "git add -A data/archive.db exports" in commit
    assert "[ ! -d data/media ] || git add -A data/media" in commit
    assert 'git commit -m "Latest data: ${timestamp}" || exit 0' in commit


def test_an_interval_cron_cannot_keep_is_refused(tmp_path):
    result, _ = schedule(tmp_path, "--every", "45")
    assert result.exit_code == 2 and "--every" in result.stderr
