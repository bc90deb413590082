"""Storify stories (closed 2018-05-16) ► records, from the forms the Wayback Machine kept.

A story becomes one item of kind ``story`` (``storify:{user}/{slug}``, lower-cased) and one item
of kind ``story_element`` per element, in story order, each with ``in_reply_to`` set to the
story. ``StoryResult.positions`` pairs every element's item id with its place (0, 1, 2 …) for
``event_items.position``; it is also copied into ``batch.positions`` when the Batch has that
field. A tweet in a story (a ``quote`` or ``image`` whose permalink is a status) is also kept
as the ``twitter:{id}`` post it came from, so it meets the same tweet from an archive or twarc;
the element links to it.

Forms read: API v1 JSON (``{"code":200,"content":{…}}``, paged at 20 elements), the 2010–11
``.json`` (``elementClass`` elements), and HTML — the story page, ``/embed`` and the 2017–18
``.html`` export, all ``ol.s-elements > li.s-element[data-eid][data-type][data-permalink]``.
A capture holding fewer elements than the story's ``stats.elements`` gets a Problem, so the
caller can look for another capture. Parsing is pure; ``fetch_capture`` is the only I/O.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import nh3
import orjson
from bs4 import BeautifulSoup

from ..records import Author, Batch, Item, Link, Media, Mention, Problem, Tag, media_type
from ..text import html_to_text
from ..times import utc_iso
from . import Source, twitter

PLATFORM = "storify"
PER_PAGE = 20  # the API's default page of elements
KINDS = ("text", "quote", "image", "video", "link", "other")
_V0_KINDS = {"tweet": "quote", "photo": "image", "video": "video", "text": "text"}
_NOT_USERS = {"api", "faq-eol", "login", "create", "public", "search", "topics", "tos", "about"}
_TWEET = re.compile(r"^(?:https?:)?//(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?"
                    r"([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)")
_JS_STORY = re.compile(r'^\s*s\.story\["(\w+)"\]\s*=\s*(.+?);\s*$', re.M)
_JSONP = re.compile(r"^\s*[\w.$]+\s*\((.*)\)\s*;?\s*$", re.S)
_JSONP_START = re.compile(r"^\s*[\w.$]+\s*\(\s*\{")
_REPLAYED = re.compile(r"^(?:(?:https?:)?//web\.archive\.org)?/web/\d+[a-z_]*/(.+)$")
_SAVED_FROM = re.compile(r"<!-- saved from url=\(\d+\)(\S+) -->")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<!\w)@(\w{1,15})")


@dataclass
class StoryResult:
    """What one capture held: ``positions`` is ``[(element item id, position), …]`` in story
    order; ``have`` elements of ``expected`` (None when the capture does not say)."""

    story_id: str
    url: str
    form: str
    positions: list[tuple[str, int]] = field(default_factory=list)
    have: int = 0
    expected: int | None = None
    shortlink: str | None = None

    @property
    def complete(self) -> bool:
        return self.expected is None or self.have >= self.expected


@dataclass
class _Story:
    sid: str
    url: str
    form: str
    title: str | None = None
    description: str | None = None
    curator: str | None = None
    curator_name: str | None = None
    curator_avatar: str | None = None
    published_at: str | None = None
    shortlink: str | None = None
    expected: int | None = None
    offset: int = 0
    twitter_ids: dict = field(default_factory=dict)  # lower-cased handle ► numeric user id
    raw: dict = field(default_factory=dict)


@dataclass
class _Element:
    kind: str
    eid: str | None = None
    permalink: str | None = None
    posted_at: str | None = None
    html: str | None = None
    title: str | None = None
    handle: str | None = None
    name: str | None = None
    avatar: str | None = None
    user_id: str | None = None
    image: str | None = None
    raw: dict = field(default_factory=dict)


# -- addresses --------------------------------------------------------------------------------

def story_id_from_url(url: str | None) -> str | None:
    """``user/slug`` (lower-cased) from any story address: the page, ``/embed``, ``.html``,
    ``.json``, ``api.storify.com/v1/stories/…``, or a Wayback Machine capture of one."""
    if not url:
        return None
    url = url.strip()
    # A capture address, on web.archive.org or on the configured Wayback base_url.
    wayback = re.match(r"^(?:https?:)?//[^/]+(?:/[^/]+)*?/web/\d+[a-z_]*/(.+)$", url)
    if wayback:
        return story_id_from_url(wayback.group(1))
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in ("api.storify.com", "private-api.storify.com"):
        path = re.sub(r"^/v1/stories", "", path)
    elif host not in ("storify.com", "www.storify.com"):
        return None
    found = re.match(r"^/([\w-]+)/([\w-]+?)(?:\.(?:html|json|xml|js))?"
                     r"(?:/(?:embed|elements(?:\.json)?))?/?$", path)
    if not found or found.group(1).lower() in _NOT_USERS:
        return None
    return f"{found.group(1)}/{found.group(2)}".lower()


def capture_candidates(story_id: str) -> list[str]:
    """Original addresses to look up in the Wayback Machine, most useful first."""
    return [f"http://api.storify.com/v1/stories/{story_id}",
            f"https://storify.com/{story_id}", f"https://storify.com/{story_id}/embed",
            f"https://storify.com/{story_id}.html", f"http://storify.com/{story_id}.json"]


def unwrap_image(url: str | None) -> str | None:
    """The real image behind an embed.ly proxy (``i.embed.ly/…?url=…``); None unless http(s)."""
    if not url:
        return None
    replayed = _REPLAYED.match(url)  # a Wayback replay rewrites it to /web/<time>im_/<url>
    url = replayed.group(1) if replayed else url
    url = "https:" + url if url.startswith("//") else url
    if "embed.ly" in (urlsplit(url).hostname or ""):
        inner = parse_qs(urlsplit(url).query).get("url")
        url = inner[0] if inner else url
    return url if url.startswith(("http://", "https://")) else None


# -- JSON -------------------------------------------------------------------------------------

def load_json(text: str | bytes):
    """JSON or JSONP (``cb({…})``, as the 2010–11 ``.json?callback=`` answered)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    wrapped = _JSONP.match(text) if not text.lstrip().startswith(("{", "[")) else None
    return orjson.loads(wrapped.group(1) if wrapped else text)


