"""`eventarchive schedule`: ready-to-paste cron lines, systemd units and a GitHub Actions
workflow, filled in with this install's paths and the environment variable names (never the
values) its sources read."""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from pathlib import Path

import click

from ..errors import ConfigError

KINDS = ("cron", "systemd", "github")
# What cron can run evenly: divisors of an hour, and whole hours that divide a day.
EVERY = tuple(str(m) for m in (5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720,
                                1440))


def cron_expression(every: int) -> str:
    if every < 60:
        return f"*/{every} * * * *"
    hours = every // 60
    return "0 * * * *" if hours == 1 else "0 0 * * *" if hours == 24 else f"0 */{hours} * * *"


@click.command()
@click.option("--only", type=click.Choice(KINDS), help="Print only this kind.")
@click.option("--every", type=click.Choice(EVERY), default="30", show_default=True,
              metavar="MINUTES", help="Minutes between fetches: a divisor of an hour (5, 10, "
                                      "15, 20, 30) or of a day (60, 120, … 1440).")
@click.option("--backup-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the nightly backup goes [default: backup/ in the project folder].")
def schedule(only, every, backup_dir):
    """Print what to paste to fetch on a schedule: cron, systemd, or GitHub Actions.

    Filled in with this install's eventarchive, config and project folder, a nightly
    `backup` and an hourly `status` check that speaks up only when a source failed. Lists
    the environment variables your configured sources read (names only: put the values in
    the project's .env file, or the repository's secrets). See docs/operations.md.

    \b
    Example:
        eventarchive schedule --only cron
        eventarchive --config config/eventarchive.toml schedule --every 15
    """
    cfg = click.get_current_context().obj.config
    if cfg.path is None:
        raise ConfigError("schedule needs a config file with your events and sources; run "
                          "`eventarchive init` to write one")
    from ..config import project_dir

    job = Job(executable(), cfg.path.resolve(), project_dir(cfg.path),
              Path(cfg.database).resolve(), Path(cfg.media_dir).resolve(), env_names(cfg),
              int(every), (backup_dir or project_dir(cfg.path) / "backup").resolve(),
              [e.slug for e in cfg.events])
    parts = {"cron": job.cron, "systemd": job.systemd, "github": job.github}
    chosen = [only] if only else list(KINDS)
    click.echo("\n\n".join(parts[kind]() for kind in chosen))


def executable() -> list[str]:
    """This install's eventarchive command, as an absolute path."""
    script = Path(sys.executable).parent / "eventarchive"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "eventarchive"]


def env_names(cfg) -> dict[str, list[str]]:
    """{variable: [sources reading it]} for the configured sources: what they declare as
    secrets, and the module's other ``*_ENV`` names (a Bluesky handle is not secret)."""
    from .. import sources
    from ..fetching import chosen_sources

    try:
        chosen = chosen_sources(cfg)
    except ConfigError:
        return {}  # no sources configured: nothing to set
    found: dict[str, list[str]] = {}
    for source in chosen:
        module = importlib.import_module(f"{sources.__name__}.{source.name}")
        names = list(source.secrets) + [
            value for key, value in vars(module).items()
            if key.endswith("_ENV") and isinstance(value, str)
            and value.startswith("EVENTARCHIVE_")]
        for name in dict.fromkeys(names):
            found.setdefault(name, []).append(source.name)
    return found


