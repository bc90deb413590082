"""The one HTTP client every source uses: retries with backoff on 429 and 5xx that honour
``Retry-After`` and the platforms' rate-limit headers, a ceiling on any single wait, a total
deadline per request as well as a timeout per read, response size caps counted on decoded
bytes, a redirect cap, an identifying User-Agent, addresses checked before any request, JSON
decoded leniently, and secrets redacted from every error. Every failure is a FetchError.

Sleeping and the clock go through injectable functions, so tests never wait.
"""

from __future__ import annotations

import functools
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from . import __version__, deadline
from .errors import AuthError, FetchError, InvalidLink, PrivateAddress, RateLimited, TooLarge
from .jsontext import loads_lenient
from .netguard import check_url, refuse_private, uses_proxy
from .records import Problem

__all__ = ["AuthError", "FetchError", "Http", "HttpSettings", "InvalidLink", "PrivateAddress",
           "RateLimited", "TooLarge", "check_url", "refuse_private"]

DEFAULT_USER_AGENT = (f"eventarchive/{__version__} "
                      "(+https://github.com/eventarchive/eventarchive)")
SETTINGS = {"user_agent": str, "timeout": float, "deadline": float, "max_bytes": int,
            "max_redirects": int, "retries": int, "backoff": float, "max_wait": float}


@dataclass
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0  # seconds for any one read (and to connect)
    deadline: float | None = None  # seconds for a whole request; None: 4 × timeout
    max_bytes: int = 50 << 20
    max_redirects: int = 5
    retries: int = 5
    backoff: float = 2.0  # seconds before the first retry; doubles each time, with jitter
    max_wait: float = 900.0  # the longest single wait before giving up with RateLimited

    @property
    def request_deadline(self) -> float:
        return self.deadline if self.deadline is not None else 4 * self.timeout

    @classmethod
    def from_config(cls, fetch: dict, max_wait: float | None = None) -> HttpSettings:
        settings = cls()
        for key, kind in SETTINGS.items():
            if key in fetch:
                setattr(settings, key, kind(fetch[key]))
        if max_wait is not None:
            settings.max_wait = max_wait
        return settings


MIN_SECRET = 4  # characters: anything shorter is not redacted


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate-verifying TLS context httpx would build for each client (certifi's
    roots, or SSL_CERT_FILE / SSL_CERT_DIR), built once per process: reading the roots took
    60 ms, half of a source's run with nothing new. An SSLContext is safe to share."""
    return httpx.create_ssl_context()


