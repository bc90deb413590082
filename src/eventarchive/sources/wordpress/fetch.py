"""WordPress: fetching a post's comments by whichever route the site offers (REST API,
WordPress.com API, comment feed, the comments shown on the page), in that order of preference.
The parsing lives in ``wordpress.parse`` and, for the page's comments, in
``wordpress.page_comments``."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode, urljoin, urlsplit

import orjson
from bs4 import BeautifulSoup

from ...http import FetchError, RateLimited
from ...records import Batch, Problem
from .page_comments import parse_comment_list
from .parse import (
    _COMMENT_PAGE,
    MAX_PAGES,
    NAME,
    PER_PAGE,
    WPCOM_BASE,
    _discover,
    _rest_url,
    host_of,
    parse_comment_feed,
    parse_post_page,
    parse_rest_comments,
    parse_rest_post,
    parse_wpcom_comments,
    parse_wpcom_post,
)


def _query(url: str, params: Mapping) -> str:
    """httpx would replace a query already in the URL (``?rest_route=``): add to it instead."""
    return url + ("&" if "?" in url else "?") + urlencode(params)


def fetch_post(http, url: str, html: str, wpcom_base: str = WPCOM_BASE) -> Batch:
    """The post at ``url`` (its page already fetched as ``html``) and all its comments."""
    soup = BeautifulSoup(html, "html.parser")
    found = _discover(soup, url)
    state = {"post": None, "number": found["post_id"], "host": found["host"], "soup": soup,
             "html": html, "wpcom": wpcom_base.rstrip("/")}
    batch = Batch()
    failed: list[Problem] = []  # routes that were offered but did not work
    for label, route in _ROUTES:
        part = Batch()
        try:
            offered = route(http, found, state, part)
        except RateLimited:
            raise
        except (FetchError, KeyError, TypeError, ValueError, AttributeError) as exc:
            _absorb(batch, part)
            status = getattr(exc, "status", None)
            reason = f"HTTP {status}" if status else str(exc) if isinstance(
                exc, (FetchError, ValueError)) else f"unexpected answer, {type(exc).__name__} {exc}"
            then = "; tried the next way to the comments" if route is not _list else ""
            failed.append(Problem(url, f"{NAME}: {label} did not work ({reason}){then}"))
            continue
        _absorb(batch, part)
        if offered:
            # A blog that blocks its API but shows its comments is not a problem to report.
            return _note_routes(batch, state["post"])
    batch.problems.extend(failed)
    return _note_routes(batch, state["post"])


def _note_routes(batch: Batch, post: str | None) -> Batch:
    """Write into the post's raw record which routes its comments came by."""
    routes = sorted({orjson.loads(item.raw).get("route") for item in batch.items
                     if item.kind == "comment" and item.raw} - {None})
    for item in batch.items:
        if item.id == post and item.raw:
            item.raw = orjson.dumps({**orjson.loads(item.raw), "comment_routes": routes}).decode()
    return batch


def _rest(http, found, state, part) -> bool:
    if not found["rest_post_url"]:
        return False
    if state["post"] is None:
        data, _ = http.get_json(_query(found["rest_post_url"], {"_embed": "author"}))
        state["post"] = parse_rest_post(data, part)
        state["number"], state["host"] = str(data["id"]), host_of(data["link"])
    comments = _rest_url(found["rest_base"], "wp/v2/comments")
    for page in range(1, MAX_PAGES + 1):
        data, response = http.get_json(_query(comments, {
            "post": state["number"], "per_page": PER_PAGE, "page": page}))
        if not isinstance(data, list):
            raise ValueError("the comments answer is not a list")
        parse_rest_comments(data, state["post"], state["host"], part)
        pages = response.headers.get("x-wp-totalpages", "1")
        if not data or page >= (int(pages) if pages.isdigit() else 1):
            break
    return True


