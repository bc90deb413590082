"""The web record: every link in archived posts and every seed URL of an event, unshortened,
fetched politely and kept as an ``article`` item with its provenance.

For each URL: follow redirects (t.co, sfy.co, bit.ly … are just redirects) with the private-
address guard on every hop; send ``If-None-Match`` / ``If-Modified-Since`` when the page was
fetched before; respect robots.txt; pace requests per host; write the raw exchange to a WARC
file; extract the main text and metadata with trafilatura. A dead link (DNS failure, 404, 410)
is looked up in the Wayback Machine. Each referring post's ``links`` row gets the final URL,
status and archived copy.
"""

from __future__ import annotations

import io
import re
import time
import urllib.robotparser
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson
import trafilatura

from ..http import FetchError, PrivateAddress, RateLimited
from ..records import Author, Batch, Item, Link, Problem
from ..times import utc_iso
from . import Context, Page, Query, Setting, Source, guardian, storify, wayback, wordpress

NAME = "web"
PLATFORM = "web"
DEAD_STATUSES = (404, 410)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def plan(ctx: Context) -> list:
    """One query per event: its seed URLs (always re-checked, conditionally) and the links of
    its posts that were never resolved, each with the items that refer to it."""
    event, settings = ctx.event, ctx.settings
    urls: dict[str, list[str]] = {url: [] for url in event.urls}
    for url, referrers in ctx.links.items():
        if not _is_post_link(url):
            urls.setdefault(url, []).extend(referrers)
    if not urls:
        return []
    wayback_settings = ctx.source_settings("wayback")
    guardian_settings = ctx.source_settings("guardian")
    return [Query("pages", {
        "urls": urls, "seeds": list(event.urls), "robots": settings["robots"],
        "delay": float(settings["per_host_delay"]),
        "warc": str(Path(ctx.media_dir) / "warc") if ctx.media_dir else None,
        "around": event.starts_at,
        "wayback": {"base": wayback_settings["base_url"],
                    "availability_url": wayback_settings["availability_url"]},
        "wordpress": {"wpcom_base": ctx.source_settings("wordpress")["wpcom_base"]},
        "guardian": {"base_url": guardian_settings["base_url"],
                     "key": ctx.env.get(guardian.KEY_ENV) or guardian.DEFAULT_KEY},
    })]


class _Politeness:
    """robots.txt per host, and a pause between two requests to the same host."""

    def __init__(self, http, delay: float, robots: bool, clock=time.monotonic):
        self.http, self.delay, self.robots, self.clock = http, delay, robots, clock
        self.parsers: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.last: dict[str, float] = {}

    def allowed(self, url: str) -> bool:
        if not self.robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.parsers:
            parser = urllib.robotparser.RobotFileParser()
            try:
                response = self.http.request("GET", f"{origin}/robots.txt")
                parser.parse(response.text.splitlines())
            except FetchError:
                parser = None  # no robots.txt (or unreachable): nothing is forbidden
            self.parsers[origin] = parser
        parser = self.parsers[origin]
        agent = self.http.settings.user_agent.split("/")[0]
        return parser is None or parser.can_fetch(agent, url)

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc
        if host in self.last:
            pause = self.delay - (self.clock() - self.last[host])
            if pause > 0:
                self.http.sleep(pause)
        self.last[host] = self.clock()


def fetch(http, query, state: dict):
    """One Page per URL: the article (if any) and its referrers' resolved links."""
    params = query.params
    pages = dict(state.get("pages") or {})
    polite = _Politeness(http, params["delay"], params["robots"])
    seeds = set(params.get("seeds", ()))
    queue = {url: (list(referrers), url in seeds) for url, referrers in params["urls"].items()}
    done = set()
    while queue:
        url, (referrers, is_seed) = next(iter(queue.items()))
        del queue[url]
        done.add(url)
        batch = Batch()
        if not is_seed and url in pages:
            # Tried on an earlier run (dead, refused, archived): only its referrers are new.
            result = pages[url]
            for item_id in referrers:
                batch.links.append(Link(item_id, url, result.get("final"), result.get("status"),
                                        result.get("archived")))
            yield Page(batch, {"pages": dict(pages)})
            continue
        try:
            result = _fetch_one(http, polite, url, pages.get(url) or {}, batch, params)
        except RateLimited:
            raise  # the whole source stops; the next run carries on
        except FetchError as exc:  # one bad link never stops the others
            batch.problems.append(Problem(url, str(exc)))
            result = {"status": exc.status}
        pages[url] = result
        if is_seed and not guardian.is_guardian(url):
            # One step further, no more: the pages an event's own write-up links to (its
            # Storify story, the newspaper piece) are part of the record; their links are not.
            for link in batch.links:
                if (link.url not in done and link.url.startswith(("http://", "https://"))
                        and not _is_post_link(link.url)):
                    queue.setdefault(link.url, ([], False))[0].append(link.item_id)
        for item_id in referrers:
            batch.links.append(Link(item_id, url, result.get("final"), result.get("status"),
                                    result.get("archived")))
        yield Page(batch, {"pages": dict(pages)})


