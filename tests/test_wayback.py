"""The Wayback Machine: recorded availability and CDX answers ► captures (pure), the capture
nearest the event chosen, error captures skipped, ``id_`` addresses, pacing, and fetching
from a fake archive on 127.0.0.1."""

import json
from pathlib import Path

import pytest
from werkzeug import Response

from eventarchive.http import FetchError, Http, HttpSettings
from eventarchive.sources import wayback
from eventarchive.sources.wayback import Pacer, Snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "wayback"
STORY = "http://storify.com/lambethcoop/lambeth-co-op-day"
STORY_S = "https://storify.com/lambethcoop/lambeth-co-op-day"
EVENT_START = "2011-10-21T09:00:00+01:00"  # 08:00 UTC
WB = "https://web.archive.org"


def load(name):
    return json.loads((FIXTURES / name).read_text())


class Clock:
    """Time that moves only when something sleeps (or a test says so)."""

    def __init__(self):
        self.now = 1_319_184_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def http(clock):
    with Http(HttpSettings(backoff=0), sleep=clock.sleep, clock=clock) as client:
        yield client


# -- known-dead hosts and addresses ---------------------------------------------------------------


@pytest.mark.parametrize("url, dead", [
    ("http://sfy.co/b3Xq", True),
    ("http://storify.com/lambethcoop/lambeth-co-op-day", True),
    ("https://www.storify.com/lambethcoop", True),
    ("http://lambethcoop.posterous.com/world-cafe", True),
    ("http://post.ly/3xYz", True),
    ("http://twapperkeeper.com/hashtag/lambethcoop", True),
    ("https://plus.google.com/+LambethCoop/posts/abc", True),
    ("https://STORIFY.COM./x", True),
    ("https://notstorify.com/x", False),
    ("https://storify.com.example.org/x", False),
    ("https://www.google.com/search?q=storify.com", False),
    ("https://lambethcoop.example.org/2011/10/world-cafe-notes/", False),
    ("not a url", False),
])
def test_hosts_gone_for_good_go_straight_to_the_archive(url, dead):
    assert wayback.is_known_dead(url) is dead


def test_id_urls_give_the_raw_capture_and_playback_urls_the_page_people_see():
    assert wayback.snapshot_url(STORY, "20111024093512") == (
        "https://web.archive.org/web/20111024093512id_/http://storify.com/lambethcoop/"
        "lambeth-co-op-day")
    assert wayback.snapshot_url("http://sfy.co/b3Xq#top", "20111021163012",
                                "http://127.0.0.1:8080/") == (
        "http://127.0.0.1:8080/web/20111021163012id_/http://sfy.co/b3Xq")
    assert wayback.snapshot_url("http://example.org/p?id=1&x=2", "2011") == (
        "https://web.archive.org/web/2011id_/http://example.org/p?id=1&x=2")
    snap = Snapshot(STORY, "20111024093512", "200", "text/html",
                    f"http://127.0.0.1:5/web/20111024093512/{STORY}")
    assert snap.raw_url == f"http://127.0.0.1:5/web/20111024093512id_/{STORY}"
    assert snap.captured_at == "2011-10-24T09:35:12+00:00"


@pytest.mark.parametrize("value, expected", [
    (EVENT_START, "20111021080000"),
    ("2011-10-21T14:05:09Z", "20111021140509"),
    ("2011-10-21", "20111021000000"),
    ("20111021", "20111021"),
])
def test_times_are_written_the_waybacks_way_in_utc(value, expected):
    assert wayback.wayback_timestamp(value) == expected


def test_an_unreadable_time_says_what_is_expected():
    with pytest.raises(ValueError, match="2011-10-21T09:00:00"):
        wayback.wayback_timestamp("last friday")


# -- parsing --------------------------------------------------------------------------------------


