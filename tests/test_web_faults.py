"""The web stage under faults, through the real runner and the real CLI: one broken link (a
broken Content-Encoding, a refused port, a 404, a redirect loop, a dripping server, an address
that is not http(s) or not valid) is one line; everything else is saved; a second run asks
nothing of a dead link and asks conditionally for the rest."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from werkzeug import Response

from conftest import wayback_availability
from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.records import Batch, Item, Link
from eventarchive.sources import web
from eventarchive.store import Store, migrations

EVENT = "lambethcoop-2011"
EXE = Path(sys.executable).parent / "eventarchive"
NOT_FETCHABLE = ["mailto:jo@example.org", "javascript:alert(1)", "file:///etc/passwd",
                 "data:text/html,hi", "http://999.1.1.1/", "http://0177.0.0.1/", "http://[::1/"]


def article(title):
    return ("<html><head><title>" + title + "</title></head><body><article><h1>" + title +
            "</h1><p>" + "The co-op day filled the town hall; residents ran the repairs panel. "
            * 6 + "</p></article></body></html>")


def refused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_faults(httpserver, requests: list):
    """/seed (ETag), /gone (404, archived), /dead (404, not archived), /broken (a gzip
    Content-Encoding over bytes that are not gzip), /loop (redirects to itself)."""
    base = httpserver.url_for("").rstrip("/")

    def seed(request):
        requests.append((request.path, dict(request.headers)))
        if request.headers.get("If-None-Match") == '"s1"':
            return Response("", status=304)
        return Response(article("Seed write-up"), content_type="text/html; charset=utf-8",
                        headers={"ETag": '"s1"'})

    def log(status, body=b"", **headers):
        def answer(request):
            requests.append((request.path, dict(request.headers)))
            return Response(body, status=status, headers=headers)
        return answer

    serve = httpserver.expect_request
    serve("/robots.txt").respond_with_data("", status=404)
    serve("/seed").respond_with_handler(seed)
    serve("/gone").respond_with_handler(log(404))
    serve("/dead").respond_with_handler(log(404))
    serve("/broken").respond_with_handler(log(200, b"this is not gzip", **{
        "Content-Encoding": "gzip", "Content-Type": "text/html"}))
    serve("/loop").respond_with_handler(log(302, Location=base + "/loop"))
    captures = {base + "/gone": ("20111028120000", "200")}
    serve("/wayback/available").respond_with_handler(wayback_availability(captures))
    serve("/cdx/search/cdx").respond_with_json([])
    serve(f"/web/20111028120000id_/{base}/gone").respond_with_data(
        article("Archived programme"), content_type="text/html; charset=utf-8")
    return base


def post_links(store, links):
    """A Mastodon-like post citing ``links``, saved the way the social stage saves it."""
    store.ensure_event(EVENT)
    batch = Batch()
    batch.items.append(Item("mastodon:1", "post", "mastodon", "1", text="links"))
    batch.links += [Link("mastodon:1", url) for url in links]
    store.save(batch, EVENT)


def event_config(base, tmp_path, **fetch_options):
    return {
        "events": [{"slug": EVENT, "urls": [base + "/seed"],
                    "starts_at": "2011-10-21T09:00:00+01:00"}],
        "sources": {"web": {"per_host_delay": 0},
                    "wayback": {"base_url": base,
                                "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True, **fetch_options},
    }


def run(store, cfg):
    def factory(source, options):
        return Http(HttpSettings(backoff=0, retries=0), sleep=lambda s: None, **options)
    return fetch(store, cfg, cfg.events, ["web"], {}, http_factory=factory)


def test_every_fault_is_one_line_and_a_second_run_skips_the_dead(tmp_path, httpserver):
    requests = []
    base = serve_faults(httpserver, requests)
    refused = f"http://127.0.0.1:{refused_port()}/page"
    broken = [base + "/dead", base + "/broken", base + "/loop", refused]
    store = Store.open(tmp_path / "a.db")
    post_links(store, [base + "/gone", *broken, *NOT_FETCHABLE])
    cfg = config.parse(event_config(base, tmp_path), tmp_path / "config" / "eventarchive.toml")

    (first,) = run(store, cfg)
    assert first.status == "partial" and first.error is None
    # One line per link that could not be read, each naming its link; nothing else.
    for url in broken + NOT_FETCHABLE:
        assert sum(line.startswith(f"web: {url}:") for line in first.problems) == 1, url
    assert len(first.problems) == len(broken) + len(NOT_FETCHABLE)
    assert not any("unexpected" in line for line in first.problems)
    assert any("no copy either" in line for line in first.problems
               if line.startswith(f"web: {refused}"))
    titles = {t for (t,) in store.conn.execute("select title from items where kind = 'article'")}
    assert titles == {"Seed write-up", "Archived programme"}
    (status, errors) = store.conn.execute(
        "select status, errors from fetch_runs order by id desc").fetchone()
    assert status == "partial" and errors.count("\n") == len(first.problems) - 1

    requests.clear()
    (second,) = run(store, cfg)
    asked = [path for path, _ in requests]
    # Dead links wait for their next try; the archived copy and non-web links are settled.
    assert "/dead" not in asked and "/gone" not in asked
    assert not any(p.startswith(f"web: {refused}") for p in second.problems)
    # The seed, read an instant ago, is not due for a re-check (test_source_web checks it is
    # asked conditionally once due); the transient failures are tried again.
    assert "/seed" not in asked
    again = sorted(line.removeprefix("web: ").split(":", 2)[1] for line in second.problems)
    assert again == sorted(u.split(":", 2)[1] for u in (base + "/broken", base + "/loop"))
    assert second.new_items == 0


@pytest.mark.skipif(not hasattr(HttpSettings(), "deadline"),
                    reason="needs the HTTP layer's total deadline per request ([fetch] "
                           "deadline), which is not on this branch yet")
def test_a_dripping_server_is_cut_off_and_the_others_are_saved(tmp_path, httpserver):
    import threading
    import time

    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def drip(conn):
        conn.recv(4096)
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
            while not stop.is_set():
                conn.sendall(b"x")
                time.sleep(0.2)
        except OSError:
            pass
        conn.close()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    requests = []
    base = serve_faults(httpserver, requests)
    slow = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    store = Store.open(tmp_path / "a.db")
    post_links(store, [slow])
    cfg = config.parse(event_config(base, tmp_path, timeout=1, deadline=1),
                       tmp_path / "config" / "eventarchive.toml")
    settings = HttpSettings.from_config({**cfg.fetch, "retries": 0, "backoff": 0})
    try:
        (result,) = fetch(store, cfg, cfg.events, ["web"], {}, http_factory=lambda source, o:
                          Http(settings, sleep=lambda s: None, **o))
    finally:
        stop.set()
        listener.close()
    assert [line for line in result.problems if line.startswith(f"web: {slow}")]
    assert store.conn.execute("select count(*) from items where kind = 'article'"
                              ).fetchone()[0] == 1


def test_the_cli_names_each_broken_link_once_and_exits_1_without_a_traceback(
        tmp_path, httpserver):
    requests = []
    base = serve_faults(httpserver, requests)
    refused = f"http://127.0.0.1:{refused_port()}/page"
    store = Store.open(tmp_path / "data" / "archive.db")
    post_links(store, [base + "/gone", base + "/broken", refused, "mailto:jo@example.org"])
    store.close()
    path = tmp_path / "config" / "eventarchive.toml"
    path.parent.mkdir()
    path.write_text(f'''
[[events]]
slug = "{EVENT}"
urls = ["{base}/seed"]
starts_at = "2011-10-21T09:00:00+01:00"

[sources.web]
per_host_delay = 0

[sources.wayback]
base_url = "{base}"
availability_url = "{base}/wayback/available"

[fetch]
allow_private_addresses = true
retries = 1
backoff = 0
''')
    command = [EXE, "--config", path, "fetch", "--event", EVENT, "--source", "web"]
    proc = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith("web: ") for line in lines)
    named = [line.removeprefix("web: ") for line in lines]
    assert sorted(line.split(":")[0] + ":" + line.split(":")[1] for line in named) == sorted(
        u.split(":")[0] + ":" + u.split(":")[1] for u in
        (base + "/broken", refused, "mailto:jo@example.org"))
    assert proc.stdout.startswith(f"Fetched: {EVENT} web 2 new (partial)")
    again = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           env={**os.environ, "HOME": str(tmp_path)})
    assert [line for line in again.stderr.splitlines() if line] == [
        line for line in lines if line.startswith(f"web: {base}/broken")]


def test_an_archive_with_the_old_one_blob_state_is_split_into_rows(tmp_path, httpserver):
    requests = []
    base = serve_faults(httpserver, requests)
    path = tmp_path / "a.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m007_web_state")
    db["source_state"].insert({"source": "web", "key": f"{EVENT}:pages", "updated_at": "x",
                               "state": json.dumps({"pages": {
                                   base + "/dead": {"status": 404, "note": "dead"},
                                   base + "/seed": {"final": base + "/seed", "status": 200,
                                                    "etag": '"s1"'}}})})
    db.close()
    store = Store.open(path)
    keys = {k: json.loads(s) for k, s in store.conn.execute(
        "select key, state from source_state where source = 'web'")}
    assert set(keys) == {f"{EVENT}:page:{base}/dead", f"{EVENT}:page:{base}/seed"}
    assert keys[f"{EVENT}:page:{base}/dead"]["outcome"] == "dead"
    post_links(store, [base + "/dead"])
    cfg = config.parse(event_config(base, tmp_path), tmp_path / "config" / "eventarchive.toml")
    (result,) = run(store, cfg)
    assert result.problems == []
    assert [(p, h.get("If-None-Match")) for p, h in requests] == [("/seed", '"s1"')]
    # A 304 counts as unchanged though no hash of the page was ever kept: it backs off.
    seed_key = f"{EVENT}:page:{base}/seed"
    with store.conn:
        store.conn.execute("update source_state set state = json_set(state, '$.next_try', "
                           "'2000-01-01T00:00:00+00:00') where key = ?", (seed_key,))
    run(store, cfg)
    assert len(requests) == 2 and store.state("web", seed_key)["unchanged"] == 1


@pytest.mark.parametrize("url", NOT_FETCHABLE + ["http://example.org:99999/", "ftp://x.org/"])
def test_addresses_that_cannot_be_fetched_are_named_before_any_request(url):
    assert web.unfetchable(url)


@pytest.mark.parametrize("url", ["https://example.org/a?b=c", "http://127.0.0.1:8000/",
                                 "http://[::1]:80/", "https://b\u00fccher.example/"])
def test_ordinary_addresses_can_be_fetched(url):
    assert web.unfetchable(url) is None
