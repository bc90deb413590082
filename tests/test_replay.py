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


HOSTED = [
    {"host": "blog.example.org", "path": "/2011/post/", "file": "page.html",
     "headers": {"Content-Type": "text/html; charset=UTF-8"}},
    {"host": "blog.example.org", "path": "/wp-json/wp/v2/comments", "query": {"page": "2"},
     "file": "two.json"},
    {"host": "other.example.net:8080", "path": "/2011/post/", "file": "two.json"},
    {"path": "/2011/post/", "file": "one.json"},
]


def test_absolute_targets_match_the_routes_of_their_host():
    # What a client sends through a proxy: the whole address as the request target.
    assert match(HOSTED, "GET", "http://blog.example.org/2011/post/")["file"] == "page.html"
    assert match(HOSTED, "GET", "http://BLOG.example.org:80/2011/post/")["file"] == "page.html"
    assert match(HOSTED, "GET", "http://blog.example.org/wp-json/wp/v2/comments?post=1&page=2"
                 )["file"] == "two.json"
    assert match(HOSTED, "GET", "http://blog.example.org/wp-json/wp/v2/comments?page=1") is None
    assert match(HOSTED, "GET", "http://other.example.net:8080/2011/post/")["file"] == "two.json"
    # Another host, or no host at all, never gets a hosted route's answer.
    assert match(HOSTED, "GET", "http://evil.example.net/2011/post/") is None
    assert match(HOSTED, "GET", "http://other.example.net/2011/post/") is None
    assert match(HOSTED, "GET", "/2011/post/")["file"] == "one.json"
    assert match(ROUTES, "GET", "http://x.example.org/x/search") is None


def test_absolute_targets_naming_this_machine_are_requests_to_the_replay_itself():
    for base in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        assert match(HOSTED, "GET", f"{base}/2011/post/")["file"] == "one.json"
        assert match(ROUTES, "GET", f"{base}/x/search?next=2")["file"] == "two.json"
    # A Wayback-style path with an address inside it is still one path.
    wayback = [{"path": "/web/20111021163012id_/http://sfy.co/tKCT", "file": "one.json"}]
    assert match(wayback, "GET", "http://127.0.0.1:8765/web/20111021163012id_/http://sfy.co/tKCT")
    assert match(wayback, "GET", "/web/20111021163012id_/http://sfy.co/tKCT")


def test_serves_any_host_through_http_proxy(tmp_path, monkeypatch):
    (tmp_path / "one.json").write_text(json.dumps({"page": 1}))
    (tmp_path / "two.json").write_text(json.dumps({"page": 2}))
    (tmp_path / "page.html").write_text("<html><body>post</body></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(tmp_path, HOSTED + ROUTES))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    for name in ("http_proxy", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", base)  # as the demo runs its web fetch
    try:
        with httpx.Client() as client:  # trust_env: the proxy comes from the environment
            page = client.get("http://blog.example.org/2011/post/")
            assert page.text == "<html><body>post</body></html>"
            assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
            assert client.get("http://blog.example.org/nothing").status_code == 404
            assert client.get("http://unknown.example.net/2011/post/").status_code == 404
            # The replay's own address, also sent through the proxy, is the replay itself.
            assert client.get(f"{base}/2011/post/").json() == {"page": 1}
            assert client.get(f"{base}/x/search?next=2").json() == {"page": 2}
    finally:
        server.shutdown()
