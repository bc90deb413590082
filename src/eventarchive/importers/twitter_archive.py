"""Twitter account archives: the zip, its unzipped folder, or a bare ``tweets.js``.

Layouts seen in the wild: ``data/tweets.js`` (2022 on, with ``tweets-part1.js`` … for big
accounts), ``data/tweet.js`` (2019–2021), ``tweet.js`` at the top (2018). Photos sit beside them in
``tweets_media/`` (older: ``tweet_media/``) named ``{tweet id}-{file name}``; we copy each into the
media folder so the archive does not depend on the zip staying around.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..errors import ImportFormatError
from ..records import Author, Batch, Problem, media_type
from ..sources import twitter
from .jsarray import iter_elements

TWEETS_FILE = re.compile(r"^tweets?(-part\d+)?\.js$")
MEDIA_FOLDERS = ("tweets_media", "tweet_media")
BATCH = 2000
# What reading a damaged zip member raises: a bad CRC, broken deflate data, a cut-off member.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)
DAMAGED_HINT = ("what was read before it was saved, and may hold the damaged part; download "
                "the archive again and import it again (nothing is doubled)")


class _Archive:
    """The same questions asked of a zip or of a folder."""

    def __init__(self, path: Path):
        self.path = path
        self.bare = False
        self.zip = _open_zip(path)
        if self.zip is not None:
            self.names = [n for n in self.zip.namelist() if not n.endswith("/")]
        elif path.is_dir():
            self.names = [p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()]
        else:
            # A bare tweets.js: look beside it for account.js and a media folder.
            self.path = path.parent
            self.bare = True
            self.names = [path.name]
            if (self.path / "account.js").is_file():
                self.names.append("account.js")
            for folder in MEDIA_FOLDERS:
                if (self.path / folder).is_dir():
                    self.names += [f"{folder}/{p.name}" for p in (self.path / folder).iterdir()]

    def open(self, name: str):
        if self.zip is not None:
            return io.BufferedReader(self.zip.open(name), buffer_size=1 << 20)
        return open(self.path / name, "rb")

    def size(self, name: str) -> int:
        if self.zip is not None:
            return self.zip.getinfo(name).file_size
        return (self.path / name).stat().st_size

    def label(self, name: str) -> str:
        return f"{self.path}!{name}" if self.zip is not None else str(self.path / name)


def _open_zip(path: Path) -> zipfile.ZipFile | None:
    """The zip at ``path``; None for a folder or a bare tweets.js; ImportFormatError for a
    zip that is cut short or damaged (it would otherwise be read as a tweets.js)."""
    if not path.is_file():
        return None
    with open(path, "rb") as f:
        looks_like_zip = f.read(4) == b"PK\x03\x04"
    if not zipfile.is_zipfile(path):
        if looks_like_zip or path.suffix.lower() == ".zip":
            raise ImportFormatError(
                f"{path}: an incomplete or damaged zip (its table of contents at the end is "
                "missing: was the download cut short?); download the archive again")
        return None
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(f"{path}: a damaged zip ({exc}); download the archive "
                                "again") from None


def _tweet_files(archive: _Archive) -> list[str]:
    if archive.bare:
        return archive.names[:1]
    found = [n for n in archive.names if TWEETS_FILE.match(PurePosixPath(n).name)]
    if not found:
        raise ImportFormatError(
            f"{archive.path}: no tweets file found; expected data/tweets.js (or tweet.js, "
            "tweets-part1.js …) inside the archive zip or folder"
        )

    def order(name: str) -> tuple[int, str]:
        part = re.search(r"part(\d+)", PurePosixPath(name).name)
        return (int(part.group(1)) if part else 0, name)

    return sorted(found, key=order)


def _account(archive: _Archive) -> Author | None:
    name = next((n for n in archive.names if PurePosixPath(n).name == "account.js"), None)
    if name is None:
        return None
    with archive.open(name) as f:
        for element in iter_elements(f, archive.label(name)):
            account = (element.value or {}).get("account") or {}
            if account.get("accountId"):
                handle = account.get("username")
                return Author(
                    id=twitter.author_id(str(account["accountId"])), platform=twitter.PLATFORM,
                    handle=handle, display_name=account.get("accountDisplayName"),
                    url=f"https://twitter.com/{handle}" if handle else None,
                )
    return None


def read(path: Path, media_dir: Path | None = None, event=None) -> tuple[int, Iterator[Batch]]:
    if not path.exists():
        raise ImportFormatError(f"{path}: no such file or folder")
    archive = _Archive(path)
    files = _tweet_files(archive)
    media_files = {
        PurePosixPath(n).name: n for n in archive.names
        if PurePosixPath(n).parent.name in MEDIA_FOLDERS
    }
    total = sum(archive.size(n) for n in files)
    return total, _batches(archive, files, _account(archive), media_files, media_dir)


def _batches(archive: _Archive, files: list[str], author: Author | None,
             media_files: dict[str, str], media_dir: Path | None) -> Iterator[Batch]:
    done = 0
    for name in files:
        label = archive.label(name)
        batch = Batch()
        try:
            with archive.open(name) as f:
                for element in iter_elements(f, label):
                    if element.error:
                        batch.problems.append(Problem(f"{label}:{element.line}", element.error))
                        continue
                    tweet = element.value.get("tweet", element.value) if isinstance(
                        element.value, dict) else None
                    if not tweet or not (tweet.get("id_str") or tweet.get("id")):
                        batch.problems.append(Problem(f"{label}:{element.line}", "not a tweet"))
                        continue
                    batch.attempt(f"{label}:{element.line}", twitter.parse_v1, tweet, batch,
                                  author)
                    if len(batch.items) >= BATCH:
                        batch.position = done + element.offset
                        _attach_media(batch, archive, media_files, media_dir)
                        yield batch
                        batch = Batch()
        except DAMAGED as exc:
            batch.problems.append(Problem(label, f"damaged inside the zip ({exc}); "
                                                 f"{DAMAGED_HINT}"))
        done += archive.size(name)
        batch.position = done
        _attach_media(batch, archive, media_files, media_dir)
        yield batch


def _attach_media(batch: Batch, archive: _Archive, media_files: dict[str, str],
                  media_dir: Path | None) -> None:
    """Point media rows at the archive's own copies of the photos, copied into ``media_dir``."""
    if not media_files or media_dir is None:
        return
    for media in batch.media:
        if not media.url:
            continue
        file_name = f"{media.item_id.split(':', 1)[1]}-{media.url.rsplit('/', 1)[-1]}"
        name = media_files.get(file_name)
        if name is None:
            continue
        target = media_dir / "twitter" / file_name
        if not target.exists() or target.stat().st_size != archive.size(name):
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".part")
            try:
                with archive.open(name) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            except DAMAGED as exc:
                partial.unlink(missing_ok=True)
                batch.problems.append(Problem(archive.label(name), f"photo damaged inside the "
                                              f"zip ({exc}); download the archive again"))
                continue
            partial.replace(target)
        media.path = f"twitter/{file_name}"
        media.sha256 = hashlib.sha256(target.read_bytes()).hexdigest()
        media.mime = media.mime or media_type(file_name)

