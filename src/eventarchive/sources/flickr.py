"""Flickr: photos found with ``flickr.photos.search``. Pure parse functions first, then
``plan``/``connect``/``fetch`` at the bottom.

Times: ``dateupload`` is a Unix timestamp, so it becomes ``published_at`` (UTC, exact).
``datetaken`` is the camera's local time with no zone, so it is kept as it is, in
``media.taken_at``, as ISO 8601 without an offset (``2011-10-21T10:14:33``): converting it to UTC
would mean guessing the zone. Photo ids stay strings like every id in the archive.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import nh3
import orjson
from bs4 import BeautifulSoup

from ..errors import ConfigError
from ..http import AuthError, FetchError
from ..records import Author, Batch, Item, Link, Media, Problem, Tag, media_type
from . import Connection, Context, Page, Query, Setting, Source, remembered

PLATFORM = "flickr"

# The licences Flickr offers, as flickr.photos.licenses.getInfo listed them
# (https://www.flickr.com/services/api/flickr.photos.licenses.getInfo.html). Used when that call
# fails; the live answer wins, so a licence Flickr adds later still gets its name.
LICENSES: dict[str, tuple[str, str | None]] = {
    "0": ("All Rights Reserved", None),
    "1": ("Attribution-NonCommercial-ShareAlike License",
          "https://creativecommons.org/licenses/by-nc-sa/2.0/"),
    "2": ("Attribution-NonCommercial License", "https://creativecommons.org/licenses/by-nc/2.0/"),
    "3": ("Attribution-NonCommercial-NoDerivs License",
          "https://creativecommons.org/licenses/by-nc-nd/2.0/"),
    "4": ("Attribution License", "https://creativecommons.org/licenses/by/2.0/"),
    "5": ("Attribution-ShareAlike License", "https://creativecommons.org/licenses/by-sa/2.0/"),
    "6": ("Attribution-NoDerivs License", "https://creativecommons.org/licenses/by-nd/2.0/"),
    "7": ("No known copyright restrictions", "https://www.flickr.com/commons/usage/"),
    "8": ("United States Government Work", "https://www.usa.gov/government-copyright"),
    "9": ("Public Domain Dedication (CC0)", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "10": ("Public Domain Mark", "https://creativecommons.org/publicdomain/mark/1.0/"),
}
# Largest first: the sizes the search asks for (see EXTRAS).
SIZES = ("o", "l", "c", "m")
_TAG = re.compile(r"<[a-zA-Z/!]")
_BARE_URL = re.compile(r"https?://[^\s<>\"']+")


def _int(value) -> int | None:
    """Flickr sends numbers as numbers or as strings, even within one photo."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def upload_time(value) -> str | None:
    """``dateupload`` (Unix seconds) ► ``2011-10-21T16:40:12+00:00``."""
    seconds = _int(value)
    return datetime.fromtimestamp(seconds, UTC).isoformat() if seconds else None


def taken_time(photo: Mapping) -> str | None:
    """``datetaken`` as ISO 8601 local time without an offset, cut to the precision Flickr
    claims (granularity 4 = month, 6 = year, 8 = circa a year); None when Flickr says the date
    is unknown (it then fills in the upload time)."""
    taken = photo.get("datetaken")
    if not taken or str(photo.get("datetakenunknown", "0")) == "1":
        return None
    value = str(taken).replace(" ", "T")
    granularity = _int(photo.get("datetakengranularity")) or 0
    if granularity == 4:
        return value[:7]
    if granularity >= 6:
        return value[:4]
    return value


def buddy_icon(photo: Mapping) -> str:
    """The owner's avatar (https://www.flickr.com/services/api/misc.buddyicons.html)."""
    server, farm, owner = _int(photo.get("iconserver")), photo.get("iconfarm"), photo["owner"]
    if server:
        return f"https://farm{farm}.staticflickr.com/{server}/buddyicons/{owner}.jpg"
    return "https://www.flickr.com/images/buddyicon.gif"


def license_label(license_id, licenses: Mapping | None = None) -> str | None:
    """A licence id ► ``Attribution License (https://creativecommons.org/licenses/by/2.0/)``."""
    if license_id is None or license_id == "":
        return None
    key = str(license_id)
    entry = (licenses or {}).get(key) or LICENSES.get(key)
    if entry is None:
        return f"Flickr licence {key}"
    name, url = entry
    return f"{name} ({url})" if url else name


