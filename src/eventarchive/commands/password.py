"""``eventarchive password``: the hash a private archive's login checks the password against."""

from __future__ import annotations

import click


@click.command()
def password():
    """Make the password hash for `serve --private` (asks for the password twice).

    Prints a pbkdf2_sha256 hash, never the password. Put it in the environment of `serve`
    as EVENTARCHIVE_PASSWORD_HASH; visitors then log in as user `archive` with the password.

    \b
    Example:
        export EVENTARCHIVE_PASSWORD_HASH="$(eventarchive password)"
        eventarchive serve --host 0.0.0.0 --private
    """
    from datasette_auth_passwords.utils import hash_password

    secret = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if not secret:
        raise click.UsageError("the password is empty")
    click.echo(hash_password(secret))
