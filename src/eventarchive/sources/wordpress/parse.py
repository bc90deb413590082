"""WordPress: a blog post and every reader comment on it ► records.

``fetch_post`` tries four routes in order; one that is offered but fails goes into
``batch.problems`` and the next is tried:

1. the WP REST API (``<link rel="https://api.w.org/">``): ``/wp/v2/posts/ID``, then
   ``/wp/v2/comments?post=ID`` paged by ``X-WP-TotalPages``;
2. the WordPress.com public API (v1.1), for blogs hosted on WordPress.com;
3. the post's comment feed (Atom first: it has threading and commenters' websites; then RSS),
   joined with the page's comment list, since a feed holds only the newest ``posts_per_rss``
   comments (10 by default) and RSS has no threading;
4. the comments shown on the page, in whatever markup (``wordpress.page_comments``), with its
   other comment pages (``comment-page-N``).

Every comment's ``raw`` says which route found it in ``"route"``: ``rest-api``,
``wordpress.com-api``, ``comment-feed`` or ``page:…`` (the markup family); the post's ``raw``
lists them in ``"comment_routes"``.

Ids: a post is ``wordpress:{host}/post/{id}`` (``wordpress:`` + its canonical URL when the page
shows no id), a comment ``wordpress:{host}/comment/{id}``, where ``host`` comes from the post's
canonical link, without ``www.``: a copy fetched from elsewhere (the Wayback Machine, a test
server) gives the same ids, and so does every route.

Authors: a commenter is no account, only the name, website and e-mail typed into the form, and
the name is all that every route shows (RSS shows nothing else). An author is
``wordpress:{host}/author/{name}``, the name lower-cased with its spaces collapsed; routes that
show a website or avatar fill them in. Namesakes on one blog are one author, as to a reader.

``in_reply_to`` is the parent comment's item id, or the post's for a top-level comment (and for
a comment known only from RSS). Pingbacks and trackbacks are not reader comments: left out.
"""

from __future__ import annotations

import re
from calendar import timegm
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
import orjson
from bs4 import BeautifulSoup

from ...records import Author, Batch, Item, Link
from ...text import html_to_text
from ...times import utc_iso

NAME = PLATFORM = "wordpress"
REST, WPCOM, FEED = "rest-api", "wordpress.com-api", "comment-feed"
WPCOM_BASE = "https://public-api.wordpress.com"
PER_PAGE = 100  # the most either API returns in one page
MAX_PAGES = 50
_ANCHOR = re.compile(r"#comment-(\d+)$")
_POST_ROUTE = re.compile(r"/wp/v2/posts/(\d+)")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$|[?&]cpage=\d+")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")


# -- ids and small pieces ---------------------------------------------------------------------

def host_of(url: str | None) -> str:
    """The blog's host as ids use it: lower case, without port or ``www.``."""
    return (urlsplit(url or "").hostname or "").lower().removeprefix("www.")


def post_item_id(host: str, post_id=None, url: str | None = None) -> str:
    return f"{PLATFORM}:{host}/post/{post_id}" if post_id else f"{PLATFORM}:{url}"


def comment_item_id(host: str, comment_id) -> str:
    return f"{PLATFORM}:{host}/comment/{comment_id}"


def author_id(host: str, name: str | None) -> str:
    key = " ".join((name or "").split()).casefold() or "anonymous"
    return f"{PLATFORM}:{host}/author/{key}"


def _web(url) -> str | None:
    """An http(s) address, or None (``javascript:`` and friends never become links)."""
    url = url.strip() if isinstance(url, str) else ""
    return url if url.lower().startswith(("http://", "https://")) else None


def _author(host: str, name, url=None, avatar=None) -> Author:
    name = " ".join(name.split()) if isinstance(name, str) else ""
    return Author(id=author_id(host, name), platform=PLATFORM, display_name=name or None,
                  url=_web(url), avatar_url=_web(avatar))


