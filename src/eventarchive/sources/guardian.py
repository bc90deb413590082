"""The Guardian: articles on guardian.co.uk and theguardian.com through the Content API.

A content id is the path of the article on the site: replacing the host of any Guardian URL,
old ``www.guardian.co.uk`` ones included, with ``content.guardianapis.com`` gives its API URL.
``GET {base}/{id}?api-key=…&show-fields=…&show-tags=contributor`` answers
``{"response": {"status": "ok", "content": {...}}}``; a path that is not content (a section or
tag page) answers with ``tag``/``section``/``results`` instead, and an unknown one with HTTP 404.
Both raise :class:`NotAnArticle`, so the caller can fall back to fetching the page itself.

``parse_content`` is pure: a payload ► an ``article`` item, its authors (the contributor tags,
or the byline when there are none) and the links in its body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urljoin, urlsplit

import nh3
import orjson
from bs4 import BeautifulSoup

from ..http import AuthError, FetchError
from ..records import Author, Batch, Item, Link
from ..text import html_to_text
from ..times import utc_iso
from . import Setting, Source

NAME = PLATFORM = "guardian"
KEY_ENV = "EVENTARCHIVE_GUARDIAN_KEY"
DEFAULT_KEY = "test"  # the Open Platform's shared key: works, but is rate-limited hard
DEFAULT_BASE = "https://content.guardianapis.com"
FIELDS = "headline,byline,body,trailText,firstPublicationDate,shortUrl,wordcount"
ARTICLE_TYPES = ("article", "liveblog")
# Hosts the Content API holds the content of. Other subdomains (jobs., profile., discussion.,
# open-platform. …) are different sites.
_DOMAINS = ("guardian.co.uk", "theguardian.com")
_PREFIXES = ("", "www.", "m.", "amp.")


class NotAnArticle(FetchError):
    """The Content API has no article at this path (HTTP 404, or a section/tag page, a gallery,
    a video): fetch the page as an ordinary web page instead."""


def is_guardian(url: str) -> bool:
    """A page on guardian.co.uk or theguardian.com with a path: something the API may hold."""
    try:
        parts = urlsplit(url.strip())
    except (AttributeError, ValueError):
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not parts.path.strip("/"):
        return False
    return any(host == prefix + domain for domain in _DOMAINS for prefix in _PREFIXES)


def content_id(url: str) -> str:
    """``http://www.guardian.co.uk/society/2011/oct/24/x?CMP=twt#comments`` ► ``society/2011/
    oct/24/x``: the path without the query, fragment, slashes at either end or a ``/print``
    (the printer-friendly copy of a 2011 article)."""
    if not is_guardian(url):
        raise ValueError(f"{url!r} is not a guardian.co.uk or theguardian.com page")
    path = unquote(urlsplit(url.strip()).path).strip("/")
    path = re.sub(r"/print$", "", path)
    return path


# -- parsing --------------------------------------------------------------------------------------


def body_links(html: str | None, page_url: str | None = None) -> list[str]:
    """Web links in the body, in order and once each; relative ones made absolute."""
    if not html:
        return []
    found = []
    for a in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        href = urljoin(page_url or "", a["href"].strip())
        if href.lower().startswith(("http://", "https://")):
            found.append(href)
    return list(dict.fromkeys(found))


def contributor(tag: Mapping) -> Author:
    """A contributor tag ► ``guardian:profile/…``; the same person on every article."""
    tag_id = tag["id"]
    return Author(
        id=f"{PLATFORM}:{tag_id}", platform=PLATFORM, handle=tag_id.rsplit("/", 1)[-1],
        display_name=tag.get("webTitle") or None, url=tag.get("webUrl"),
        avatar_url=tag.get("bylineImageUrl") or tag.get("bylineLargeImageUrl"),
    )


def byline_author(byline: str) -> Author | None:
    """A byline without a contributor tag (guest writers on the 2011 network blogs had none):
    ``guardian:byline:`` + a slug of the name, so the same byline is one author."""
    name = html_to_text(byline)
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-")
    if not slug:
        return None
    return Author(id=f"{PLATFORM}:byline:{slug}", platform=PLATFORM, display_name=name)


def parse_content(data: Mapping, batch: Batch) -> str:
    """A single-item answer ► an ``article`` item, its authors and links; returns the item id.

    Raises ValueError for an answer that holds no content (an error, or a tag/section page)."""
    response = data["response"]
    if response.get("status") != "ok":
        raise ValueError(f"the Content API answered {response.get('message') or 'an error'!r}")
    content = response.get("content")
    if not isinstance(content, Mapping):
        raise ValueError("the answer holds no content item (a section or tag page?)")
    native_id = content["id"]
    item_id = f"{PLATFORM}:{native_id}"
    fields = content.get("fields") or {}
    body = fields.get("body") or ""
    url = content.get("webUrl")

    authors = [contributor(t) for t in content.get("tags") or ()
               if isinstance(t, Mapping) and t.get("type") == "contributor" and t.get("id")]
    if not authors and fields.get("byline"):
        found = byline_author(fields["byline"])
        authors = [found] if found else []
    batch.authors.extend(authors)

    title = html_to_text(fields.get("headline")) or content.get("webTitle") or None
    batch.items.append(Item(
        id=item_id, kind="article", platform=PLATFORM, native_id=native_id, url=url,
        author_id=authors[0].id if authors else None,
        published_at=utc_iso(content.get("webPublicationDate"))
        or utc_iso(fields.get("firstPublicationDate")),
        title=title, text=html_to_text(body) or html_to_text(fields.get("trailText")) or None,
        html=nh3.clean(body) if body else None,
        raw=orjson.dumps(content).decode(),
    ))
    for link in body_links(body, url):
        batch.links.append(Link(item_id, link))
    return item_id


# -- fetching -------------------------------------------------------------------------------------


def api_url(url: str, base_url: str = DEFAULT_BASE) -> str:
    """The Content API address of a Guardian page (without the query)."""
    return f"{base_url.rstrip('/')}/{quote(content_id(url), safe='/')}"


def fetch_article(http, url: str, base_url: str = DEFAULT_BASE, key: str = DEFAULT_KEY) -> Batch:
    """The article behind a Guardian URL, from the Content API.

    Raises NotAnArticle (a FetchError) when the API has no article there: catch it and fetch
    the page instead. Other FetchErrors (network, 5xx, 429 after retries) pass through; an
    AuthError names the key to check.
    """
    address = api_url(url, base_url)
    params = {"api-key": key or DEFAULT_KEY, "show-fields": FIELDS, "show-tags": "contributor"}
    try:
        data, _ = http.get_json(address, params=params)
    except AuthError as exc:
        raise AuthError(f"{NAME}: the Content API refused the key (HTTP {exc.status}); check "
                        f"{KEY_ENV} (register one at https://open-platform.theguardian.com/"
                        "access/) or unset it to use the shared test key").with_status(
                            exc.status or 403) from None
    except FetchError as exc:
        if exc.status in (404, 410):
            raise NotAnArticle(f"{NAME}: the Content API has nothing at {content_id(url)!r} "
                               f"(HTTP {exc.status}); fetch {url} as a web page"
                               ).with_status(exc.status) from None
        raise
    response = data.get("response") if isinstance(data, Mapping) else None
    if not isinstance(response, Mapping) or response.get("status") != "ok":
        message = response.get("message") if isinstance(response, Mapping) else None
        raise FetchError(f"{NAME}: unexpected answer for {url} ({message or 'no response'}); "
                         "check [sources.guardian] base_url")
    content = response.get("content")
    if not isinstance(content, Mapping):
        raise NotAnArticle(f"{NAME}: {url} is a section or tag page, not an article; fetch it "
                           "as a web page")
    kind = content.get("type")
    if kind not in ARTICLE_TYPES and not (kind is None and (content.get("fields") or {}).get(
            "body")):
        raise NotAnArticle(f"{NAME}: {url} is a {kind or 'non-article'} in the Content API, "
                           "not an article; fetch it as a web page")
    batch = Batch()
    batch.attempt(url, parse_content, data, batch)
    return batch


SOURCE = Source(
    name=NAME,
    used_by="web",
    settings={"base_url": Setting("url", DEFAULT_BASE, "the Content API address")},
    secrets=(KEY_ENV,),
)