def completeness(data) -> tuple[int, int | None]:
    """(elements this capture holds, elements the story has) for a JSON payload or HTML."""
    if isinstance(data, str):
        soup = BeautifulSoup(data, "html.parser")
        return len(_html_items(soup)), _expected(_js_story(data).get("stats"))
    content = data.get("content") if isinstance(data.get("content"), dict) else data
    return len(_listed(content.get("elements"))), _expected(content.get("stats"))


def parse_story_json(data, batch: Batch, url: str | None = None) -> StoryResult:
    """API v1 JSON or the 2010–11 ``.json``; ``url`` (the address captured) supplies
    ``page``/``per_page`` when it asked for a later page. Raises ValueError on anything else."""
    if not isinstance(data, dict):
        raise ValueError("not a Storify story (expected a JSON object)")
    content = data.get("content")
    if isinstance(content, dict) and "elements" in content:
        story, elements = _v1_story(content, url), content.get("elements")
        make = _v1_element
    elif "elements" in data and ("permalink" in data or "author" in data):
        story, elements, make = _v0_story(data, url), data.get("elements"), _v0_element
    else:
        error = data.get("error") or {}
        why = error.get("message") if isinstance(error, dict) else error
        raise ValueError(f"not a Storify story{f' (the API said: {why})' if why else ''}")
    return _emit(story, [make(e, story) for e in _listed(elements)], batch)


