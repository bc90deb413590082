"""``fetch_runs`` bookkeeping, part of :class:`~eventarchive.store.Store`: every planned run is
recorded up front, its item count kept current after each page, and runs left open by a
killed process closed as interrupted."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class RunLog:
    """Mixed into Store; uses its ``conn``."""

    def start_run(self, source: str, event: str | None, status: str = "running") -> int:
        """A ``fetch_runs`` row; runs left 'running' or 'pending' by a killed process are
        closed as 'interrupted' first (callers hold the archive lock, so none is live)."""
        self.close_stale_runs()
        self._left_out_at_start = Counter(self.left_out)
        with self.conn:
            cursor = self.conn.execute(
                "INSERT INTO fetch_runs (source, event, started_at, status, pid, new_items) "
                "VALUES (?, ?, ?, ?, ?, 0)", (source, event, now_iso(), status, os.getpid()))
        return cursor.lastrowid

    def close_stale_runs(self) -> int:
        """Mark runs of other processes as interrupted, keeping what they saved. Only the
        holder of the archive lock writes runs, so another process's open run is a dead one."""
        stale = [(run_id,) for run_id, pid in self.conn.execute(
            "SELECT id, pid FROM fetch_runs WHERE status IN ('running', 'pending')")
            if pid != os.getpid()]
        if stale:
            with self.conn:
                self.conn.executemany(
                    "UPDATE fetch_runs SET status = 'interrupted', errors = coalesce(errors || "
                    "char(10), '') || 'interrupted: the process stopped before this run "
                    "finished; what it saved stays, and the next run carried on' WHERE id = ?",
                    stale)
        return len(stale)

    def mark_run(self, run_id: int, status: str) -> None:
        self._left_out_at_start = Counter(self.left_out)
        with self.conn:
            self.conn.execute("UPDATE fetch_runs SET status = ?, started_at = ? WHERE id = ?",
                              (status, now_iso(), run_id))

    def run_status(self, run_id: int) -> str | None:
        row = self.conn.execute("SELECT status FROM fetch_runs WHERE id = ?", (run_id,)
                                ).fetchone()
        return row[0] if row else None

    def update_run_items(self, run_id: int, count: int) -> None:
        """Record how many items a run has saved so far (a killed run still shows them)."""
        with self.conn:
            self.conn.execute("UPDATE fetch_runs SET new_items = ? WHERE id = ?",
                              (count, run_id))

    def finish_run(self, run_id: int, status: str, new_items: int, errors: Iterable[str],
                   rate_limited_until: str | None = None) -> None:
        """Close a run. ``left_out`` records the items its saves dropped, by reason (JSON;
        suppression.py), apart from its errors: leaving them out is not a failure.
        ``rate_limited_until``: when the platform's rate limit lifts (UTC ISO), for `status`."""
        errors = list(errors)
        left_out = self.left_out - getattr(self, "_left_out_at_start", Counter())
        with self.conn:
            self.conn.execute(
                "UPDATE fetch_runs SET finished_at = ?, status = ?, new_items = ?, errors = ?, "
                "left_out = ?, rate_limited_until = ? WHERE id = ?",
                (now_iso(), status, new_items, "\n".join(errors) or None,
                 json.dumps(dict(left_out), sort_keys=True) if left_out else None,
                 rate_limited_until, run_id),
            )

    def max_rowid(self) -> int:
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()[0]

    def count_since(self, rowid: int) -> int:
        """Items added after ``rowid`` (new items get larger rowids)."""
        return self.conn.execute("SELECT count(*) FROM items WHERE rowid > ?", (rowid,)
                                 ).fetchone()[0]

