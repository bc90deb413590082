"""The photo stage: every photo ``media`` row of an event gets a verified local copy, measured
and thumbnailed, whichever source found it. Runs after the other stages on every fetch, and
alone as ``eventarchive fetch --source media``.

Downloads run concurrently over the runner's one ``Http`` client (its politeness, size cap
and refusal of private addresses apply), at most ``per_host`` at a time on one host. Each
finished download is written under its SHA-256 (temp name, verified, renamed) before the
page that records it is yielded, so a killed run leaves nothing that counts as done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .. import photos
from ..http import FetchError, RateLimited
from ..records import Batch, MediaFile
from . import Context, Page, Query, Setting, Source

# After the nth failure, wait this long before trying again; after the last, give up (a
# failed photo can still be retried by hand: see docs/photos.md).
RETRY_AFTER = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=3),
               timedelta(days=7))
GONE_STATUSES = (404, 410)
SAME_PICTURE = 6  # perceptual hashes this close (of 64 bits) are one picture
PAGE_SIZE = 20  # downloads recorded per transaction


def plan(ctx: Context) -> list[Query]:
    rows = ctx.photos
    if not rows or ctx.media_dir is None:
        return []
    keep_location = bool(getattr(ctx.config, "photos", {}).get("keep_location", False))
    groups = ctx.reader.photo_groups() if ctx.reader is not None else []
    files = ctx.reader.photo_files() if ctx.reader is not None else {}
    return [Query("photos", {"photos": rows, "media_dir": str(ctx.media_dir),
                             "keep_location": keep_location, "groups": groups, "files": files,
                             **ctx.settings})]


def fetch(http, query: Query, state: dict, now=None) -> Iterator[Page]:
    """Download, verify, measure and thumbnail ``query.params["photos"]``; a page of results
    every ``PAGE_SIZE`` photos."""
    params = query.params
    folder = Path(params["media_dir"])
    photos.clear_partial(folder)
    now = now or datetime.now(UTC).replace(microsecond=0)
    grouper = Grouper(params.get("groups") or [])
    cap = int(params.get("max_bytes", SETTINGS["max_bytes"].default))
    keep = bool(params.get("keep_location"))
    done = state.get("done", 0)
    files = params.get("files") or {}

    def work(row: dict) -> MediaFile:
        return keep_copy(http, row, folder, cap, keep, now, params.get("via"), files)

    results: list[MediaFile] = []
    for result in run_limited(params["photos"], work, host_of,
                              int(params.get("concurrency", 8)), int(params.get("per_host", 2))):
        grouper.assign(result)
        results.append(result)
        if len(results) >= PAGE_SIZE:
            done += len(results)
            yield _page(results, done)
            results = []
    if results:
        yield _page(results, done + len(results))


def _page(results: list[MediaFile], done: int) -> Page:
    batch = Batch()
    batch.files.extend(results)
    return Page(batch, {"done": done})


def host_of(row: dict) -> str:
    if row.get("path"):
        return ""  # a local copy: no host to be polite to
    return urlsplit(row.get("url") or "").hostname or ""


def run_limited(rows: list, work, host_of, workers: int, per_host: int) -> Iterator:
    """``work(row)`` for every row on a thread pool, at most ``per_host`` rows of one host at
    once; results in the order they finish. A RateLimited from any row stops the rest, after
    the results already finished are handed out."""
    queues: dict[str, deque] = {}
    for row in rows:
        queues.setdefault(host_of(row), deque()).append(row)
    running: dict = {}
    busy: dict[str, int] = {}
    stop: BaseException | None = None
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="photos")
    try:
        while queues or running:
            for host in list(queues):
                limit = workers if host == "" else per_host
                while queues[host] and busy.get(host, 0) < limit and len(running) < workers:
                    future = pool.submit(work, queues[host].popleft())
                    running[future] = host
                    busy[host] = busy.get(host, 0) + 1
                if not queues[host]:
                    del queues[host]
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                host = running.pop(future)
                busy[host] -= 1
                try:
                    yield future.result()
                except RateLimited as exc:
                    stop, queues = exc, {}
        if stop is not None:
            raise stop
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def keep_copy(http, row: dict, folder: Path, cap: int, keep_location: bool,
              now: datetime, via: str | None = None,
              files: dict[str, str] | None = None) -> MediaFile:
    """One photo: fetch (or read the archive's copy), decode, store, thumbnail. Never raises
    for a bad photo: the result says why it was not kept. ``files``: the copies the archive
    holds already, by SHA-256 (an imported archive's photo, downloaded again from a post)."""
    attempts = (row.get("attempts") or 0) + 1
    local = row.get("path")
    try:
        if local and (folder / local).is_file():
            body, local = (folder / local).read_bytes(), True
        elif row.get("url"):
            body, local = download(http, row["url"], cap, via), False
        else:
            return _failed(row, "the archive's copy is missing and there is no address",
                           attempts, now)
        photo, image = photos.decode(body, keep_location)
        path = None  # an archive's copy stays where the import put it
        if not local:
            path = (files or {}).get(photo.sha256)
            if not path or not (folder / path).is_file():  # the same bytes are kept once
                path = photo.path
                photos.write_once(folder, path, body)
        with image:
            thumb = photos.thumbnail(image)
        photos.write_once(folder, photo.thumb_path, photos.thumb_bytes(thumb))
        photo.phash = photos.perceptual_hash(thumb)
    except RateLimited:
        raise
    except FetchError as exc:
        if exc.status in GONE_STATUSES:
            return MediaFile(row["id"], "gone", error=f"deleted by the platform ({exc})",
                             attempts=attempts)
        return _failed(row, str(exc), attempts, now)
    except photos.NotAPhoto as exc:
        return _failed(row, str(exc), attempts, now)
    except OSError as exc:  # the media folder: full disk, permissions
        return _failed(row, f"could not write to the media folder ({exc})", attempts, now)
    return MediaFile(row["id"], "stored", path=path, sha256=photo.sha256, mime=photo.mime,
                     width=photo.width, height=photo.height, taken_at=photo.taken_at,
                     camera=photo.camera, location=photo.location, phash=photo.phash,
                     thumb_path=photo.thumb_path, attempts=attempts)


def download(http, url: str, cap: int, via: str | None = None) -> bytes:
    """The photo's bytes, from the best address that answers (through ``via`` if set)."""
    tries = [through(address, via) for address in photos.candidates(url)]
    for i, address in enumerate(tries):
        try:
            response = http.request("GET", address)
        except RateLimited:
            raise
        except FetchError as exc:
            if i + 1 < len(tries) and exc.status is not None and 400 <= exc.status < 500:
                continue  # no larger copy there: the stored address next
            raise
        if len(response.content) > cap:
            raise FetchError(f"{urlsplit(address).hostname}: {len(response.content)} bytes, "
                             f"over the photo size cap ({cap} bytes; [sources.media] max_bytes)")
        return response.content
    raise FetchError(f"no address to try for {url}")  # pragma: no cover - tries is never empty


def through(url: str, via: str | None) -> str:
    """``https://host/path?q`` asked for at ``{via}/host/path?q`` (a caching proxy, the demo's
    replay), or unchanged without ``via``."""
    if not via:
        return url
    parts = urlsplit(url)
    return f"{via}/{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def _failed(row: dict, reason: str, attempts: int, now: datetime) -> MediaFile:
    wait_for = RETRY_AFTER[attempts - 1] if attempts <= len(RETRY_AFTER) else None
    next_try = (now + wait_for).isoformat() if wait_for else None
    return MediaFile(row["id"], "failed", error=reason, attempts=attempts, next_try_at=next_try)


class Grouper:
    """Puts each stored photo in a group with the near-identical ones seen before (the same
    picture resized or recompressed elsewhere); a new picture starts its own group, named by
    its SHA-256."""

    def __init__(self, known: list):
        self.known = [(group, int(phash, 16)) for group, phash in known]

    def assign(self, result: MediaFile) -> None:
        if result.status != "stored" or not result.phash:
            return
        value = int(result.phash, 16)
        for group, other in self.known:
            if (value ^ other).bit_count() <= SAME_PICTURE:
                result.photo_group = group
                return
        result.photo_group = result.sha256
        self.known.append((result.sha256, value))


SETTINGS = {
    "concurrency": Setting("int", 8, "downloads at once", minimum=1, maximum=64),
    "per_host": Setting("int", 2, "downloads at once from one host", minimum=1, maximum=16),
    "max_bytes": Setting("int", 30 << 20, "the largest photo kept, in bytes", minimum=1024),
    "via": Setting("url", None, "ask for every photo through this address: "
                   "https://host/path is fetched as {via}/host/path (a caching proxy; the demo's "
                   "replay)"),
}

SOURCE = Source(name="media", stage="media", default=True, untrusted_links=True,
                settings=SETTINGS, plan=plan, fetch=fetch)
