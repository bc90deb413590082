"""The shared HTTP layer, through httpx.MockTransport: retries, waits, caps, redaction."""

import gzip
import re
import socket
import ssl
import threading
from contextlib import contextmanager

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


# -- credentials given to the client, not patched onto it ---------------------------------------

def test_auth_and_default_params_go_with_every_request_and_stay_secret():
    class Bearer(httpx.Auth):
        def auth_flow(self, request):
            request.headers["Authorization"] = "Bearer SECRET-TOKEN"
            yield request

    handler = replies(httpx.Response(200, json={}), httpx.Response(404))
    http = Http(HttpSettings(), auth=Bearer(), params={"api_key": "SECRET-TOKEN"},
                transport=httpx.MockTransport(handler), sleep=lambda s: None,
                secrets=["SECRET-TOKEN"])
    http.get_json("https://api.flickr.example/services/rest/", params={"method": "search"})
    with pytest.raises(FetchError) as info:
        http.get_json("https://api.flickr.example/services/rest/?page=2")
    first, second = handler.seen
    assert first.headers["Authorization"] == "Bearer SECRET-TOKEN"
    assert dict(first.url.params) == {"api_key": "SECRET-TOKEN", "method": "search"}
    assert dict(second.url.params) == {"api_key": "SECRET-TOKEN", "page": "2"}
    assert "SECRET-TOKEN" not in str(info.value)


# -- addresses refused before any request --------------------------------------------------------

@pytest.mark.parametrize(("url", "reason"), [
    ("mailto:jo@example.org", "a mailto: link, not a web page"),
    ("file:///etc/passwd", "a file: link"),
    ("javascript:alert(1)", "a javascript: link"),
    ("data:text/html,<b>hi</b>", "a data: link"),
    ("ftp://ftp.example.org/pub/", "a ftp: link"),
    ("//example.org/relative", "a relative address"),
    ("http://999.1.1.1/", "not a valid address"),
    ("http://0177.0.0.1/", "not a valid address"),
    ("http://[::1/", "not a valid address"),
    ("http:///path-only", "no host name"),
    ("http://exa mple.org/", "not a valid host name"),
    ("http://example.org:99999/", "port 99999 does not exist"),
    ("http://example.org/" + "a" * 9000, "9019 characters"),
    ("", "an empty address"),
])
def test_invalid_and_non_web_addresses_are_refused_before_any_request(url, reason):
    from eventarchive.http import InvalidLink, check_url

    handler = replies(httpx.Response(200))
    http, _ = client(handler)
    with pytest.raises(InvalidLink, match=re.escape(reason)) as info:
        http.request("GET", url)
    assert handler.seen == [] and http.requests == 0
    assert "\n" not in str(info.value) and str(info.value).endswith("skipped")
    with pytest.raises(InvalidLink, match=re.escape(reason)):
        check_url(url)  # the same answer without a client, for sources that skip links


def test_plain_addresses_pass_the_check():
    from eventarchive.http import check_url

    for url in ("https://example.org/a?b=1#c", "http://93.184.216.34:8080/", "http://[2001:db8::1]/",
                "https://bücher.example/", "http://localhost:8000/", "HTTPS://EXAMPLE.ORG"):
        assert check_url(url) == url


def test_a_redirect_to_a_mailto_link_is_refused_on_that_hop():
    from eventarchive.http import InvalidLink

    handler = replies(httpx.Response(302, headers={"Location": "mailto:jo@example.org"}))
    http, _ = client(handler)
    with pytest.raises(InvalidLink, match="^example.org: redirected to a mailto: link"):
        http.request("GET", "https://example.org/contact")
    assert len(handler.seen) == 1


# -- every transport or protocol error is a FetchError with the host -----------------------------

def test_a_redirect_to_an_invalid_address_is_one_failure_not_retried():
    handler = replies(httpx.Response(302, headers={"Location": "http://[::1/x"}))
    http, slept = client(handler)
    with pytest.raises(FetchError, match=r"^example.org: redirected to an invalid address"):
        http.request("GET", "https://example.org/a")
    assert slept == [] and len(handler.seen) == 1