def _v1_story(content: dict, url: str | None) -> _Story:
    author = content.get("author") or {}
    sid = story_id_from_url(content.get("permalink")) or story_id_from_url(url) or (
        f"{author.get('username')}/{content.get('slug')}".lower()
        if author.get("username") and content.get("slug") else None)
    if not sid:
        raise ValueError("a Storify story without a permalink, author or slug")
    query = parse_qs(urlsplit(url or "").query)
    page = int((query.get("page") or [content.get("page") or 1])[0])
    per_page = int((query.get("per_page") or [content.get("per_page") or PER_PAGE])[0])
    date = content.get("date") or {}
    quoted = (content.get("meta") or {}).get("quoted") or []
    return _Story(
        sid=sid, url=_story_url(sid, content.get("permalink")), form="api-v1",
        title=content.get("title"), description=content.get("description"),
        curator=author.get("username"), curator_name=author.get("name"),
        curator_avatar=author.get("avatar"), published_at=utc_iso(date.get("published"))
        or utc_iso(date.get("created")), shortlink=content.get("shortlink"),
        expected=_expected(content.get("stats")), offset=(page - 1) * per_page,
        twitter_ids={q["username"].lower(): str(q["userid"]) for q in quoted
                     if isinstance(q, dict) and q.get("username") and q.get("userid")},
        raw={k: v for k, v in content.items() if k != "elements"})


def _v1_element(el: dict, story: _Story) -> _Element:
    kind = el.get("type") if el.get("type") in KINDS else "other"
    data = (el.get("data") or {}).get(kind)
    data = {"text": data} if isinstance(data, str) else (data or {})
    attribution = el.get("attribution") or {}
    found = _TWEET.match(el.get("permalink") or "")
    handle = attribution.get("username") or (found.group(1) if found else None)
    body = {"image": "caption", "link": "description", "video": "description"}.get(kind, "text")
    return _Element(
        kind=kind, eid=str(el.get("eid") or el.get("id") or "") or None,
        permalink=_absolute(el.get("permalink")),
        posted_at=utc_iso(el.get("posted_at")) or utc_iso(el.get("added_at")),
        html=data.get(body) or data.get("text") or data.get("description"),
        title=data.get("title") if kind in ("link", "video", "other") else None,
        handle=handle, name=attribution.get("name"), avatar=attribution.get("thumbnail"),
        user_id=story.twitter_ids.get(handle.lower()) if handle else None,
        image=unwrap_image(data.get("src")) if kind == "image" else None, raw=el)


def _v0_story(data: dict, url: str | None) -> _Story:
    author = data.get("author") or {}
    sid = story_id_from_url(data.get("permalink")) or story_id_from_url(url)
    if not sid:
        raise ValueError("a Storify story without a permalink")
    return _Story(
        sid=sid, url=_story_url(sid, data.get("permalink")), form="v0-json",
        title=data.get("title"), description=data.get("description"),
        curator=author.get("username"), curator_name=author.get("name"),
        curator_avatar=author.get("avatar"), published_at=_when(data.get("published_at")),
        shortlink=data.get("shorturl"), raw={k: v for k, v in data.items() if k != "elements"})


def _v0_element(el: dict, story: _Story) -> _Element:
    kind = _V0_KINDS.get(el.get("elementClass"), "other")
    meta = el.get("metadata") or {}
    author = el.get("author") or {}
    user = meta.get("user") or {}
    return _Element(
        kind=kind, eid=str(el.get("eid") or el.get("id") or "") or None,
        permalink=_absolute(el.get("permalink")),
        posted_at=_when(meta.get("created_at")) or _when(el.get("created_at")),
        html=(meta.get("title") if kind == "image" else None) or el.get("description"),
        handle=author.get("username"), name=author.get("name") or user.get("name"),
        avatar=author.get("avatar") or user.get("profile_image_url"),
        user_id=user.get("id_str"), raw=el,
        image=unwrap_image(meta.get("url_o") or meta.get("url_m") or meta.get("url"))
        if kind == "image" else None)


# -- HTML -------------------------------------------------------------------------------------

