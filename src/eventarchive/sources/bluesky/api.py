"""Bluesky: what to ask for an event (``plan``), the app-password session and paging
(``fetch``); payloads go to the pure functions in ``parse``."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson

from ...errors import ConfigError
from ...http import AuthError, FetchError
from ...records import Batch
from .. import Context, Cursors, Page, Query, Setting, Source
from .parse import PLATFORM, feed_item_time, parse_feed_item, parse_post, post_time

NAME = "bluesky"
HANDLE_ENV = "EVENTARCHIVE_BLUESKY_HANDLE"
PASSWORD_ENV = "EVENTARCHIVE_BLUESKY_APP_PASSWORD"
DEFAULT_BASE_URL = "https://bsky.social"
DEFAULT_APPVIEW_URL = "https://public.api.bsky.app"
PAGE_SIZE = 100
OVERLAP = timedelta(minutes=10)  # re-read this much before the newest post: indexing lags


def search_terms(event) -> list[str]:
    """One search per hashtag and keyword: ``#lambethcoop``, ``"co-production"``."""
    terms = [f"#{tag}" for tag in event.hashtags]
    terms += [f'"{k}"' if any(c in k for c in " -") else k for k in event.keywords]
    return terms


def plan(ctx: Context) -> list:
    event, env = ctx.event, ctx.env
    base, appview = ctx.settings["base_url"], ctx.settings["appview_url"]
    window = {"starts_at": event.starts_at, "ends_at": event.ends_at}
    queries = []
    terms = search_terms(event)
    if terms:
        missing = [name for name in (HANDLE_ENV, PASSWORD_ENV) if not env.get(name)]
        if missing:
            raise ConfigError(
                f"bluesky: searching posts needs a Bluesky login; set {' and '.join(missing)} "
                "(an app password from Settings ▸ Privacy and security ▸ App passwords)")
        session = Session(base, env[HANDLE_ENV].strip().lstrip("@"), env[PASSWORD_ENV])
        for term in terms:
            queries.append(Query(f"search:{term.lower()}", {
                "url": f"{base}/xrpc/app.bsky.feed.searchPosts", "q": term,
                "session": session, **window}))
    for account in event.accounts.get("bluesky", []):
        actor = account.strip().lstrip("@")
        queries.append(Query(f"author:{actor.lower()}", {
            "url": f"{appview}/xrpc/app.bsky.feed.getAuthorFeed", "actor": actor, **window}))
    return queries


class Session:
    """An app-password session on the account's PDS, made on first use. Reads sent with it go
    to the PDS, which passes them on to the Bluesky AppView."""

    def __init__(self, base: str, handle: str, password: str):
        self.base, self.handle, self.password = base, handle, password
        self.access: str | None = None
        self.refresh: str | None = None

    def get_json(self, http, url: str, params: dict):
        if self.access is None:
            self.login(http)
        try:
            return http.get_json(url, params=params, headers=self._bearer(self.access))[0]
        except FetchError as exc:
            # An expired access token is HTTP 400 (or 401) with error "ExpiredToken".
            if exc.status not in (400, 401):
                raise
        self.renew(http)
        try:
            return http.get_json(url, params=params, headers=self._bearer(self.access))[0]
        except AuthError:
            raise AuthError(self._refused("refused the renewed session of")) from None

    def login(self, http) -> None:
        try:
            data, _ = http.post_json(f"{self.base}/xrpc/com.atproto.server.createSession",
                                     {"identifier": self.handle, "password": self.password})
        except FetchError as exc:
            if exc.status not in (400, 401, 403):
                raise
            raise AuthError(self._refused("refused the login for")) from None
        self._keep(data)

    def renew(self, http) -> None:
        """Swap the refresh token for new tokens; log in again when that is refused too."""
        try:
            response = http.request(
                "POST", f"{self.base}/xrpc/com.atproto.server.refreshSession",
                headers=self._bearer(self.refresh))
            self._keep(orjson.loads(response.content))
        except FetchError as exc:
            if exc.status not in (400, 401):
                raise
            self.login(http)
        except (orjson.JSONDecodeError, KeyError, TypeError):
            self.login(http)

    def _keep(self, data) -> None:
        if not isinstance(data, dict) or not data.get("accessJwt"):
            raise AuthError(self._refused("gave no session for"))
        self.access, self.refresh = data["accessJwt"], data.get("refreshJwt")

    def _refused(self, what: str) -> str:
        # The runner adds "check EVENTARCHIVE_BLUESKY_APP_PASSWORD" to an AuthError.
        return (f"bluesky: {self.base} {what} {self.handle} ({HANDLE_ENV}); use an app "
                "password, not the account password")

    @staticmethod
    def _bearer(token: str | None) -> dict:
        return {"Authorization": f"Bearer {token}"}


