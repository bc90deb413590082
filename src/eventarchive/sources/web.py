"""The web record: every link in archived posts and every seed URL of an event, unshortened,
fetched politely and kept as an ``article`` item with its provenance.

One query per URL (``page:URL``), each with its own stored state: validators (ETag,
Last-Modified), the outcome, final address, status, archived copy, WARC record, a hash of the
content and when to try again. For each URL: skip what is not a web address before any
request; follow redirects with the private-address guard on every hop; send ``If-None-Match`` /
``If-Modified-Since`` when the page was fetched before; respect robots.txt; pace requests per
host; write the exchange (and the API answers read for it) to the run's WARC file; extract the
main text and metadata with trafilatura. A dead link (no such host, 404, 410, a refused
connection or a failed TLS handshake) is looked up in the Wayback Machine, and without a copy
it is tried again after 1, 7, then 30 days. A seed page is re-checked after 1 hour, then less
often while it stays the same (``recheck_after``); one not due asks nothing at all. A seed
page's own links are followed one step (as ``Page.follow`` queries, which never follow
further). Each referring post's ``links`` row gets the final URL, status and archived copy.
"""

from __future__ import annotations

import hashlib
import inspect
import ipaddress
import threading
import time
import urllib.robotparser
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ..extractpool import Workers, WorkFailed
from ..fetchpool import release_host
from ..http import FetchError, PrivateAddress, RateLimited
from ..records import Batch, Link, Problem
from ..warc import Capture, WarcFile
from . import Context, Page, Query, Setting, Source, guardian, wayback, wordpress
from ._web_read import (
    add_article,
    from_archive,
    is_storify,
    parse_page,
    read_page,
    story_from_archive,
)
from ._web_schedule import due, schedule, seconds

__all__ = ["SOURCE", "fetch", "parse_page", "plan", "unfetchable"]

NAME = "web"
PLATFORM = "web"
DEAD_STATUSES = (404, 410)
HTML_TYPES = ("text/html", "application/xhtml+xml")
POOL_FROM = 8  # URLs in a run from which pages are read in worker processes