def parse_story_html(html: str, url: str | None, batch: Batch) -> StoryResult:
    """The story page, ``/embed``, or the 2017–18 ``.html`` export (also as a browser saved
    it). Raises ValueError when the page holds no story (an error capture, say)."""
    meta = _js_story(html)
    saved = _SAVED_FROM.search(html[:2000])
    url = url or (saved.group(1) if saved else None)
    soup = BeautifulSoup(html, "html.parser")
    for a in soup.find_all("a", href=_REPLAYED):  # links a Wayback replay rewrote
        a["href"] = _REPLAYED.match(a["href"]).group(1)
    header = soup.select_one(".s-header") or soup
    curator = header.select_one("a.s-author-name")
    logo = soup.select_one(".s-author a.logo, a.s-published-date, link[rel=canonical]")
    og_url = soup.select_one("meta[property='og:url'][content]")
    sid = (story_id_from_url(url) or story_id_from_url(meta.get("permalink"))
           or story_id_from_url(logo.get("href") if logo else None)
           or story_id_from_url(og_url["content"] if og_url else None))
    items = _html_items(soup)
    if not sid or not (items or meta):
        raise ValueError("no Storify story in this page (an error capture? try another)")
    path = urlsplit(url or "").path
    author = meta.get("author") if isinstance(meta.get("author"), dict) else {}
    date = meta.get("date") if isinstance(meta.get("date"), dict) else {}
    published = header.select_one(".s-published-date[data-timestamp]")
    title = header.select_one(".s-title, h1.title")
    description = header.select_one(".s-description, p.description")
    story = _Story(
        sid=sid, url=_story_url(sid, meta.get("permalink")),
        form="embed" if path.endswith("/embed") else "export" if path.endswith(".html")
        else "page",
        title=title.get_text(" ", strip=True) if title else meta.get("title"),
        description=description.decode_contents() if description else meta.get("description"),
        curator=author.get("username") or (curator.get_text(strip=True) if curator else None)
        or sid.split("/")[0],
        curator_name=author.get("name"), published_at=utc_iso(date.get("published")) or (
            utc_iso(published["data-timestamp"]) if published else None),
        shortlink=meta.get("shortlink"), expected=_expected(meta.get("stats")),
        raw={"form": "html", "url": url, "sid": meta.get("sid"), "date": date or None})
    return _emit(story, [_html_element(li, story) for li in items], batch)


def _js_story(html: str) -> dict:
    """``s.story["key"] = value;`` lines (JavaScript, with ``undefined`` in it) ► a dict."""
    found = {}
    for key, value in _JS_STORY.findall(html):
        try:
            found[key] = json.loads(re.sub(r"\bundefined\b", "null", value))
        except ValueError:
            continue
    return found


def _html_items(soup: BeautifulSoup) -> list:
    # Pages older than the s-* markup were never seen; "ol.elements > li.element.tweet" is a guess.
    listing = soup.select_one("ol.s-elements") or soup.select_one("ol.elements, ul.elements")
    if listing is not None:
        items = listing.find_all("li", recursive=False)
    else:
        items = [li for li in soup.find_all("li", attrs={"data-permalink": True})
                 if li.find_parent("li", attrs={"data-permalink": True}) is None]
    return [li for li in items if not any(c.startswith("s-share") for c in li.get("class", []))
            and (li.get("data-eid") or li.get("data-permalink")
                 or {"s-element", "element"} & set(li.get("class", [])))]