def _largest(avatars) -> str | None:
    """The biggest of REST's ``{"24": url, "48": url, "96": url}``."""
    if not isinstance(avatars, Mapping) or not avatars:
        return None
    return avatars[max(avatars, key=lambda size: int(size) if str(size).isdigit() else 0)]


def _rendered(field) -> str | None:
    return field.get("rendered") if isinstance(field, Mapping) else field


def plain(html: str | None) -> str | None:
    """HTML as plain text; None when there is none."""
    return html_to_text(html) or None


def _add(batch: Batch, item: Item, html: str | None, page: str | None) -> str:
    """Append an item with its text, sanitised html and the links in it."""
    item.text, item.html = plain(html), (nh3.clean(html).strip() or None) if html else None
    batch.items.append(item)
    own = (page or "").split("#")[0]
    seen = set()
    for a in BeautifulSoup(item.html or "", "html.parser").find_all("a", href=True):
        href = _web(urljoin(page or "", a["href"]))
        if href and href.split("#")[0] != own and href not in seen:
            seen.add(href)
            batch.links.append(Link(item.id, href))
    return item.id


def _article(batch, item_id, url, author, published, title, html, raw) -> str:
    if author:
        batch.authors.append(author)
    return _add(batch, Item(
        id=item_id, kind="article", platform=PLATFORM, native_id=item_id.split(":", 1)[1],
        url=url, author_id=author.id if author else None, published_at=published,
        title=plain(title), raw=orjson.dumps(raw).decode()), html, url)


def _comment(batch, host, cid, parent, url, author, published, html, raw) -> str:
    batch.authors.append(author)
    item_id = comment_item_id(host, cid)
    return _add(batch, Item(
        id=item_id, kind="comment", platform=PLATFORM, native_id=f"{host}/comment/{cid}",
        url=url, author_id=author.id, published_at=published, in_reply_to=parent,
        raw=orjson.dumps(raw).decode()), html, url)


# -- 1. the WP REST API -----------------------------------------------------------------------

def parse_rest_post(data: Mapping, batch: Batch) -> str:
    """``GET /wp/v2/posts/ID`` (``_embed=author`` gives the writer's name); returns its id."""
    host = host_of(data["link"])
    embedded = (data.get("_embedded") or {}).get("author") or [{}]
    person = embedded[0] if isinstance(embedded[0], Mapping) else {}
    writer = _author(host, person["name"], person.get("url") or person.get("link"),
                     _largest(person.get("avatar_urls"))) if person.get("name") else None
    return _article(batch, post_item_id(host, data["id"]), data["link"], writer,
                    utc_iso(data.get("date_gmt")), _rendered(data.get("title")),
                    _rendered(data.get("content")), data)


def parse_rest_comments(data, post_item_id: str, host: str, batch: Batch) -> None:
    """One page of ``GET /wp/v2/comments?post=ID``: a list, ``parent`` 0 for top level."""
    for c in data:
        batch.attempt(f"{PLATFORM}:{host}", _rest_comment, c, post_item_id, host, batch)


def _rest_comment(c: Mapping, post_item: str, host: str, batch: Batch) -> None:
    if c.get("type", "comment") not in ("comment", ""):
        return
    parent = c.get("parent") or 0
    _comment(batch, host, c["id"], comment_item_id(host, parent) if parent else post_item,
             c.get("link"), _author(host, c.get("author_name"), c.get("author_url"),
                                    _largest(c.get("author_avatar_urls"))),
             utc_iso(c.get("date_gmt")), _rendered(c.get("content")), {**c, "route": REST})


# -- 2. the WordPress.com public API ------------------------------------------------------------

def parse_wpcom_post(data: Mapping, batch: Batch) -> str:
    """``GET /rest/v1.1/sites/{site}/posts/slug:{slug}`` (or ``/posts/{ID}``)."""
    host = host_of(data["URL"])
    person = data.get("author") if isinstance(data.get("author"), Mapping) else {}
    writer = _author(host, person["name"], person.get("URL") or person.get("profile_URL"),
                     person.get("avatar_URL")) if person.get("name") else None
    return _article(batch, post_item_id(host, data["ID"]), data["URL"], writer,
                    utc_iso(data.get("date")), data.get("title"), data.get("content"), data)