def test_availability_answer_with_a_capture():
    assert wayback.parse_availability(load("availability-storify.json")) == Snapshot(
        original=STORY, timestamp="20111024093512", status="200", mime=None,
        url=f"https://web.archive.org/web/20111024093512/{STORY}")  # upgraded to https


def test_availability_answer_without_a_capture_or_with_an_error_capture_is_none():
    assert wayback.parse_availability(load("availability-none.json")) is None
    assert wayback.parse_availability({"archived_snapshots": {}}) is None
    # The closest capture is one of the grab's 503 pages: not an archived copy of the story.
    assert wayback.parse_availability(load("availability-503.json")) is None
    assert wayback.parse_availability(load("availability-503.json"), status="5..") is not None
    with pytest.raises(ValueError):
        wayback.parse_availability(["not", "an", "object"])


def test_cdx_rows_skip_error_pages_and_revisits():
    found = wayback.parse_cdx(load("cdx-storify.json"))
    assert [(s.timestamp, s.status) for s in found] == [
        ("20111022151005", "200"), ("20111024093512", "200"), ("20120310120455", "200"),
        ("20161103081530", "200"), ("20180516014410", "200")]
    assert found[2] == Snapshot(
        original="http://storify.com:80/lambethcoop/lambeth-co-op-day",
        timestamp="20120310120455", status="200", mime="text/html",
        url="https://web.archive.org/web/20120310120455/http://storify.com:80/lambethcoop/"
            "lambeth-co-op-day")


def test_cdx_with_nothing_captured_and_odd_rows():
    assert wayback.parse_cdx(load("cdx-empty.json")) == []
    header = ["timestamp", "original", "statuscode"]
    rows = [header, ["20111024093512", STORY, "200"], [], ["org,example)/ 2011!"],
            ["20111025000000", STORY]]
    assert [s.timestamp for s in wayback.parse_cdx(rows)] == ["20111024093512"]
    with pytest.raises(ValueError):
        wayback.parse_cdx([["urlkey", "length"], ["x", "1"]])
    with pytest.raises(ValueError):
        wayback.parse_cdx({"error": "nope"})


def test_the_capture_nearest_the_event_comes_first():
    found = wayback.parse_cdx(load("cdx-storify.json"))
    assert [s.timestamp for s in wayback.nearest(found, EVENT_START)] == [
        "20111022151005", "20111024093512", "20120310120455", "20161103081530",
        "20180516014410"]
    # Around the shutdown the last good capture before it wins.
    assert wayback.nearest(found, "2018-05-16T12:00:00Z")[0].timestamp == "20180516014410"
    # Without a time, the newest first.
    assert wayback.nearest(found)[0].timestamp == "20180516014410"


def test_equally_near_captures_prefer_the_earlier_and_bad_timestamps_go_last():
    snaps = [Snapshot(STORY, t) for t in ("20111021090000", "2011100000000x", "20111021070000",
                                          "20111000000000")]
    assert [s.timestamp for s in wayback.nearest(snaps, "20111021080000")] == [
        "20111021070000", "20111021090000", "20111000000000", "2011100000000x"]


# -- the archive on 127.0.0.1 ---------------------------------------------------------------------

CDX_QUERY = {"url": STORY, "output": "json", "fl": "timestamp,original,statuscode,mimetype,digest",
             "filter": "statuscode:200", "collapse": "digest"}


def test_captures_asks_the_cdx_server_for_good_captures_near_the_event(httpserver, http):
    httpserver.expect_request("/cdx/search/cdx", query_string={
        **CDX_QUERY, "closest": "20111021080000", "sort": "closest", "limit": "3",
    }).respond_with_json(load("cdx-storify.json"))
    base = httpserver.url_for("").rstrip("/")
    found = wayback.captures(http, STORY, around=EVENT_START, base=base, limit=3)
    assert found == [
        Snapshot(STORY, "20111022151005", "200", "text/html",
                 f"{base}/web/20111022151005/{STORY}"),
        Snapshot(STORY, "20111024093512", "200", "text/html",
                 f"{base}/web/20111024093512/{STORY}"),
        Snapshot("http://storify.com:80/lambethcoop/lambeth-co-op-day", "20120310120455", "200",
                 "text/html", f"{base}/web/20120310120455/http://storify.com:80/lambethcoop/"
                              "lambeth-co-op-day"),
    ]


