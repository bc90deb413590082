"""Photos as files: the best address to ask for, decoding before keeping, measurements, EXIF
(date, camera, and GPS only when allowed), content-addressed storage, thumbnails without EXIF
and perceptual hashes. No database and no network here: the photo stage (sources/media.py)
brings the bytes, the store records what this module found.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = 480  # the longest side of a thumbnail, in pixels
THUMB_DIR = "thumbs"
PARTIAL_DIR = ".partial"  # temp files of a run in progress; never counted, cleared each run
MAX_PIXELS = 120_000_000  # larger claims are decompression bombs, not photos
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif",
              "BMP": "bmp", "HEIF": "heic", "AVIF": "avif", "MPO": "jpg"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATE_ORIGINAL, _DATE, _MAKE, _MODEL = 36867, 306, 271, 272
_EXIF_DATE = re.compile(r"^(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)")
_FLICKR_SMALL = re.compile(r"_[sqtmnwzc]\.(jpg|png|gif)$")

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class NotAPhoto(ValueError):
    """The bytes are not a picture Pillow can decode; the message says what they were."""


def candidates(url: str) -> list[str]:
    """The addresses to try for a photo, best size first, the stored address last.

    The parsers store what the platform gave; each platform serves larger copies under a
    predictable address: X ``name=orig``, Flickr's ``_b`` size, Mastodon's ``original`` copy,
    Bluesky's ``feed_fullsize``.
    """
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    better = None
    if host == "pbs.twimg.com" and path.startswith("/media/"):
        query = dict(parse_qsl(parts.query))
        if query.get("name") != "orig":
            query["name"] = "orig"
            better = urlunsplit(parts._replace(query=urlencode(query)))
    elif host.endswith("staticflickr.com") and _FLICKR_SMALL.search(path):
        better = urlunsplit(parts._replace(path=_FLICKR_SMALL.sub(r"_b.\1", path)))
    elif "/media_attachments/files/" in path and "/small/" in path:
        better = urlunsplit(parts._replace(path=path.replace("/small/", "/original/")))
    elif host == "cdn.bsky.app" and "/img/feed_thumbnail/" in path:
        better = urlunsplit(parts._replace(path=path.replace("/feed_thumbnail/",
                                                             "/feed_fullsize/")))
    return [better, url] if better else [url]


@dataclass
class Photo:
    """A decoded, measured photo."""

    sha256: str
    ext: str
    mime: str
    width: int
    height: int
    taken_at: str | None = None
    camera: str | None = None
    location: str | None = None
    phash: str | None = None

    @property
    def path(self) -> str:
        """Where it lives under the media folder: ``ab/abcdef….jpg``."""
        return f"{self.sha256[:2]}/{self.sha256}.{self.ext}"

    @property
    def thumb_path(self) -> str:
        return f"{THUMB_DIR}/{self.sha256[:2]}/{self.sha256}.webp"


def decode(body: bytes, keep_location: bool = False,
           size: int | None = THUMB_SIZE) -> tuple[Photo, Image.Image]:
    """Check that ``body`` is a whole picture and measure it; NotAPhoto says why not.

    Returns the photo and the decoded image, ready for :func:`thumbnail`. A JPEG is decoded
    once, at the smallest scale still at least ``size`` pixels (``draft``): every byte of the
    stream is still read, so a truncated file fails, at a fraction of the cost of decoding
    12 megapixels. The extension comes from the decoded format, never from the address.
    """
    if not body:
        raise NotAPhoto("empty response (0 bytes)")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise NotAPhoto("an HTML page, not a picture (an error or login page?)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(body))
            fmt, (width, height) = image.format or "", image.size
            taken_at, camera, location = _exif(image, keep_location)
            if size and fmt == "JPEG":
                image.draft("RGB", (size, size))
            image.load()  # every byte: a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NotAPhoto(f"too many pixels to be a photo ({exc})") from None
    except UnidentifiedImageError:
        raise NotAPhoto(f"not a picture Pillow can read ({len(body)} bytes)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise NotAPhoto(f"truncated or damaged picture ({exc})") from None
    photo = Photo(sha256=hashlib.sha256(body).hexdigest(), ext=EXTENSIONS.get(fmt, fmt.lower()),
                  mime=Image.MIME.get(fmt, f"image/{fmt.lower()}"), width=width,
                  height=height, taken_at=taken_at, camera=camera, location=location)
    return photo, image


def _exif(image: Image.Image, keep_location: bool):
    try:
        exif = image.getexif()
    except (OSError, SyntaxError, ValueError):
        return None, None, None
    sub = exif.get_ifd(_EXIF_IFD)
    taken = exif_time(sub.get(_DATE_ORIGINAL) or exif.get(_DATE))
    make, model = (_text(exif.get(_MAKE)), _text(exif.get(_MODEL)))
    camera = model if make and model and model.lower().startswith(make.lower()) else (
        " ".join(p for p in (make, model) if p) or None)
    location = gps_location(exif.get_ifd(_GPS_IFD)) if keep_location else None
    return taken, camera, location


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ").strip() or None


def exif_time(value) -> str | None:
    """EXIF's ``2011:10:21 10:14:33`` (camera local time, no zone) ► ``2011-10-21T10:14:33``,
    the form Flickr's ``datetaken`` is stored in."""
    match = _EXIF_DATE.match(_text(value) or "")
    if not match or match.group(1) == "0000":
        return None
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def gps_location(gps) -> str | None:
    """EXIF GPS degrees/minutes/seconds ► ``"51.4613,-0.1156"``; None when absent."""
    try:
        lat, lon = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    return f"{lat:.6f},{lon:.6f}"


def _degrees(dms, ref) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return -value if _text(ref) in ("S", "W") else value


def thumbnail(image: Image.Image, size: int = THUMB_SIZE, draft: bool = True) -> Image.Image:
    """A copy no larger than ``size`` pixels on its longest side, turned upright, in RGB and
    with no metadata at all (no EXIF, so no GPS). ``draft``: decode a JPEG not yet loaded at
    a reduced scale (``decode`` does this already)."""
    if draft and image.format == "JPEG":  # a no-op once the image is loaded
        image.draft("RGB", (size, size))
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=None)
    clean = Image.new("RGB", upright.size, "white")
    if upright.mode in ("RGBA", "LA", "P"):
        upright = upright.convert("RGBA")
        clean.paste(upright, mask=upright.getchannel("A"))
    else:
        clean.paste(upright.convert("RGB"))
    return clean


def perceptual_hash(thumb: Image.Image) -> str:
    """A 64-bit perceptual hash (hex): resized or recompressed copies differ in a few bits."""
    import imagehash  # numpy and scipy: loaded when a photo is hashed, not with the config

    return str(imagehash.phash(thumb))


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def write_once(folder: Path, relative: str, data: bytes) -> None:
    """Write ``data`` at ``folder/relative`` unless a file of that size is there already:
    to a temp name under ``.partial``, synced, then renamed, so a killed run never leaves a
    partial file under a real name."""
    target = folder / relative
    if target.exists() and target.stat().st_size == len(data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = folder / PARTIAL_DIR
    partial.mkdir(parents=True, exist_ok=True)
    temp = partial / f"{target.name}.{os.getpid()}.{id(data)}.tmp"
    with open(temp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, target)


def thumb_bytes(thumb: Image.Image) -> bytes:
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=80, method=2, exif=b"")
    return out.getvalue()


def clear_partial(folder: Path) -> int:
    """Remove temp files a killed run left behind; returns how many."""
    partial = folder / PARTIAL_DIR
    removed = 0
    if partial.is_dir():
        for leftover in partial.iterdir():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
