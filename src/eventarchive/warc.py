"""WARC files of what the web stage fetched, for archivists to replay (pywb, ReplayWeb.page).

One file per run, created at its first record and opened by a ``warcinfo`` record. Every
exchange is kept as a ``request`` record and its ``response`` (redirect hops included), for the
pages *and* the API answers a record was built from (the Guardian Content API, WordPress REST
and feeds, Wayback look-ups), captured by :class:`Capture`, a look-alike of the HTTP client.

The records of one URL are written with one ``write`` and flushed to disk *before* the batch
that points at them is saved, so the archive never points at a record the file does not hold
(docs/decisions.md, "WARC records before the batch that cites them").
"""

from __future__ import annotations

import io
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx

from . import __version__
from .http import Http

# Never in an archive: credentials the client sent, cookies a server set.
PRIVATE_HEADERS = ("authorization", "cookie", "set-cookie", "proxy-authorization")
# The body is stored decoded, so the response headers must not claim an encoding or a length.
TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


class Capture:
    """An ``Http`` look-alike that remembers every answer it received (sources never change
    the client; this wraps it). ``take()`` hands over what was captured since the last call."""

    def __init__(self, http):
        self.http = http
        self.responses: list[httpx.Response] = []

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        response = self.http.request(method, url, **kwargs)
        self.responses.append(response)
        return response

    # Http's own JSON helpers, run against this object so their requests are captured.
    get_json = Http.get_json
    post_json = Http.post_json

    def take(self) -> list[httpx.Response]:
        taken, self.responses = self.responses, []
        return taken

    def __getattr__(self, name):
        return getattr(self.http, name)


class WarcFile:
    """The WARC file of one run: ``eventarchive-YYYYmmddHHMMSS-PID.warc.gz`` in ``folder``."""

    def __init__(self, folder: Path, about: str = "", now=lambda: datetime.now(UTC)):
        self.folder = Path(folder)
        self.about = about
        self.now = now
        self.path: Path | None = None
        self.lock = threading.Lock()  # the web stage's threads write to one file

    def write(self, responses: list[httpx.Response], redact=lambda text: text,
              sync: bool = True) -> dict[str, str]:
        """Append each exchange (its redirect hops first) as request and response records,
        in one write flushed to disk (and synced, unless ``sync`` is False: records that no
        item will cite, which need only survive the process). Returns
        ``{url: "file#record-id"}`` of each response."""
        if not responses:
            return {}
        from warcio.warcwriter import WARCWriter

        with self.lock:  # the first write names the file and opens it with its warcinfo
            if self.path is None:
                self._start(WARCWriter)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
        pointers = {}
        for response in responses:
            for hop in [*response.history, response]:
                record_id = _write_exchange(writer, hop, redact)
                pointers[redact(str(hop.url))] = f"{self.path.name}#{record_id}"
                pointers[str(hop.url)] = pointers[redact(str(hop.url))]
        # Each thread appends its records in one write (whole gzip members, never
        # interleaved), then waits for the disk outside the lock, so the web stage's threads
        # sync at once.
        with open(self.path, "ab") as out:
            with self.lock:
                out.write(buffer.getvalue())
                out.flush()
            if sync:
                os.fsync(out.fileno())
        return pointers

    def _start(self, writer_class) -> None:
        buffer = io.BytesIO()
        writer = writer_class(buffer, gzip=True, warc_version="WARC/1.1")
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"eventarchive-{self.now():%Y%m%d%H%M%S}-{os.getpid()}.warc.gz"
        path = self.folder / name
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": f"eventarchive/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/",
            "description": self.about or "pages and API answers fetched by eventarchive",
        }))
        with open(path, "ab") as out:
            out.write(buffer.getvalue())
        self.path = path


def _write_exchange(writer, response: httpx.Response, redact) -> str:
    from warcio.statusandheaders import StatusAndHeaders

    uri = redact(str(response.url))
    body = response.content
    status = f"{response.status_code} {response.reason_phrase}".strip()
    kept = [(k, redact(v)) for k, v in response.headers.items()
            if k.lower() not in TRANSFER_HEADERS + PRIVATE_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body),
        http_headers=StatusAndHeaders(status, kept, protocol="HTTP/1.1"))
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    request = response.request
    target = request.url.raw_path.decode("ascii", "replace")
    asked = [(k, redact(v)) for k, v in request.headers.items()
             if k.lower() not in PRIVATE_HEADERS]
    request_record = writer.create_warc_record(
        uri, "request", payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(f"{request.method} {redact(target)} HTTP/1.1", asked,
                                      is_http_request=True),
        warc_headers_dict={"WARC-Concurrent-To": record_id})
    writer.write_record(record)
    writer.write_record(request_record)
    return record_id
