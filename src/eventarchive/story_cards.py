"""Story cards: what one element of an event's story shows, built from stored rows.

Pure functions over plain dicts (``storyquery`` fetches them), shared by the story page, its
JSON form, the item permalink and the Atom feed: times in the event's time zone, text with
clickable links, hashtags and mentions, local photos only, content warnings, tombstones,
crossposts merged into one card, and a suggested citation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

# Posts by the same person with the same words this close together are one card.
CROSSPOST_WINDOW = timedelta(minutes=10)
PINNED = "Pinned by the curator"
BRIDGES = (".ap.brid.gy", "bsky.brid.gy", "web.brid.gy")
PLATFORM_NAMES = {
    "twitter": "X/Twitter", "mastodon": "Mastodon", "bluesky": "Bluesky", "flickr": "Flickr",
    "web": "the web", "wordpress": "WordPress", "guardian": "The Guardian",
    "storify": "Storify", "notes": "Notes",
}
_TOKEN = re.compile(r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])"
                    r"|(?<![\w/])#(?P<tag>\w+)"
                    r"|(?<![\w/])@(?P<mention>\w[\w.\-]*(?:@[\w.\-]+\w)?)")
_WORDS = re.compile(r"https?://\S+|\W+")


@dataclass
class Zone:
    """The event's time zone as a fixed UTC offset (configs give offsets, not zone names)."""

    offset: timezone | None  # None: not known, times are shown in UTC and the page says so

    @classmethod
    def from_config(cls, offset: str | None) -> Zone:
        """From an offset (``+01:00``) or a time with one; unknown (UTC) otherwise."""
        if not offset:
            return cls(None)
        text = f"2000-01-01T00:00:00{offset}" if offset[:1] in "+-" else offset
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return cls(None)
        return cls(timezone(parsed.utcoffset()) if parsed.tzinfo else None)

    @property
    def label(self) -> str:
        if self.offset is None:
            return "UTC"
        minutes = int(self.offset.utcoffset(None).total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    def local(self, utc_text: str | None) -> datetime | None:
        if not utc_text:
            return None
        try:
            parsed = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(self.offset or UTC)

    def show(self, utc_text: str | None, with_date: bool = True) -> str:
        local = self.local(utc_text)
        if local is None:
            return ""
        fmt = "%-d %b %Y, %H:%M" if with_date else "%H:%M"
        return local.strftime(fmt)

    def to_utc(self, text: str, end: bool = False) -> str:
        """A date or time typed by a visitor (in the event's zone unless it has an offset) as
        UTC ISO text; ``end`` makes a bare date cover the whole day. ValueError when unreadable.
        """
        text = text.strip().replace(" ", "T")
        parsed = datetime.fromisoformat(text)
        if end and len(text) <= 10:
            parsed += timedelta(days=1)
        elif end:
            parsed += timedelta(minutes=1) if len(text) <= 16 else timedelta(seconds=1)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.offset or UTC)
        return parsed.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass
class Card:
    id: str
    kind: str
    platform: str
    url: str | None
    published_at: str | None
    time: str
    author: str | None
    handle: str | None
    author_url: str | None
    avatar_url: str | None
    title: str | None
    text: str | None
    html: Markup
    fetched_at: str | None
    permalink: str
    warning: str | None = None
    sensitive: bool = False
    deleted: bool = False
    photos: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)  # every place this card appeared
    item_ids: list[str] = field(default_factory=list)
    context: dict | None = None  # what it replies to or quotes
    via: str | None = None  # a story element showing a post: the story's element id
    comments: list[Card] = field(default_factory=list)
    annotations: list[dict] = field(default_factory=list)
    session: str | None = None
    citation: str = ""
    base_url: str = ""
    placed: str = ""  # "pinned" or "moved" by a curator
    placed_at: str | None = None  # the time its place in the story stands for

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items()
                if k not in ("html", "comments", "annotations", "base_url")}
        data["html"] = str(self.html)
        data["comments"] = [c.to_json() for c in self.comments]
        data["annotations"] = self.annotations
        return data


