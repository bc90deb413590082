"""Serve recorded API responses on 127.0.0.1, so `fetch` can run offline (the demo does).

A replay folder holds the payloads and a ``routes.json``: a list of routes, the first match wins::

    [{"path": "/x/2/tweets/search/all", "query": {"since_id": null}, "file": "x-page-1.json"},
     {"path": "/x/2/tweets/search/all", "file": "x-empty.json"}]

``query`` values must equal the request's parameters; ``null`` means "absent". Optional keys:
``method`` (GET), ``status`` (200), ``headers``, ``host``. Nothing here is used by a normal fetch.

The replay is also a plain-HTTP forward proxy: run a command with ``HTTP_PROXY`` pointing at
it and every ``http://`` request, to any host, arrives here in absolute form
(``GET http://blog.example.org/2011/post/ HTTP/1.1``). Such a request matches only the routes
whose ``host`` is that host (``"host": "blog.example.org"``, or ``"host:port"`` for a port other
than 80); a route without ``host`` answers requests to the replay itself, which come either as
``/path`` or, through the proxy, as ``http://127.0.0.1:8765/path``. ``https://`` requests are
never proxied (that would need CONNECT tunnels and certificates): they go where they go.

Run: ``python -m eventarchive.replay data/sample/replay --port 8765``, or with a command after
``--`` to serve only while that command runs (the demo's fetch), exiting with its exit code.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def load_routes(folder: Path) -> list[dict]:
    return json.loads((folder / "routes.json").read_text(encoding="utf-8"))


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _host(parts) -> str | None:
    """The host an absolute-form target names (``host`` or ``host:port`` unless the port is
    80), or None for origin-form targets and for requests to this machine (the replay)."""
    if not parts.scheme or not parts.netloc:
        return None
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS:
        return None
    return host if parts.port in (None, 80) else f"{host}:{parts.port}"


def match(routes: list[dict], method: str, target: str) -> dict | None:
    """The first route for this request. ``target`` is the request line's target, in origin
    form (``/path?query``) or absolute form (``http://host/path?query``, from a proxy client)."""
    parts = urlsplit(target)
    host = _host(parts)
    path = parts.path or "/"
    params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for route in routes:
        wanted_host = route.get("host")
        if wanted_host is not None:
            wanted_host = wanted_host.lower().removesuffix(":80")
        if (route.get("method", "GET") != method or route["path"] != path
                or wanted_host != host):
            continue
        wanted = route.get("query", {})
        if all(params.get(k) == v if v is not None else k not in params
               for k, v in wanted.items()):
            return route
    return None


def make_handler(folder: Path, routes: list[dict]):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            route = match(routes, self.command, self.path)
            if route is None:
                body = json.dumps({"error": f"no recorded response for {self.path}"}).encode()
                status, headers = 404, {}
            else:
                body = (folder / route["file"]).read_bytes() if route.get("file") else b""
                status, headers = route.get("status", 200), dict(route.get("headers", {}))
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:  # quiet: the demo's output is the fetch's
            pass

    return Handler


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv[:argv.index("--")] if command else argv)
    routes = load_routes(args.folder)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.folder, routes))
    except OSError as exc:
        print(f"replay: cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); is an old "
              "replay still running?", file=sys.stderr)
        return 2
    print(f"Replaying {len(routes)} recorded responses on http://127.0.0.1:{args.port}/",
          file=sys.stderr, flush=True)
    if not command:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        return subprocess.call(command)
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