def plan(ctx: Context) -> list[Query]:
    """One query per URL: the event's seed URLs (re-checked on later runs) and the links of
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
    run = _Run(params={
        "around": event.starts_at,
        "live": (seconds(event.starts_at), seconds(event.ends_at)),
        "wayback": {"base": wayback_settings["base_url"],
                    "availability_url": wayback_settings["availability_url"]},
        "wordpress": {"wpcom_base": ctx.source_settings("wordpress")["wpcom_base"]},
        "guardian": {"base_url": guardian_settings["base_url"],
                     "key": ctx.env.get(guardian.KEY_ENV) or guardian.DEFAULT_KEY},
    }, polite=_Politeness(float(settings["per_host_delay"]), settings["robots"]),
        warc=WarcFile(Path(ctx.media_dir) / "warc", about=f"eventarchive: {event.slug}")
        if ctx.media_dir else None)
    if ctx.workers is not None and len(urls) >= POOL_FROM:
        run.workers = ctx.workers if ctx.workers.start() else run.workers
    seeds = set(event.urls)
    return [run.query(url, referrers, url in seeds) for url, referrers in urls.items()]


class _Run:
    """What the queries of one run share (created by ``plan``; only ``Page.state`` is
    stored): politeness per host, the run's WARC file, the settings of the sources the web
    stage reads through, and the URLs planned or done, so a page is fetched once per run.

    Queries run at once on the runner's threads: what they share is changed under ``lock``,
    and each thread captures its own answers."""

    def __init__(self, params: dict, polite: _Politeness, warc: WarcFile | None,
                 clock=time.time):
        self.params, self.polite, self.warc, self.clock = params, polite, warc, clock
        self.workers = Workers(0)  # pages read in the fetching thread, unless plan starts some
        self.queries: dict[str, Query] = {}
        self.results: dict[str, dict] = {}
        self.lock = threading.Lock()
        self._local = threading.local()

    def query(self, url: str, referrers: list[str], seed: bool) -> Query:
        query = Query(f"page:{url}", {"url": url, "referrers": list(referrers), "seed": seed,
                                      "run": self}, host=_netloc(url))
        self.queries[url] = query
        return query

    def capture(self, http) -> Capture:
        """The client wrapped to remember the answers this thread received (the Wayback
        pacing is kept per client, so it holds across URLs and threads)."""
        capture = getattr(self._local, "capture", None)
        if capture is None or capture.http is not http:
            capture = self._local.capture = Capture(http)
        return capture

    def done(self, url: str, result: dict, query: Query) -> list[str]:
        """Record ``url``'s result; the items referring to it, including those a seed
        running at the same time added until now (later ones see the result)."""
        with self.lock:
            self.results[url] = result
            return list(query.params["referrers"])

    def archive(self, capture: Capture, cited: bool = True) -> dict[str, str]:
        """Write what was captured so far to the WARC file (on disk before the batch citing
        it is saved; synced to disk only when ``cited``); ``{url: "file#record-id"}``."""
        responses = capture.take()
        return self.warc.write(responses, capture.redact, sync=cited) if self.warc else {}

    def follow(self, found: dict[str, list[str]], batch: Batch) -> list[Query]:
        """A seed page's links, one step: new queries for URLs not planned in this run; URLs
        done already are resolved in ``batch``, those still to come get the referrers."""
        new = []
        with self.lock:
            return self._follow(found, batch, new)

    def _follow(self, found: dict[str, list[str]], batch: Batch, new: list) -> list[Query]:
        for url, item_ids in found.items():
            if url in self.results:
                result = self.results[url]
                batch.links += [Link(i, url, result.get("final"), result.get("status"),
                                     result.get("archived")) for i in item_ids]
            elif url in self.queries:
                self.queries[url].params["referrers"] += item_ids
            else:
                new.append(self.query(url, item_ids, seed=False))
        return new


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


class _Politeness:
    """robots.txt once per origin, and a pause between two requests to the same host, kept
    by every thread of a run: each request to a host takes the next free time slot of that
    host (at least ``delay`` after the one before) under a lock, then sleeps until it."""

    def __init__(self, delay: float, robots: bool, clock=time.monotonic):
        self.delay, self.robots, self.clock = delay, robots, clock
        self.parsers: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.next_slot: dict[str, float] = {}
        self.lock = threading.Lock()
        self.origin_locks: dict[str, threading.Lock] = {}

    def allowed(self, http, url: str) -> bool:
        if not self.robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self.lock:
            origin_lock = self.origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one thread reads robots.txt; the others of that origin wait
            if origin not in self.parsers:
                self.parsers[origin] = self._robots(http, origin)
        parser = self.parsers[origin]
        agent = http.settings.user_agent.split("/")[0]
        return parser is None or parser.can_fetch(agent, url)

    def _robots(self, http, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """The origin's rules; None without a robots.txt (or unreachable): nothing forbidden."""
        parser = urllib.robotparser.RobotFileParser()
        try:
            response = http.request("GET", f"{origin}/robots.txt", **one_retry(http))
        except (FetchError, httpx.HTTPError):
            return None
        parser.parse(response.text.splitlines())
        return parser

    def wait(self, http, url: str) -> None:
        host = _netloc(url)
        with self.lock:
            now = self.clock()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + self.delay
        if slot > now:
            http.sleep(slot - now)


def fetch(http, query: Query, state: dict):
    """One Page for one URL: the article (if any), its referrers' resolved links, and what to
    remember about the URL; a seed's links come back as ``follow`` queries."""
    params = query.params
    run: _Run = params["run"]
    url, seed = params["url"], params["seed"]
    batch = Batch()
    now = run.clock()
    reason = unfetchable(url)
    if reason is not None:
        if state.get("outcome") == "skipped":
            result = state  # said once, not on every run
        else:
            batch.problems.append(Problem(url, f"{reason}; skipped"))
            result = {"outcome": "skipped", "reason": reason}
    elif due(state, seed, now):
        result = _visit(http, run, url, state, batch, seed, now)
    else:
        result = state  # settled, or not due again yet: nothing is asked
    referrers = run.done(url, result, query)
    follow = run.follow(result.get("follow") or {}, batch) if seed else []
    for item_id in referrers:
        batch.links.append(Link(item_id, url, result.get("final"), result.get("status"),
                                result.get("archived")))
    yield Page(batch, result, follow, asked=result is not state)


