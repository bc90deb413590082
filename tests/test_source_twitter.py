"""X API v2 fetches, against a real local HTTP server serving recorded v2 response pages."""

import json

import pytest
from werkzeug import Response

from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.sources import twitter
from eventarchive.store import Store

ENV = {"EVENTARCHIVE_X_BEARER_TOKEN": "tok-SECRET"}


@pytest.fixture
def pages(fixtures):
    return [json.loads(line) for line in (fixtures / "twarc2.jsonl").read_text().splitlines()]


def make_config(tmp_path, httpserver, **source):
    table = {"base_url": httpserver.url_for("").rstrip("/"), "search": "all", **source}
    return config.parse({
        "events": [{"slug": "lambethcoop-2011", "name": "Lambeth Co-op Day",
                    "starts_at": "2011-10-21T09:00:00+01:00",
                    "ends_at": "2011-10-21T17:00:00+01:00",
                    "hashtags": ["lambethcoop"]}],
        "sources": {"twitter": table},
    }, tmp_path / "config" / "eventarchive.toml")


def no_wait(source, options):
    return Http(HttpSettings(backoff=0), sleep=lambda s: None, **options)


def run(store, cfg, env=ENV):
    return fetch(store, cfg, cfg.events, ["twitter"], env, http_factory=no_wait)


def strip_meta(page, next_token=None):
    page = {k: v for k, v in page.items() if not k.startswith("__")}
    page["meta"] = {k: v for k, v in page.get("meta", {}).items() if k != "next_token"}
    if next_token:
        page["meta"]["next_token"] = next_token
    return page


def test_the_event_becomes_an_x_search():
    event = config.Event("e", "E", hashtags=["lambethcoop", "coproduction"],
                         keywords=["co-production", "world cafe"],
                         accounts={"twitter": ["@lambeth_events"]})
    assert twitter.search_query(event) == (
        '#lambethcoop OR #coproduction OR "co-production" OR "world cafe" '
        "OR from:lambeth_events")


def test_fetch_pages_then_second_run_asks_only_for_newer(store, tmp_path, httpserver, pages):
    path = "/2/tweets/search/all"
    seen = []

    def handler(request):
        seen.append(dict(request.args))
        if "next_token" in request.args:
            return Response(json.dumps(strip_meta(pages[1])), content_type="application/json")
        if "since_id" in request.args:
            return Response(json.dumps({"meta": {"result_count": 0}}),
                            content_type="application/json")
        return Response(json.dumps(strip_meta(pages[0], "p2")), content_type="application/json")

    httpserver.expect_request(path).respond_with_handler(handler)
    cfg = make_config(tmp_path, httpserver, search="all")
    (first,) = run(store, cfg)
    assert first.error is None and first.pages == 2 and first.new_items == store.count("items")
    assert first.new_items >= 5
    assert seen[0]["query"] == "#lambethcoop"
    assert seen[0]["start_time"] == "2011-10-21T08:00:00+00:00"
    assert "tok-SECRET" not in json.dumps(seen)
    counts = store.counts()
    (second,) = run(store, cfg)
    assert second.new_items == 0 and store.counts() == counts
    newest = max(int(t["id"]) for p in pages for t in p["data"])
    assert seen[-1]["since_id"] == str(newest)
    assert "start_time" not in seen[-1]


def test_429_then_success(store, tmp_path, httpserver, pages):
    path = "/2/tweets/search/all"
    httpserver.expect_ordered_request(path).respond_with_response(
        Response("", status=429, headers={"Retry-After": "1"}))
    httpserver.expect_ordered_request(path).respond_with_json(strip_meta(pages[0]))
    cfg = make_config(tmp_path, httpserver)
    (result,) = run(store, cfg)
    assert result.error is None and result.new_items > 0


def test_refused_token_says_which_variable(store, tmp_path, httpserver):
    httpserver.expect_request("/2/tweets/search/all").respond_with_response(
        Response('{"title": "Unauthorized"}', status=401))
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert result.message.startswith("twitter: ")
    assert "EVENTARCHIVE_X_BEARER_TOKEN" in result.message and "tok-SECRET" not in result.message
    assert store.conn.execute("select status from fetch_runs").fetchone() == ("failed",)


