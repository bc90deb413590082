"""The web stage fetching pages at once, killed with SIGKILL part-way (one request held, others
saved around it), then run again: the archive equals an uninterrupted run's, and none of the
processes reading its pages outlives it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

EXE = Path(sys.executable).parent / "eventarchive"
HELD = "/p7"
PAGES = 24
HOSTS = 3
TABLES = {
    "items": "select id, kind, title, text, published_at from items",
    "links": "select * from links",
    "state": "select key, json_extract(state, '$.outcome'), json_extract(state, '$.status'), "
             "json_extract(state, '$.hash') from source_state",
}


class Site:
    """Local hosts (a port each) serving small articles; one path can be held."""

    def __init__(self):
        self.reached = threading.Event()
        self.release = threading.Event()
        self.hold = True
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's naming
                if self.path == "/robots.txt":
                    return self.answer(404, b"")
                if self.path == HELD and site.hold:
                    site.reached.set()
                    site.release.wait(30)
                n = int(self.path.strip("/p"))
                self.answer(200, (f"<html><head><title>Page {n}</title></head><body><article>"
                                  f"<h1>Page {n}</h1><p>{'The co-op met at the hall. ' * 30}"
                                  f"Number {n}.</p></article></body></html>").encode())

            def answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(HOSTS)]
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.urls = [f"http://127.0.0.1:{self.servers[n % HOSTS].server_port}/p{n}"
                     for n in range(PAGES)]

    def close(self):
        self.release.set()
        for server in self.servers:
            server.shutdown()


def config(tmp_path: Path, name: str, urls: list[str]) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'database = "{tmp_path}/{name}.db"\nmedia_dir = "{tmp_path}/{name}-media"\n'
                    f'[[events]]\nslug = "e"\nurls = {urls!r}\n'.replace("'", '"')
                    + "[sources.web]\nper_host_delay = 0\nconcurrency = 3\n"
                    "[fetch]\nallow_private_addresses = true\nretries = 0\n")
    return path


def fetch(path: Path) -> subprocess.Popen:
    return subprocess.Popen([EXE, "--config", path, "fetch", "--source", "web", "--event", "e"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def rows(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: sorted(conn.execute(sql).fetchall(), key=repr) for t, sql in TABLES.items()}
    finally:
        conn.close()


def saved(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("select count(*) from items").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (Linux: /proc/PID/task/*/children)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_killed_mid_run_then_rerun_equals_an_uninterrupted_run(tmp_path):
    site = Site()
    try:
        victim = fetch(config(tmp_path, "killed", site.urls))
        assert site.reached.wait(30), "the held page was never asked for"
        # Pages of the other hosts go on being saved around the held one.
        db = tmp_path / "killed.db"
        for _ in range(600):
            if saved(db) >= PAGES // 2 or victim.poll() is not None:
                break
            site.release.wait(0.05)
        workers = children(victim.pid) if sys.platform == "linux" else set()
        assert workers or sys.platform != "linux", "no worker process read the pages"
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)  # hangs if a worker still held its output pipes
        for _ in range(200):
            if not any(running(pid) for pid in workers):
                break
            site.release.wait(0.05)
        assert not [pid for pid in workers if running(pid)], "a worker outlived the fetch"
        partial = saved(db)
        assert 0 < partial < PAGES
        site.hold = False
        site.release.set()
        again = fetch(config(tmp_path, "killed", site.urls))
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        whole = fetch(config(tmp_path, "whole", site.urls))
        _, err = whole.communicate(timeout=120)
        assert whole.returncode == 0, err
        assert rows(db) == rows(tmp_path / "whole.db")
        assert len(rows(db)["items"]) == PAGES
    finally:
        site.close()