def _fetch_one(http, polite: _Politeness, url: str, seen: dict, batch: Batch,
               params: Mapping) -> dict:
    """Fetch, extract and record one URL; returns what to remember about it."""
    if _is_storify(url):
        return _story_from_archive(http, url, batch, params)
    if wayback.is_known_dead(url):  # posterous, friendfeed …: only the archive has them
        return _from_archive(http, url, None, batch, params)
    if guardian.is_guardian(url):
        try:
            found = guardian.fetch_article(http, url, **params["guardian"])
        except guardian.NotAnArticle:
            pass  # a gallery, a section page: read it as a page
        else:
            batch.extend(found)
            return {"final": url, "status": 200, "note": "Guardian Content API"}
    if not polite.allowed(url):
        batch.problems.append(Problem(url, "robots.txt asks robots not to fetch this page"))
        return {**seen, "status": seen.get("status"), "note": "robots"}
    headers = {}
    if seen.get("etag"):
        headers["If-None-Match"] = seen["etag"]
    if seen.get("last_modified"):
        headers["If-Modified-Since"] = seen["last_modified"]
    polite.wait(url)
    try:
        response = http.request("GET", url, headers=headers)
    except PrivateAddress as exc:
        batch.problems.append(Problem(url, str(exc)))
        return {"status": None, "note": "private address"}
    except FetchError as exc:
        if exc.status in DEAD_STATUSES or exc.gone:
            return _from_archive(http, url, exc, batch, params)
        batch.problems.append(Problem(url, str(exc)))
        return {"status": exc.status}
    final = str(response.url)
    remembered = {"final": final, "status": response.status_code,
                  "etag": response.headers.get("etag") or seen.get("etag"),
                  "last_modified": response.headers.get("last-modified")
                  or seen.get("last_modified"),
                  "redirects": [str(r.url) for r in response.history]}
    if response.status_code == 304:
        remembered.update(final=seen.get("final", final), status=seen.get("status", 200))
        return remembered
    if params.get("warc"):
        remembered["warc"] = write_warc(Path(params["warc"]), response)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        batch.problems.append(Problem(url, f"not a web page ({content_type}); the link is kept"))
        return remembered
    if _is_wordpress(response.text, final):
        # The post and every reader comment, by whichever route the blog offers.
        batch.extend(wordpress.fetch_post(http, final, response.text,
                                          wpcom_base=params["wordpress"]["wpcom_base"]))
        remembered["note"] = "WordPress post with its comments"
        return remembered
    # Without a charset in the headers, let the extractor read the page's own <meta charset>.
    body = response.text if response.charset_encoding else response.content
    parse_page(body, final, batch, provenance={
        "requested": url, "final": final, "status": response.status_code,
        "redirects": remembered["redirects"], "warc": remembered.get("warc")})
    return remembered


def _is_wordpress(html: str, url: str) -> bool:
    found = wordpress.discover(html, url)
    return bool(found.get("rest_base") or found.get("is_wordpress_com")
                or 'content="WordPress' in html)


def _from_archive(http, url: str, error: FetchError | None, batch: Batch,
                  params: Mapping) -> dict:
    """A dead link: the Wayback Machine's capture nearest the event, when there is one."""
    why = str(error) if error else "the site is gone"
    status = error.status if error else None
    try:
        # A short link's capture is a redirect, which the archive follows to its target.
        snapshot = wayback.closest(http, url, params.get("around"), status="200|30[12]",
                                   **params["wayback"])
        if snapshot is None:
            batch.problems.append(Problem(url, f"{why}; the Wayback Machine has no copy either"))
            return {"status": status, "note": "dead"}
        response = wayback.fetch_snapshot(http, snapshot)
    except FetchError as exc:
        batch.problems.append(Problem(url, f"{why}; the Wayback Machine: {exc}"))
        return {"status": status, "note": "dead"}
    parse_page(response.text, url, batch, provenance={
        "requested": url, "status": status, "archived": snapshot.url,
        "snapshot_timestamp": snapshot.timestamp})
    return {"status": status, "archived": snapshot.url, "note": "archived copy"}


