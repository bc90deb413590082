"""A private archive: the whole instance behind a login (datasette-auth-passwords).

Two locks, because Datasette's permissions do not cover everything it serves: an instance-level
``allow`` block refuses every page, table, query and export Datasette checks, and an ASGI wrapper
refuses everything else (static mounts such as ``/media/``, plugin routes, ``/-/`` pages) to a
visitor who has not logged in. Only the login page and Datasette's own CSS and scripts are open.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from datasette.plugins import pm
from datasette.utils import await_me_maybe
from datasette.utils.asgi import Request, Response

from ..errors import ConfigError

HASH_ENV = "EVENTARCHIVE_PASSWORD_HASH"
USERNAME = "archive"  # the one account; its password hash comes from HASH_ENV
PLUGIN = "eventarchive"
HASH_FORM = re.compile(r"^pbkdf2_sha256\$[0-9]+\$[^$\s]+\$[A-Za-z0-9+/=]+$")
OPEN_PATHS = {"/-/login", "/-/logout", "/favicon.ico"}
OPEN_PREFIXES = ("/-/static/", "/-/static-plugins/")
DATA_SUFFIXES = (".json", ".csv", ".db", ".atom", ".txt")
MAKE_ONE = f"make one with `eventarchive password` and export it as {HASH_ENV}"


def check_hash(environ: Mapping[str, str] = os.environ) -> None:
    """Refuse to serve privately without a usable hash (the value itself is never shown)."""
    value = environ.get(HASH_ENV, "").strip()
    if not value:
        raise ConfigError(f"--private needs a password hash in {HASH_ENV}: {MAKE_ONE}")
    if not HASH_FORM.match(value):
        raise ConfigError(f"{HASH_ENV} is not a pbkdf2_sha256$iterations$salt$hash password "
                          f"hash: {MAKE_ONE}")


def lock(metadata: dict) -> dict:
    """The metadata of a private instance: only the logged-in account sees anything. The hash
    is referenced by name ({"$env": ...}), so it never appears in the metadata pages."""
    plugins = metadata.setdefault("plugins", {})
    plugins["datasette-auth-passwords"] = {f"{USERNAME}_password_hash": {"$env": HASH_ENV}}
    plugins.setdefault(PLUGIN, {})["private"] = True
    metadata["allow"] = {"id": USERNAME}
    return metadata


def is_private(datasette) -> bool:
    return bool((datasette.plugin_config(PLUGIN) or {}).get("private"))


async def _actor(datasette, scope, receive) -> dict | None:
    request = Request(scope, receive)
    for actor in pm.hook.actor_from_request(datasette=datasette, request=request):
        actor = await await_me_maybe(actor)
        if actor:
            return actor
    return None


def _refusal(scope) -> Response:
    path = scope["path"]
    wants_page = (scope["method"] in ("GET", "HEAD") and not path.endswith(DATA_SUFFIXES)
                  and not path.startswith("/media/"))
    if wants_page:
        return Response.redirect("/-/login")
    return Response.text("403 Forbidden: this archive is private; log in at /-/login\n",
                         status=403)


def guard(datasette):
    """The ASGI wrapper: in a private instance, nothing but the login page for strangers."""
    if not is_private(datasette):
        return lambda app: app

    def wrap(app):
        async def private_archive(scope, receive, send):
            if scope["type"] == "http":
                path = scope["path"]
                open_ = path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)
                if not open_:
                    actor = await _actor(datasette, scope, receive)
                    if actor is None or not await datasette.permission_allowed(
                            actor, "view-instance", default=False):
                        await _refusal(scope).asgi_send(send)
                        return
            await app(scope, receive, send)

        return private_archive

    return wrap
