"""eventarchive: keep the whole record of an event in one SQLite archive served by Datasette."""

__version__ = "0.1.0"