def parse_wpcom_comments(data, post_item_id: str, host: str, batch: Batch) -> None:
    """``GET .../posts/{ID}/replies/`` (``{"found", "comments": [...]}``) or its list."""
    comments = data["comments"] if isinstance(data, Mapping) else data
    for c in comments:
        batch.attempt(f"{PLATFORM}:{host}", _wpcom_comment, c, post_item_id, host, batch)


def _wpcom_comment(c: Mapping, post_item: str, host: str, batch: Batch) -> None:
    if c.get("type", "comment") != "comment":
        return
    parent = c["parent"]["ID"] if isinstance(c.get("parent"), Mapping) else None
    person = c.get("author") or {}
    _comment(batch, host, c["ID"], comment_item_id(host, parent) if parent else post_item,
             c.get("URL"), _author(host, person.get("name"), person.get("URL"),
                                   person.get("avatar_URL")),
             utc_iso(c.get("date")), c.get("content"), {**c, "route": WPCOM})


# -- 3. the comment feed ------------------------------------------------------------------------

def parse_comment_feed(xml_text: str, post_item_id: str, host: str, batch: Batch) -> None:
    """A post's comment feed, RSS 2.0 or Atom. Raises ValueError when it is not a feed."""
    feed = feedparser.parse(xml_text)
    if not feed.get("version") and not feed.entries:
        raise ValueError("the comment feed is not RSS or Atom")
    for entry in feed.entries:
        batch.attempt(f"{PLATFORM}:{host}", _feed_comment, entry, post_item_id, host, batch)


def _anchor(url) -> str | None:
    found = _ANCHOR.search(url) if isinstance(url, str) else None
    return found.group(1) if found else None


def _feed_comment(entry, post_item: str, host: str, batch: Batch) -> None:
    cid = _anchor(entry.get("link")) or _anchor(entry.get("id"))
    if not cid:
        raise ValueError(f"a feed entry without a comment id ({entry.get('id')!r})")
    reply = entry.get("thr_in-reply-to") or {}  # Atom (RFC 4685); RSS 2.0 has no threading
    parent = _anchor(reply.get("ref")) or _anchor(reply.get("href"))
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    content = (entry.get("content") or [{}])[0].get("value") or entry.get("summary")
    _comment(batch, host, cid, comment_item_id(host, parent) if parent else post_item,
             entry.get("link"), _author(host, entry.get("author"),
                                        (entry.get("author_detail") or {}).get("href")),
             datetime.fromtimestamp(timegm(when), UTC).isoformat() if when else None, content,
             {"source": "comment feed", "route": FEED, "id": entry.get("id"),
              "link": entry.get("link"), "author": entry.get("author"),
              "published": entry.get("published"), "in_reply_to": reply.get("ref")})


# -- 4. the page itself -------------------------------------------------------------------------

def _link(soup, rel: str, base: str) -> str | None:
    tag = soup.find("link", rel=rel, href=True)
    return urljoin(base, tag["href"].strip()) if tag else None


