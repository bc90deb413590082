"""Consent signals: what people said about being archived, read from the payloads (pure).

Each function returns a mark for ``Batch.marks`` (``"consent:…"``) or None. The store applies
the archive's ``[privacy] consent`` policy to marked records (suppression.py); the parse
functions only say what they saw. See docs/security.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# A tag in a bio or a post: #nobot, #NoArchive … (the word, not #nobotany).
_TAG = re.compile(r"(?<![\w#])#(nobot|noarchive)(?!\w)", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")

# What each mark means, as `status`, the fetch summary and docs say it.
REASONS = {
    "consent:indexable": "the author opted out of search (indexable: false)",
    "consent:noindex": "the author asked search engines not to index them (noindex)",
    "consent:bio-nobot": "#nobot in the author's bio",
    "consent:bio-noarchive": "#noarchive in the author's bio",
    "consent:post-nobot": "the post is tagged #nobot",
    "consent:post-noarchive": "the post is tagged #noarchive",
    "consent:no-unauthenticated": "the author asked to be shown only to logged-in users "
                                  "(!no-unauthenticated)",
}


def tagged(text: str | None) -> str | None:
    """``"nobot"`` or ``"noarchive"`` when the text (HTML or plain) carries that tag."""
    if not text:
        return None
    found = _TAG.search(_HTML_TAG.sub("", text))
    return found[1].lower() if found else None


def mastodon_account(account: Mapping) -> str | None:
    """An account that opted out: ``indexable: false`` (Mastodon 4.2+: leave my posts out of
    search), ``noindex: true`` (keep me out of search engines), or #nobot/#noarchive in the bio
    (``note``). An account that says nothing (older servers) is collected."""
    if account.get("indexable") is False:
        return "consent:indexable"
    if account.get("noindex") is True:
        return "consent:noindex"
    tag = tagged(account.get("note"))
    return f"consent:bio-{tag}" if tag else None


def post_tags(tags: Iterable[str], text: str | None = None) -> str | None:
    """A post tagged #nobot or #noarchive (in its tag list or its text)."""
    for tag in tags:
        name = (tag or "").lstrip("#").lower()
        if name in ("nobot", "noarchive"):
            return f"consent:post-{name}"
    tag = tagged(text)
    return f"consent:post-{tag}" if tag else None


def bluesky_author(profile: Mapping) -> str | None:
    """A Bluesky account carrying the ``!no-unauthenticated`` label (set by the account itself
    in its profile: "discourage apps from showing my account to logged-out users")."""
    for label in profile.get("labels") or ():
        if isinstance(label, Mapping) and label.get("val") == "!no-unauthenticated" and not \
                label.get("neg"):
            return "consent:no-unauthenticated"
    tag = tagged(profile.get("description"))
    return f"consent:bio-{tag}" if tag else None
