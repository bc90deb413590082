"""`eventarchive status`: per event and source, what the archive holds and whether collecting
works; exit 1 when a source's latest run failed or was interrupted, so a monitor can alert."""

from __future__ import annotations

import json
import sys

import click

from ..options import json_option


@click.command()
@json_option
def status(as_json):
    """Per event and source: items, last run, last error and what to do, rate limits.

    Also photos stored/pending/failed and links dead/archived per event. Opens the archive
    read-only. Exit code 1 when the latest run of any fetched source failed or was interrupted
    (a partial run or a rate limit is a warning, exit 0); --json for monitors (keys in
    docs/status.md). The same page is at /-/status in `eventarchive serve`.

    \b
    Example:
        eventarchive status
        eventarchive status --json || echo "collecting needs a look"
    """
    from ..status import report

    store = click.get_current_context().obj.store()
    data = report(store.conn, store.path)
    store.close()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines(data):
            click.echo(line)
    if data["exit_code"]:
        sys.exit(data["exit_code"])


def lines(data: dict) -> list[str]:
    """The report as text, for a terminal or cron mail."""
    counts = data["counts"]
    out = [f"Archive: {data['database']}",
           "  " + ", ".join(f"{n} {t}" for t, n in counts.items())]
    for event in data["events"]:
        out.append(f"Event {event['slug']}: {event['items']} items"
                   + (f" ({event['name']})" if event["name"] else ""))
        if event["photos"] and any(event["photos"].values()):
            out.append("  photos: " + ", ".join(f"{n} {k}" for k, n in event["photos"].items()
                                                if n))
        links = event["links"]
        if links and links["total"]:
            out.append(f"  links: {links['total']} ({links['dead']} dead, {links['archived']} "
                       f"archived, {links['unchecked']} unchecked)")
        for s in event["sources"]:
            success = _short(s["last_success_at"]) or "never"
            out.append(f"  {s['source']:20} {s['state']:12} last run {_short(s['last_run_at'])} "
                       f"({s['last_run_new_items']} new); last success {success}; "
                       f"{s['items']} items")
            if s["state"] not in ("ok", "running") and s["last_error"]:
                out.append(f"  {'':20} error: {s['last_error']}")
            if s["action"] and s["state"] != "ok":
                out.append(f"  {'':20} to do: {s['action']}")
    privacy = data.get("privacy") or {}
    for label in ("skipped", "hidden"):
        for reason, count in sorted((privacy.get(label) or {}).items()):
            out.append(f"  {count} items {'left out' if label == 'skipped' else label}: {reason}")
    if privacy.get("takedowns"):
        out.append(f"  {privacy['takedowns']} takedowns honoured (listed at /-/takedowns)")
    for warning in data["warnings"]:
        out.append(f"Warning: {warning}")
    if data["alerts"]:
        out.append(f"Needs a look: {len(data['alerts'])} source(s) failed or were interrupted "
                   "(exit 1).")
    return out


def _short(when: str | None) -> str | None:
    """``2026-10-21T14:05:09+00:00`` ► ``2026-10-21 14:05`` (times are UTC)."""
    return when[:16].replace("T", " ") if when else None
