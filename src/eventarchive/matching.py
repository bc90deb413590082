"""``--match``: keep only the items that belong to an event. A post carrying the event's
hashtags or keywords belongs when published within the collection window (window.py: "save the
date" before, write-ups after); a configured account's other posts only within the event's own
hours; with no hashtags, keywords or accounts configured, whatever falls in the event's hours.
Works on a parsed Batch, so every importer and source shares it.
"""

from __future__ import annotations

from collections import defaultdict

from .config import Event
from .records import Batch
from .window import Window, in_hours


class Matcher:
    def __init__(self, event: Event, window: Window | None = None):
        self.event = event
        self.window = window or Window()
        self.hashtags = {t.lower() for t in event.hashtags}
        self.keywords = [k.lower() for k in event.keywords]
        self.accounts = {
            (platform, h.lstrip("@").lower()) for platform, handles in event.accounts.items()
            for h in handles
        }
        self.has_terms = bool(self.hashtags or self.keywords or self.accounts)

    def filter(self, batch: Batch) -> int:
        """Drop the items (and everything hanging off them) that do not match; returns how many."""
        tags = defaultdict(set)
        for tag in batch.tags:
            tags[tag.item_id].add(tag.tag)
        handles = {a.id: (a.platform, (a.handle or "").lower()) for a in batch.authors}
        keep = {item.id for item in batch.items if self._matches(item, tags, handles)}
        skipped = len({item.id for item in batch.items} - keep)
        if skipped:
            batch.items = [i for i in batch.items if i.id in keep]
            for name in ("media", "links", "tags", "mentions", "reposts"):
                setattr(batch, name, [r for r in getattr(batch, name) if r.item_id in keep])
        return skipped

    def _matches(self, item, tags, handles) -> bool:
        if item.kind in ("story", "story_element"):
            return True  # a curated story was made for the event: all of it belongs
        when = item.published_at
        if not self.has_terms:
            return in_hours(self.event, when)
        if self._carries_terms(item, tags) and self.window.covers(self.event, when):
            return True
        by_account = item.author_id in handles and handles[item.author_id] in self.accounts
        return by_account and in_hours(self.event, when)

    def _carries_terms(self, item, tags) -> bool:
        if self.hashtags & {t.lower() for t in tags.get(item.id, ())}:
            return True
        text = f"{item.title or ''} {item.text or ''}".lower()
        return any(k in text for k in self.keywords) or any(
            f"#{t}" in text for t in self.hashtags)
