"""Taking erased pages out of the WARC files the web source writes (``media_dir/warc/``).

Each file holding a record for an erased URL is rewritten without it: every other record is
copied as it was (warcinfo included, gzip member by member), to a temporary file beside it
that then replaces it, so a crash leaves the old file or the new one, never half of one.
Records that refer to a dropped one (a request, metadata or revisit record naming it in
``WARC-Concurrent-To`` or ``WARC-Refers-To``) go with it. Rewriting, rather than deleting the
whole day's file, keeps every other page's capture (docs/decisions.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import EventArchiveError


class WarcError(EventArchiveError):
    """A WARC file could not be read or rewritten."""


@dataclass
class WarcResult:
    files: int = 0  # files rewritten
    records: int = 0  # records dropped


def drop_records(folder: Path, urls: Iterable[str], record_ids: Iterable[str] = ()
                 ) -> WarcResult:
    """Rewrite every ``*.warc.gz`` / ``*.warc`` in ``folder`` without the records whose
    target URI is one of ``urls`` or whose id is one of ``record_ids``."""
    urls = {u for u in urls if u}
    ids = {i for i in record_ids if i}
    result = WarcResult()
    if not folder.is_dir() or not (urls or ids):
        return result
    for path in sorted(folder.iterdir()):
        if path.name.endswith((".warc.gz", ".warc")) and path.is_file():
            dropped = _rewrite(path, urls, ids)
            if dropped:
                result.files += 1
                result.records += dropped
    return result


def _doomed(path: Path, urls: set, ids: set) -> set:
    """The ids of the records to drop from one file (a first pass: headers only)."""
    from warcio.archiveiterator import ArchiveIterator

    doomed = set()
    referring = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            record_id = headers.get_header("WARC-Record-ID")
            if headers.get_header("WARC-Target-URI") in urls or record_id in ids:
                doomed.add(record_id)
            else:
                refs = {headers.get_header("WARC-Concurrent-To"),
                        headers.get_header("WARC-Refers-To")} - {None}
                if refs:
                    referring.append((record_id, refs))
    doomed |= {record_id for record_id, refs in referring if refs & doomed}
    return doomed


def _rewrite(path: Path, urls: set, ids: set) -> int:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.warcwriter import WARCWriter

    try:
        doomed = _doomed(path, urls, ids)
        if not doomed:
            return 0
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out, open(path, "rb") as stream:
                writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
                for record in ArchiveIterator(stream):
                    if record.rec_headers.get_header("WARC-Record-ID") not in doomed:
                        writer.write_record(record)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (ArchiveLoadFailed, OSError, ValueError) as exc:
        raise WarcError(f"{path}: could not take the erased pages out of this WARC file "
                        f"({exc}); the rows are erased; delete the file, or fix it and run "
                        "forget again") from None
    return len(doomed)
