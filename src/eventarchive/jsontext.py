"""JSON that one bad character does not lose: ``loads_lenient`` tries orjson (strict and fast)
first; only when that fails does it decode again with invalid UTF-8 bytes and lone surrogate
escapes (``"\\ud83d"``) turned into U+FFFD, the replacement character, and count them. A page
of 100 posts with one broken emoji keeps its 100 posts; the caller reports the count.
"""

from __future__ import annotations

import json
import re

import orjson

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # only then can a lone one be left


def loads_lenient(data: bytes | str) -> tuple[object, int]:
    """``(value, replaced)``: the decoded JSON and how many characters had to be replaced.

    Raises ValueError when ``data`` is not JSON even so (truncated, HTML, ``NaN`` …).
    """
    try:
        return orjson.loads(data), 0
    except orjson.JSONDecodeError as strict:
        first = strict
    replaced = 0
    if isinstance(data, str):
        text = data
    else:
        data = bytes(data)
        text = data.decode("utf-8", errors="replace")
        # Real U+FFFD characters in the input are not ours to count.
        replaced = text.count(REPLACEMENT) - data.count(REPLACEMENT.encode())
    try:
        value = json.loads(text.removeprefix("\ufeff"), parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise first from None  # not JSON at all: orjson's message is the better one
    if not _SURROGATE_ESCAPE.search(text):
        return value, replaced
    value, lone = _clean(value)
    return value, replaced + lone


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def _clean(value) -> tuple[object, int]:
    """Replace lone surrogates (which the stdlib decoder lets through) in every string."""
    if isinstance(value, str):
        return _SURROGATE.subn(REPLACEMENT, value)
    if isinstance(value, list):
        count = 0
        for i, element in enumerate(value):
            value[i], n = _clean(element)
            count += n
        return value, count
    if isinstance(value, dict):
        count = 0
        cleaned = {}
        for key, element in value.items():
            key, n = _clean(key)
            cleaned[key], m = _clean(element)
            count += n + m
        return cleaned, count
    return value, 0
