"""Serve recorded API responses on 127.0.0.1, so `fetch` can run offline (the demo does).

A replay folder holds the payloads and a ``routes.json``: a list of routes, the first match wins::

    [{"path": "/x/2/tweets/search/all", "query": {"since_id": null}, "file": "x-page-1.json"},
     {"path": "/x/2/tweets/search/all", "file": "x-empty.json"}]

``query`` values must equal the request's parameters; ``null`` means "absent". Optional keys:
``method`` (GET), ``status`` (200), ``headers``. Nothing here is used by a normal fetch.

Run: ``python -m eventarchive.replay data/sample/replay --port 8765``
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def load_routes(folder: Path) -> list[dict]:
    return json.loads((folder / "routes.json").read_text(encoding="utf-8"))


def match(routes: list[dict], method: str, target: str) -> dict | None:
    parts = urlsplit(target)
    params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for route in routes:
        if route.get("method", "GET") != method or route["path"] != parts.path:
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    routes = load_routes(args.folder)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.folder, routes))
    print(f"Replaying {len(routes)} recorded responses on http://127.0.0.1:{args.port}/",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