class Job:
    def __init__(self, command, config, project, database, media, env, every, backup,
                 events):
        self.command, self.config, self.project = command, config, project
        self.database, self.media, self.env, self.every = database, media, env, every
        self.backup, self.events = backup, events

    def run(self, *args: str) -> str:
        return shlex.join([*self.command, "--config", str(self.config), *args])

    def header(self, title: str) -> list[str]:
        lines = [f"# ---- {title} " + "-" * max(0, 80 - len(title) - 8)]
        if self.env:
            lines.append("# Environment variables your sources read (names only; some are "
                         "optional, see docs/sources/):")
            lines += [f"#   {name}   ({', '.join(users)})" for name, users in self.env.items()]
        return lines

    def cron(self) -> str:
        cd = f"cd {shlex.quote(str(self.project))} && "
        if self.env:
            cd += "set -a && . ./.env && set +a && "
        when = cron_expression(self.every)
        lines = self.header("cron: `crontab -e`, then paste")
        if self.env:
            lines.append(f"# Put NAME=value lines for them in {self.project / '.env'} "
                         "(chmod 600 .env; never commit it).")
        lines += [
            "# Fetch (prints only errors, so cron mails you only then):",
            f"{when} {cd}{self.run('fetch', '--quiet')}",
            "# Hourly check: mails the status only when a source failed or was interrupted:",
            f"17 * * * * {cd}out=$({self.run('status')} 2>&1) || echo \"$out\"",
            "# Nightly verified backup (mails only when it fails):",
            f"43 3 * * * {cd}{self.run('backup', str(self.backup))} > /dev/null",
        ]
        return "\n".join(lines)

    def systemd(self) -> str:
        env_file = f"EnvironmentFile=-{self.project / '.env'}\n" if self.env else ""
        user = os.environ.get("USER") or "eventarchive"

        def service(name, description, *args, after_network=True):
            network = ("After=network-online.target\nWants=network-online.target\n"
                       if after_network else "")
            return (f"# /etc/systemd/system/{name}.service\n[Unit]\nDescription={description}\n"
                    f"{network}\n[Service]\nType=oneshot\nUser={user}\n"
                    f"WorkingDirectory={self.project}\n{env_file}"
                    f"ExecStart={self.run(*args)}\nNice=10\n")

        def timer(name, description, schedule):
            return (f"# /etc/systemd/system/{name}.timer\n[Unit]\nDescription={description}\n\n"
                    f"[Timer]\n{schedule}\nPersistent=true\n\n[Install]\n"
                    "WantedBy=timers.target\n")

        lines = self.header("systemd: save each block as the file it names, then run "
                            "`systemctl daemon-reload && systemctl enable --now "
                            "eventarchive-fetch.timer eventarchive-backup.timer`")
        if self.env:
            lines.append(f"# Put NAME=value lines for them in {self.project / '.env'} "
                         "(chmod 600).")
        lines += [
            service("eventarchive-fetch", "Fetch what is new for the event archive",
                    "fetch", "--quiet"),
            timer("eventarchive-fetch", f"Fetch every {self.every} minutes",
                  f"OnBootSec=5min\nOnUnitActiveSec={self.every}min"),
            service("eventarchive-backup", "Back up the event archive",
                    "backup", str(self.backup), after_network=False),
            timer("eventarchive-backup", "Back up the event archive nightly",
                  "OnCalendar=*-*-* 03:43:00"),
            "# Monitoring: `systemctl status eventarchive-fetch` shows the last run; "
            f"`{self.run('status', '--json')}` exits 1 when a source needs a look.",
        ]
        return "\n".join(lines)

    def github(self) -> str:
        """The "git scraping" pattern: the workflow fetches, exports and commits the result
        back to the repository, so the history of the archive is the repository's history."""
        config = _relative(self.config, self.project)
        database = _relative(self.database, self.project)
        media = _relative(self.media, self.project)
        run = f"eventarchive --config {shlex.quote(config)}"
        env = "".join(f"          {name}: ${{{{ secrets.{name} }}}}\n" for name in self.env)
        env_block = f"        env:\n{env}" if env else ""
        exports = "".join(
            f"          {run} export --event {slug} -o exports/{slug}.jsonl || true\n"
            for slug in self.events).rstrip("\n")
        cron = cron_expression(self.every)
        return "\n".join(self.header(
            "GitHub Actions: save as .github/workflows/eventarchive.yml in the repository "
            "holding your config") + [
            "# Add each variable above as a repository secret (Settings > Secrets and "
            "variables > Actions).",
            "# The archive is committed back after every run: the next run carries on from "
            "its saved state.",
            "# Keep *-wal, *-shm, *.lock and *-debug.log in .gitignore.",
            f"""name: Fetch the event archive

on:
  schedule:
    - cron: "{cron}"
  workflow_dispatch:

permissions:
  contents: write

concurrency:
  group: eventarchive
  cancel-in-progress: false

jobs:
  fetch:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install eventarchive
        run: pip install eventarchive  # or: pip install git+https://<your copy of eventarchive>
      - name: Fetch
{env_block}        run: {run} fetch --quiet || echo "Some sources failed; see the status step"
      - name: Export (text files that diff well)
        run: |
          mkdir -p exports
{exports or '          true'}
      - name: Commit and push if anything changed
        run: |-
          git config user.name "Automated"
          git config user.email "actions@users.noreply.github.com"
          git add -A {shlex.quote(database)} exports
          [ ! -d {shlex.quote(media)} ] || git add -A {shlex.quote(media)}
          timestamp=$(date -u)
          git commit -m "Latest data: ${{timestamp}}" || exit 0
          git push
      - name: Status (fails the workflow, and GitHub emails you, when a source failed)
        run: {run} status"""])


def _relative(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)