def test_a_broken_content_encoding_is_one_failure_not_retried():
    http, slept = client(lambda r: httpx.Response(200, content=b"not gzip at all",
                                                  headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match=r"^broken\.example: the answer could not be decoded"):
        http.request("GET", "https://broken.example/page?key=SECRET-TOKEN")
    assert slept == [] and http.requests == 1


@pytest.mark.parametrize("error", [httpx.LocalProtocolError, httpx.ProxyError,
                                   httpx.UnsupportedProtocol, httpx.StreamConsumed])
def test_other_httpx_errors_become_one_line_naming_the_host(error):
    def handler(request):
        raise error("SECRET-TOKEN went wrong") if error is not httpx.StreamConsumed else error()

    http, _ = client(handler)
    with pytest.raises(FetchError, match=r"^odd\.example: ") as info:
        http.request("GET", "https://odd.example/")
    assert "SECRET-TOKEN" not in str(info.value) and "\n" not in str(info.value)


def refusing(request):
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def test_a_refused_link_is_tried_twice_and_marked_refused():
    http, slept = client(refusing)
    with pytest.raises(FetchError, match="connection refused after 2 tries") as info:
        http.request("GET", "https://dead.example/", retries=1)
    assert info.value.refused and not info.value.gone and info.value.status is None
    assert len(slept) == 1


def test_api_calls_keep_their_retries_when_refused():
    http, slept = client(refusing, retries=5)
    with pytest.raises(FetchError) as info:
        http.get_json("https://api.example/x")
    assert info.value.refused and len(slept) == 5


def test_a_certificate_that_does_not_verify_is_refused_at_once():
    def handler(request):
        try:
            raise ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    http, slept = client(handler)
    with pytest.raises(FetchError, match=r"^self\.example: TLS failure, the certificate does "
                                         "not verify") as info:
        http.request("GET", "https://self.example/")
    assert info.value.refused and slept == []


# -- a total deadline ----------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def test_a_body_sent_too_slowly_is_cut_off_at_the_deadline():
    clock = Clock()

    def drip():
        for _ in range(1000):
            clock.now += 2  # two seconds a byte: never too slow for one read
            yield b"x"

    http = Http(HttpSettings(timeout=30, deadline=10),
                transport=httpx.MockTransport(lambda r: httpx.Response(200, content=drip())),
                sleep=pytest.fail, clock=clock)
    with pytest.raises(FetchError, match=r"drip\.example: sent too slowly; gave up after 10 s"):
        http.request("GET", "https://drip.example/")
    assert clock.now - NOW <= 12


def test_the_deadline_defaults_to_four_timeouts():
    assert HttpSettings(timeout=30).request_deadline == 120
    assert HttpSettings.from_config({"timeout": 10, "deadline": 25}).request_deadline == 25


# -- JSON with a broken character keeps the page -------------------------------------------------

def test_a_lone_surrogate_or_a_bad_byte_costs_one_character_not_the_page():
    body = (b'{"statuses": [{"id": "1", "text": "broken \\ud83d emoji"}, '
            b'{"id": "2", "text": "caf\xe9"}, {"id": "3", "text": "fine \\ud83d\\ude00"}]}')
    http, _ = client(lambda r: httpx.Response(200, content=body))
    data, _ = http.get_json("https://api.example/search?key=SECRET-TOKEN")
    assert [s["text"] for s in data["statuses"]] == [
        "broken \ufffd emoji", "caf\ufffd", "fine \U0001f600"]
    (problem,) = http.take_problems()
    assert problem.reason.startswith("2 bad characters replaced")
    assert problem.where == "https://api.example/search?key=***"
    assert http.take_problems() == []


def test_problems_noted_in_one_thread_are_that_threads_own():
    """The web stage's queries share one client across threads: each takes its own problems."""
    import threading

    http, _ = client(lambda r: httpx.Response(200, content=b'{"text": "caf\xe9"}'))
    taken = {}

    def query(name: str) -> None:
        http.get_json(f"https://{name}.example/page")
        taken[name] = [p.where for p in http.take_problems()]

    threads = [threading.Thread(target=query, args=(name,)) for name in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken == {name: [f"https://{name}.example/page"] for name in ("a", "b", "c")}
    assert http.take_problems() == []  # nothing left for the thread that made the client


def test_lenient_json_still_refuses_what_is_not_json():
    from eventarchive.jsontext import loads_lenient

    assert loads_lenient(b'{"a": [1, "\\u00e9"]}') == ({"a": [1, "é"]}, 0)
    assert loads_lenient(b'["\xef\xbf\xbd", "\xff"]') == (["\ufffd", "\ufffd"], 1)
    for text in (b"<html>", b'{"a": 1', b"NaN", b'{"a": "\xff"'):
        with pytest.raises(ValueError):
            loads_lenient(text)


# -- the private-address guard, however the address is spelled -----------------------------------

def public_dns(host, port, proto=0):
    return [(2, 1, 6, "", ("93.184.216.34", 0))]  # what a hostile resolver might claim


@pytest.mark.parametrize("url", [
    "http://localhost./", "http://LOCALHOST/", "http://admin.localhost/", "http://printer.local/",
    "http://metadata.google.internal/computeMetadata/v1/", "http://router.home.arpa/",
    "http://intranet/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/",
    "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/", "http://[::127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/",
])
def test_private_names_and_addresses_are_refused_by_name_whatever_dns_says(url):
    from eventarchive.http import PrivateAddress

    handler = replies(httpx.Response(200))
    http = Http(HttpSettings(), transport=httpx.MockTransport(handler), public_only=True,
                resolve=public_dns)
    with pytest.raises(PrivateAddress, match="private or local address"):
        http.request("GET", url)
    assert handler.seen == []


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f000001/", "http://127.1/",
                                 "http://0177.0.0.1/", "http://127.0.0.01/"])