def test_captures_without_a_time_asks_for_the_newest(httpserver, http):
    httpserver.expect_request("/cdx/search/cdx", query_string={**CDX_QUERY, "limit": "-2"}
                              ).respond_with_json(load("cdx-storify.json"))
    found = wayback.captures(http, STORY, base=httpserver.url_for(""), limit=2)
    assert [s.timestamp for s in found] == ["20180516014410", "20161103081530"]


def test_where_an_archived_short_link_pointed(httpserver, http):
    httpserver.expect_request("/cdx/search/cdx", query_string={
        **CDX_QUERY, "url": "http://sfy.co/b3Xq", "filter": "statuscode:30[12]", "limit": "-1",
    }).respond_with_json(load("cdx-sfy.json"))
    [found] = wayback.captures(http, "http://sfy.co/b3Xq", base=httpserver.url_for(""),
                               limit=1, status="30[12]")
    assert (found.timestamp, found.status) == ("20111021163012", "301")


def test_nothing_captured_is_an_empty_list(httpserver, http):
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    assert wayback.captures(http, "http://sfy.co/zzzz", base=httpserver.url_for("")) == []


def test_a_cdx_answer_of_the_wrong_shape_says_what_to_check(httpserver, http):
    httpserver.expect_request("/cdx/search/cdx").respond_with_json({"error": "?"})
    with pytest.raises(FetchError, match=r"CDX server.*base_url"):
        wayback.captures(http, STORY, base=httpserver.url_for(""))


def test_availability_asks_for_the_time_of_the_event(httpserver, http):
    answer = load("availability-storify.json")
    httpserver.expect_request("/wayback/available", query_string={
        "url": STORY, "timestamp": "20111021080000"}).respond_with_json(answer)
    found = wayback.availability(http, STORY, EVENT_START, httpserver.url_for(
        "/wayback/available"), web_base="http://127.0.0.1:9")
    assert found == Snapshot(STORY, "20111024093512", "200", None,
                             f"http://127.0.0.1:9/web/20111024093512/{STORY}")


def test_closest_falls_back_to_the_cdx_server_when_availability_has_only_an_error(
        httpserver, http):
    httpserver.expect_request("/wayback/available").respond_with_json(
        load("availability-503.json"))
    httpserver.expect_request("/cdx/search/cdx").respond_with_json(load("cdx-storify.json"))
    base = httpserver.url_for("").rstrip("/")
    found = wayback.closest(http, STORY_S, "2018-05-16T00:00:00Z", base=base,
                            availability_url=f"{base}/wayback/available")
    assert (found.timestamp, found.status) == ("20180516014410", "200")
    httpserver.clear()
    httpserver.expect_request("/wayback/available").respond_with_json(
        load("availability-none.json"))
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    assert wayback.closest(http, "http://sfy.co/zzzz", base=base,
                           availability_url=f"{base}/wayback/available") is None


def test_fetch_snapshot_gets_the_raw_archived_page(httpserver, http):
    page = (FIXTURES / "storify-story-20111024093512.html").read_bytes()
    httpserver.expect_request(f"/web/20111024093512id_/{STORY}").respond_with_data(
        page, content_type="text/html; charset=utf-8", headers={
            "Memento-Datetime": "Mon, 24 Oct 2011 09:35:12 GMT",
            "Link": f'<{STORY}>; rel="original"'})
    base = httpserver.url_for("").rstrip("/")
    snap = Snapshot(STORY, "20111024093512", "200", "text/html",
                    f"{base}/web/20111024093512/{STORY}")
    response = wayback.fetch_snapshot(http, snap)
    assert response.content == page  # no toolbar, no rewritten links
    assert response.headers["memento-datetime"] == "Mon, 24 Oct 2011 09:35:12 GMT"
    assert 'href="http://lambethcoop.example.org/2011/10/world-cafe-notes/"' in response.text


