"""Where a colleague can open the archive `serve` is serving: the addresses to print, and whether
the archive is reachable from beyond this machine."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

ALL_INTERFACES = {"0.0.0.0", "::", ""}


def interface_addresses() -> list[str]:
    """Every IP address of this machine's network interfaces."""
    import psutil

    return [a.address for addrs in psutil.net_if_addrs().values() for a in addrs
            if a.family in (socket.AF_INET, socket.AF_INET6)]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _shareable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def beyond_this_machine(host: str) -> bool:
    return not _loopback(host)


def addresses(host: str, port: int, *, hostname: Callable[[], str] = socket.gethostname,
              interfaces: Callable[[], Iterable[str]] = interface_addresses) -> list[str]:
    """The URLs to open: the machine's name and its network addresses when serving on every
    interface (never 0.0.0.0), the address itself otherwise. IPv6 addresses only when serving
    on ``::``."""
    if host not in ALL_INTERFACES:
        return [_url(host, port)]
    found = []
    name = hostname()
    if name and not _loopback(name):
        found.append(_url(name, port))
    for address in interfaces():
        if not _shareable(address):
            continue
        if ":" in address and host != "::":
            continue
        url = _url(address, port)
        if url not in found:
            found.append(url)
    return found or [_url("127.0.0.1", port)]
