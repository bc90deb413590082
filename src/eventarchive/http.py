"""The one HTTP client every source uses: retries with backoff on 429 and 5xx that honour
``Retry-After`` and the platforms' rate-limit headers, a ceiling on any single wait, response
size caps counted on decoded bytes, a redirect cap, an identifying User-Agent, and secrets
redacted from every error.

Sleeping goes through an injectable function, so tests never wait.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import orjson

from . import __version__
from .errors import EventArchiveError

DEFAULT_USER_AGENT = (f"eventarchive/{__version__} "
                      "(+https://github.com/eventarchive/eventarchive)")


class FetchError(EventArchiveError):
    """A request failed for good; the message says what to try. ``status`` is the HTTP status
    when there was one."""

    status: int | None = None
    gone = False  # the host does not resolve: for a link, the site is gone

    def with_status(self, status: int) -> FetchError:
        self.status = status
        return self


class AuthError(FetchError):
    """The platform refused our credentials (401/403)."""


class RateLimited(FetchError):
    """The platform asked us to wait longer than ``max_wait`` allows."""

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until


class TooLarge(FetchError):
    pass


class PrivateAddress(FetchError):
    """A link in content pointed at this machine or a private network: refused."""


def refuse_private(host: str, resolve=socket.getaddrinfo) -> None:
    """Raise PrivateAddress unless every address ``host`` resolves to is a public one.

    Links found in posts are untrusted: without this, a post could make the fetcher read
    services on the archive's own machine or network. (A name can still resolve differently a
    moment later; the check narrows the window, it does not close it.)
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = resolve(host, None, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError):
            return  # the connection attempt fails with the real error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise PrivateAddress(
                f"{host}: resolves to a private or local address ({address}); refused. Set "
                "allow_private_addresses = true under [fetch] to archive intranet pages")


@dataclass
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0
    max_bytes: int = 50 << 20
    max_redirects: int = 5
    retries: int = 5
    backoff: float = 2.0  # seconds before the first retry; doubles each time, with jitter
    max_wait: float = 900.0  # the longest single wait before giving up with RateLimited

    @classmethod
    def from_config(cls, fetch: dict, max_wait: float | None = None) -> HttpSettings:
        settings = cls()
        for key in ("user_agent", "timeout", "max_bytes", "max_redirects", "retries", "backoff",
                    "max_wait"):
            if key in fetch:
                setattr(settings, key, type(getattr(settings, key))(fetch[key]))
        if max_wait is not None:
            settings.max_wait = max_wait
        return settings


class Http:
    """A client for one source: ``Http(settings, secrets=[token])``; use as a context manager."""

    def __init__(self, settings: HttpSettings | None = None, *,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time,
                 secrets: Iterable[str] = (), headers: dict | None = None,
                 public_only: bool = False, resolve=socket.getaddrinfo,
                 auth: httpx.Auth | None = None, params: dict | None = None):
        self.settings = settings or HttpSettings()
        self.sleep = sleep
        self.clock = clock
        self.secrets = [s for s in secrets if s]
        # A request hook runs before every hop, redirects included, and leaves the transport
        # (and so the environment's proxy settings) alone.
        hooks = {"request": [lambda request: refuse_private(request.url.host, resolve)]
                 } if public_only else {}
        self.client = httpx.Client(
            auth=auth,
            params=params,
            event_hooks=hooks,
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": self.settings.user_agent, **(headers or {})},
            transport=transport,
        )
        self.requests = 0  # how many requests went out, for tests and summaries

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    # -- requests -----------------------------------------------------------------------------

    def get_json(self, url: str, *, params: dict | None = None,
                 headers: dict | None = None) -> tuple[object, httpx.Response]:
        response = self.request("GET", url, params=params, headers=headers)
        return self._json(response), response

    def post_json(self, url: str, body: dict, *,
                  headers: dict | None = None) -> tuple[object, httpx.Response]:
        response = self.request("POST", url, json=body, headers=headers)
        return self._json(response), response

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        """Send with retries. Returns any final response below 400; raises FetchError otherwise."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, url, **kwargs)
            except httpx.TooManyRedirects:
                raise FetchError(self.redact(
                    f"{_host(url)}: more than {self.settings.max_redirects} redirects "
                    f"(a redirect loop?) for {url}")) from None
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if _no_such_host(exc):
                    error = FetchError(self.redact(
                        f"{_host(url)}: no such host (the domain does not resolve)"))
                    error.gone = True
                    raise error from None
                if attempt > self.settings.retries:
                    raise FetchError(self.redact(
                        f"{_host(url)}: no answer after {attempt} tries ({type(exc).__name__}); "
                        "check the address and your connection, or try again later")) from None
                self._wait(self._backoff(attempt), url)
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt > self.settings.retries:
                    what = "rate limited" if status == 429 else "the service is struggling"
                    raise FetchError(self.redact(
                        f"{_host(url)}: HTTP {status} after {attempt} tries ({what}); "
                        "progress saved, try again later"))
                wait = self._server_wait(response)
                self._wait(wait if wait is not None else self._backoff(attempt), url)
                continue
            if status in (401, 403):
                raise AuthError(self.redact(
                    f"{_host(url)}: HTTP {status}, credentials refused")).with_status(status)
            if status >= 400:
                raise FetchError(self.redact(f"{_host(url)}: HTTP {status} for {url}")
                                 ).with_status(status)
            return response

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        """One request, reading the body with a cap on its decoded size."""
        self.requests += 1
        with self.client.stream(method, url, **kwargs) as response:
            declared = response.headers.get("content-length")
            # Decoding only makes a body bigger: a declared length over the cap is refused
            # before reading; the decoded bytes are counted below.
            if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                raise TooLarge(self.redact(f"{_host(url)}: response of {declared} bytes is over "
                                           f"the limit ({self.settings.max_bytes} bytes)"))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.settings.max_bytes:
                    raise TooLarge(self.redact(
                        f"{_host(url)}: response over {self.settings.max_bytes} bytes; raise "
                        "[fetch] max_bytes if this is expected"))
            response._content = bytes(body)
            return response

    def _json(self, response: httpx.Response):
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise FetchError(self.redact(
                f"{_host(str(response.url))}: answered with something that is not JSON "
                f"(HTTP {response.status_code}, {response.headers.get('content-type', '?')}); "
                "check the source's base_url")) from None

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
                f"{_host(url)}: rate limited until {until:%H:%M} UTC; progress saved, "
                "the next run carries on from here (or raise --max-wait)", until)
        self.sleep(seconds)


def _no_such_host(exc: Exception) -> bool:
    """A DNS failure: retrying will not help, and for a link it means the site is gone."""
    text = str(exc)
    return isinstance(exc, httpx.ConnectError) and any(
        marker in text for marker in ("Name or service not known", "nodename nor servname",
                                      "No address associated", "[Errno -2]", "[Errno -5]"))


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except Exception:  # noqa: BLE001 - any unparseable URL is named as it is
        return url
