"""What `status` reports, per event and source: built from a read-only connection, so the CLI
and Datasette's ``/-/status`` page show the same thing (docs/status.md lists the keys).

Runs left 'running' by a process that is gone (killed, or stopped by a full disk) are shown as
interrupted: status never writes, so it cannot close them as the next writer does.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .suppression import left_out

VERSION = 1  # of the JSON's keys; only ever gains keys
FAILING = ("failed", "interrupted")  # a latest run in these states makes `status` exit 1
UNTIL = re.compile(r"rate limited until (\d{2}):(\d{2}) UTC")
COUNTED = ("events", "items", "authors", "media", "links", "hashtags", "mentions", "reposts")


def report(conn: sqlite3.Connection, database: Path | str, now: datetime | None = None,
           memo: dict | None = None) -> dict:
    """The whole status as plain data (the ``--json`` form).

    ``memo``: a dict kept between calls (the served page's) holding the counts, which take
    seconds at a million items, for as long as the archive's files are unchanged; runs,
    alerts and live writers are read afresh every time."""
    now = now or datetime.now(UTC)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    run_columns = _columns(conn, "fetch_runs")
    live = _live_writer(Path(database))
    version = file_version(database)
    tallies = memo.get(version) if memo is not None else None
    if tallies is None:
        tallies = _tallies(conn, tables)
        if memo is not None:
            memo.clear()
            memo[version] = tallies
    events = {}
    for slug, name, starts, ends in conn.execute(
            "SELECT slug, name, starts_at, ends_at FROM events ORDER BY starts_at, slug"):
        counted = tallies["events"].get(slug) or _event_tallies(conn, slug)
        events[slug] = {"slug": slug, "name": name, "starts_at": starts, "ends_at": ends,
                        **counted, "sources": []}
    for row in _latest_runs(conn, run_columns):
        source = _source(conn, row, live, now)
        event = events.setdefault(row["event"], {
            "slug": row["event"], "name": None, "starts_at": None, "ends_at": None, "items": 0,
            "photos": None, "links": None, "sources": []})
        event["sources"].append(source)
    alerts, warnings = [], []
    for event in events.values():
        for source in event["sources"]:
            line = f"{event['slug']} {source['source']}: {source['state']}"
            detail = f"{line}: {source['last_error'] or source['action']}"
            if source["alert"]:
                alerts.append(detail)
            elif source["state"] in ("partial", "rate_limited"):
                warnings.append(detail)
    return {
        "version": VERSION,
        "database": str(database),
        "checked_at": now.replace(microsecond=0).isoformat(),
        "exit_code": 1 if alerts else 0,
        "alerts": alerts,
        "warnings": warnings,
        "counts": tallies["counts"],
        "events": list(events.values()),
        "privacy": left_out(conn),
    }


def file_version(database: Path | str) -> tuple:
    """What changes whenever the archive does: the size and time of its file and its WAL."""
    parts = []
    for path in (str(database), f"{database}-wal"):
        try:
            stat = os.stat(path)
        except OSError:
            parts.append(None)
        else:
            parts.append((stat.st_mtime_ns, stat.st_size))
    return tuple(parts)


def _tallies(conn, tables: set[str]) -> dict:
    return {
        "counts": {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                   for t in COUNTED if t in tables},
        "events": {slug: _event_tallies(conn, slug)
                   for (slug,) in conn.execute("SELECT slug FROM events")},
    }


def _event_tallies(conn, slug: str) -> dict:
    items = conn.execute("SELECT count(*) FROM event_items WHERE event = ?",
                         (slug,)).fetchone()[0]
    return {"items": items, "photos": _photos(conn, slug), "links": _links(conn, slug)}


def _columns(conn, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")}


def _latest_runs(conn, columns: set[str]) -> list[dict]:
    """Per (event, source): the latest run, the last successful one, and the items added."""
    until = "rate_limited_until" if "rate_limited_until" in columns else "NULL"
    pid = "pid" if "pid" in columns else "NULL"
    rows = conn.execute(
        f"""
        SELECT r.event, r.source, r.id, r.status, r.started_at, r.finished_at, r.new_items,
               r.errors, {until}, {pid},
               (SELECT max(coalesce(finished_at, started_at)) FROM fetch_runs s
                WHERE s.event IS r.event AND s.source = r.source
                AND s.status IN ('ok', 'partial')),
               (SELECT sum(new_items) FROM fetch_runs s
                WHERE s.event IS r.event AND s.source = r.source),
               (SELECT count(*) FROM fetch_runs s
                WHERE s.event IS r.event AND s.source = r.source)
        FROM fetch_runs r
        WHERE r.id = (SELECT max(id) FROM fetch_runs s
                      WHERE s.event IS r.event AND s.source = r.source)
        ORDER BY r.event, r.id
        """)
    keys = ("event", "source", "id", "status", "started_at", "finished_at", "new_items",
            "errors", "rate_limited_until", "pid", "last_success_at", "items", "runs")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _source(conn, row: dict, live: set[int] | None, now: datetime) -> dict:
    state = row["status"] or "unknown"
    if state in ("running", "pending") and not _alive(row["pid"], live):
        state = "interrupted"
    errors = (row["errors"] or "").splitlines()
    until = row["rate_limited_until"] or _until_from(errors, row["finished_at"])
    if until and state in ("failed", "partial") and all(UNTIL.search(e) for e in errors):
        state = "rate_limited"  # only a rate limit stopped it: the next run carries on
    last_error = errors[-1] if errors else None
    if state == "interrupted" and not last_error:
        last_error = "the process stopped before this run finished (killed, or the disk filled)"
    return {
        "source": row["source"],
        "state": state,
        "alert": state in FAILING and not row["source"].startswith("import:"),
        "items": row["items"] or 0,
        "runs": row["runs"],
        "last_run_at": row["started_at"],
        "last_run_new_items": row["new_items"] or 0,
        "last_success_at": row["last_success_at"],
        "last_error": last_error,
        "action": _action(state, row, until, now),
        "rate_limited_until": until,
        "rate_limited": bool(until) and _parse(until) > now,
    }


def _action(state: str, row: dict, until: str | None, now: datetime) -> str | None:
    if row["source"].startswith("import:"):
        target = f"eventarchive import {row['source'].split(':', 1)[1]} PATH --event {row['event']}"
    else:
        target = f"eventarchive fetch --event {row['event']} --source {row['source']}"
    if state == "failed":
        return f"fix what the error says, then run `{target}`"
    if state == "interrupted":
        return ("what it saved stays; check free disk space and that nothing kills the job, "
                f"then run `{target}` to carry on")
    if state == "rate_limited":
        lifts = _parse(until)
        when = f"{lifts:%Y-%m-%d %H:%M} UTC"
        if lifts > now:
            return f"nothing to do: the limit lifts at {when}; the next run after that carries on"
        return f"nothing to do: the limit lifted at {when}; the next run carries on"
    if state == "partial":
        return "the rest was saved; the next run tries the failed parts again"
    return None


def _until_from(errors: list[str], finished_at: str | None) -> str | None:
    """The rate limit's end from the error line ("until 14:05 UTC") of an archive made before
    m012_status: the first such time after the run finished."""
    found = next((m for m in map(UNTIL.search, errors) if m), None)
    if found is None or not finished_at:
        return None
    finished = _parse(finished_at)
    lifts = finished.replace(hour=int(found[1]), minute=int(found[2]), second=0)
    if lifts < finished:
        lifts += timedelta(days=1)
    return lifts.isoformat()


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _photos(conn, slug: str) -> dict:
    """Photos of the event's items by state. With the photos worker's ``media.status``:
    pending/stored/failed/gone as it says; without: stored when there is a local file."""
    if "status" in _columns(conn, "media"):
        state = "coalesce(media.status, CASE WHEN media.path IS NULL THEN 'pending' " \
                "ELSE 'stored' END)"
    else:
        state = "CASE WHEN media.path IS NULL THEN 'pending' ELSE 'stored' END"
    counts = {"stored": 0, "pending": 0, "failed": 0, "gone": 0}
    for name, count in conn.execute(
            f"SELECT {state}, count(*) FROM media JOIN event_items "
            f"ON event_items.item_id = media.item_id WHERE event_items.event = ? GROUP BY 1",
            (slug,)):
        counts[name] = counts.get(name, 0) + count
    return counts


def _links(conn, slug: str) -> dict:
    """The event's distinct links: dead (HTTP 400 or over), archived (a copy in the Wayback
    Machine), unchecked (never fetched, or no answer)."""
    row = conn.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE status >= 400),
               count(*) FILTER (WHERE archived_url IS NOT NULL),
               count(*) FILTER (WHERE status IS NULL AND resolved_url IS NULL
                                AND archived_url IS NULL)
        FROM (SELECT links.url, max(links.status) AS status,
                     max(links.resolved_url) AS resolved_url,
                     max(links.archived_url) AS archived_url
              FROM links JOIN event_items ON event_items.item_id = links.item_id
              WHERE event_items.event = ? GROUP BY links.url)
        """, (slug,)).fetchone()
    return dict(zip(("total", "dead", "archived", "unchecked"), row, strict=True))


def _live_writer(database: Path) -> set[int] | None:
    """The pid holding the archive's write lock, as a set ({} when the lock file is empty: no
    writer); None when the lock file cannot be read (then a live pid is trusted)."""
    try:
        text = Path(f"{database}.lock").read_text().strip()
    except FileNotFoundError:
        return set()
    except OSError:
        return None
    return {int(text)} if text.isdigit() else set()


def _alive(pid: int | None, live: set[int] | None) -> bool:
    """Whether a run's process is still at work: it holds the archive's lock and exists."""
    if pid is None or (live is not None and pid not in live):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True
