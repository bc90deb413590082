"""Bluesky: payload ► records (pure functions), and fetching through the AT Protocol's XRPC API.

Posts come as ``app.bsky.feed.defs#postView`` (search results, the ``post`` of an author feed
item) or as ``app.bsky.embed.record#viewRecord`` (a quoted post). Both become the same records.
Ids are ``bluesky:`` + the post's ``at://`` URI; authors are ``bluesky:`` + their DID. Facet
offsets count UTF-8 bytes, not characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import orjson

from ..errors import ConfigError
from ..http import AuthError, FetchError
from ..records import Author, Batch, Item, Link, Media, Mention, Repost, Tag, media_type
from ..times import utc_iso
from . import Context, Cursors, Page, Query, Setting, Source

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"


def sort_time(record: Mapping, indexed_at) -> str | None:
    """When the network files a post: the earlier of ``createdAt`` and ``indexedAt`` (its
    ``sortAt``, which searchPosts' ``since``/``until`` and feed order use)."""
    times = [t for t in (utc_iso(record.get("createdAt")), utc_iso(indexed_at)) if t]
    return min(times) if times else None


def post_time(view: Mapping) -> str | None:
    return sort_time(view.get("record") or {}, view.get("indexedAt"))


def feed_item_time(item: Mapping) -> str | None:
    """Where an author feed item sits in the feed: a repost by when it was reposted."""
    reason = item.get("reason") or {}
    if reason.get("$type", "").endswith("#reasonRepost") and reason.get("indexedAt"):
        return utc_iso(reason["indexedAt"])
    return post_time(item.get("post") or {})


def post_url(uri: str, handle: str | None = None) -> str | None:
    """``at://did/app.bsky.feed.post/rkey`` ► ``https://bsky.app/profile/handle/post/rkey``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST_COLLECTION:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def parse_author(profile: Mapping) -> Author:
    did = profile["did"]
    handle = profile.get("handle")
    if handle == "handle.invalid":  # the handle no longer resolves to this account
        handle = None
    return Author(
        id=f"{PLATFORM}:{did}", platform=PLATFORM, handle=handle,
        display_name=profile.get("displayName") or None,
        url=f"https://bsky.app/profile/{handle or did}",
        avatar_url=profile.get("avatar"),
    )


def parse_search_page(page: Mapping, batch: Batch) -> None:
    """An ``app.bsky.feed.searchPosts`` response."""
    for view in page.get("posts") or ():
        batch.attempt(f"{PLATFORM}:{view.get('uri')}", parse_post, view, batch)


def parse_feed_page(page: Mapping, batch: Batch) -> None:
    """An ``app.bsky.feed.getAuthorFeed`` response (every item, whatever its time)."""
    for item in page.get("feed") or ():
        batch.attempt(f"{PLATFORM}:{(item.get('post') or {}).get('uri')}", parse_feed_item,
                      item, batch)


def parse_feed_item(item: Mapping, batch: Batch) -> str:
    """A ``feedViewPost``: the post, and a Repost record when the feed's owner reposted it."""
    item_id = parse_post(item["post"], batch)
    reason = item.get("reason") or {}
    if reason.get("$type", "").endswith("#reasonRepost") and reason.get("by"):
        by = parse_author(reason["by"])
        batch.authors.append(by)
        native = reason.get("uri") or f"{reason['by']['did']}/repost/{item['post']['uri']}"
        batch.reposts.append(Repost(f"{PLATFORM}:{native}", item_id, by.id,
                                    utc_iso(reason.get("indexedAt"))))
    return item_id


def parse_post(view: Mapping, batch: Batch, depth: int = 0) -> str:
    """A ``postView``; returns its item id."""
    embed = view.get("embed")
    return _post(view, view.get("record") or {}, [embed] if embed else [], batch, depth)


def parse_record_view(view: Mapping, batch: Batch, depth: int = 1) -> str:
    """A quoted post as an embed shows it (``viewRecord``: the record is under ``value``)."""
    return _post(view, view.get("value") or {}, view.get("embeds") or [], batch, depth)


def _post(view: Mapping, record: Mapping, embeds: list, batch: Batch, depth: int) -> str:
    uri = view["uri"]
    author = parse_author(view["author"])
    batch.authors.append(author)
    item_id = f"{PLATFORM}:{uri}"
    published = utc_iso(record.get("createdAt")) or utc_iso(view.get("indexedAt"))
    found = _Found(item_id)
    text = _facets(record.get("text") or "", record.get("facets"), found)
    for tag in record.get("tags") or ():
        found.tag(tag)
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    batch.items.append(Item(
        id=item_id, kind="post", platform=PLATFORM, native_id=uri,
        url=post_url(uri, author.handle), author_id=author.id, published_at=published,
        text=text, in_reply_to=f"{PLATFORM}:{parent}" if parent else None,
        raw=orjson.dumps(view).decode(),
    ))
    for embed in embeds:
        _embed(embed, found, batch, published, depth)
    batch.tags += found.tags
    batch.mentions += found.mentions
    batch.links += found.links
    return item_id


class _Found:
    """Tags, mentions and links of one post, each once."""

    def __init__(self, item_id: str):
        self.item_id = item_id
        self.tags: list[Tag] = []
        self.mentions: list[Mention] = []
        self.links: list[Link] = []
        self._seen: set = set()

    def _new(self, key) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def tag(self, tag: str) -> None:
        tag = tag.strip().lstrip("#").lower()
        if tag and self._new(("tag", tag)):
            self.tags.append(Tag(self.item_id, tag))

    def mention(self, handle: str, did: str) -> None:
        if self._new(("mention", handle)):
            self.mentions.append(Mention(self.item_id, handle, f"{PLATFORM}:{did}"))

    def link(self, url: str | None) -> None:
        if url and self._new(("link", url)):
            self.links.append(Link(self.item_id, url))


def _facets(text: str, facets, found: _Found) -> str:
    """Record the facets' tags, mentions and links; put back the full address of each link the
    app shortened in the text (``example.org/2026/progra...``), so it reads and searches well."""
    data = text.encode()
    replace = []
    for facet in facets or ():
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        valid = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(data)
        span = data[start:end].decode("utf-8", "replace") if valid else ""
        for feature in facet.get("features") or ():
            kind = feature.get("$type", "")
            if kind.endswith("#link") or (not kind and "uri" in feature):
                found.link(feature.get("uri"))
                if valid and _shortened(span, feature.get("uri") or ""):
                    replace.append((start, end, feature["uri"].encode()))
            elif kind.endswith("#mention") or (not kind and "did" in feature):
                found.mention(span.lstrip("@") or feature["did"], feature["did"])
            elif kind.endswith("#tag") or (not kind and "tag" in feature):
                found.tag(feature.get("tag") or "")
    for start, end, full in sorted(replace, reverse=True):
        data = data[:start] + full + data[end:]
    return data.decode("utf-8", "replace") if replace else text


def _shortened(span: str, uri: str) -> bool:
    if not span.endswith(("...", "…")) or span == uri:
        return False
    shown = span.rstrip(".…")
    bare = uri.split("://", 1)[-1]
    return bool(shown) and (bare.startswith(shown) or bare.removeprefix("www.").startswith(shown))


def _embed(view: Mapping, found: _Found, batch: Batch, published: str | None,
           depth: int) -> None:
    kind = view.get("$type", "")
    if kind.endswith("images#view") or (not kind and "images" in view):
        for i, image in enumerate(view.get("images") or ()):
            url = image.get("fullsize") or image.get("thumb")
            blob, ext = _blob(url)
            ratio = image.get("aspectRatio") or {}
            batch.media.append(Media(
                id=f"{PLATFORM}:{blob}" if blob else f"{found.item_id}#image{i}",
                item_id=found.item_id, url=url, mime=media_type(ext),
                width=ratio.get("width"), height=ratio.get("height"), taken_at=published,
                alt_text=image.get("alt") or None))
    elif kind.endswith("video#view") or (not kind and "playlist" in view):
        ratio = view.get("aspectRatio") or {}
        batch.media.append(Media(
            id=f"{PLATFORM}:{view.get('cid') or found.item_id + '#video'}",
            item_id=found.item_id, url=view.get("playlist"), mime="application/vnd.apple.mpegurl",
            width=ratio.get("width"), height=ratio.get("height"), taken_at=published,
            alt_text=view.get("alt") or None))
    elif kind.endswith("external#view") or (not kind and "external" in view):
        found.link((view.get("external") or {}).get("uri"))
    elif kind.endswith("recordWithMedia#view") or (not kind and "media" in view):
        _embed(view.get("media") or {}, found, batch, published, depth)
        _quoted((view.get("record") or {}).get("record") or {}, found, batch, depth)
    elif kind.endswith("record#view") or (not kind and "record" in view):
        _quoted(view.get("record") or {}, found, batch, depth)


def _quoted(view: Mapping, found: _Found, batch: Batch, depth: int) -> None:
    """A quoted post: kept as an item of its own when the payload holds it in full (one level
    deep), and linked from the quoting post either way."""
    uri = view.get("uri") or ""
    url = post_url(uri)
    if url is None:  # a feed, a list, a starter pack: not a post
        return
    if "value" in view and view.get("author"):
        if depth == 0:
            batch.attempt(f"{PLATFORM}:{uri}", parse_record_view, view, batch, depth + 1)
        url = post_url(uri, parse_author(view["author"]).handle)
    found.link(url)


def _blob(url: str | None) -> tuple[str | None, str | None]:
    """``…/plain/did:plc:…/bafkrei…@jpeg`` ► (``bafkrei…``, ``jpeg``)."""
    if not url:
        return None, None
    name, _, ext = url.rstrip("/").rsplit("/", 1)[-1].partition("@")
    return (name if name.startswith("baf") else None), (ext.lower() or None)


# -- fetching ---------------------------------------------------------------------------------

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
            if _status(exc) not in (400, 401):
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
            if _status(exc) not in (400, 401, 403):
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
            if _status(exc) not in (400, 401):
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


def _status(exc: Exception) -> int | None:
    return getattr(exc, "status", None)


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
