"""Command groups of the command line, one module each, registered at the end of cli.py."""
