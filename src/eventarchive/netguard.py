"""Which addresses the fetcher may visit.

``check_url`` refuses, before any request, what is not a fetchable http(s) address: other
schemes (``mailto:``, ``javascript:`` …), malformed hosts, and numeric hosts in spellings that
resolvers read differently (``0177.0.0.1`` is octal 127.0.0.1 to some, an error to others).
``refuse_private`` refuses links from content that point at this machine or a private network,
however the name or address is spelled.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.request

import httpx

from .errors import InvalidLink, PrivateAddress

MAX_URL_LENGTH = 8192  # what common servers accept; longer is garbage or an attack
WEB_SCHEMES = ("http", "https")
HOSTNAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Names that never leave this machine or network (RFC 6761 localhost, RFC 6762 mDNS, ICANN's
# reserved .internal, RFC 8375 home.arpa), refused by name: a proxy would resolve them for us.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
PRIVATE_HINT = ("Set allow_private_addresses = true under [fetch] to archive intranet pages")


def check_url(url: str) -> str:
    """Return ``url`` when it is an http(s) address with a valid host; raise InvalidLink with a
    one-line reason otherwise. Pure: no request, no DNS."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidLink("an empty address; skipped")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidLink(f"{url[:80]}…: an address of {len(url)} characters (the limit is "
                          f"{MAX_URL_LENGTH}); skipped")
    try:
        parsed = httpx.URL(url)
        scheme, host, port = parsed.scheme, parsed.host, parsed.port
        raw_host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, ValueError) as exc:  # IDNA errors are UnicodeErrors, ValueErrors
        raise InvalidLink(f"{url}: not a valid address ({exc}); skipped") from None
    if scheme not in WEB_SCHEMES:
        what = f"a {scheme}: link" if scheme else "a relative address"
        raise InvalidLink(f"{url}: {what}, not a web page; skipped")
    if not host:
        raise InvalidLink(f"{url}: no host name; skipped")
    if port is not None and not 0 < port < 65536:
        raise InvalidLink(f"{url}: port {port} does not exist; skipped")
    if ":" not in raw_host:  # IPv6 literals were checked by httpx
        if not HOSTNAME.match(raw_host):
            raise InvalidLink(f"{url}: {host!r} is not a valid host name; skipped")
        if NUMERIC_LABEL.match(raw_host.rstrip(".").rsplit(".", 1)[-1]):
            # A name ending in a number is an IPv4 address (the WHATWG URL rule); only the plain
            # dotted-decimal spelling is accepted.
            try:
                ipaddress.IPv4Address(raw_host)
            except ValueError:
                raise InvalidLink(
                    f"{url}: {host!r} is not a plain IPv4 address (octal, hex, shortened and "
                    "out-of-range spellings are refused rather than guessed); skipped") from None
    return url


def uses_proxy(url: httpx.URL) -> bool:
    """Whether the environment sends ``url`` through a proxy (HTTP_PROXY, HTTPS_PROXY,
    ALL_PROXY, minus NO_PROXY), as httpx does when no transport is given. When unsure, yes."""
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(url.host, proxies)


def refuse_private(host: str, resolve=socket.getaddrinfo, *, proxied: bool = False) -> None:
    """Raise PrivateAddress unless ``host`` is a public name or address.

    Links found in posts are untrusted: without this, a post could make the fetcher read
    services on the archive's own machine or network. Names reserved for local use are refused
    by name; other names are resolved and every address must be public. ``proxied``: the
    request goes through a proxy, which would resolve a name we cannot, so such a name is
    refused. (A name can still resolve differently a moment later, or differently for the
    proxy; the check narrows the window, it does not close it.)
    """
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(LOCAL_SUFFIXES):
        raise PrivateAddress(f"{host}: names a private or local address (reserved for this "
                             "machine or the local network); refused. " + PRIVATE_HINT)
    try:
        addresses = [ipaddress.ip_address(name.split("%")[0])]
    except ValueError:
        if "." not in name:
            raise PrivateAddress(f"{host}: a name without a dot, which only your network resolves "
                                 "(a private or local address); refused. " + PRIVATE_HINT) from None
        try:
            infos = resolve(name, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            if proxied:
                raise PrivateAddress(
                    f"{host}: does not resolve here, and the proxy would resolve it for us, so "
                    "where it points cannot be checked; refused. " + PRIVATE_HINT) from None
            return  # the connection attempt fails with the real error (no such host)
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not _public(address):
            raise PrivateAddress(f"{host}: resolves to a private or local address ({address}); "
                                 "refused. " + PRIVATE_HINT)


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6:
        # IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, 6to4, NAT64, the old compatible ::a.b.c.d)
        # reaches that IPv4 address: judge it by that.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and (address in NAT64 or int(address) >> 32 == 0):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _public(embedded)
    return address.is_global and not address.is_multicast