def test_missing_token_is_a_config_error(store, tmp_path, httpserver):
    (result,) = run(store, make_config(tmp_path, httpserver), env={})
    assert "EVENTARCHIVE_X_BEARER_TOKEN is not set" in result.message


def test_a_repeating_next_token_stops(store, tmp_path, httpserver, pages):
    httpserver.expect_request("/2/tweets/search/all").respond_with_json(
        strip_meta(pages[0], "same"))
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert result.error is None and result.pages == 2
    assert any("repeated its paging next_token" in p for p in result.problems)


def test_killed_mid_sweep_resumes_with_until_id(store, tmp_path, httpserver, pages):
    path = "/2/tweets/search/all"
    calls = []

    def handler(request):
        calls.append(dict(request.args))
        if len(calls) == 2:
            return Response("", status=500)  # the run dies here (after retries)
        if "until_id" in request.args:
            return Response(json.dumps(strip_meta(pages[1])), content_type="application/json")
        return Response(json.dumps(strip_meta(pages[0], "p2")), content_type="application/json")

    httpserver.expect_request(path).respond_with_handler(handler)
    cfg = make_config(tmp_path, httpserver)
    settings = HttpSettings(backoff=0, retries=0)
    (broken,) = fetch(store, cfg, cfg.events, ["twitter"], ENV,
                      http_factory=lambda source, options: Http(settings, sleep=lambda s: None,
                                                                   **options))
    assert broken.message and "HTTP 500" in broken.message and broken.new_items > 0
    (resumed,) = run(store, cfg)
    assert resumed.error is None
    oldest_of_page_one = min(int(t["id"]) for t in pages[0]["data"])
    assert calls[-1]["until_id"] == str(oldest_of_page_one)
    assert "since_id" not in calls[-1]
    # Exactly the rows of an uninterrupted run.
    whole = Store.open(tmp_path / "whole.db")
    httpserver.clear()
    httpserver.expect_request(path).respond_with_handler(
        lambda r: Response(json.dumps(strip_meta(pages[1] if "next_token" in r.args else
                                                 pages[0], None if "next_token" in r.args
                                                 else "p2")), content_type="application/json"))
    run(whole, cfg)
    for table in ("items", "authors", "media", "links", "hashtags", "mentions", "reposts"):
        columns = "*" if table != "items" else "id, text, author_id, published_at, raw"
        query = f"select {columns} from {table} order by 1"
        assert store.conn.execute(query).fetchall() == whole.conn.execute(query).fetchall()


def test_recent_search_cannot_reach_an_old_event(store, tmp_path, httpserver):
    (result,) = run(store, make_config(tmp_path, httpserver, search="recent"))
    assert "recent search only covers the last 7 days" in result.message
    assert 'set search = "all"' in result.message
    assert len(httpserver.log) == 0


def test_account_timeline_is_limited_to_the_event_window(store, tmp_path, httpserver, pages):
    httpserver.expect_request("/2/users/by/username/lambeth_events").respond_with_json(
        {"data": {"id": "398120457", "name": "Lambeth Co-op Day", "username": "lambeth_events"}})
    seen = []

    def handler(request):
        seen.append(dict(request.args))
        return Response(json.dumps(strip_meta(pages[1])), content_type="application/json")

    httpserver.expect_request("/2/users/398120457/tweets").respond_with_handler(handler)
    httpserver.expect_request("/2/tweets/search/all").respond_with_json({"meta": {}})
    cfg = make_config(tmp_path, httpserver)
    cfg.events[0].hashtags = []
    cfg.events[0].accounts = {"twitter": ["@lambeth_events"]}
    (result,) = run(store, cfg)
    assert result.error is None and result.new_items > 0
    assert seen[0]["start_time"] == "2011-10-21T08:00:00+00:00"
    assert seen[0]["end_time"] == "2011-10-21T16:00:00+00:00"
    (again,) = run(store, cfg)  # the account's id is kept (30 days): asked once
    assert again.error is None and len(seen) == 2
    assert sum(r.path.startswith("/2/users/by/") for r, _ in httpserver.log) == 1