def _meta(soup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag.get("content") if tag else None


def discover(html: str, url: str) -> dict:
    """What the post page offers: ``url`` (canonical), ``host``, ``site`` (for WordPress.com),
    ``slug``, ``post_id``, ``rest_base``, ``rest_post_url``, ``feed_url``, ``is_wordpress_com``."""
    return _discover(BeautifulSoup(html, "html.parser"), url)


def _discover(soup, url: str) -> dict:
    canonical = _link(soup, "canonical", url) or _web(_meta(soup, "og:url")) or url
    rest_base = _link(soup, "https://api.w.org/", url)
    rest_post = None
    for tag in soup.find_all("link", rel="alternate", href=True):
        if (tag.get("type") or "").startswith("application/json") and \
                _POST_ROUTE.search(tag["href"]):
            rest_post = urljoin(url, tag["href"].strip())
    body = " ".join(soup.body.get("class") or []) if soup.body else ""
    form = soup.find("input", attrs={"name": "comment_post_ID"})
    shortlink = _link(soup, "shortlink", url) or ""
    post_id = next((m.group(1) for m in (
        _POST_ROUTE.search(rest_post or ""), re.search(r"\bpostid-(\d+)\b", body),
        re.search(r"[?&]p=(\d+)$", shortlink),
        re.fullmatch(r"(\d+)", form.get("value") or "" if form else "")) if m), None)
    if rest_post and not rest_base:
        rest_base = rest_post[:rest_post.index("wp/v2/")]
    if rest_base and post_id and not rest_post:
        rest_post = _rest_url(rest_base, f"wp/v2/posts/{post_id}")
    generator = _meta(soup, "generator") or ""
    site = (urlsplit(canonical).hostname or "").lower()
    return {
        "url": canonical, "host": host_of(canonical), "site": site,
        "slug": ([s for s in urlsplit(canonical).path.split("/") if s] or [None])[-1],
        "post_id": post_id, "rest_base": rest_base, "rest_post_url": rest_post,
        "feed_url": _feed_link(soup, url, canonical),
        "is_wordpress_com": site.endswith(".wordpress.com") or generator.startswith(
            "WordPress.com"),
    }


def _feed_link(soup, url: str, canonical: str) -> str | None:
    """The post's own comment feed, not the blog's feed or all-comments feed."""
    path = urlsplit(canonical).path.rstrip("/")
    titled = None
    for tag in soup.find_all("link", rel="alternate", href=True):
        if tag.get("type") not in _FEED_TYPES:
            continue
        href = urljoin(url, tag["href"].strip())
        parts = urlsplit(href)
        if path and parts.path.startswith(path + "/feed"):
            return href
        if "feed=" in parts.query and re.search(r"(^|&)p=\d+", parts.query):
            return href  # plain permalinks: /?feed=rss2&p=123
        if titled is None and "comments feed" in (tag.get("title") or "").lower() and \
                not parts.path.rstrip("/").endswith("/comments/feed"):
            titled = href
    return titled


def parse_post_page(html: str, url: str, batch: Batch) -> str:
    """The post itself from its page (for the feed and comment-list routes)."""
    soup = BeautifulSoup(html, "html.parser")
    found = _discover(soup, url)
    host, canonical = found["host"], found["url"]
    heading = soup.select_one(".entry-title, .post-title")
    title = heading.get_text(" ", strip=True) if heading else (
        _meta(soup, "og:title") or (soup.title.get_text(strip=True) if soup.title else None))
    body = soup.select_one(".entry-content, .post-content, .post .entry")
    if body:
        for extra in body.select(".sharedaddy, .jp-relatedposts, script, style"):
            extra.decompose()
    stamp = soup.select_one("time.entry-date[datetime], .entry-meta time[datetime]")
    published = utc_iso(stamp["datetime"]) if stamp else utc_iso(
        _meta(soup, "article:published_time"))
    byline = soup.select_one(".entry-meta .author a, .byline .author a, a[rel~=author], "
                             ".entry-meta .fn")
    name = byline.get_text(" ", strip=True) if byline else _meta(soup, "author")
    writer = _author(host, name, byline.get("href") if byline else None) if name else None
    return _article(batch, post_item_id(host, found["post_id"], canonical), canonical, writer,
                    published, title, body.decode_contents() if body else None,
                    {"source": "page", "url": canonical, "post_id": found["post_id"],
                     "title": title, "published": published})


# -- fetching -----------------------------------------------------------------------------------


def _rest_url(base: str, route: str) -> str:
    """``/wp-json/`` + route, or ``?rest_route=/`` + route on blogs without pretty links."""
    return (base if base.endswith("/") else base + "/") + route
