"""WordPress: the reader comments shown on a post's page, however the theme or plugin marks
them up. The last way in when the APIs and feeds cannot be reached.

Each markup family finds the comment *nodes* (one element per comment); the first family that
finds any wins, and its name is the comment's ``route``:

- ``page:epoch``: the Epoch plugin
  (``div#comment-N[data-comment-id] > article.epoch-comment-body``);
- ``page:disqus-noscript``: the Disqus plugin's server-side copy of the WordPress comments
  (``#disqus_thread #dsq-comments li#dsq-comment-N``), inside ``<noscript>`` or not;
- ``page:standard``: core's ``wp_list_comments`` markup and the themes built on it (Twenty Ten to
  Twenty Twenty-Four, block themes' comment template, Jetpack and WordPress.com Highlander,
  which keep the theme's list): ``li#comment-N``, ``li#li-comment-N``, ``div#div-comment-N``;
- ``page:data-comment-id``: any element with ``data-comment-id="N"``;
- ``page:generic``: repeated blocks whose id or class mentions "comment" holding an author and a
  text (found from each author-like element, see ``_generic_nodes``).

A reply is a node inside another node (or one naming its parent in ``data-parent-id``);
``in_reply_to`` is that node's item id, else the post's. A comment's id is WordPress's comment id
when the markup shows one, else ``h`` + a hash of author, time and text. Times without an offset
are read in the offset of the post's own timestamp on the page, else taken as UTC (the raw record
says ``"offset": "assumed UTC"``): WordPress prints comment times in the blog's timezone.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from .parse import PLATFORM, _anchor, _author, _comment, _link, _meta, _web, comment_item_id

STANDARD, DATA_ID, EPOCH, DISQUS, GENERIC = (
    "page:standard", "page:data-comment-id", "page:epoch", "page:disqus-noscript",
    "page:generic")
_COMMENT_ID = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
_DSQ_ID = re.compile(r"^dsq-comment-(\d+)$")
_ID_IN = re.compile(r"comment[-_]?(\d+)$")
_TEXT_DATES = ("%B %d %Y %I:%M %p", "%B %d %Y %H:%M", "%d %B %Y %I:%M %p", "%d %B %Y %H:%M",
               "%b %d %Y %I:%M %p", "%d %b %Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M",
               "%B %d %Y", "%d %B %Y", "%Y-%m-%d")
_META = (".comment-meta", ".comment-metadata", ".commentmetadata")
# What a comment's parts are called, most specific first; searched within the comment itself,
# never in its replies.
_AUTHOR = (".comment-author .fn", ".fn", ".epoch-author-link", ".dsq-commenter-name",
           "[id^=dsq-author-user-]", ".wp-block-comment-author-name", "cite",
           ".comment-author", ".author")
_CONTENT = (".comment-content", ".epoch-comment-content", ".dsq-comment-message",
            ".wp-block-comment-content", ".comment-body", ".comment-text", ".comment_text")
_WHEN = (*(f"{m} a[href]" for m in _META), ".wp-block-comment-date", ".dsq-comment-date",
         ".comment-date", ".epoch-comment-link")
_NOISE = (".reply, .comment-reply-link, .comment-meta, .comment-author, .comment-metadata, "
          ".comment-awaiting-moderation, .epoch-comment-actions, .epoch-moderation-actions, "
          "script, style, form")
_GENERIC_AUTHOR = re.compile(r"(^|[-_])(author|fn|commenter|username|name|who)($|[-_])")
_GENERIC_TEXT = re.compile(r"(^|[-_])(content|text|body|message|entry)($|[-_])")
_GENERIC_DATE = re.compile(r"(^|[-_])(date|time|when|posted)($|[-_])")
_PLURAL = re.compile(r"comments|list|replies|children|thread|respond|form|area|section")


def parse_comment_list(html: str, post_item_id: str, host: str, batch) -> str | None:
    """The comments shown on a post page, into ``batch``; returns the route that found them
    (``page:standard`` …), None when the page shows none."""
    soup = BeautifulSoup(html, "html.parser")
    _unwrap_noscript(soup)
    for route, finder in _FAMILIES:
        nodes = finder(soup)
        if nodes:
            _read_nodes(soup, nodes, route, post_item_id, host, batch)
            return route
    return None


def _unwrap_noscript(soup) -> None:
    """A ``<noscript>`` read as text by whatever saved the page is parsed as markup again."""
    for tag in soup.find_all("noscript"):
        if len(tag.contents) == 1 and isinstance(tag.contents[0], str) and \
                "comment" in tag.contents[0]:
            tag.contents[0].replace_with(BeautifulSoup(str(tag.contents[0]), "html.parser"))


# -- finding the comments, family by family -----------------------------------------------------

def _outermost(tags, key) -> dict:
    """``{id(element): (element, comment id)}``, keeping for each comment id its outermost
    element (the first in document order). Keyed by identity: bs4 compares tags by content."""
    found: dict = {}
    ids: set = set()
    for tag in tags:
        cid = key(tag)
        if cid and cid not in ids:
            ids.add(cid)
            found[id(tag)] = (tag, cid)
    return found


def _epoch_nodes(soup) -> dict:
    bodies = soup.select("article.epoch-comment-body, .epoch-comment-body")
    return _outermost(
        (body.find_parent(attrs={"data-comment-id": True}) or body for body in bodies),
        lambda tag: _digits(tag.get("data-comment-id")) or _match(_COMMENT_ID, tag.get("id")))


def _disqus_nodes(soup) -> dict:
    return _outermost(soup.find_all(id=_DSQ_ID), lambda tag: _match(_DSQ_ID, tag["id"]))


def _standard_nodes(soup) -> dict:
    nodes = _outermost(soup.find_all(id=_COMMENT_ID), lambda tag: _match(_COMMENT_ID, tag["id"]))
    return {key: (tag, cid) for key, (tag, cid) in nodes.items()
            if tag.name not in ("a", "span", "p") and not _is_ping(tag)}


def _data_id_nodes(soup) -> dict:
    return _outermost(soup.find_all(attrs={"data-comment-id": re.compile(r"^\d+$")}),
                      lambda tag: tag["data-comment-id"])


def _generic_nodes(soup) -> dict:
    """From every author-like element up to the nearest comment-like container holding a text
    too, then up through comment-like wrappers that hold no other comment (``li.comment`` around
    ``div.comment-body``), stopping at lists (``#comments``, ``.comment-list``, ``.replies``)."""
    nodes: dict = {}
    for author in soup.find_all(class_=_GENERIC_AUTHOR):
        node = next((p for p in author.parents if _commentish(p) and _has_text(p, author)), None)
        while node is not None and node.parent is not None and _commentish(node.parent) and \
                not _PLURAL.search(_names(node.parent)) and node.parent.name not in ("ol", "ul") \
                and node.parent.find(class_=_GENERIC_AUTHOR) is author:
            node = node.parent
        if node is not None and id(node) not in nodes and \
                not node.find(["form", "textarea"]) and not _is_ping(node):
            nodes[id(node)] = (node, _generic_id(node))
    return nodes


def _names(tag) -> str:
    return " ".join([tag.get("id") or "", *(tag.get("class") or [])]).lower()


def _commentish(tag) -> bool:
    return tag.name not in ("html", "body", "[document]") and "comment" in _names(tag)


def _has_text(tag, author) -> bool:
    return any(t is not author and author not in t.parents
               for t in tag.find_all(class_=_GENERIC_TEXT))


def _generic_id(node) -> str | None:
    own = _match(_ID_IN, node.get("id")) or _digits(node.get("data-comment-id"))
    if own:
        return own
    link = node.find("a", href=re.compile(r"#comment-\d+$"))
    return _anchor(link["href"]) if link else None


_FAMILIES = ((EPOCH, _epoch_nodes), (DISQUS, _disqus_nodes), (STANDARD, _standard_nodes),
             (DATA_ID, _data_id_nodes), (GENERIC, _generic_nodes))


# -- reading one comment ------------------------------------------------------------------------

def _read_nodes(soup, nodes: dict, route, post_item_id, host, batch) -> None:
    page = _link(soup, "canonical", "") or None
    stamp = soup.select_one("time.entry-date[datetime]")
    offset = _offset(stamp["datetime"] if stamp else _meta(soup, "article:published_time"))
    for node, _ in nodes.values():
        batch.attempt(f"{PLATFORM}:{host}", _read, node, nodes, route, post_item_id, host,
                      page, offset, batch)


def _read(node, nodes, route, post_item, host, page, offset, batch) -> None:
    def own(*selectors, pattern=None):
        for selector in selectors:
            tag = next((t for t in node.select(selector) if _owner(t, nodes) is node), None)
            if tag is not None:
                return tag
        if pattern is not None:  # any element whose class says what it is
            return next((t for t in node.find_all(class_=pattern)
                         if _owner(t, nodes) is node), None)
        return None

    name, site = _name(own(*_AUTHOR, pattern=_GENERIC_AUTHOR), route, own)
    stamp = own("time[datetime]")
    written = stamp["datetime"] if stamp else _text(own(*_WHEN, "time", pattern=_GENERIC_DATE))
    content = own(*_CONTENT, pattern=_GENERIC_TEXT)
    if content is not None:
        for extra in content.select(_NOISE):
            if _owner(extra, nodes) is node:
                extra.decompose()
    html = content.decode_contents() if content is not None else None
    published, assumed = _when(written, offset)
    cid = nodes[id(node)][1] or _hash(name, published or written, html)
    nodes[id(node)] = (node, cid)  # its replies come after it, and need it
    parent_node = _owner(node, nodes)
    parent = _digits(node.get("data-parent-id") or node.get("data-comment-parent")) or (
        nodes[id(parent_node)][1] if parent_node is not None else None)
    anchor = own(f'a[href$="#comment-{cid}"]')
    url = urljoin(page or "", anchor["href"]) if anchor else (
        f"{page.split('#')[0]}#comment-{cid}" if page and cid.isdigit() else page)
    avatar = own("img.avatar", "img")
    raw = {"source": "comment list", "route": route, "page": page, "comment_id": cid,
           "parent": parent, "written": written}
    if assumed:
        raw["offset"] = "assumed UTC"
    _comment(batch, host, cid, comment_item_id(host, parent) if parent else post_item, url,
             _author(host, name, site, _avatar_src(avatar) if avatar else None),
             published, html, raw)


def _owner(tag, nodes):
    """The comment node a tag belongs to: its nearest ancestor that is one."""
    return next((p for p in tag.parents if id(p) in nodes), None)


def _name(tag, route, own):
    """The commenter's name and website."""
    if route == EPOCH and own(".epoch-author-link") is None:
        tag = own(".epoch-comment-author")
        if tag is not None:  # no website: the name is bare text beside the avatar and time
            tag = BeautifulSoup(str(tag), "html.parser")
            for extra in tag.select(".epoch-comment-author-avatar, .epoch-divide, "
                                    ".epoch-comment-link, time"):
                extra.decompose()
    if tag is None:
        return None, None
    link = tag if tag.name == "a" and tag.get("href") else tag.find("a", href=True)
    text = tag.get_text(" ", strip=True)
    text = re.sub(r"\s*(says|said|wrote)\s*:?\s*$", "", text, flags=re.I)
    return text or None, link["href"] if link else None


def _text(tag) -> str | None:
    return tag.get_text(" ", strip=True) if tag is not None else None


def _match(pattern, value) -> str | None:
    found = pattern.match(value or "") if isinstance(value, str) else None
    return found.group(1) if found else None


def _digits(value) -> str | None:
    value = value.strip() if isinstance(value, str) else ""
    return value if value.isdigit() and value != "0" else None


def _is_ping(tag) -> bool:
    classes = tag.get("class") or []
    return "pingback" in classes or "trackback" in classes


def _hash(name, when, html) -> str:
    key = "\x1f".join(str(part or "") for part in (name, when, html))
    return "h" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _avatar_src(img) -> str | None:
    src = img.get("src") or ""
    return _web(img.get("data-src") or img.get("data-lazy-src")) if src.startswith("data:") \
        else _web(src)


# -- times --------------------------------------------------------------------------------------

def _offset(stamp):
    """The UTC offset the page writes its own times in (from the post's timestamp)."""
    try:
        return datetime.fromisoformat((stamp or "").strip().replace("Z", "+00:00")).tzinfo
    except ValueError:
        return None


def _when(text: str | None, offset) -> tuple[str | None, bool]:
    """A comment's time in UTC, and whether UTC was assumed for a time shown without offset:
    ``2011-10-22T19:10:22+01:00``, ``2015-06-01 14:12:00`` (Epoch), ``October 21, 2011 at
    6:12 pm``."""
    if not text:
        return None, False
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        when = _text_date(text)
    if when is None:
        return None, False
    assumed = when.tzinfo is None and offset is None
    if when.tzinfo is None:
        when = when.replace(tzinfo=offset or UTC)
    return when.astimezone(UTC).isoformat(), assumed


def _text_date(text: str):
    text = " ".join(re.sub(r"\b(at|@|on)\b|,", " ", text).split())
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for pattern in _TEXT_DATES:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