def test_numeric_spellings_of_addresses_are_refused_rather_than_guessed(url):
    from eventarchive.http import InvalidLink

    handler = replies(httpx.Response(200))
    for public_only in (True, False):
        http = Http(HttpSettings(), transport=httpx.MockTransport(handler),
                    public_only=public_only, resolve=public_dns)
        with pytest.raises(InvalidLink, match="not a (plain IPv4|valid) address"):
            http.request("GET", url)
    assert handler.seen == []


def no_dns(host, port, proto=0):
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_a_name_only_the_proxy_can_resolve_is_refused(monkeypatch):
    from eventarchive.http import PrivateAddress
    from eventarchive.netguard import refuse_private, uses_proxy

    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    refuse_private("gone.example", no_dns)  # no proxy: the request fails as "no such host"
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "direct.example")
    assert uses_proxy(httpx.URL("https://gone.example/"))
    assert not uses_proxy(httpx.URL("https://direct.example/"))
    assert not uses_proxy(httpx.URL("http://gone.example/"))
    with Http(HttpSettings(), public_only=True, resolve=no_dns) as http:  # the real transport
        with pytest.raises(PrivateAddress, match="the proxy would resolve it for us"):
            http.request("GET", "https://only-the-proxy-knows.example/")
        assert http.requests == 1  # refused by the hook, before the proxy was asked


# -- against real servers on 127.0.0.1 ------------------------------------------------------------

@contextmanager
def dripping_server(head: bytes, drip: bytes):
    """A server that sends ``head``, then ``drip`` every 50 ms until the client hangs up (or
    10 s have passed, so that a broken deadline fails the test instead of hanging it)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    stop = threading.Event()

    def serve():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            conn.sendall(head)
            for _ in range(200):
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(drip)
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=10)


@pytest.mark.parametrize(("head", "drip"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", b"x"),  # the body, a byte at a time
    (b"HTTP/1.1 200 OK\r\n", b"X-Slow: y\r\n"),  # headers that never end
])
def test_a_dripping_server_is_cut_off_at_the_deadline(head, drip):
    with dripping_server(head, drip) as url, Http(
            HttpSettings(timeout=5, deadline=0.5, retries=3), sleep=pytest.fail) as http:
        with pytest.raises(FetchError, match=r"127\.0\.0\.1: sent too slowly; gave up after 0.5 s"):
            http.request("GET", url)


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


def test_a_refused_port_on_this_machine_is_marked_refused():
    slept = []
    with Http(HttpSettings(), sleep=slept.append) as http:
        with pytest.raises(FetchError, match="connection refused after 2 tries") as info:
            http.request("GET", f"http://127.0.0.1:{free_port()}/", retries=1)
    assert info.value.refused and len(slept) == 1


def test_broken_gzip_from_a_real_server(httpserver):
    httpserver.expect_request("/").respond_with_data(b"\x1f\x8b broken",
                                                     headers={"Content-Encoding": "gzip"})
    with Http(HttpSettings(), sleep=pytest.fail) as http:
        with pytest.raises(FetchError, match="could not be decoded"):
            http.request("GET", httpserver.url_for("/"))


def test_a_tls_failure_counts_as_refused(httpserver):
    httpserver.expect_request("/").respond_with_data("plain http")
    with Http(HttpSettings(retries=0), sleep=pytest.fail) as http:
        with pytest.raises(FetchError, match="TLS failure") as info:
            http.request("GET", f"https://127.0.0.1:{httpserver.port}/")
    assert info.value.refused and "\n" not in str(info.value)
