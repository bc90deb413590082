"""Bluesky: payload ► records (pure functions), and fetching through the AT Protocol's XRPC API.

Posts come as ``app.bsky.feed.defs#postView`` (search results, the ``post`` of an author feed
item) or as ``app.bsky.embed.record#viewRecord`` (a quoted post). Both become the same records.
Ids are ``bluesky:`` + the post's ``at://`` URI; authors are ``bluesky:`` + their DID. Facet
offsets count UTF-8 bytes, not characters.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from ... import consent
from ...records import Author, Batch, Item, Link, Media, Mention, Repost, Tag, media_type
from ...times import utc_iso

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
    if signal := consent.bluesky_author(view["author"]):
        batch.marks.setdefault(author.id, signal)
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
    if signal := consent.post_tags((t.tag for t in found.tags), record.get("text")):
        batch.marks.setdefault(item_id, signal)
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
    if view.get("notFound") or view.get("$type", "").endswith("#viewNotFound"):
        # The quoted post was deleted: an archived copy of it follows [privacy] deleted.
        batch.marks[f"{PLATFORM}:{uri}"] = "deleted"
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


