"""Pages read in worker processes: a page whose reading raises or kills its worker is one line
about that URL and the run saves every other page; the workers end with the run, and where
forking is not safe the pages are read in the fetching process.

Each check runs in a fresh Python process: the workers are forked only while the runner's
thread is the only one, and this test process has servers on threads."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers need Linux prctl")

WEB_RUN = """
import json, os, signal, sys
from pathlib import Path
import httpx
from eventarchive import config
from eventarchive.extractpool import Workers
from eventarchive.fetching import fetch
from eventarchive.sources import _web_read, web
from eventarchive.store import Store

def read_or_die(html, url):
    if url.endswith("/die"):
        os.kill(os.getpid(), signal.SIGKILL)
    if url.endswith("/raise"):
        raise ValueError("no parser could read this")
    return _web_read.read_page(html, url)

web.read_page = read_or_die  # what the web stage hands to its workers

def answer(request):
    if request.url.path == "/robots.txt":
        return httpx.Response(404)
    words = "The co-op met at the hall to plan the first year. " * 20
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"},
                          text=f"<html><head><title>{request.url.path}</title></head><body>"
                               f"<article><h1>{request.url.path}</h1><p>{words}</p>"
                               "</article></body></html>")

started = []
real_start = Workers.start
def start(self):
    began = real_start(self)
    started.extend(self.pids)
    return began
Workers.start = start

tmp = Path(sys.argv[1])
urls = [f"http://site{n % 3}.example/p{n}" for n in range(10)]
urls += ["http://site0.example/die", "http://site1.example/raise"]
cfg = config.parse({"events": [{"slug": "e", "urls": urls}],
                    "sources": {"web": {"per_host_delay": 0, "concurrency": 3}}},
                   tmp / "eventarchive.toml")
store = Store.open(cfg.database)
(run,) = fetch(store, cfg, cfg.events, ["web"], {}, workers=2,
               http_options={"transport": httpx.MockTransport(answer)})
states = {k: v["outcome"] for k, v in
          ((k, json.loads(s)) for k, s in store.conn.execute(
              "select key, state from source_state where source = 'web'"))}
alive = [p for p in started if os.path.exists(f"/proc/{p}") and
         open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX"]
print(json.dumps({"lines": run.lines, "new": run.new_items, "workers": len(started),
                  "alive": alive, "states": states}))
"""


def run_script(script: str, tmp_path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_a_page_that_breaks_its_reader_is_one_line_and_the_rest_is_saved(tmp_path):
    result = run_script(WEB_RUN, tmp_path)
    assert result["workers"] == 2
    assert result["new"] == 10
    assert sorted(result["lines"]) == [
        "web: http://site0.example/die: its text could not be read (its worker process "
        "stopped (killed by SIGKILL)); tried again on the next run",
        "web: http://site1.example/raise: its text could not be read (ValueError: no parser "
        "could read this); tried again on the next run",
    ]
    assert result["states"]["e:page:http://site0.example/die"] == "failed"
    assert result["states"]["e:page:http://site1.example/raise"] == "failed"
    assert result["alive"] == []  # the run ended its workers


POOL = """
import json, os, signal, sys, threading
from eventarchive.extractpool import Workers, WorkFailed

def die(_):
    os.kill(os.getpid(), signal.SIGKILL)

def where(_):
    return os.getpid()

report = {}
with Workers(2) as workers:
    report["started"] = workers.start()
    pids = workers.pids
    report["in_workers"] = workers.run(where, 0) in pids
    for n in range(2):
        try:
            workers.run(die, 0)
        except WorkFailed as exc:
            report[f"failed{n}"] = str(exc)
    report["after"] = workers.run(where, 0) == os.getpid()  # none left: here
threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
with Workers(2) as threaded:
    report["threaded"] = threaded.start()
    report["threaded_here"] = threaded.run(where, 0) == os.getpid()
print(json.dumps(report))
"""


def test_workers_that_die_are_not_replaced_and_threads_prevent_forking(tmp_path):
    assert run_script(POOL, tmp_path) == {
        "started": True, "in_workers": True,
        "failed0": "its worker process stopped (killed by SIGKILL)",
        "failed1": "its worker process stopped (killed by SIGKILL)",
        "after": True, "threaded": False, "threaded_here": True}