def _is_post_link(url: str) -> bool:
    """A link to a post on a network we fetch through its API (a tweet): no page to read."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("mobile.")
    return host in ("twitter.com", "x.com") and "/status/" in parts.path


def _is_storify(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("sfy.co", "storify.com") or host.endswith(".storify.com")


def _story_from_archive(http, url: str, batch: Batch, params: Mapping) -> dict:
    """A Storify story (closed in 2018) from the Wayback Machine. Every form the archive holds
    is tried (API JSON, page, /embed, .html export, 2011 .json) and the most complete kept;
    a capture holding only part of the story says so."""
    around, archive = params.get("around"), params["wayback"]
    story_id = storify.story_id_from_url(url)
    tried: list[tuple[tuple, Batch, storify.StoryResult, wayback.Snapshot]] = []
    try:
        if story_id is None:  # sfy.co/XXXX: its capture redirects to the story
            snapshot = wayback.closest(http, url, around, status="30[12]|200", **archive)
            if snapshot is None:
                batch.problems.append(Problem(url, "a Storify short link the Wayback Machine "
                                                   "never captured"))
                return {"status": None, "note": "dead"}
            response = wayback.fetch_snapshot(http, snapshot)
            story_id = storify.story_id_from_url(str(response.url))
            if story_id is None:
                batch.problems.append(Problem(url, "its archived copy is not a Storify story"))
                return {"status": None, "note": "dead"}
        for candidate in storify.capture_candidates(story_id):
            snapshot = wayback.closest(http, candidate, around, **archive)
            if snapshot is None:
                continue
            trial = Batch()
            try:
                result = storify.fetch_capture(http, snapshot.raw_url, trial,
                                               story_url=f"https://storify.com/{story_id}")
            except (FetchError, ValueError):
                continue
            tried.append(((result.complete, result.have), trial, result, snapshot))
            if result.complete:
                break
    except FetchError as exc:
        batch.problems.append(Problem(url, f"the Wayback Machine: {exc}"))
    if not tried:
        batch.problems.append(Problem(url, f"no capture of Storify story {story_id} could be "
                                           "read in the Wayback Machine"))
        return {"status": None, "note": "dead"}
    _, best, result, snapshot = max(tried, key=lambda t: t[0])
    batch.extend(best)  # with its "this capture holds 20 of 57 elements" note, if partial
    # For people: the story page as the archive shows it, whichever form was read.
    page = wayback.playback_url(f"https://storify.com/{story_id}", snapshot.timestamp,
                                archive["base"])
    return {"status": None, "archived": page, "note": f"Storify story ({result.form})"}


def parse_page(html: str | bytes, url: str, batch: Batch, provenance: Mapping) -> str | None:
    """A page's main text and metadata ► an ``article`` item (pure); returns its id."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False)
    if document is None or not (document.text or "").strip():
        batch.problems.append(Problem(url, "no readable text found on the page"))
        return None
    canonical = document.url or url
    item_id = f"{PLATFORM}:{canonical}"
    author_id = None
    if document.author:
        site = urlsplit(canonical).netloc
        author_id = f"{PLATFORM}:{site}/{document.author}"
        batch.authors.append(Author(author_id, PLATFORM, display_name=document.author))
    published = _published_time(html) or (utc_iso(document.date) if document.date else None)
    batch.items.append(Item(
        id=item_id, kind="article", platform=PLATFORM, native_id=canonical, url=canonical,
        author_id=author_id, published_at=published, title=document.title,
        text=document.text.strip(),
        raw=orjson.dumps({**provenance, "site_name": document.sitename,
                          "description": document.description}).decode(),
    ))
    return item_id


_PUBLISHED = re.compile(
    r"""<meta\s[^>]*?(?:property|name|itemprop)=["'](?:article:published_time|datePublished|"""
    r"""dc\.date(?:\.issued)?)["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content=["']([^"']+)["']""", re.I)


def _published_time(html: str | bytes) -> str | None:
    """The page's own publication time with its hour (trafilatura keeps only the date)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    tag = _PUBLISHED.search(html)
    value = _CONTENT.search(tag.group(0)) if tag else None
    if not value or "T" not in value.group(1):
        return None
    return utc_iso(value.group(1))


def write_warc(folder: Path, response: httpx.Response) -> str:
    """Append the exchange to today's WARC file; returns ``file#record-id`` for provenance."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"eventarchive-{datetime.now(UTC):%Y%m%d}.warc.gz"
    status = f"{response.status_code} {response.reason_phrase}"
    # The body is stored decoded, so the headers must not claim an encoding or a length.
    kept = [(k, v) for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
    kept.append(("Content-Length", str(len(response.content))))
    headers = StatusAndHeaders(status, kept, protocol="HTTP/1.1")
    with open(path, "ab") as out:
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(str(response.url), "response",
                                           payload=io.BytesIO(response.content),
                                           http_headers=headers)
        writer.write_record(record)
    return f"{path.name}#{record.rec_headers.get_header('WARC-Record-ID')}"


SOURCE = Source(
    name=NAME,
    stage="web",
    settings={
        "robots": Setting("bool", True, "obey robots.txt"),
        "per_host_delay": Setting("number", 1.0, "seconds between two requests to one host",
                                  minimum=0, maximum=600),
    },
    secrets=(guardian.KEY_ENV,),
    plan=plan,
    fetch=fetch,
    untrusted_links=True,
)
