"""Typed errors raised by the library; the CLI turns them into one line and an exit code."""

from __future__ import annotations


class EventArchiveError(Exception):
    """Base class: the message is one line saying what went wrong and what to try."""


class ConfigError(EventArchiveError):
    """A config file or option is wrong. Exit code 2."""


class ImportFormatError(EventArchiveError):
    """A file to import is not in a layout we recognise. Exit code 2."""


class CurationError(ConfigError):
    """A curation names an item its event does not have, or a move that cannot be. Exit 2."""


class FetchError(EventArchiveError):
    """A request failed for good; the message names the host and what to try.

    ``status``: the HTTP status when there was one. ``gone``: the host does not resolve (for a
    link, the site is gone). ``refused``: the host refused the connection or the TLS handshake
    failed (for a link, as good as dead).
    """

    status: int | None = None
    gone = False
    refused = False

    def with_status(self, status: int) -> FetchError:
        self.status = status
        return self


class AuthError(FetchError):
    """The platform refused our credentials (401/403)."""


class RateLimited(FetchError):
    """The platform asked us to wait longer than ``max_wait`` allows."""

    def __init__(self, message: str, until):
        super().__init__(message)
        self.until = until


class TooLarge(FetchError):
    """A response over ``[fetch] max_bytes``."""


class InvalidLink(FetchError):
    """An address that is not a fetchable http(s) URL (``mailto:``, a bad host …): refused
    before any request."""


class PrivateAddress(FetchError):
    """A link in content pointed at this machine or a private network: refused."""


class NoArchive(ConfigError):
    """The database path holds no archive (missing, empty or not SQLite). Exit code 2."""


class ReadOnlyArchive(ConfigError):
    """A command that writes was pointed at an archive it may not write. Exit code 2."""


class StoreFailure(EventArchiveError):
    """Saving to the archive failed (disk full, read-only file)."""
