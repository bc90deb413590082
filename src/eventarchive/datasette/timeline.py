"""The `timeline` page of an event (``/{db}/timeline?event=SLUG``, a shared-link contract) is
now its story page: the old page rendered 1,000 rows (1 MB, 1.1 s at a million items) and
could not go further. The HTML address redirects there, keeping ``from``/``to``; the canned
query stays for ``.json`` and ``.csv`` (docs/decisions.md, "Pages at a million items").
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlencode

PATH = re.compile(r"^/[^/]+/timeline$")


def redirect(app):
    """ASGI middleware: ``/{db}/timeline?event=SLUG`` answers 302 to ``/-/events/SLUG``."""

    async def timeline_to_story(scope, receive, send):
        if scope["type"] == "http" and PATH.match(scope["path"]):
            args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            slug = (args.get("event") or [""])[0].strip()
            if slug:
                kept = {k: args[k][0] for k in ("from", "to") if args.get(k, [""])[0].strip()}
                location = f"/-/events/{quote(slug, safe='')}" + (
                    f"?{urlencode(kept)}" if kept else "")
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", location.encode("latin-1")),
                                        (b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body",
                            "body": f"The timeline is now the story: {location}".encode()})
                return
        await app(scope, receive, send)

    return timeline_to_story
