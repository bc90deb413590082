"""Typed errors raised by the library; the CLI turns them into one line and an exit code."""


class EventArchiveError(Exception):
    """Base class: the message is one line saying what went wrong and what to try."""


class ConfigError(EventArchiveError):
    """A config file or option is wrong. Exit code 2."""


class ImportFormatError(EventArchiveError):
    """A file to import is not in a layout we recognise. Exit code 2."""


class NoArchive(ConfigError):
    """The database path holds no archive (missing, empty or not SQLite). Exit code 2."""
