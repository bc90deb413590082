"""A total deadline for one request: connect, TLS, headers and body together.

httpx's ``timeout`` bounds each read, so a server that sends one byte every few seconds can hold
a request for ever. Here every socket operation of a request gets at most the time left of that
request's budget: a wrapper around httpcore's network backend reads the budget from a context
variable that ``Http`` sets for the duration of one request. The wrapper is installed on the
connection pools of a client (its transport and the proxy mounts httpx builds from the
environment); a transport given by a caller (a test's MockTransport) is left alone, and ``Http``
also checks the budget between body chunks.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

import httpcore
import httpx


class Budget:
    """The time one request may still take, in ``clock`` seconds."""

    def __init__(self, seconds: float, clock: Callable[[], float]):
        self.seconds = seconds
        self.clock = clock
        self.ends_at = clock() + seconds
        self.binding = False  # the last socket operation was limited by this budget

    def expired(self) -> bool:
        return self.clock() >= self.ends_at

    def bound(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.ends_at - self.clock()
        if left <= 0:
            self.binding = True
            raise error("the request's deadline passed")
        self.binding = timeout is None or left < timeout
        return left if self.binding else timeout


current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "eventarchive_request_budget", default=None)


def _bound(timeout: float | None, error: type[Exception]) -> float | None:
    budget = current.get()
    return timeout if budget is None else budget.bound(timeout, error)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> _Stream:
        return _Stream(self.inner.start_tls(ssl_context, server_hostname,
                                            _bound(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self.inner = inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _Stream(self.inner.connect_tcp(host, port, _bound(timeout, httpcore.ConnectTimeout),
                                              local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self.inner.connect_unix_socket(
            path, _bound(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def install(client: httpx.Client) -> int:
    """Put the budget in front of the sockets of every httpcore pool of ``client``; return how
    many pools took it (0 for a caller's own transport). This reaches into httpx's and
    httpcore's private attributes, which neither offers publicly; a test on a real dripping
    server fails if a release moves them."""
    installed = 0
    for transport in (client._transport, *client._mounts.values()):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)
            installed += 1
    return installed