def _api_time(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def _later(a: str | None, b: str | None) -> str | None:
    return max(a, b) if a and b else (a or b)


def _before(iso: str | None, delta: timedelta) -> str | None:
    return (datetime.fromisoformat(iso) - delta).isoformat() if iso else None


def fetch(http, query, state: dict):
    """Pages of records for one query, newest first, resumable.

    The state is ``since`` (the newest post time a finished sweep reached), ``top`` (the newest
    post time this sweep has saved) and ``cursor`` (where this sweep carries on). Search asks
    the server for posts from ``since`` on; an author feed, which has no such parameter, stops
    paging when it reaches them. A finished sweep moves ``since`` up to ``top``.
    """
    params = query.params
    since, top, cursor = state.get("since"), state.get("top"), state.get("cursor")
    lower = _later(params.get("starts_at"), _before(since, OVERLAP))
    upper = params.get("ends_at")
    search = "q" in params
    if search:
        request = {"q": params["q"], "sort": "latest", "limit": PAGE_SIZE}
        if lower:
            request["since"] = _api_time(lower)
        if upper:
            request["until"] = _api_time(upper)
    else:
        request = {"actor": params["actor"], "limit": PAGE_SIZE}
    cursors = Cursors(f"{PLATFORM}:{query.key}")
    while True:
        if cursor:
            request["cursor"] = cursor
            cursors.seen.add(cursor)
        if search:
            page = params["session"].get_json(http, params["url"], request)
        else:
            page, _ = http.get_json(params["url"], params=request)
        if not isinstance(page, dict):
            raise FetchError(f"bluesky: {params['url']} answered with something that is not an "
                             "XRPC response; check the source's base_url and appview_url")
        batch = Batch()
        items = page.get("posts" if search else "feed") or []
        reached = False
        for item in items:
            if search:
                when = post_time(item)
                batch.attempt(f"{PLATFORM}:{item.get('uri')}", parse_post, item, batch)
            else:
                when = feed_item_time(item)
                if when and lower and when < lower:
                    reached = True  # older than the event or than the last run: done
                    continue
                if when and upper and when >= upper:
                    continue  # after the event
                batch.attempt(f"{PLATFORM}:{(item.get('post') or {}).get('uri')}",
                              parse_feed_item, item, batch)
            if when and (not upper or when < upper):
                top = max(top, when) if top else when
        cursor = page.get("cursor") or None
        repeated = cursors.repeated(cursor, batch)
        if reached or not cursor or not items or repeated:
            yield Page(batch, {"since": _later(since, top), "top": None, "cursor": None})
            return
        yield Page(batch, {"since": since, "top": top, "cursor": cursor})


SOURCE = Source(
    name=NAME,
    stage="social",
    settings={
        "base_url": Setting("url", DEFAULT_BASE_URL, "the PDS the app-password session is made "
                            "on (search goes through it)"),
        "appview_url": Setting("url", DEFAULT_APPVIEW_URL, "the public AppView author feeds "
                               "are read from"),
    },
    secrets=(PASSWORD_ENV,),
    plan=plan,
    fetch=fetch,
)
