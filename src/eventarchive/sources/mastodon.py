"""Mastodon: hashtag timelines on chosen instances and account statuses ► records.

The parse functions are pure. A status is keyed on its federation ``uri``, which is the same on
every instance, so a post seen through two instances is one item; status, account and media
*ids* are local to the instance that answered, and are used only for paging.

``in_reply_to`` holds the parent's item id (``mastodon:`` + its ``uri``) when it can be learnt
(the parent is on the same page, or ``GET /api/v1/statuses/:id`` on the same instance answers);
otherwise it stays empty, so a later sighting that can resolve it fills the gap. The
instance-local ``in_reply_to_id`` is always kept in ``raw``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlsplit

import httpx
import nh3
import orjson
from bs4 import BeautifulSoup

from ..errors import ConfigError
from ..http import AuthError, FetchError, RateLimited
from ..records import Author, Batch, Item, Link, Media, Mention, Repost, Tag, media_type
from ..text import html_to_text, soup_to_text
from ..times import utc_iso
from . import Connection, Context, Cursors, Page, Query, Setting, Source

PLATFORM = "mastodon"


def full_acct(acct: str, url: str | None) -> str:
    """``acct`` is relative to the instance asked (``jo`` for its own users); make it
    ``jo@host`` everywhere, taking the host from the profile URL."""
    acct = acct.lstrip("@")
    if "@" in acct or not url:
        return acct
    host = urlsplit(url).hostname
    return f"{acct}@{host}" if host else acct


def author(account: Mapping) -> Author:
    """An account; its id is ``mastodon:`` + the profile URL, the same from every instance."""
    url = account.get("url") or account.get("uri")
    handle = full_acct(account.get("acct") or account.get("username") or "", url)
    return Author(
        id=f"{PLATFORM}:{url or 'acct:' + handle}", platform=PLATFORM, handle=handle or None,
        display_name=account.get("display_name") or None, url=url,
        avatar_url=account.get("avatar") or account.get("avatar_static"),
    )


def html_text(content: str | None) -> str:
    """Status HTML as plain text."""
    return html_to_text(content)


def _content_links(soup: BeautifulSoup, skip: set[str]) -> list[str]:
    """Links in the content that are neither mentions nor hashtags."""
    found = []
    for a in soup.find_all("a", href=True):
        classes = a.get("class") or []
        rels = a.get("rel") or []
        href = a["href"].strip()
        if "mention" in classes or "hashtag" in classes or "tag" in rels or href in skip:
            continue
        if href.startswith(("http://", "https://")):
            found.append(href)
    return found


def _mime(url: str | None, kind: str | None) -> str | None:
    return media_type(url) or ("video/mp4" if kind == "gifv" else None)


def page_uris(statuses: Iterable) -> dict[str, str]:
    """Instance-local status id ► canonical uri, for everything on a page (boosted too)."""
    uris = {}
    for status in statuses:
        for s in (status, status.get("reblog") if isinstance(status, Mapping) else None):
            if isinstance(s, Mapping) and s.get("id") and s.get("uri"):
                uris[str(s["id"])] = s["uri"]
    return uris


def parse_page(statuses: Iterable, batch: Batch, uris: Mapping | None = None,
               where: str = PLATFORM) -> None:
    """A timeline page (a JSON array of statuses), newest first."""
    statuses = list(statuses)
    known = {**(uris or {}), **page_uris(statuses)}
    for status in statuses:
        batch.attempt(where, parse_status, status, batch, known)


def parse_status(status: Mapping, batch: Batch, uris: Mapping | None = None) -> str:
    """Append a status's records to ``batch``; returns the id of the item that represents it.

    A boost is collapsed onto its original (recorded in ``reposts``). ``uris`` maps
    instance-local status ids to uris, to turn ``in_reply_to_id`` into an item id.
    """
    uris = uris or {}
    poster = author(status["account"])
    batch.authors.append(poster)
    published = utc_iso(status.get("created_at"))
    original = status.get("reblog")
    if original:
        original_id = parse_status(original, batch, uris)
        batch.reposts.append(Repost(f"{PLATFORM}:{status['uri']}", original_id, poster.id,
                                    published))
        return original_id

    uri = status["uri"]
    item_id = f"{PLATFORM}:{uri}"
    content = status.get("content") or ""
    soup = BeautifulSoup(content, "html.parser")
    mentions = status.get("mentions") or ()
    tags = status.get("tags") or ()
    skip = {m.get("url") for m in mentions} | {t.get("url") for t in tags}
    links = _content_links(soup, skip)
    card = status.get("card") or {}
    if card.get("url"):
        links.append(card["url"])
    parent = status.get("in_reply_to_id")
    parent_uri = uris.get(str(parent)) if parent else None
    batch.items.append(Item(
        id=item_id, kind="post", platform=PLATFORM, native_id=uri,
        url=status.get("url") or uri, author_id=poster.id, published_at=published,
        title=status.get("spoiler_text") or None,
        text=soup_to_text(soup) or None,
        html=nh3.clean(content) if content else None,
        in_reply_to=f"{PLATFORM}:{parent_uri}" if parent_uri else None,
        raw=orjson.dumps(status).decode(),
    ))
    for tag in tags:
        batch.tags.append(Tag(item_id, tag["name"].lower()))
    for mention in mentions:
        batch.mentions.append(Mention(
            item_id, full_acct(mention.get("acct") or mention["username"], mention.get("url")),
            f"{PLATFORM}:{mention['url']}" if mention.get("url") else None))
    for m in status.get("media_attachments") or ():
        # ``url`` is the answering instance's copy; ``remote_url`` the original on the poster's
        # server. The original is the same from every instance, so it names the row.
        url = m.get("remote_url") or m.get("url")
        if not url:
            continue
        meta = m.get("meta") or {}
        size = meta.get("original") or meta
        batch.media.append(Media(
            id=f"{PLATFORM}:{url}", item_id=item_id, url=url, mime=_mime(url, m.get("type")),
            width=size.get("width"), height=size.get("height"), taken_at=published,
            alt_text=m.get("description") or None,
        ))
    quote_ = status.get("quote") or {}
    quoted = quote_.get("quoted_status") if quote_.get("state") == "accepted" else None
    if isinstance(quoted, Mapping):
        parse_status(quoted, batch, uris)
        links.append(quoted.get("url") or quoted["uri"])
    for url in dict.fromkeys(links):
        batch.links.append(Link(item_id, url))
    return item_id


# -- fetching -------------------------------------------------------------------------------------

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
        if params["kind"] == "account":
            url = _statuses_url(http, params)
        else:
            url = params["url"]
        yield from _sweep(http, query, url, state)
    except AuthError as exc:
        raise FetchError(_auth_message(params, exc)) from None


def _sweep(http, query, url: str, state: dict):
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
            if params["kind"] != "tag" or _status(exc) != 404:
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
        yield Page(batch, {"since": since, "top": top, "before": before})
        if last:
            return
        max_id = older


def _statuses_url(http, params: Mapping) -> str:
    base, acct = params["base"], params["acct"]
    try:
        account, _ = http.get_json(f"{base}/api/v1/accounts/lookup", params={"acct": acct})
    except FetchError as exc:
        if _status(exc) not in (404, 410):
            raise
        raise FetchError(f"{NAME}: no account @{acct} at {base} (HTTP {_status(exc)}); check "
                         "accounts.mastodon in the event, or set account_base_url in "
                         "[sources.mastodon] to the server the account lives on") from None
    if not isinstance(account, Mapping) or not account.get("id"):
        raise FetchError(f"{NAME}: {base} answered the look-up of @{acct} with something that "
                         "is not an account; check account_base_url")
    return f"{base}/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses"


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
    status = _status(exc) or 401
    if params.get("token"):
        return (f"{NAME}: {host} refused the token in {TOKEN_ENV} (HTTP {status}); check it is "
                f"still valid on {params['token_instance']} (expired or revoked?) and has the "
                "read:statuses scope")
    return (f"{NAME}: {host} asks for an access token (HTTP {status}); create one on that "
            "server (Preferences ► Development, scope read:statuses), put it in "
            f'{TOKEN_ENV} and set token_instance = "{params["base"]}" in [sources.mastodon]')


def _status(exc: Exception) -> int | None:
    """The HTTP status a FetchError was raised for."""
    return getattr(exc, "status", None)


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
