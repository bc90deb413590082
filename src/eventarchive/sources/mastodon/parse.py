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
from urllib.parse import urlsplit

import nh3
import orjson
from bs4 import BeautifulSoup

from ... import consent
from ...records import Author, Batch, Item, Link, Media, Mention, Repost, Tag, media_type
from ...text import soup_to_text
from ...times import utc_iso

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
    if signal := consent.mastodon_account(status["account"]):
        batch.marks.setdefault(poster.id, signal)
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
    if signal := consent.post_tags((t.get("name") for t in tags), content):
        batch.marks.setdefault(item_id, signal)
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


