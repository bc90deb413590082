"""Tokens never leave the process that was given them, and Datasette never becomes a way to
change the archive or run away with the machine.

- A fetch of all four networks (the demo's replay) with real-looking tokens, then a fetch where
  X refuses the token: the tokens are in no output, log, database byte, export or page.
- Arbitrary SQL is off unless `serve --allow-sql`, time-limited when on, and even then the
  archive cannot be written through Datasette.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from eventarchive.datasette.app import SETTINGS, make_datasette
from test_fault_matrix import ENV, EXE, write_config
from test_fetch_end_to_end import Replay

SECRETS = {
    "EVENTARCHIVE_X_BEARER_TOKEN": "AAAAAAAAAAAAAAAAAAAAASecretBearerForTheSuite9f3k2",
    "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-secretpw",
    "EVENTARCHIVE_FLICKR_KEY": "f1ickrsecretkey0123456789abcdef",
    "EVENTARCHIVE_MASTODON_TOKEN": "mastodonSecretToken_zq81Lx",
    "EVENTARCHIVE_GUARDIAN_KEY": "guardian-secret-key-77aa",
}


def everything(tmp_path: Path) -> bytes:
    """Every file the runs left: the archive and its WAL, the debug log, exports, media."""
    found = b""
    for path in tmp_path.rglob("*"):
        if path.is_file():
            found += path.read_bytes()
    return found


def test_tokens_are_in_no_output_log_file_export_or_page(tmp_path):
    replay = Replay()
    try:
        base = f"http://127.0.0.1:{replay.port}"
        config = write_config(tmp_path, replay.port, f"{base}/x")
        env = {**ENV, **SECRETS}
        outputs = []
        for _ in range(2):
            result = subprocess.run([EXE, "--config", config, "fetch", "--event",
                                     "lambethcoop-2026"], env=env, capture_output=True,
                                    text=True, timeout=120, stdin=subprocess.DEVNULL)
            outputs += [result.stdout, result.stderr]
        # X refuses the token: the error names the variable, never its value.
        (tmp_path / "refused").mkdir()
        refused = write_config(tmp_path / "refused", replay.port, f"{base}/nowhere")
        result = subprocess.run([EXE, "--config", refused, "fetch", "--event",
                                 "lambethcoop-2026", "--source", "twitter"], env=env,
                                capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
        outputs += [result.stdout, result.stderr]
        for fmt in ("jsonl", "csv"):
            out = tmp_path / f"export.{fmt}"
            subprocess.run([EXE, "--config", config, "export", "--event", "lambethcoop-2026",
                            "--format", fmt, "-o", out], env=env, check=True,
                           capture_output=True, timeout=60)
        status = subprocess.run([EXE, "--config", config, "status", "--json"], env=env,
                                capture_output=True, text=True, timeout=60)
        outputs += [status.stdout, status.stderr]
    finally:
        replay.release.set()
        replay.server.shutdown()
    db = tmp_path / "data" / "archive.db"
    ds = make_datasette(db)

    async def pages():
        texts = []
        for path in ("/", "/archive/fetch_runs", "/archive/source_state.json",
                     "/archive/items.json?_size=max", "/-/status.json", "/-/metadata.json",
                     "/-/settings.json", "/-/events/lambethcoop-2026"):
            texts.append((await ds.client.get(path)).text)
        return texts

    outputs += asyncio.run(pages())
    blob = "\n".join(outputs).encode() + everything(tmp_path)
    for name, secret in SECRETS.items():
        assert secret.encode() not in blob, name
    assert "Traceback" not in "\n".join(outputs)


def test_sql_is_off_by_default_and_the_archive_is_never_writable(archive_path):
    ds = make_datasette(archive_path)
    db = archive_path.stem

    async def run():
        await ds.invoke_startup()
        off = await ds.client.get(f"/{db}.json?sql=select+count(*)+from+items")
        return off

    off = asyncio.run(run())
    assert off.status_code == 403

    allowed = make_datasette(archive_path, allow_sql=True)
    assert SETTINGS["sql_time_limit_ms"] <= 5000  # a slow query is stopped, not left running

    async def attempts():
        await allowed.invoke_startup()
        results = []
        for sql in ("delete from items", "update items set text = 'x'",
                    "insert into events (slug) values ('x')", "drop table items",
                    "attach database '/tmp/x.db' as x", "pragma writable_schema = 1",
                    "select load_extension('x')"):
            results.append(await allowed.client.get(f"/{db}.json", params={"sql": sql}))
        slow = await allowed.client.get(
            f"/{db}.json", params={"sql": "with recursive r(n) as (select 1 union all "
                                          "select n + 1 from r) select count(*) from r"})
        count = await allowed.client.get(f"/{db}.json", params={
            "sql": "select count(*) as n from items", "_shape": "array"})
        return results, slow, count

    results, slow, count = asyncio.run(attempts())
    assert all(r.status_code >= 400 for r in results), [r.text[:200] for r in results]
    assert slow.status_code >= 400 and "interrupted" in slow.text.lower()
    assert count.json()[0]["n"] > 0  # reading still works, and nothing was changed