class Http:
    """A client for one source: ``Http(settings, secrets=[token])``; use as a context manager.

    ``auth`` (an httpx.Auth) and ``params`` (query parameters added to every request, e.g. an
    API key) carry a source's credentials; name the secret values in ``secrets`` so that no
    error message shows them. ``public_only``: links from content, refused when they point at
    a private address. ``problems`` collects what went wrong without failing a request (bad
    characters replaced in a JSON answer); the caller takes them with ``take_problems()``.
    """

    def __init__(self, settings: HttpSettings | None = None, *,
                 auth: httpx.Auth | None = None, params: dict | None = None,
                 headers: dict | None = None, secrets: Iterable[str] = (),
                 public_only: bool = False,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time,
                 resolve=socket.getaddrinfo):
        self.settings = settings or HttpSettings()
        self.sleep = sleep
        self.clock = clock
        # A value this short is no real token, and hiding it would mangle every message
        # (a test's "t" would turn "connection" into "connec***ion").
        self.secrets = [s for s in secrets if s and len(s) >= MIN_SECRET]
        self.public_only = public_only
        self.resolve = resolve
        # httpx reads proxies from the environment only when it builds the transport itself.
        self.env_proxies = transport is None
        # Safe to share between threads (the runner's concurrent queries, the photo stage):
        # httpx.Client is, and what one request leaves behind (its deadline budget, the
        # problems it noted) is kept per thread.
        self._local = threading.local()
        self._count = threading.Lock()
        self.requests = 0  # how many requests went out, for tests and summaries
        # A request hook runs before every hop, redirects included, and leaves the transport
        # (and so the environment's proxy settings) alone.
        self.params = dict(params or {})
        self.client = httpx.Client(
            auth=auth,
            event_hooks={"request": [self._check_hop], "response": [self._check_redirect]},
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": self.settings.user_agent, **(headers or {})},
            transport=transport,
            verify=tls_context() if transport is None else True,
        )
        deadline.install(self.client)

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    @property
    def problems(self) -> list[Problem]:
        """What went wrong without failing a request, in this thread, since the last take."""
        if not hasattr(self._local, "problems"):
            self._local.problems = []
        return self._local.problems

    def take_problems(self) -> list[Problem]:
        """What went wrong without failing a request since the last call (in this thread),
        for the run's report."""
        problems, self._local.problems = self.problems, []
        return problems

    def _check_redirect(self, response: httpx.Response) -> None:
        """A Location that is not an address (httpx would fail building the next request) or
        points at another scheme: refused, naming where it pointed."""
        if not response.has_redirect_location:
            return
        host, location = response.request.url.host, response.headers["location"]
        try:
            scheme = httpx.URL(location).scheme
        except (httpx.InvalidURL, ValueError) as exc:
            raise InvalidLink(f"{host}: redirected to an invalid address {location!r} "
                              f"({_reason(exc)})") from None
        if scheme and scheme not in ("http", "https"):
            raise InvalidLink(f"{host}: redirected to a {scheme}: link ({location}), not a web "
                              "page; skipped")

    def _check_hop(self, request: httpx.Request) -> None:
        check_url(str(request.url))
        if self.public_only:
            refuse_private(request.url.host, self.resolve,
                           proxied=self.env_proxies and uses_proxy(request.url))

    # -- requests -----------------------------------------------------------------------------

    def get_json(self, url: str, *, params: dict | None = None, headers: dict | None = None,
                 retries: int | None = None) -> tuple[object, httpx.Response]:
        response = self.request("GET", url, params=params, headers=headers, retries=retries)
        return self._json(response), response

    def post_json(self, url: str, body: dict, *, headers: dict | None = None,
                  retries: int | None = None) -> tuple[object, httpx.Response]:
        response = self.request("POST", url, json=body, headers=headers, retries=retries)
        return self._json(response), response

    def request(self, method: str, url: str, *, retries: int | None = None,
                **kwargs) -> httpx.Response:
        """Send with retries. Returns any final response below 400; raises FetchError otherwise.

        ``retries`` overrides ``[fetch] retries`` for this call: a link found in a post is worth
        one retry (``retries=1``), not a minute of backoff; API calls keep the default.
        """
        try:
            check_url(url)
        except FetchError as exc:
            raise self._redacted(exc) from None
        retries = self.settings.retries if retries is None else retries
        host = host_of(url)
        # Default and per-call parameters join the address's own query: httpx's params=
        # replaces that query, so it is handed over whole (or not at all, to leave it alone).
        extra = kwargs.pop("params", None)
        if self.params or extra:
            kwargs["params"] = httpx.URL(url).params.merge(self.params).merge(extra)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, url, **kwargs)
            except FetchError as exc:  # refused by a hook, too large, too slow
                raise self._redacted(exc) from None
            except httpx.TooManyRedirects:
                raise self._error(f"{host}: more than {self.settings.max_redirects} redirects "
                                  f"(a redirect loop?) for {url}") from None
            except httpx.TimeoutException as exc:
                budget = getattr(self._local, "budget", None)
                if budget is not None and budget.binding:
                    raise self._too_slow(host) from None
                if attempt > retries:
                    raise self._error(
                        f"{host}: no answer after {attempt} tries ({type(exc).__name__}); "
                        "check the address and your connection, or try again later") from None
                self._wait(self._backoff(attempt), url)
                continue
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                error = self._connection_error(exc, host, url, attempt, retries)
                if error is not None:
                    raise error from None
                self._wait(self._backoff(attempt), url)
                continue
            except httpx.DecodingError as exc:
                raise self._error(f"{host}: the answer could not be decoded ({_reason(exc)}); "
                                  "a broken Content-Encoding, nothing to retry") from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
                # Unsupported scheme or invalid address on a hop, a proxy error, a header we
                # could not send, …: one line, never a traceback.
                raise self._error(f"{host}: {type(exc).__name__}: {_reason(exc)}") from None
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt > retries:
                    what = "rate limited" if status == 429 else "the service is struggling"
                    raise self._error(f"{host}: HTTP {status} after {attempt} tries ({what}); "
                                      "progress saved, try again later").with_status(status)
                wait = self._server_wait(response)
                self._wait(wait if wait is not None else self._backoff(attempt), url)
                continue
            if status in (401, 403):
                raise AuthError(self.redact(
                    f"{host}: HTTP {status}, credentials refused")).with_status(status)
            if status >= 400:
                raise self._error(f"{host}: HTTP {status} for {url}").with_status(status)
            return response

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        """One request (with its redirects) within the deadline, reading the body with a cap
        on its decoded size."""
        with self._count:
            self.requests += 1
        self._local.budget = budget = deadline.Budget(self.settings.request_deadline, self.clock)
        token = deadline.current.set(budget)
        try:
            with self.client.stream(method, url, **kwargs) as response:
                declared = response.headers.get("content-length")
                # Decoding only makes a body bigger: a declared length over the cap is refused
                # before reading; the decoded bytes are counted below.
                if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                    raise TooLarge(f"{host_of(url)}: response of {declared} bytes is over the "
                                   f"limit ({self.settings.max_bytes} bytes)")
                body = bytearray()
                for chunk in response.iter_bytes():
                    if budget.expired():
                        raise self._too_slow(host_of(url))
                    body += chunk
                    if len(body) > self.settings.max_bytes:
                        raise TooLarge(f"{host_of(url)}: response over {self.settings.max_bytes} "
                                       "bytes; raise [fetch] max_bytes if this is expected")
                response._content = bytes(body)
                return response
        finally:
            deadline.current.reset(token)

    def _json(self, response: httpx.Response):
        """The answer's JSON; bad characters in it (a lone surrogate, invalid UTF-8) become
        U+FFFD and a problem, so the rest of the page is kept."""
        try:
            data, replaced = loads_lenient(response.content)
        except ValueError:
            raise self._error(
                f"{host_of(str(response.url))}: answered with something that is not JSON "
                f"(HTTP {response.status_code}, {response.headers.get('content-type', '?')}); "
                "check the source's base_url") from None
        if replaced:
            self.problems.append(Problem(self.redact(str(response.url)), (
                f"{replaced} bad character{'s' if replaced > 1 else ''} replaced (invalid UTF-8 "
                "or a lone surrogate in the answer); the rest was kept")))
        return data

    # -- errors -------------------------------------------------------------------------------

    def _error(self, message: str) -> FetchError:
        return FetchError(self.redact(message))

    def _redacted(self, exc: FetchError) -> FetchError:
        exc.args = (self.redact(str(exc)),)
        return exc

    def _too_slow(self, host: str) -> FetchError:
        return self._error(f"{host}: sent too slowly; gave up after "
                           f"{self.settings.request_deadline:g} s ([fetch] deadline)")

    def _connection_error(self, exc: Exception, host: str, url: str, attempt: int,
                          retries: int) -> FetchError | None:
        """The FetchError to raise for a failed connection, or None to retry."""
        if _no_such_host(exc):
            error = self._error(f"{host}: no such host (the domain does not resolve)")
            error.gone = True
            return error
        tls = _caused_by(exc, ssl.SSLError)
        if tls is not None and isinstance(tls, ssl.SSLCertVerificationError):
            # A certificate that does not verify will not verify in a few seconds either.
            error = self._error(f"{host}: TLS failure, the certificate does not verify "
                                f"({_tls_reason(tls)}); not fetched")
            error.refused = True
            return error
        if attempt <= retries:
            return None
        refused = _caused_by(exc, ConnectionRefusedError) is not None or (
            "Connection refused" in str(exc))
        if tls is not None:
            what = f"TLS failure ({_tls_reason(tls)})"
        elif refused:
            what = "connection refused"
        else:
            what = f"no answer ({type(exc).__name__})"
        error = self._error(f"{host}: {what} after {attempt} tries; check the address and "
                            "your connection, or try again later")
        error.refused = refused or tls is not None
        return error

    # -- waiting ------------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff * (2 ** (attempt - 1))
        return base + random.uniform(0, base / 2)

    def _server_wait(self, response: httpx.Response) -> float | None:
        """Seconds the server asked us to wait: Retry-After, or a rate-limit reset time."""
        headers = response.headers
        retry_after = headers.get("retry-after")
        if retry_after:
            if retry_after.strip().isdigit():
                return float(retry_after)
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - self.clock())
            except (TypeError, ValueError):
                pass
        # X: x-rate-limit-*; Mastodon: X-RateLimit-*; Bluesky: RateLimit-*
        reset = (headers.get("x-rate-limit-reset") or headers.get("x-ratelimit-reset")
                 or headers.get("ratelimit-reset"))
        remaining = (headers.get("x-rate-limit-remaining") or headers.get("x-ratelimit-remaining")
                     or headers.get("ratelimit-remaining"))
        if reset and (response.status_code == 429 or remaining == "0"):
            reset = reset.strip()
            if reset.isdigit():  # X: epoch seconds
                return max(0.0, float(reset) - self.clock()) + 1
            try:  # Mastodon: an ISO 8601 time
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                return max(0.0, when.timestamp() - self.clock()) + 1
            except ValueError:
                pass
        return None

    def _wait(self, seconds: float, url: str) -> None:
        if seconds > self.settings.max_wait:
            until = datetime.fromtimestamp(self.clock() + seconds, UTC)
            raise RateLimited(
                f"{host_of(url)}: rate limited until {until:%H:%M} UTC; progress saved, "
                "the next run carries on from here (or raise --max-wait)", until)
        self.sleep(seconds)


def _no_such_host(exc: Exception) -> bool:
    """A DNS failure: retrying will not help, and for a link it means the site is gone."""
    text = str(exc)
    return isinstance(exc, httpx.ConnectError) and any(
        marker in text for marker in ("Name or service not known", "nodename nor servname",
                                      "No address associated", "[Errno -2]", "[Errno -5]"))


def host_of(url: str) -> str:
    """The host an address names, or the address itself when it names none."""
    try:
        return httpx.URL(url).host or url
    except Exception:  # noqa: BLE001 - any unparseable URL is named as it is
        return url


def _caused_by(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s chain (httpx wraps httpcore's, which wraps
    the socket's)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _tls_reason(exc: BaseException) -> str:
    return (getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
            or _reason(exc))


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