def _html_element(li, story: _Story) -> _Element:
    for noise in li.select("[class*=s-share], .s-element-actions"):
        noise.decompose()
    classes = [_V0_KINDS.get(c, c).removeprefix("s-element-") for c in li.get("class", [])]
    kind = li.get("data-type") or next((c for c in classes if c in KINDS), "other")
    first = li.select_one
    body = {"quote": ".s-quote-text", "image": ".s-image-caption",
            "link": ".s-link-description", "video": ".s-video-description"}.get(kind)
    body = ((first(body) if body else None) or first(".s-element-content, [class$=emojify]")
            or first("blockquote p, .caption") or (li if kind == "text" else None))
    for chrome in body.select(".s-attribution") if body is not None else ():
        chrome.decompose()
    who = first(".s-quote-author-username, .s-author-twitter-handle")
    name = first(".s-quote-author-name, .s-author-twitter-name, a.s-author-name")
    stamp = li.find(attrs={"data-timestamp": True}) or first("time[datetime]")
    title = first(".s-link-title, .s-video-title") or (first("a[href]") if kind == "link" else None)
    cite = first("blockquote[cite]") or title
    permalink = _absolute(li.get("data-permalink") or (
        cite.get("cite") or cite.get("href") if cite else None))
    found = _TWEET.match(permalink or "")
    handle = (who.get_text(strip=True).lstrip("@") if who else None) or (
        found.group(1) if found else None)
    picture = first(".s-image-content img, .s-element-content img, img") if kind == "image" \
        else None
    avatar = first(".s-quote-avatar img")
    return _Element(
        kind=kind, eid=li.get("data-eid"), permalink=permalink,
        posted_at=utc_iso(stamp.get("data-timestamp") or stamp.get("datetime")) if stamp else None,
        html=body.decode_contents().strip() if body is not None else None,
        title=title.get_text(" ", strip=True) if title else None, handle=handle,
        name=name.get_text(strip=True) if name else None,
        avatar=unwrap_image(avatar.get("src")) if avatar else None,
        image=unwrap_image((picture.get("data-media") or picture.get("src")) if picture
                           else li.get("data-media")),
        raw={k: li.get(f"data-{k}") for k in ("eid", "type", "source", "permalink")
             if li.get(f"data-{k}")} | {"form": story.form})


# -- records ----------------------------------------------------------------------------------

def _emit(story: _Story, elements: list[_Element], batch: Batch) -> StoryResult:
    story_item = f"{PLATFORM}:{story.sid}"
    curator = None
    if story.curator:
        curator = Author(f"{PLATFORM}:{story.curator.lower()}", PLATFORM, story.curator,
                         story.curator_name, f"https://storify.com/{story.curator}",
                         unwrap_image(story.curator_avatar))
        batch.authors.append(curator)
    description = story.description or None
    batch.items.append(Item(
        id=story_item, kind="story", platform=PLATFORM, native_id=story.sid, url=story.url,
        author_id=curator.id if curator else None, published_at=story.published_at,
        title=story.title or None, text=html_to_text(description) or None,
        html=nh3.clean(description) if description and "<" in description else None,
        raw=orjson.dumps(story.raw | {"form": story.form}, default=str).decode()))
    result = StoryResult(story.sid, story.url, story.form, have=len(elements),
                         expected=story.expected, shortlink=story.shortlink)
    for index, element in enumerate(elements):
        position = story.offset + index
        native = f"{story.sid}/{element.eid or position}"
        _emit_element(element, f"{PLATFORM}:{native}", native, story_item, curator, batch)
        result.positions.append((f"{PLATFORM}:{native}", position))
    if hasattr(batch, "positions"):  # once Batch carries positions (see the module notes)
        batch.positions.update(result.positions)
    if not result.complete:
        start = f" (from element {story.offset + 1})" if story.offset else ""
        batch.problems.append(Problem(story.url, (
            f"this capture holds {result.have} of {result.expected} elements{start}; look for "
            f"another capture: the API with per_page={result.expected}, the story page, "
            "/embed or the .html export")))
    return result