def _wpcom(http, found, state, part) -> bool:
    if not found["is_wordpress_com"]:
        return False
    api = f"{state['wpcom']}/rest/v1.1/sites/{quote(found['site'], safe='')}"
    if state["post"] is None:
        which = f"slug:{quote(found['slug'], safe='')}" if found["slug"] else state["number"]
        if not which:
            raise ValueError("the page shows neither a post id nor a slug")
        data, _ = http.get_json(f"{api}/posts/{which}")
        state["post"] = parse_wpcom_post(data, part)
        state["number"], state["host"] = str(data["ID"]), host_of(data["URL"])
    got = 0
    for page in range(1, MAX_PAGES + 1):
        data, _ = http.get_json(_query(f"{api}/posts/{state['number']}/replies/", {
            "number": PER_PAGE, "page": page, "order": "ASC"}))
        parse_wpcom_comments(data, state["post"], state["host"], part)
        got += len(data["comments"])
        total = data.get("found")
        if len(data["comments"]) < PER_PAGE or (isinstance(total, int) and 0 <= total <= got):
            break
    _absorb(part, _comment_pages(http, found, state))  # nested replies v1.1 may leave out
    return True


def _page_post(found, state, part) -> None:
    if state["post"] is None:
        state["post"] = parse_post_page(state["html"], found["url"], part)
        state["host"] = found["host"]


def _feed(http, found, state, part) -> bool:
    rss = found["feed_url"]
    if not rss:
        return False
    _page_post(found, state, part)
    guesses = [rss.rstrip("/") + "/atom/"] if urlsplit(rss).path.endswith("/feed/") else []
    for candidate in [*guesses, rss]:
        fed = Batch()
        try:
            parse_comment_feed(http.request("GET", candidate).text, state["post"],
                               state["host"], fed)
            break
        except (FetchError, ValueError):
            if candidate == rss:
                raise
    shown = _comment_pages(http, found, state)
    threads = {item.id: item.in_reply_to for item in shown.items}
    for item in fed.items:  # the page's threading is the blog's own
        item.in_reply_to = threads.get(item.id, item.in_reply_to)
    _absorb(part, fed)
    _absorb(part, shown)
    return True


def _list(http, found, state, part) -> bool:
    _page_post(found, state, part)
    _absorb(part, _comment_pages(http, found, state))
    return True


def _comment_pages(http, found, state) -> Batch:
    """The page's comment list, and the older (or newer) comment pages it links to."""
    shown = Batch()
    parse_comment_list(state["html"], state["post"], state["host"], shown)
    path = urlsplit(found["url"]).path.rstrip("/")
    done = {found["url"].split("#")[0]}
    queue = _page_links(state["soup"], found["url"], path)
    while queue and len(done) <= MAX_PAGES:
        page = queue.pop(0)
        if page in done:
            continue
        done.add(page)
        try:
            text = http.request("GET", page).text
        except FetchError as exc:
            shown.problems.append(Problem(page, f"{NAME}: a page of comments could not be "
                                                f"read ({exc})"))
            continue
        parse_comment_list(text, state["post"], state["host"], shown)
        queue += _page_links(BeautifulSoup(text, "html.parser"), page, path)
    return shown


def _page_links(soup, base: str, path: str) -> list[str]:
    """Links to this post's other comment pages (``comment-page-N``, ``?cpage=N``)."""
    found = []
    for a in soup.find_all("a", href=True):
        href = urljoin(base, a["href"]).split("#")[0]
        parts = urlsplit(href)
        if _COMMENT_PAGE.search(href) and parts.path.startswith(path + "/") \
                and "replytocom" not in parts.query:
            found.append(href)
    return list(dict.fromkeys(found))


def _absorb(batch: Batch, part: Batch) -> None:
    """Add ``part`` to ``batch``: an item already there stays as it is; authors fill gaps."""
    have = {item.id for item in batch.items}
    for item in part.items:
        if item.id not in have:
            have.add(item.id)
            batch.items.append(item)
    authors = {a.id: a for a in batch.authors}
    for a in part.authors:
        known = authors.get(a.id)
        if known is None:
            authors[a.id] = a
            batch.authors.append(a)
            continue
        for key in ("display_name", "url", "avatar_url"):
            if getattr(known, key) is None:
                setattr(known, key, getattr(a, key))
    links = {(link.item_id, link.url) for link in batch.links}
    batch.links += [link for link in part.links if (link.item_id, link.url) not in links]
    batch.problems += part.problems


_ROUTES = (("the WordPress REST API", _rest), ("the WordPress.com API", _wpcom),
           ("the comment feed", _feed), ("the comment list on the page", _list))
