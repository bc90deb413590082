"""Datasette configuration for archives: metadata, canned queries, templates and a plugin."""
