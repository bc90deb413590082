"""What sources and importers produce: plain records the store knows how to save.

Ids are TEXT of the form ``platform:native_id``; native ids of tweets and statuses exceed
2**53 and must never pass through a float or an int column.
"""

from __future__ import annotations

import mimetypes
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from urllib.parse import urlsplit


def media_type(name: str | None) -> str | None:
    """The MIME type of a photo, video or sound file from its name, URL or bare extension
    (``jpg``); None for anything else, query strings ignored."""
    if not name:
        return None
    path = urlsplit(name).path if "/" in name else name
    return _media_type_of(posixpath.splitext(path)[1] if "." in path else f".{path}")


@lru_cache(maxsize=1024)
def _media_type_of(extension: str) -> str | None:
    """By extension (".jpg"), cached: an import asks once per photo, for a handful of them."""
    guessed = mimetypes.guess_type(f"x{extension}", strict=False)[0]
    return guessed if guessed and guessed.split("/")[0] in ("image", "video", "audio") else None


@dataclass(slots=True)
class Author:
    id: str
    platform: str
    handle: str | None = None
    display_name: str | None = None
    url: str | None = None
    avatar_url: str | None = None


@dataclass(slots=True)
class Item:
    id: str
    kind: str
    platform: str
    native_id: str
    url: str | None = None
    author_id: str | None = None
    published_at: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    in_reply_to: str | None = None
    raw: str | None = None


@dataclass(slots=True)
class Media:
    id: str
    item_id: str
    url: str | None = None
    path: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None
    alt_text: str | None = None
    sha256: str | None = None
    license: str | None = None


@dataclass(slots=True)
class MediaFile:
    """What the photo stage learnt about one ``media`` row: its local copy and measurements,
    or why there is none. Saved as an update of that row (``status``: stored, failed, gone)."""

    id: str
    status: str
    path: str | None = None
    sha256: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None  # from EXIF; fills media.taken_at only when that is empty
    camera: str | None = None
    location: str | None = None  # "lat,lon" from EXIF GPS, only with [photos] keep_location
    phash: str | None = None
    photo_group: str | None = None
    thumb_path: str | None = None
    error: str | None = None
    attempts: int = 0
    next_try_at: str | None = None


@dataclass(slots=True)
class Link:
    item_id: str
    url: str
    resolved_url: str | None = None
    status: int | None = None
    archived_url: str | None = None


@dataclass(slots=True)
class Tag:
    """A hashtag on an item, stored lower-cased without the leading ``#``."""

    item_id: str
    tag: str


@dataclass(slots=True)
class Mention:
    item_id: str
    handle: str
    author_id: str | None = None


@dataclass(slots=True)
class Repost:
    """Someone reposted (retweeted, boosted) an item: kept on the original, not as an item."""

    id: str
    item_id: str
    author_id: str | None = None
    reposted_at: str | None = None


@dataclass(slots=True)
class Problem:
    """A piece of input that could not be read: ``where`` is ``file:line`` or a URL."""

    where: str
    reason: str


class Batch:
    """A sink that parse functions append records to; the store saves a batch in one transaction.

    ``replace``: the items are their source's own and may have been edited since the last
    import (notes): their newer title, text, html, raw and time replace the stored ones instead
    of only filling gaps. ``replace="newer"``: a page read again after it changed (a live
    blog): its newer title, text, html and raw replace the stored ones where it has them.

    ``marks``: what the source saw about a record, by item or author id: ``"deleted"`` (the
    platform says the post is gone) or a consent signal (``"consent:nobot"``, see consent.py).
    The store applies the archive's ``[privacy]`` policy to them (suppression.py).
    """

    __slots__ = ("items", "authors", "media", "links", "tags", "mentions", "reposts", "problems",
                 "position", "positions", "replace", "files", "marks")

    def __init__(self, replace: bool | str = False) -> None:
        self.items: list[Item] = []
        self.authors: list[Author] = []
        self.media: list[Media] = []
        self.links: list[Link] = []
        self.tags: list[Tag] = []
        self.mentions: list[Mention] = []
        self.reposts: list[Repost] = []
        self.problems: list[Problem] = []
        self.position = 0  # how far into the input this batch reaches, for progress bars
        self.positions: dict[str, int] = {}  # item id ► its place in a curated order (stories)
        self.replace = replace
        self.files: list[MediaFile] = []  # downloads of existing media rows (the photo stage)
        self.marks: dict[str, str] = {}

    _LISTS = ("items", "authors", "media", "links", "tags", "mentions", "reposts", "problems",
              "files")

    def extend(self, other: Batch) -> None:
        """Add everything ``other`` holds (the store sorts out repeats when it saves)."""
        for name in self._LISTS:
            getattr(self, name).extend(getattr(other, name))
        self.positions.update(other.positions)
        self.marks.update(other.marks)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to save (no records, problems, marks or positions)."""
        return not (any(getattr(self, name) for name in self._LISTS)
                    or self.positions or self.marks)

    def attempt(self, where: str, parse, *args) -> None:
        """Run ``parse(*args)``; a payload of an unexpected shape becomes a Problem, not a crash."""
        try:
            parse(*args)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            self.problems.append(Problem(where, f"unexpected shape ({reason})"))

    def __len__(self) -> int:
        return len(self.items) + len(self.reposts)

    def rows(self) -> Rows:
        """The same records as plain tuples: cheap to pickle between processes, and what the
        store writes."""
        return Rows(
            items=list(map(_item_row, self.items)),
            authors=list(map(_author_row, {a.id: a for a in self.authors}.values())),
            media=list(map(_media_row, self.media)),
            links=list(map(_link_row, self.links)),
            tags=list(map(_tag_row, self.tags)),
            mentions=list(map(_mention_row, self.mentions)),
            reposts=list(map(_repost_row, self.reposts)),
            problems=self.problems,
            position=self.position,
            positions=self.positions,
            replace=self.replace,
            files=list(map(_file_row, self.files)),
            marks=self.marks,
        )


@dataclass(slots=True)
class Rows:
    """A Batch as tuples in each record type's field order (see ``Batch.rows``)."""

    items: list[tuple]
    authors: list[tuple]
    media: list[tuple]
    links: list[tuple]
    tags: list[tuple]
    mentions: list[tuple]
    reposts: list[tuple]
    problems: list[Problem]
    position: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    replace: bool | str = False
    files: list[tuple] = field(default_factory=list)
    marks: dict[str, str] = field(default_factory=dict)


def fields(cls) -> tuple[str, ...]:
    return tuple(cls.__slots__)


_item_row = attrgetter(*fields(Item))
_author_row = attrgetter(*fields(Author))
_media_row = attrgetter(*fields(Media))
_link_row = attrgetter(*fields(Link))
_file_row = attrgetter(*fields(MediaFile))
_tag_row = attrgetter(*fields(Tag))
_mention_row = attrgetter(*fields(Mention))
_repost_row = attrgetter(*fields(Repost))
