"""The offline replay the demo fetches from."""

import json
import threading
from http.server import ThreadingHTTPServer

import httpx

from eventarchive.replay import make_handler, match

ROUTES = [
    {"path": "/x/search", "query": {"next": None}, "file": "one.json"},
    {"path": "/x/search", "query": {"next": "2"}, "file": "two.json",
     "headers": {"X-Test": "yes"}},
    {"method": "POST", "path": "/login", "file": "one.json", "status": 201},
]


def test_routes_match_on_path_method_and_parameters():
    assert match(ROUTES, "GET", "/x/search?q=a")["file"] == "one.json"
    assert match(ROUTES, "GET", "/x/search?q=a&next=2")["file"] == "two.json"
    assert match(ROUTES, "GET", "/x/search?next=3") is None
    assert match(ROUTES, "GET", "/login") is None


def test_serves_the_recorded_files(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"page": 1}))
    (tmp_path / "two.json").write_text(json.dumps({"page": 2}))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(tmp_path, ROUTES))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert httpx.get(f"{base}/x/search").json() == {"page": 1}
        for _ in range(2):
            second = httpx.get(f"{base}/x/search?next=2")
            assert second.json() == {"page": 2} and second.headers["X-Test"] == "yes"
        assert httpx.post(f"{base}/login", json={"a": 1}).status_code == 201
        assert httpx.get(f"{base}/nothing").status_code == 404
    finally:
        server.shutdown()