def _visit(http, run: _Run, url: str, seen: dict, batch: Batch, seed: bool,
           now: float) -> dict:
    capture = run.capture(http)
    try:
        result = _fetch_one(capture, run, url, seen, batch)
    except RateLimited:
        raise  # the whole source stops; the next run carries on
    except FetchError as exc:  # one bad link never stops the others
        batch.problems.append(Problem(url, str(exc)))
        result = {"outcome": "failed", "status": exc.status}
    except (httpx.HTTPError, httpx.InvalidURL) as exc:  # what the HTTP layer did not name
        batch.problems.append(Problem(url, f"{urlsplit(url).hostname}: could not read the "
                                      f"answer ({type(exc).__name__}: {exc})"))
        result = {"outcome": "failed", "status": None}
    finally:
        # What no item cites (robots.txt, 304s, the API answers read for this URL) is written
        # before the batch is saved, without waiting for the disk: docs/decisions.md.
        run.archive(capture, cited=False)
    found = {link.url: [] for link in batch.links}
    for link in batch.links:
        found[link.url].append(link.item_id)
    found = {u: ids for u, ids in found.items() if u != url and u.startswith(("http://",
             "https://")) and not _is_post_link(u)}
    if seed and found and not guardian.is_guardian(url):
        # One step further, no more: the pages an event's own write-up links to (its Storify
        # story, the newspaper piece) are part of the record; their links are not.
        result["follow"] = found
    result = schedule(seen, result, now, seed, run.params.get("live"))
    if seed and seen.get("outcome") == "ok" and result["outcome"] == "ok" \
            and result.get("unchanged") == 0:
        batch.replace = "newer"  # changed since it was read: keep what it says now
    return result


def _fetch_one(http, run: _Run, url: str, seen: dict, batch: Batch) -> dict:
    """Fetch, extract and record one URL; returns what to remember about it."""
    params = run.params
    if is_storify(url):
        return story_from_archive(http, url, batch, params)
    if wayback.is_known_dead(url):  # posterous, friendfeed …: only the archive has them
        return _dead(http, url, "the site is gone", None, seen, batch, params)
    if guardian.is_guardian(url):
        try:
            found = guardian.fetch_article(http, url, **params["guardian"])
        except guardian.NotAnArticle:
            pass  # a gallery, a section page: read it as a page
        else:
            batch.extend(found)
            digest = hashlib.sha256("\x1f".join(f"{i.title}\x1e{i.text}\x1e{i.html}"
                                                for i in found.items).encode()).hexdigest()
            return {"outcome": "ok", "final": url, "status": 200, "hash": digest,
                    "note": "Guardian Content API"}
    if not run.polite.allowed(http, url):
        batch.problems.append(Problem(url, "robots.txt asks robots not to fetch this page"))
        return {"outcome": "robots", "note": "robots"}
    headers = {}
    if seen.get("etag"):
        headers["If-None-Match"] = seen["etag"]
    if seen.get("last_modified"):
        headers["If-Modified-Since"] = seen["last_modified"]
    run.polite.wait(http, url)
    try:
        response = http.request("GET", url, headers=headers, **one_retry(http))
    except PrivateAddress as exc:
        batch.problems.append(Problem(url, str(exc)))
        return {"outcome": "private", "status": None, "note": "private address"}
    except FetchError as exc:
        if exc.status in DEAD_STATUSES or exc.gone or is_refused(exc):
            return _dead(http, url, str(exc), exc.status, seen, batch, params)
        raise
    final = str(response.url)
    remembered = {"outcome": "ok", "final": final, "status": response.status_code,
                  "etag": response.headers.get("etag") or seen.get("etag"),
                  "last_modified": response.headers.get("last-modified")
                  or seen.get("last_modified"),
                  "redirects": [str(r.url) for r in response.history]}
    if response.status_code == 304:
        remembered.update(final=seen.get("final", final), status=seen.get("status", 200),
                          not_modified=True)
        return remembered
    remembered["hash"] = hashlib.sha256(response.content).hexdigest()
    unchanged = remembered["hash"] == seen.get("hash") and seen.get("outcome") == "ok"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    is_page = not unchanged and (not content_type or content_type in HTML_TYPES)
    blog = is_page and _is_wordpress(response.text, final)
    remembered["warc"] = run.archive(http).get(final)
    if not blog:  # nothing more to ask this host: another URL of it may start meanwhile
        release_host()
    if unchanged:
        return remembered  # the same bytes as last time: nothing new to read
    if not is_page:
        batch.problems.append(Problem(url, f"not a web page ({content_type}); the link is kept"))
        return remembered
    if blog:
        # The post and every reader comment, by whichever route the blog offers.
        batch.extend(wordpress.fetch_post(http, final, response.text,
                                          wpcom_base=params["wordpress"]["wpcom_base"]))
        remembered["note"] = "WordPress post with its comments"
        return remembered
    # Without a charset in the headers, let the extractor read the page's own <meta charset>.
    body = response.text if response.charset_encoding else response.content
    try:
        page = run.workers.run(read_page, body, final)
    except WorkFailed as exc:  # this page only; it is read again on the next run
        batch.problems.append(Problem(url, f"its text could not be read ({exc}); tried "
                                      "again on the next run"))
        return {**remembered, "outcome": "failed"}
    add_article(page, final, batch, provenance={
        "requested": url, "final": final, "status": response.status_code,
        "redirects": remembered["redirects"], "warc": remembered["warc"]})
    return remembered


