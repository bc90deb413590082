"""Mastodon: what to ask for an event (``plan``), the token (``connect``) and paging
(``fetch``); payloads go to the pure functions in ``parse``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import quote

import httpx

from ...errors import ConfigError
from ...http import AuthError, FetchError, RateLimited
from ...records import Batch
from ...times import utc_iso
from .. import Connection, Context, Cursors, Page, Query, Setting, Source, remembered
from .parse import page_uris, parse_page

NAME = "mastodon"
TOKEN_ENV = "EVENTARCHIVE_MASTODON_TOKEN"

DEFAULT_INSTANCES = ("https://mastodon.social",)
LIMIT = 40  # the most a timeline page holds


def split_handle(handle: str) -> tuple[str, str]:
    """``@jo@toot.example.org`` (or ``jo@toot.example.org``) ► ``("jo", "toot.example.org")``."""
    user, _, host = handle.strip().lstrip("@").partition("@")
    if not user or not host or "@" in host or "/" in host:
        raise ConfigError(f"accounts.mastodon: {handle!r} is not a full handle; write it as "
                          '"@name@server", e.g. "@someone@mastodon.social"')
    return user, host.lower()


def _origin(url: str | httpx.URL) -> tuple:
    url = httpx.URL(url)
    return url.scheme, url.host, url.port


def _token_instance(settings: Mapping) -> str | None:
    instances = settings["instances"]
    return settings.get("token_instance") or (instances[0] if instances else None)


def plan(ctx: Context) -> list:
    event, conf = ctx.event, ctx.settings
    token_instance = _token_instance(conf)
    token_origin = _origin(token_instance) if ctx.env.get(TOKEN_ENV) and token_instance \
        else None
    common = {"starts_at": event.starts_at, "ends_at": event.ends_at,
              "resolve": conf["resolve_replies"], "token_instance": token_instance}
    queries = []
    for instance in conf["instances"]:
        for tag in event.hashtags:
            tag = tag.lstrip("#")
            queries.append(Query(f"tag:{tag.lower()}@{instance}", {
                **common, "kind": "tag", "base": instance,
                "url": f"{instance}/api/v1/timelines/tag/{quote(tag, safe='')}",
                "token": _origin(instance) == token_origin,
            }))
    for handle in event.accounts.get("mastodon", []):
        user, host = split_handle(handle)
        base = conf.get("account_base_url") or f"https://{host}"
        acct = f"{user}@{host}"
        queries.append(Query(f"account:{acct.lower()}@{base}", {
            **common, "kind": "account", "base": base, "acct": acct,
            "token": _origin(base) == token_origin,
        }))
    return queries


class InstanceToken(httpx.Auth):
    """``Authorization: Bearer`` for one instance only: a token is issued by one server and is
    never sent to another (nor kept across a redirect to another origin; httpx drops it)."""

    def __init__(self, instance: str, token: str):
        self.origin = _origin(instance)
        self.token = token

    def auth_flow(self, request: httpx.Request):
        if _origin(request.url) == self.origin:
            request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def connect(ctx: Context) -> Connection:
    token = ctx.env.get(TOKEN_ENV)
    instance = _token_instance(ctx.settings)
    return Connection(auth=InstanceToken(instance, token) if token and instance else None)


def fetch(http, query, state: dict):
    """Pages of records for one query, newest first, resumable.

    The state is ``since`` (the newest id a finished sweep reached: the next sweep asks only
    for newer, with ``since_id``), ``top`` (the newest id of the sweep under way) and
    ``before`` (the ``max_id`` a resumed sweep carries on from). Ids are compared by the server
    only: they are opaque, local to the instance asked, and not always numbers.
    """
    params = query.params
    try:
        keep: dict = {}  # the account's id, kept in the state for 30 days: not asked each run
        if params["kind"] == "account":
            account_id, keep = remembered(state, "account_id", time.time(),
                                          lambda: _account_id(http, params))
            url = f"{params['base']}/api/v1/accounts/{quote(str(account_id), safe='')}/statuses"
        else:
            url = params["url"]
        yield from _sweep(http, query, url, state, keep)
    except AuthError as exc:
        raise FetchError(_auth_message(params, exc)) from None


def _sweep(http, query, url: str, state: dict, keep: dict):
    params = query.params
    where = f"{NAME}:{query.key}"
    since, top, before = state.get("since"), state.get("top"), state.get("before")
    starts, ends = params.get("starts_at"), params.get("ends_at")
    request = {"limit": LIMIT}
    if since:
        request["since_id"] = since
    cursors = Cursors(where)
    max_id = before
    uris: dict[str, str | None] = {}
    while True:
        ask = {**request, "max_id": max_id} if max_id else request
        try:
            statuses, response = http.get_json(url, params=ask)
        except FetchError as exc:
            if params["kind"] != "tag" or exc.status != 404:
                raise
            statuses, response = [], None  # older servers: "Hashtag does not exist" (no posts)
        if not isinstance(statuses, list):
            raise FetchError(f"{NAME}: {httpx.URL(url).host} did not answer with a list of "
                             "posts; check the address in [sources.mastodon]")
        cursors.seen.add(max_id)
        kept = [s for s in statuses if _within(s, starts, ends)]
        uris.update(page_uris(statuses))
        if params.get("resolve", True):
            _resolve_parents(http, params["base"], kept, uris)
        batch = Batch()
        parse_page(kept, batch, uris, where)
        older = _link_id(response, "next", "max_id")
        if top is None and statuses:
            top = _link_id(response, "prev", "min_id", "since_id") or _id(statuses[0])
        repeated = cursors.repeated(older, batch, "max_id")
        last = (not statuses or not older or repeated
                or _before(statuses[-1], starts))  # timelines are long: stop at the event
        if last:
            since, top, before = top or since, None, None
        else:
            before = older
        yield Page(batch, {"since": since, "top": top, "before": before, **keep})
        if last:
            return
        max_id = older


def _account_id(http, params: Mapping) -> str:
    base, acct = params["base"], params["acct"]
    try:
        account, _ = http.get_json(f"{base}/api/v1/accounts/lookup", params={"acct": acct})
    except FetchError as exc:
        if exc.status not in (404, 410):
            raise
        raise FetchError(f"{NAME}: no account @{acct} at {base} (HTTP {exc.status}); check "
                         "accounts.mastodon in the event, or set account_base_url in "
                         "[sources.mastodon] to the server the account lives on") from None
    if not isinstance(account, Mapping) or not account.get("id"):
        raise FetchError(f"{NAME}: {base} answered the look-up of @{acct} with something that "
                         "is not an account; check account_base_url")
    return str(account["id"])


def _resolve_parents(http, base: str, statuses: list, uris: dict) -> None:
    """Learn the uri of each parent not on the page from the instance that answered."""
    for status in statuses:
        if not isinstance(status, Mapping):
            continue
        for s in (status, status.get("reblog")):
            parent = s.get("in_reply_to_id") if isinstance(s, Mapping) else None
            if not parent or str(parent) in uris:
                continue
            try:
                found, _ = http.get_json(f"{base}/api/v1/statuses/{quote(str(parent), safe='')}")
            except RateLimited:
                raise
            except FetchError:
                # Deleted, not public, or the look-up failed: the reply keeps no in_reply_to
                # now, and a later sighting that can resolve it fills the gap.
                found = None
            uris[str(parent)] = found.get("uri") if isinstance(found, Mapping) else None


def _auth_message(params: Mapping, exc: AuthError) -> str:
    host = httpx.URL(params["base"]).host
    status = exc.status or 401
    if params.get("token"):
        return (f"{NAME}: {host} refused the token in {TOKEN_ENV} (HTTP {status}); check it is "
                f"still valid on {params['token_instance']} (expired or revoked?) and has the "
                "read:statuses scope")
    return (f"{NAME}: {host} asks for an access token (HTTP {status}); create one on that "
            "server (Preferences ► Development, scope read:statuses), put it in "
            f'{TOKEN_ENV} and set token_instance = "{params["base"]}" in [sources.mastodon]')


def _link_id(response: httpx.Response | None, rel: str, *names: str) -> str | None:
    """An id from the ``Link`` header: ``rel="next"`` holds ``max_id`` (older posts),
    ``rel="prev"`` ``min_id`` (newer). Only the id is taken: Mastodon's next link drops
    ``since_id``, so following it as it is would page past what the last sweep saw."""
    if response is None:
        return None
    link = response.links.get(rel)
    if not link or not link.get("url"):
        return None
    try:
        query = httpx.URL(link["url"]).params
    except (httpx.InvalidURL, ValueError):
        return None
    for name in names:
        if query.get(name):
            return query[name]
    return None


def _id(status) -> str | None:
    return str(status["id"]) if isinstance(status, Mapping) and status.get("id") else None


def _within(status, starts: str | None, ends: str | None) -> bool:
    """Posted (or boosted) during the event; a status without a readable time is kept."""
    when = utc_iso(status.get("created_at")) if isinstance(status, Mapping) else None
    if when is None:
        return True
    return not (starts and when < starts) and not (ends and when > ends)


def _before(status, starts: str | None) -> bool:
    when = utc_iso(status.get("created_at")) if isinstance(status, Mapping) else None
    return bool(starts and when and when < starts)


SOURCE = Source(
    name=NAME,
    stage="social",
    settings={
        "instances": Setting("urls", list(DEFAULT_INSTANCES),
                             "instances whose hashtag timelines are read"),
        "account_base_url": Setting("url", None, "where accounts are looked up (default: "
                                    "each account's own server)"),
        "token_instance": Setting("url", None, "the instance the token in "
                                  f"{TOKEN_ENV} belongs to (default: the first instance)"),
        "resolve_replies": Setting("bool", True, "look up the parents of replies"),
    },
    secrets=(TOKEN_ENV,),
    plan=plan,
    fetch=fetch,
    connect=connect,
)