def parse_licenses(payload: Mapping) -> dict[str, tuple[str, str | None]]:
    """``flickr.photos.licenses.getInfo`` ► {id: (name, url)} (ids come as numbers or strings)."""
    table = {}
    for entry in (payload.get("licenses") or {}).get("license") or ():
        table[str(entry["id"])] = (entry["name"], entry.get("url") or None)
    return table


def description_parts(description: str | None) -> tuple[str | None, str | None, list[str]]:
    """A Flickr description (text with some HTML and entities) ► (plain text, sanitised HTML
    or None when there was no markup, the links in it)."""
    if not description or not description.strip():
        return None, None, []
    if not _TAG.search(description):
        text = html.unescape(description).strip()
        return text, None, _bare_urls(text, [])
    soup = BeautifulSoup(description, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    links = [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("http")]
    text = soup.get_text().strip()
    clean = nh3.clean(description.strip().replace("\n", "<br>\n")).strip()
    return text, clean, _bare_urls(text, links)


def _bare_urls(text: str, links: list[str]) -> list[str]:
    found = list(dict.fromkeys(links))
    for match in _BARE_URL.findall(text):
        url = match.rstrip(".,;:!?)")
        if url not in found and not any(link.startswith(url) for link in found):
            found.append(url)
    return found


def best_size(photo: Mapping) -> tuple[str | None, int | None, int | None, str | None]:
    """The largest image the search returned: (url, width, height, mime)."""
    for size in SIZES:
        url = photo.get(f"url_{size}")
        if not url:
            continue
        width, height = _int(photo.get(f"width_{size}")), _int(photo.get(f"height_{size}"))
        if size == "o":
            width = width or _int(photo.get("o_width"))
            height = height or _int(photo.get("o_height"))
            ext = photo.get("originalformat") or url.rsplit(".", 1)[-1]
        else:
            ext = url.rsplit(".", 1)[-1]
        return url, width, height, media_type(str(ext))
    return None, None, None, None


def parse_photo(photo: Mapping, batch: Batch, licenses: Mapping | None = None) -> str:
    """Append one search result's records (item, author, media, tags, links); returns its id."""
    photo_id = str(photo["id"])
    owner = str(photo["owner"])
    item_id = f"{PLATFORM}:{photo_id}"
    name = photo.get("ownername") or None
    author = Author(id=f"{PLATFORM}:{owner}", platform=PLATFORM, handle=name, display_name=name,
                    url=f"https://www.flickr.com/photos/{owner}/", avatar_url=buddy_icon(photo))
    description = photo.get("description")
    if isinstance(description, Mapping):
        description = description.get("_content")
    text, clean_html, links = description_parts(description)
    url, width, height, mime = best_size(photo)
    item = Item(
        id=item_id, kind="photo", platform=PLATFORM, native_id=photo_id,
        url=f"https://www.flickr.com/photos/{owner}/{photo_id}", author_id=author.id,
        published_at=upload_time(photo.get("dateupload")),
        title=html.unescape(str(photo.get("title") or "")).strip() or None, text=text,
        html=clean_html,
        raw=orjson.dumps(photo).decode(),
    )
    media = Media(id=item_id, item_id=item_id, url=url, mime=mime, width=width, height=height,
                  taken_at=taken_time(photo), license=license_label(photo.get("license"), licenses))
    batch.authors.append(author)
    batch.items.append(item)
    batch.media.append(media)
    tags = dict.fromkeys(t.lower() for t in str(photo.get("tags") or "").split())
    batch.tags.extend(Tag(item_id, tag) for tag in tags)
    batch.links.extend(Link(item_id, link) for link in links)
    return item_id


def parse_search(payload: Mapping, batch: Batch, licenses: Mapping | None = None) -> None:
    """A ``flickr.photos.search`` response page; a photo of an unexpected shape is a Problem."""
    for photo in (payload.get("photos") or {}).get("photo") or ():
        batch.attempt(f"flickr:photo:{photo.get('id')}", parse_photo, photo, batch, licenses)


# -- fetching from the Flickr REST API ------------------------------------------------------------

NAME = "flickr"
KEY_ENV = "EVENTARCHIVE_FLICKR_KEY"
DEFAULT_BASE_URL = "https://api.flickr.com"
PER_PAGE = 250
MAX_PER_PAGE = 500
# datetaken has no zone, so the search's taken-date window is widened by this much each side
# (UTC-12 to UTC+14 covers every zone).
TAKEN_MARGIN_HOURS = 14
# Flickr's search index lags behind uploads; each run looks this far back past the newest
# upload it saw, and upserts make the overlap harmless.
INDEX_LAG = 3600
EXTRAS = ("description,license,date_upload,date_taken,owner_name,icon_server,original_format,"
          "geo,tags,url_o,url_l,url_c,url_m,o_dims")
NSID = re.compile(r"^\d+@N\d+$")
INVALID_KEY = 100


class FlickrFailure(FetchError):
    """Flickr answered ``stat: fail`` (at HTTP 200) with this ``code``."""

    def __init__(self, message: str, code: int | None):
        super().__init__(message)
        self.code = code


class Licenses:
    """Flickr's live licence list, asked for at most once per event and run (shared by the
    event's queries) and kept in each query's state for 30 days (``sources.remembered``)."""

    def __init__(self) -> None:
        self.live: dict | None = None
        self.asked = False

    def ask(self, http, base: str) -> dict | None:
        """{id: [name, url]} as Flickr lists them; None when the call failed (the embedded
        table is right for every known id, and the next run asks again)."""
        if not self.asked:
            try:
                answer = parse_licenses(call(http, base, "flickr.photos.licenses.getInfo"))
                self.live = {key: list(entry) for key, entry in answer.items()}
            except AuthError:
                raise
            except (FetchError, KeyError, TypeError, AttributeError):
                self.live = None
            self.asked = True
        return self.live


def license_table(live: Mapping | None) -> dict:
    """The embedded licences with the live answer over them (JSON keeps pairs as lists)."""
    return {**LICENSES, **{str(k): tuple(v) for k, v in (live or {}).items()}}


def call(http, base: str, method: str, params: dict | None = None) -> dict:
    """One REST call; ``stat: fail`` becomes FlickrFailure, a refused key an AuthError."""
    request = {"method": method, "format": "json", "nojsoncallback": 1, **(params or {})}
    # A refused key (HTTP 401/403 or Flickr's code 100) is an AuthError: the runner adds which
    # variable to check.
    data, _ = http.get_json(f"{base}/services/rest/", params=request)
    if not isinstance(data, dict):
        raise FetchError(f"flickr: {method} answered with something other than a JSON object; "
                         "check [sources.flickr] base_url")
    if data.get("stat") == "fail":
        code = _int(data.get("code"))
        message = http.redact(str(data.get("message") or "no message"))
        if code == INVALID_KEY:
            raise AuthError(f"flickr: Flickr refused the API key ({message})")
        raise FlickrFailure(f"flickr: {method} failed: {message} (code {code})", code)
    return data


def taken_window(event, margin_hours: float) -> dict:
    """The event's times as min/max_taken_date (MySQL datetimes), widened by the margin."""
    window = {}
    margin = timedelta(hours=margin_hours)
    if event.starts_at:
        start = datetime.fromisoformat(event.starts_at) - margin
        window["min_taken_date"] = start.strftime("%Y-%m-%d %H:%M:%S")
    if event.ends_at:
        end = datetime.fromisoformat(event.ends_at) + margin
        window["max_taken_date"] = end.strftime("%Y-%m-%d %H:%M:%S")
    return window


def plan(ctx: Context) -> list:
    if not ctx.env.get(KEY_ENV):
        raise ConfigError(f"flickr: {KEY_ENV} is not set; get an API key at "
                          "https://www.flickr.com/services/apps/create/ and export it")
    event, settings = ctx.event, ctx.settings
    margin = settings["taken_margin_hours"]
    common = {"base": settings["base_url"], "per_page": settings["per_page"],
              "licenses": Licenses(),
              "window": taken_window(event, margin)}
    queries = []
    tags = list(dict.fromkeys(t.lower() for t in event.hashtags))
    if tags:
        queries.append(Query(f"tags:{','.join(tags)}", {
            **common, "search": {"tags": ",".join(tags), "tag_mode": "any"}}))
    for keyword in event.keywords:  # one query each: Flickr documents no "or" for text
        queries.append(Query(f"text:{keyword}", {**common, "search": {"text": keyword}}))
    for account in event.accounts.get("flickr", []):
        queries.append(Query(f"user:{account}", {**common, "search": {}, "account": account}))
    return queries


def connect(ctx: Context) -> Connection:
    """Flickr takes the key as a query parameter: every request of this client carries it."""
    return Connection(params={"api_key": ctx.env[KEY_ENV]})


def resolve_account(http, base: str, account: str) -> str | None:
    """An NSID as it is; a username through ``flickr.people.findByUsername``; None if unknown."""
    if NSID.match(account):
        return account
    try:
        data = call(http, base, "flickr.people.findByUsername", {"username": account})
    except FlickrFailure as exc:
        if exc.code == 1:  # "User not found"
            return None
        raise
    user = data.get("user") or {}
    return user.get("nsid") or user.get("id")


def fetch(http, query, state: dict, now: float | None = None):
    """Pages of photos, newest upload first, resumable mid-sweep.

    State: ``since`` (the newest upload time a finished sweep saw; the next sweep asks only for
    uploads from then on), and, during a sweep, ``until`` (its max_upload_date, fixed when it
    started so new uploads do not shift the pages), ``page`` (the last page saved) and ``top``
    (the newest upload time seen so far).
    """
    params = query.params
    base = params["base"]
    where = f"flickr:{query.key}"
    search = dict(params["search"])
    now = now if now is not None else time.time()
    keep: dict = {}  # look-ups kept in the state for 30 days: no request for them each run
    if "account" in params:
        user_id, found = remembered(state, "user_id", now,
                                    lambda: resolve_account(http, base, params["account"]))
        if user_id is None:
            batch = Batch()
            batch.problems.append(Problem(where, f"no Flickr account named "
                                          f"{params['account']!r}; check accounts.flickr"))
            yield Page(batch, state)
            return
        search["user_id"] = user_id
        keep.update(found)
    live, found = remembered(state, "licenses", now, lambda: params["licenses"].ask(http, base))
    licenses = license_table(live)
    keep.update(found)

    since, top, until = state.get("since"), state.get("top"), state.get("until")
    page = state.get("page") or 0
    if until is None:
        until, page, top = int(now), 0, None
    request = {**search, **params["window"], "extras": EXTRAS, "per_page": params["per_page"],
               "sort": "date-posted-desc", "max_upload_date": until}
    if since is not None:
        request["min_upload_date"] = max(0, since - INDEX_LAG)
    previous: list[str] | None = None
    while True:
        page += 1
        request["page"] = page
        data = call(http, base, "flickr.photos.search", request)
        batch = Batch()
        parse_search(data, batch, licenses)
        listing = data.get("photos") or {}
        photos = listing.get("photo") or []
        ids = [str(p.get("id")) for p in photos]
        for photo in photos:
            uploaded = _int(photo.get("dateupload"))
            if uploaded and (top is None or uploaded > top):
                top = uploaded
        repeated = bool(ids) and ids == previous
        if repeated:
            batch.problems.append(Problem(where, f"Flickr sent the same photos for page {page} "
                                          f"as for page {page - 1} (it lists at most 4,000 "
                                          "photos per search); stopped paging"))
        last = not ids or repeated or page >= (_int(listing.get("pages")) or 0)
        if last:
            newest = max((v for v in (since, top) if v is not None), default=None)
            page_state = {"since": newest, "top": None, "until": None, "page": None}
        else:
            page_state = {"since": since, "top": top, "until": until, "page": page}
        yield Page(batch, {**page_state, **keep})
        if last:
            return
        previous = ids


SOURCE = Source(
    name=NAME,
    stage="social",
    settings={
        "base_url": Setting("url", DEFAULT_BASE_URL, "the Flickr API host (/services/rest/ is "
                            "added)"),
        "per_page": Setting("int", PER_PAGE, "photos per page", minimum=1,
                            maximum=MAX_PER_PAGE),
        "taken_margin_hours": Setting("number", TAKEN_MARGIN_HOURS, "how far the taken-date "
                                      "window is widened each side", minimum=0, maximum=72),
    },
    secrets=(KEY_ENV,),
    plan=plan,
    fetch=fetch,
    connect=connect,
)
