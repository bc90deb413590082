"""Stream the elements of a Twitter archive data file (``window.YTD.tweets.part0 = [ … ]``).

Archives are gigabytes, so the file is never loaded whole. Twitter writes these files with a
pretty printer that puts each top-level element's closing brace on a line of its own, indented
less than everything inside it (``}, {`` at column 0 until 2022, ``  },`` since); JSON strings
cannot hold a raw newline, so that line only ever closes a top-level element. We find it with
``bytes.find`` and parse each element with orjson:
fast, bounded memory, and a bad element is reported with its line number while the rest is read.
A file in any other layout is read with ijson's streaming parser instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import ijson
import orjson

from ..errors import ImportFormatError

CHUNK = 1 << 22


class Element:
    """One parsed element, or the reason it could not be parsed."""

    __slots__ = ("value", "line", "error", "offset")

    def __init__(self, value, line: int, error: str | None, offset: int):
        self.value = value
        self.line = line
        self.error = error
        self.offset = offset


def _read_prefix(f: BinaryIO, name: str) -> tuple[bytes, int]:
    """Consume ``window.YTD.x.partN = [`` and return what followed it, and the bytes consumed."""
    head = f.read(4096)
    start = head.find(b"[")
    equals = head.find(b"=")
    if start < 0 or (equals >= 0 and equals > start) or (
            equals < 0 and head[:start].strip(b" \t\r\n\xef\xbb\xbf")):
        raise ImportFormatError(
            f"{name}: not a Twitter archive data file (expected it to start with "
            "'window.YTD.tweets.part0 = [')"
        )
    return head[start + 1:], start + 1


def iter_elements(f: BinaryIO, name: str) -> Iterator[Element]:
    """Yield each top-level element of the file's array, in order."""
    rest, consumed = _read_prefix(f, name)
    closing = _closing_line(rest)
    if closing is not None:
        yield from _split_pretty(f, rest, consumed, closing)
    else:
        yield from _parse_streaming(f, rest, consumed, name)


def _closing_line(rest: bytes) -> bytes | None:
    """The bytes that close each element in a pretty-printed file, or None for other layouts."""
    brace = rest.find(b"{")
    if brace < 0 or rest[:brace].strip() or b"\n" not in rest[brace:]:
        return None
    line_start = rest.rfind(b"\n", 0, brace)
    if line_start < 0:  # "[ {" on the first line: elements close with "}" at column 0
        return b"\n}"
    indent = rest[line_start + 1:brace]
    if indent.strip(b" "):
        return None
    return b"\n" + indent + b"}"


def _split_pretty(f: BinaryIO, buf: bytes, offset: int, closing: bytes) -> Iterator[Element]:
    line = 1 + buf.count(b"\n", 0, buf.find(b"{"))
    pos = buf.find(b"{")
    width = len(closing)
    while True:
        end = buf.find(closing, pos)
        while end < 0:
            more = f.read(CHUNK)
            if not more:
                tail = buf[pos:]
                if tail.strip(b" \t\r\n]"):
                    yield Element(None, line, "the file ends in the middle of an element "
                                  "(truncated?)", offset + len(buf))
                return
            offset += pos
            buf = buf[pos:] + more
            pos = 0
            end = buf.find(closing, pos)
        text = buf[pos:end + width]
        try:
            yield Element(orjson.loads(text), line, None, offset + end)
        except orjson.JSONDecodeError as exc:
            yield Element(None, line, f"not valid JSON ({exc})", offset + end)
        line += text.count(b"\n")
        # After the closing brace comes ", {" (next element) or " ]" (the end).
        nxt = end + width
        while True:
            following = buf.find(b"{", nxt)
            end_of_array = buf.find(b"]", nxt)
            if end_of_array >= 0 and (following < 0 or end_of_array < following):
                return
            if following >= 0:
                line += buf.count(b"\n", nxt, following)
                pos = following
                break
            more = f.read(CHUNK)
            if not more:
                return
            offset += nxt
            buf = buf[nxt:] + more
            nxt = 0


def _parse_streaming(f: BinaryIO, rest: bytes, offset: int, name: str) -> Iterator[Element]:
    class _Joined:
        """What we consumed of the file, put back in front of the rest of it."""

        def __init__(self):
            self.first = rest

        def read(self, n: int = -1) -> bytes:
            if n == 0:  # ijson peeks with read(0) to tell bytes from text
                return b""
            if self.first:
                data, self.first = self.first, b""
                return data
            return f.read(n)

    # ijson wants a whole JSON document: put back the opening bracket we consumed.
    source = _Joined()
    source.first = b"[" + rest
    index = 0
    try:
        for value in ijson.items(source, "item", use_float=True):
            index += 1
            yield Element(value, index, None, offset)
    except ijson.JSONError as exc:
        yield Element(None, index + 1, f"element {index + 1} is not valid JSON ({exc})", offset)
