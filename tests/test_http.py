"""The shared HTTP layer, through httpx.MockTransport: retries, waits, caps, redaction."""

import gzip

import httpx
import pytest

from eventarchive.http import AuthError, FetchError, Http, HttpSettings, RateLimited, TooLarge

NOW = 1_700_000_000.0


def client(handler, **settings):
    slept = []
    http = Http(HttpSettings(**settings), transport=httpx.MockTransport(handler),
                sleep=slept.append, clock=lambda: NOW, secrets=["SECRET-TOKEN"])
    return http, slept


def replies(*responses):
    queue = list(responses)
    seen = []

    def handler(request):
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    handler.seen = seen
    return handler


def test_429_with_retry_after_waits_that_long_then_succeeds():
    handler = replies(httpx.Response(429, headers={"Retry-After": "7"}),
                      httpx.Response(200, json={"ok": True}))
    http, slept = client(handler)
    data, _ = http.get_json("https://api.example/x")
    assert data == {"ok": True} and slept == [7.0]


def test_x_rate_limit_reset_is_an_epoch_time():
    handler = replies(httpx.Response(429, headers={"x-rate-limit-reset": str(int(NOW) + 60),
                                                   "x-rate-limit-remaining": "0"}),
                      httpx.Response(200, json={}))
    http, slept = client(handler)
    http.get_json("https://api.x.example/2/tweets/search/recent")
    assert slept == [61.0]


def test_mastodon_ratelimit_reset_is_an_iso_time():
    handler = replies(httpx.Response(429, headers={"X-RateLimit-Reset": "2023-11-14T22:15:20Z",
                                                   "X-RateLimit-Remaining": "0"}),
                      httpx.Response(200, json=[]))
    http, slept = client(handler)
    http.get_json("https://mastodon.example/api/v1/timelines/tag/x")
    assert slept == [121.0]  # NOW is 22:13:20 UTC


def test_5xx_storm_backs_off_then_gives_up_with_a_clear_message():
    http, slept = client(replies(httpx.Response(503)), retries=3, backoff=1)
    with pytest.raises(FetchError, match=r"api.example: HTTP 503 after 4 tries"):
        http.get_json("https://api.example/x")
    assert len(slept) == 3
    assert 1 <= slept[0] <= 1.5 and 2 <= slept[1] <= 3 and 4 <= slept[2] <= 6


def test_a_wait_longer_than_max_wait_stops_with_the_time_to_come_back():
    http, slept = client(replies(httpx.Response(429, headers={"Retry-After": "3600"})),
                         max_wait=60)
    with pytest.raises(RateLimited, match=r"rate limited until 23:13 UTC; progress saved"):
        http.get_json("https://api.example/x")
    assert slept == []


def test_network_errors_are_retried():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=[1])

    http, slept = client(handler, backoff=0.5)
    assert http.get_json("https://api.example/x")[0] == [1]
    assert len(slept) == 2


def test_size_cap_counts_decoded_bytes():
    bomb = gzip.compress(b"[" + b"0," * 600_000 + b"0]")
    assert len(bomb) < 10_000
    http, _ = client(lambda r: httpx.Response(200, content=bomb,
                                              headers={"Content-Encoding": "gzip"}),
                     max_bytes=100_000)
    with pytest.raises(TooLarge, match="over 100000 bytes"):
        http.get_json("https://api.example/x")


def test_redirect_loop_is_cut():
    http, _ = client(lambda r: httpx.Response(302, headers={"Location": str(r.url)}),
                     max_redirects=3)
    with pytest.raises(FetchError, match="more than 3 redirects"):
        http.request("GET", "https://loop.example/a")


def test_refused_credentials_never_show_the_secret():
    http, _ = client(lambda r: httpx.Response(401))
    with pytest.raises(AuthError) as info:
        http.get_json("https://api.example/x?api_key=SECRET-TOKEN")
    assert "SECRET-TOKEN" not in str(info.value) and "401" in str(info.value)
    with pytest.raises(FetchError) as info:
        client(lambda r: httpx.Response(404))[0].get_json("https://a.example/?key=SECRET-TOKEN")
    assert "SECRET-TOKEN" not in str(info.value)


def test_not_json_says_to_check_the_base_url():
    http, _ = client(lambda r: httpx.Response(200, text="<html>", headers={
        "Content-Type": "text/html"}))
    with pytest.raises(FetchError, match="not JSON .* check the source's base_url"):
        http.get_json("https://api.example/x")


def test_identifies_itself():
    handler = replies(httpx.Response(200, json={}))
    http, _ = client(handler)
    http.get_json("https://api.example/x")
    assert handler.seen[0].headers["User-Agent"].startswith("eventarchive/")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/admin", "http://localhost/", "http://10.1.2.3/", "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/", "http://192.168.0.1/", "http://100.64.0.1/",
])
def test_links_from_content_never_reach_private_addresses(url):
    from eventarchive.http import PrivateAddress

    http = Http(HttpSettings(), transport=httpx.MockTransport(lambda r: httpx.Response(200)),
                public_only=True)
    with pytest.raises(PrivateAddress, match="refused"):
        http.request("GET", url)


def test_a_redirect_to_a_private_address_is_refused_on_that_hop():
    from eventarchive.http import PrivateAddress

    def handler(request):
        if request.url.host == "public.example":
            return httpx.Response(302, headers={"Location": "http://internal.example/secret"})
        return httpx.Response(200, text="secret")

    addresses = {"public.example": "93.184.216.34", "internal.example": "10.0.0.5"}
    resolve = lambda host, port, proto=0: [(2, 1, 6, "", (addresses[host], 0))]  # noqa: E731
    http = Http(HttpSettings(), transport=httpx.MockTransport(handler), public_only=True,
                resolve=resolve)
    with pytest.raises(PrivateAddress, match="internal.example"):
        http.request("GET", "http://public.example/")