def test_an_archived_redirect_is_followed_to_the_capture_of_its_target(httpserver, http):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/web/20111021163012id_/http://sfy.co/b3Xq").respond_with_response(
        Response(status=302, headers={"Location": f"{base}/web/20111021163015id_/{STORY}"}))
    httpserver.expect_request(f"/web/20111021163015id_/{STORY}").respond_with_data(
        "<html><title>Lambeth Co-op Day</title></html>", content_type="text/html")
    response = wayback.fetch_snapshot(http, Snapshot(
        "http://sfy.co/b3Xq", "20111021163012", "301", url=f"{base}/web/20111021163012/"
                                                          "http://sfy.co/b3Xq"))
    assert str(response.url) == f"{base}/web/20111021163015id_/{STORY}"
    assert "Lambeth Co-op Day" in response.text


def test_a_capture_the_archive_does_not_have_is_a_fetch_error(httpserver, http):
    httpserver.expect_request(f"/web/20111024093512id_/{STORY}").respond_with_data(
        "Wayback Machine has not archived that URL.", status=404, headers={
            "X-Archive-Wayback-Runtime-Error": "ResourceNotInArchiveException: not found"})
    base = httpserver.url_for("").rstrip("/")
    with pytest.raises(FetchError) as caught:
        wayback.fetch_snapshot(http, Snapshot(STORY, "20111024093512",
                                              url=f"{base}/web/20111024093512/{STORY}"))
    assert caught.value.status == 404


# -- politeness -----------------------------------------------------------------------------------


def test_look_ups_through_one_client_are_at_least_a_second_apart(httpserver, http, clock):
    httpserver.expect_request("/cdx/search/cdx").respond_with_json(load("cdx-storify.json"))
    base = httpserver.url_for("")
    wayback.captures(http, STORY, EVENT_START, base)
    assert clock.slept == []  # the first look-up does not wait
    clock.now += 0.25
    wayback.captures(http, STORY, EVENT_START, base)
    wayback.captures(http, STORY, EVENT_START, base)
    assert clock.slept == [1.0, 1.25]
    assert Pacer.of(http) is Pacer.of(http)


def test_a_429_is_retried_after_retry_after_and_later_look_ups_slow_down(httpserver, http,
                                                                        clock):
    answers = iter([Response("Too Many Requests", status=429, headers={"Retry-After": "7"}),
                    Response(json.dumps(load("cdx-storify.json")), status=200,
                             content_type="application/json")])
    httpserver.expect_request("/cdx/search/cdx").respond_with_handler(lambda r: next(answers))
    base = httpserver.url_for("")
    assert len(wayback.captures(http, STORY, EVENT_START, base)) == 5
    assert clock.slept == [7.0]  # the Http client honoured Retry-After
    assert Pacer.of(http).interval == 2.5
    httpserver.clear()
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    wayback.captures(http, STORY, EVENT_START, base)
    assert clock.slept == [7.0, 2.5]


def test_a_pacer_of_its_own_can_be_shared_between_clients(httpserver, clock):
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    pacer = Pacer(2.0, sleep=clock.sleep, clock=clock)
    base = httpserver.url_for("")
    with Http(HttpSettings(backoff=0), sleep=clock.sleep, clock=clock) as one, \
            Http(HttpSettings(backoff=0), sleep=clock.sleep, clock=clock) as two:
        wayback.captures(one, STORY, base=base, pacer=pacer)
        wayback.captures(two, STORY, base=base, pacer=pacer)
    assert clock.slept == [2.0]