def item_path(slug: str, item_id: str) -> str:
    from datasette.utils import tilde_encode

    return f"/-/events/{quote(slug)}/items/{tilde_encode(item_id)}"


def linkify(text: str | None, story_url: str) -> Markup:
    """Plain text with its addresses, hashtags and mentions as links (hashtags search the
    story, mentions filter it by author); line breaks kept."""
    if not text:
        return Markup("")
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[last:m.start()]))
        if m.group("url"):
            url = m.group("url")
            out.append(Markup('<a href="{0}" rel="nofollow noopener">{0}</a>').format(url))
        elif m.group("tag"):
            href = f"{story_url}?{urlencode({'q': m.group('tag')})}"
            out.append(Markup('<a href="{}" class="tag">#{}</a>').format(href, m.group("tag")))
        else:
            href = f"{story_url}?{urlencode({'author': m.group('mention')})}"
            out.append(Markup('<a href="{}" class="mention">@{}</a>').format(
                href, m.group("mention")))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out).replace("\n", Markup("<br>\n"))


def _raw(row: dict) -> dict:
    try:
        value = json.loads(row.get("raw") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def is_deleted(raw: dict) -> bool:
    """The tombstone marker (docs/decisions.md): ``deleted_at`` or ``deleted: true`` in raw."""
    return bool(raw.get("deleted_at") or raw.get("deleted") is True)


def photos(media: list[dict]) -> list[dict]:
    """Local copies only: a thumbnail, else the stored file; a remote photo is a link."""
    shown = []
    for m in media:
        if m.get("mime") and not str(m["mime"]).startswith("image/"):
            continue
        local = m.get("thumb_path") or m.get("path")
        shown.append({"src": f"/media/{quote(local)}" if local else None,
                      "full": f"/media/{quote(m['path'])}" if m.get("path") else None,
                      "alt": m.get("alt_text") or "", "url": m.get("url")})
    return shown


def card(row: dict, slug: str, zone: Zone, story_url: str, base_url: str = "") -> Card:
    raw = _raw(row)
    warning = None
    if row["platform"] == "mastodon":
        warning = raw.get("spoiler_text") or None
    sensitive = bool(raw.get("sensitive")) and bool(row.get("media"))
    permalink = item_path(slug, row["id"])
    handle = row.get("handle")
    c = Card(
        id=row["id"], kind=row["kind"], platform=row["platform"], url=row.get("url"),
        published_at=row.get("published_at"), time=zone.show(row.get("published_at")),
        author=row.get("display_name"), handle=handle, author_url=row.get("author_url"),
        avatar_url=row.get("avatar_url"), title=None if warning else row.get("title"),
        text=row.get("text"), html=linkify(row.get("text"), story_url),
        fetched_at=row.get("fetched_at"), permalink=permalink, warning=warning,
        sensitive=sensitive, deleted=is_deleted(raw), photos=photos(row.get("media", [])),
        item_ids=[row["id"]], base_url=base_url,
    )
    c.places = [{"platform": c.platform, "name": PLATFORM_NAMES.get(c.platform, c.platform),
                 "url": c.url, "handle": handle}]
    c.citation = citation(c)
    return c


def citation(c: Card) -> str:
    who = c.author or (f"@{c.handle.lstrip('@')}" if c.handle else "Unknown author")
    day = c.published_at[:10] if c.published_at else "n.d."
    what = c.title or _excerpt(c.text)
    where = ", ".join(p["name"] for p in c.places)
    original = f" {c.url}." if c.url else ""
    archived = f" Archived {c.fetched_at[:10]}" if c.fetched_at else " Archived"
    return (f"{who} ({day}). “{what}”. {where}.{original}{archived} at "
            f"{c.base_url}{c.permalink}.")


def _excerpt(text: str | None, words: int = 12) -> str:
    parts = (text or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _words(text: str | None) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(w for w in _WORDS.split(folded) if w)


def _person(c: Card) -> str:
    return _words(c.author) or _words((c.handle or "").split("@")[0].split(".")[0])


def _bridged(c: Card) -> bool:
    where = f"{c.handle or ''} {c.author_url or ''}".lower()
    return any(b in where for b in BRIDGES)


def merge_crossposts(cards: list[Card]) -> list[Card]:
    """Crossposted or bridged copies (same person, same words, minutes apart, another
    platform) become one card listing every place; the first one seen keeps its place."""
    kept: list[Card] = []
    for c in cards:
        words = _words(c.text)
        twin = None
        if words and c.kind == "post":
            for k in kept:
                if (k.kind == "post" and _words(k.text) == words
                        and c.platform not in {p["platform"] for p in k.places}
                        and (_bridged(c) or _bridged(k) or _person(c) == _person(k))
                        and _close(k.published_at, c.published_at)):
                    twin = k
                    break
        if twin is None:
            kept.append(c)
            continue
        twin.places.extend(c.places)
        twin.item_ids.append(c.id)
        twin.photos = twin.photos or c.photos
        twin.citation = citation(twin)
    return kept


def _close(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        gap = datetime.fromisoformat(a) - datetime.fromisoformat(b)
    except ValueError:
        return False
    return abs(gap) <= CROSSPOST_WINDOW


def thread(parent: Card, comments: list[Card], by_parent: dict[str, str]) -> None:
    """Hang ``comments`` under ``parent`` (and under each other) by ``in_reply_to``."""
    by_id = {c.id: c for c in comments}
    for c in sorted(comments, key=lambda c: c.published_at or ""):
        above = by_id.get(by_parent.get(c.id, ""))
        (above.comments if above else parent.comments).append(c)


def session_of(published_at: str | None, sessions: list[dict]) -> dict | None:
    if not published_at:
        return None
    for s in sessions:
        if s.get("starts_at") and s.get("ends_at") and s["starts_at"] <= published_at < \
                s["ends_at"]:
            return s
    return None


def group(cards: list[Card], sessions: list[dict], zone: Zone) -> list[dict]:
    """Consecutive cards under their session's heading; cards outside any session are
    grouped as before, between or after the programme."""
    groups: list[dict] = []
    for c in cards:
        if c.placed == "moved" and groups:  # a moved item stays right after its anchor
            groups[-1]["cards"].append(c)
            continue
        if c.placed == "pinned":
            if not groups or groups[-1]["key"] != PINNED:
                groups.append({"key": PINNED, "session": None, "label": PINNED, "cards": []})
            groups[-1]["cards"].append(c)
            continue
        when = c.placed_at if c.placed_at and c.placed_at != "9999" else c.published_at
        s = session_of(when, sessions) if sessions else None
        if s is not None:
            title = s["title"]
            heading = {"title": title, "room": s.get("room"),
                       "time": f"{zone.show(s['starts_at'])}–"
                               f"{zone.show(s['ends_at'], with_date=False)}"}
        elif sessions:
            title, heading = _outside(when, sessions), None
        else:
            title, heading = None, None
        c.session = title if s is not None else None
        if not groups or groups[-1]["key"] != title:
            groups.append({"key": title, "session": heading,
                           "label": title if heading is None else None, "cards": []})
        groups[-1]["cards"].append(c)
    return groups


def _outside(published_at: str | None, sessions: list[dict]) -> str | None:
    starts = sorted(s["starts_at"] for s in sessions if s.get("starts_at"))
    ends = sorted(s["ends_at"] for s in sessions if s.get("ends_at"))
    if not published_at or not starts:
        return "Other items"
    if published_at < starts[0]:
        return "Before the programme"
    if ends and published_at >= ends[-1]:
        return "After the programme"
    return "Between sessions"