def _emit_element(el: _Element, item_id: str, native: str, story_item: str,
                  curator: Author | None, batch: Batch) -> None:
    soup = BeautifulSoup(el.html or "", "html.parser")
    for a in soup.find_all("a", title=True):  # t.co links: the title holds the real address
        if a["title"].startswith("http") and (a.get("href", "").startswith(
                ("http://t.co/", "https://t.co/")) or a.find(class_="js-display-url")):
            a.string, a["href"] = a["title"], a["title"]
    body = str(soup)
    text = html_to_text(body) or None
    found = _TWEET.match(el.permalink or "") if el.kind != "text" else None
    author_id = curator.id if el.kind == "text" and curator else None
    if found:
        handle, tweet_id = el.handle or found.group(1), found.group(2)
        author = Author(twitter.author_id(el.user_id or f"@{handle}"), "twitter", handle,
                        el.name, f"https://twitter.com/{handle}", unwrap_image(el.avatar))
        batch.authors.append(author)
        author_id = author.id
        tweet_url = twitter.status_url(handle, tweet_id)
        tweet_item = f"twitter:{tweet_id}"
        batch.items.append(Item(
            id=tweet_item, kind="post", platform="twitter", native_id=tweet_id, url=tweet_url,
            author_id=author.id, published_at=el.posted_at, text=text,
            raw=orjson.dumps(el.raw, default=str).decode()))
        for tag in dict.fromkeys(t.lower() for t in _HASHTAG.findall(text or "")):
            batch.tags.append(Tag(tweet_item, tag))
        for mention in dict.fromkeys(_MENTION.findall(text or "")):
            batch.mentions.append(Mention(tweet_item, mention))
        batch.links.append(Link(item_id, tweet_url))
    elif el.permalink and el.kind != "text" and "storify.com" not in el.permalink:
        batch.links.append(Link(item_id, el.permalink))
    if el.kind == "text":
        for a in soup.find_all("a", href=True):
            if a["href"].startswith(("http://", "https://")):
                batch.links.append(Link(item_id, a["href"]))
    batch.items.append(Item(
        id=item_id, kind="story_element", platform=PLATFORM, native_id=native,
        url=el.permalink, author_id=author_id, published_at=el.posted_at, title=el.title,
        text=text, html=nh3.clean(body) if el.html and "<" in el.html else None,
        in_reply_to=story_item, raw=orjson.dumps(el.raw, default=str).decode()))
    if el.image:
        batch.media.append(Media(id=f"{PLATFORM}:{el.image}", item_id=item_id, url=el.image,
                                 mime=media_type(el.image), taken_at=el.posted_at,
                                 alt_text=text))


def _listed(elements) -> list:
    if isinstance(elements, dict):
        elements = list(elements.values())
    return [e for e in elements or () if isinstance(e, dict)]


def _expected(stats) -> int | None:
    counts = stats.get("elements") if isinstance(stats, dict) else None
    if isinstance(counts, dict):
        return sum(v for v in counts.values() if isinstance(v, int))
    return counts if isinstance(counts, int) else None


def _absolute(url: str | None) -> str | None:
    return ("https:" + url if url.startswith("//") else url) if url else None


def _story_url(sid: str, permalink: str | None) -> str:
    path = urlsplit(_absolute(permalink) or "").path.strip("/")
    return f"https://storify.com/{path if path.lower() == sid else sid}"


def _when(value) -> str | None:
    """Unix seconds (the 2010–11 JSON), ISO 8601, or Twitter's ``Fri Oct 21 … 2011``."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value), UTC).isoformat()
    if isinstance(value, str):
        return utc_iso(value) or twitter.iso_time(value)
    return None


# -- fetching ---------------------------------------------------------------------------------

def parse_capture(body: str | bytes, url: str, batch: Batch) -> StoryResult:
    """Any captured form, JSON or HTML, told apart by its first character."""
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    if text.lstrip()[:1] == "{" or _JSONP_START.match(text[:200]):
        return parse_story_json(load_json(text), batch, url)
    return parse_story_html(text, url, batch)


def fetch_capture(http, capture_url: str, batch: Batch, story_url: str | None = None
                  ) -> StoryResult:
    """GET one capture (e.g. a Wayback ``…id_/`` address) and parse it into ``batch``.
    ``story_url`` is the original address when ``capture_url`` does not contain it."""
    response = http.request("GET", capture_url)
    return parse_capture(response.content, story_url or capture_url, batch)


# Stories come in through the web stage (dead Storify links) and `import storify`; the table
# [sources.storify] has no settings yet.
SOURCE = Source(name=PLATFORM, used_by="web")