def _dead(http, url: str, why: str, status, seen: dict, batch: Batch, params) -> dict:
    """A dead link: its archived copy, looked up once (a copy found before is kept)."""
    if seen.get("archived"):
        return {"outcome": "archived", "status": status}
    return from_archive(http, url, why, status, batch, params)


WORDPRESS_MARKERS = ("wordpress", "api.w.org", "wp/v2")  # what discover() could go on


def _is_wordpress(html: str, url: str) -> bool:
    lowered = html.lower() + url.lower()
    if not any(marker in lowered for marker in WORDPRESS_MARKERS):
        return False  # parsing the whole page to look for them cost 7 % of a page's time
    found = wordpress.discover(html, url)
    return bool(found.get("rest_base") or found.get("is_wordpress_com")
                or 'content="WordPress' in html)


def _is_post_link(url: str) -> bool:
    """A link to a post on a network we fetch through its API (a tweet): no page to read."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("mobile.")
    except ValueError:
        return False
    return host in ("twitter.com", "x.com") and "/status/" in parts.path


def unfetchable(url: str) -> str | None:
    """Why ``url`` cannot be fetched, decided before any request (None: it can be tried):
    another scheme (``mailto:``, ``javascript:``, ``file:``, ``data:``) or an invalid host
    (``http://999.1.1.1/``, ``http://0177.0.0.1/``, ``http://[::1/``)."""
    try:
        parts = urlsplit(url.strip())
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        return f"not a valid address ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"not a web address ({scheme}:)" if scheme else "not a web address"
    if not host:
        return "not a valid address (no host)"
    last = host.rsplit(".", 1)[-1]
    if last.isdigit() or last.startswith("0x"):  # an IPv4 address, written some odd way?
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"not a valid address (invalid host {host})"
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        return f"not a valid address ({exc})"
    return None


def is_refused(exc: Exception) -> bool:
    """A refused connection or a failed TLS handshake: for a link, the site is dead. The HTTP
    layer says so with ``FetchError.refused``; before it did, its message named the
    ``ConnectError`` that remained after the retries."""
    return bool(getattr(exc, "refused", False)) or "(ConnectError)" in str(exc)


def one_retry(http) -> dict:
    """``retries=1`` where the HTTP client takes a per-call retry count: a link found in a
    post is worth one retry, not a minute of backoff (API calls keep the default)."""
    target = getattr(http, "http", http)
    try:
        accepted = inspect.signature(target.request).parameters
    except (TypeError, ValueError):
        return {}
    return {"retries": 1} if "retries" in accepted else {}


SOURCE = Source(
    name=NAME,
    stage="web",
    settings={
        "robots": Setting("bool", True, "obey robots.txt"),
        "per_host_delay": Setting("number", 1.0, "seconds between two requests to one host",
                                  minimum=0, maximum=600),
        "concurrency": Setting("int", 8, "pages fetched at once (over different hosts)",
                               minimum=1, maximum=64),
        "per_host": Setting("int", 1, "pages fetched at once from one host", minimum=1,
                            maximum=8),
    },
    secrets=(guardian.KEY_ENV,),
    plan=plan,
    fetch=fetch,
    untrusted_links=True,
    concurrent=True,
)
