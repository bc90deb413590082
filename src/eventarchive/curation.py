"""A curator's story of an event: pinned, hidden and moved items, and annotations between them.

Curation lives in its own tables (``curation``, ``annotations``; see docs/curation.md), never in
the items, so re-imports and re-fetches leave it alone. The story page reads these tables; this
module, used through :meth:`Store.curation`, is their only writer.

Story order: pinned items first (in the order they were pinned), then the event's items in
timeline order (a curated story's own positions first, then time); a moved item sits right after
its anchor, several moved after one anchor keep their timeline order; annotations come right after
the item they follow, before items moved there. Hidden items are left out of the story but keep
their place in :meth:`Curation.entries`, for the curator.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import CurationError

ITEMS_SQL = """
select items.id, items.published_at, items.platform,
       coalesce(authors.handle, authors.display_name) as author,
       coalesce(items.title, items.text) as text
from event_items
join items on items.id = event_items.item_id
left join authors on authors.id = items.author_id
where event_items.event = ?
order by event_items.position is null, event_items.position, items.published_at, items.id
"""


@dataclass
class Entry:
    """One item of the event as the curator sees it, in story order."""

    item_id: str
    published_at: str | None
    platform: str
    author: str | None
    text: str | None
    pinned: bool = False
    hidden: bool = False
    after: str | None = None
    annotations: list[tuple[int, str]] = field(default_factory=list)  # (id, text) after it


@dataclass
class Story:
    top: list[tuple[int, str]]  # annotations before the first item
    entries: list[Entry]


@dataclass
class ItemEdit:
    """The whole curation of one item, as a spreadsheet row states it."""

    item_id: str
    pinned: bool
    hidden: bool
    after: str | None
    where: str = ""


@dataclass
class AnnotationEdit:
    """An annotation as a spreadsheet row states it; ``id`` None for a new one."""

    id: int | None
    after: str | None
    text: str
    where: str = ""


def stamp() -> str:
    """Microseconds, so that pins made in the same second keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Curation:
    def __init__(self, conn: sqlite3.Connection, event: str):
        self.conn = conn
        self.event = event

    # -- reading ------------------------------------------------------------------------------

    def item_ids(self) -> set[str]:
        return {i for (i,) in self.conn.execute(
            "SELECT item_id FROM event_items WHERE event = ?", (self.event,))}

    def check(self, *item_ids: str) -> None:
        known = self.item_ids()
        for item_id in item_ids:
            if item_id not in known:
                raise CurationError(
                    f"{item_id}: not an item of event {self.event}; `eventarchive curate "
                    f"--event {self.event} list` shows its items")

    def _rows(self) -> dict[str, tuple[bool, bool, str | None, str]]:
        return {r[0]: (bool(r[1]), bool(r[2]), r[3], r[4]) for r in self.conn.execute(
            "SELECT item_id, pinned, hidden, after_item_id, updated_at FROM curation "
            "WHERE event = ?", (self.event,))}

    def annotations(self) -> list[tuple[int, str | None, str]]:
        return list(self.conn.execute(
            "SELECT id, after_item_id, text FROM annotations WHERE event = ? ORDER BY id",
            (self.event,)))

    def story(self) -> Story:
        """Every item of the event in story order, hidden ones included and flagged."""
        cur = self._rows()
        base = [Entry(*row) for row in self.conn.execute(ITEMS_SQL, (self.event,))]
        by_id = {e.item_id: e for e in base}
        for entry in base:
            if entry.item_id in cur:
                entry.pinned, entry.hidden, entry.after, _ = cur[entry.item_id]
        top = []
        for note_id, after, text in self.annotations():
            if after in by_id:
                by_id[after].annotations.append((note_id, text))
            else:
                top.append((note_id, text))
        children: dict[str, list[Entry]] = {}
        for e in base:
            if not e.pinned and e.after in by_id and e.after != e.item_id:
                children.setdefault(e.after, []).append(e)
        ordered: list[Entry] = []
        seen: set[str] = set()

        def emit(e: Entry) -> None:
            if e.item_id in seen:
                return
            seen.add(e.item_id)
            ordered.append(e)
            for child in children.get(e.item_id, ()):
                emit(child)

        pinned = sorted((e for e in base if e.pinned), key=lambda e: (cur[e.item_id][3],
                                                                        e.item_id))
        for e in pinned:
            emit(e)
        for e in base:
            if not (e.pinned or (e.after in by_id and e.after != e.item_id)):
                emit(e)
        for e in base:  # a cycle written by hand into the table: keep them, in time order
            emit(e)
        return Story(top, ordered)

    # -- writing ------------------------------------------------------------------------------

    def _set(self, item_id: str, **changes) -> None:
        pinned, hidden, after, updated = self._rows().get(item_id, (False, False, None, ""))
        values = {"pinned": pinned, "hidden": hidden, "after": after, **changes}
        # updated_at is the pin order: a pinned item keeps its place when hidden or moved.
        if not (pinned and values["pinned"]):
            updated = stamp()
        self._write([(item_id, values["pinned"], values["hidden"], values["after"], updated)])

    def _write(self, rows: list[tuple[str, bool, bool, str | None, str]]) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO curation (event, item_id, pinned, hidden, after_item_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event, item_id) DO UPDATE SET "
            "pinned = excluded.pinned, hidden = excluded.hidden, "
            "after_item_id = excluded.after_item_id, updated_at = excluded.updated_at",
            [(self.event, i, int(p), int(h), a, u) for i, p, h, a, u in rows])
        conn.execute("DELETE FROM curation WHERE event = ? AND pinned = 0 AND hidden = 0 "
                     "AND after_item_id IS NULL", (self.event,))

    def pin(self, item_id: str) -> None:
        self.check(item_id)
        with self.conn:
            self._set(item_id, pinned=True)

    def hide(self, item_id: str) -> None:
        self.check(item_id)
        with self.conn:
            self._set(item_id, hidden=True)

    def show(self, item_id: str) -> None:
        """Undo hide and pin: the item is back in the story at its place."""
        self.check(item_id)
        with self.conn:
            self._set(item_id, hidden=False, pinned=False)

    def move(self, item_id: str, after: str | None) -> None:
        """Show ``item_id`` right after ``after``; None puts it back in timeline order."""
        self.check(item_id, *([after] if after else []))
        if after is not None:
            self._refuse_cycle(item_id, after, self._anchors())
        with self.conn:
            self._set(item_id, after=after)

    def _anchors(self) -> dict[str, str]:
        return {i: a for i, (_, _, a, _) in self._rows().items() if a}

    def _refuse_cycle(self, item_id: str, after: str, anchors: dict[str, str]) -> None:
        anchor, seen = after, set()
        while anchor is not None and anchor not in seen:
            if anchor == item_id:
                raise CurationError(
                    f"{item_id}: cannot go after {after}, which is itself placed after "
                    f"{item_id}; move {after} first")
            seen.add(anchor)
            anchor = anchors.get(anchor)

    def annotate(self, text: str, after: str | None = None) -> int:
        """Add the curator's words after an item (None: at the top); returns its number."""
        if after is not None:
            self.check(after)
        with self.conn:
            return self.conn.execute(
                "INSERT INTO annotations (event, after_item_id, text, created_at) "
                "VALUES (?, ?, ?, ?)", (self.event, after, text, stamp())).lastrowid

    def unannotate(self, annotation_id: int) -> None:
        with self.conn:
            gone = self.conn.execute("DELETE FROM annotations WHERE event = ? AND id = ?",
                                     (self.event, annotation_id)).rowcount
        if not gone:
            raise CurationError(f"annotation {annotation_id}: not an annotation of event "
                                   f"{self.event}")

    def apply(self, items: list[ItemEdit], annotations: list[AnnotationEdit] | None
              ) -> list[tuple[str, str]]:
        """Apply a spreadsheet's edits in one transaction; returns (where, reason) for the rows
        refused, the rest being applied. ``annotations`` None leaves annotations alone;
        otherwise they replace the event's annotations (a row deleted is an annotation
        deleted)."""
        known = self.item_ids()
        current = self._rows()
        problems: list[tuple[str, str]] = []
        valid: list[ItemEdit] = []
        for edit in items:
            if edit.item_id not in known:
                problems.append((edit.where, f"{edit.item_id}: not an item of event "
                                             f"{self.event}"))
            elif edit.after is not None and edit.after not in known:
                problems.append((edit.where, f"after {edit.after}: not an item of event "
                                             f"{self.event}"))
            elif edit.after == edit.item_id:
                problems.append((edit.where, f"{edit.item_id}: cannot go after itself"))
            else:
                valid.append(edit)
        anchors = {i: a for i, (_, _, a, _) in current.items() if a}
        anchors.update({e.item_id: e.after for e in valid})
        rows = []
        for edit in valid:
            try:
                if edit.after is not None:
                    self._refuse_cycle(edit.item_id, edit.after, anchors)
            except CurationError as exc:
                problems.append((edit.where, str(exc)))
                anchors[edit.item_id] = current.get(edit.item_id, (0, 0, None, ""))[2]
                continue
            was_pinned, _, _, updated = current.get(edit.item_id, (False, False, None, ""))
            rows.append((edit.item_id, edit.pinned, edit.hidden, edit.after,
                         updated if (was_pinned and edit.pinned) else stamp()))
        notes = []
        if annotations is not None:
            existing = {n for n, _, _ in self.annotations()}
            for note in annotations:
                if note.after is not None and note.after not in known:
                    problems.append((note.where, f"annotation after {note.after}: not an item "
                                                 f"of event {self.event}"))
                    existing.discard(note.id)  # keep it as it was
                elif note.id is not None and note.id not in existing:
                    problems.append((note.where, f"annotation {note.id}: no such annotation "
                                                 "(leave the id empty for a new one)"))
                else:
                    notes.append(note)
        with self.conn:
            self._write(rows)
            if annotations is not None:
                kept = {n.id for n in notes if n.id is not None}
                self.conn.executemany(
                    "DELETE FROM annotations WHERE event = ? AND id = ?",
                    [(self.event, n) for n in existing - kept])
                for note in notes:
                    if note.id is None:
                        self.conn.execute(
                            "INSERT INTO annotations (event, after_item_id, text, created_at) "
                            "VALUES (?, ?, ?, ?)", (self.event, note.after, note.text, stamp()))
                    else:
                        self.conn.execute(
                            "UPDATE annotations SET after_item_id = ?, text = ? "
                            "WHERE event = ? AND id = ?",
                            (note.after, note.text, self.event, note.id))
        return problems
