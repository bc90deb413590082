"""Running a source's queries at once: worker threads fetch, the calling thread saves.

A source that declares ``concurrent=True`` has its queries run by a :class:`QueryPool`: up
to ``workers`` at once, at most ``per_host`` of them with the same ``Query.host``. Each worker
runs one query's ``fetch`` generator and hands every page back to the calling thread, which
saves it (the store stays the only writer, on its own connection) and then acknowledges it;
only then does the worker resume the generator. So a query's pages are saved in order, one at
a time, exactly as when queries run one after another, and a kill at any point leaves every
query either where its last saved page left it or untouched.

A query holds its host until it ends, or until its ``fetch`` calls :func:`release_host`
(after its last request, e.g. before reading the page it got): another query may then ask
that host while this one reads and waits for its page to be saved. Such a finishing query
still holds its thread, but no longer counts against ``workers``; at most ``workers`` more
of them may be finishing at once.

Workers are a fixed set of daemon threads, started as needed and ended with the pool: an
interrupted run does not wait for requests still in flight.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

ACK_POLL = 0.2  # seconds a worker waits for its page to be saved before looking at ``stopped``
_current = threading.local()  # the query this worker thread runs: how release_host finds it


def release_host() -> None:
    """Called from a concurrent source's ``fetch``: this query asks its host nothing more, so
    another query may ask it while this one finishes (no-op outside a pool)."""
    release = getattr(_current, "release", None)
    if release is not None:
        release()


@dataclass
class Done:
    """What a worker hands back: a page (``page``), a failure (``error``) or the end of a
    query (neither)."""

    query: object
    page: object = None
    error: BaseException | None = None
    saved: threading.Event = field(default_factory=threading.Event)
    freed: bool = False  # only the query's host is free (kept inside the pool)


class QueryPool:
    """``work(query, state)`` (an iterator of pages) for every query added, on worker threads.

    Iterate over the pool in the thread that saves: it yields a :class:`Done` for each page
    as it comes, each failure, and each finished query, until every query added (before or
    during the iteration) is done. Call ``ack(done)`` once a page is saved; ``stop()`` starts
    no more queries and lets the running ones end after their current page.
    """

    def __init__(self, work: Callable[[object, dict], Iterator], workers: int,
                 per_host: int):
        self.work = work
        self.workers, self.per_host = max(1, workers), max(1, per_host)
        self.waiting: dict[str, deque] = {}
        self.busy: dict[str, int] = {}
        self.running = 0  # queries holding their host
        self.finishing: set[int] = set()  # ids of queries that released it, still running
        self.results: queue.Queue[Done] = queue.Queue()
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []
        self.stopped = threading.Event()

    def add(self, query, state: dict) -> bool:
        """Queue ``query`` with its stored ``state`` (read by the caller, which owns the
        store's connection); False once the pool is stopped."""
        if self.stopped.is_set():
            return False
        self.waiting.setdefault(getattr(query, "host", ""), deque()).append((query, state))
        return True

    def stop(self) -> None:
        self.stopped.set()
        self.waiting.clear()

    def ack(self, done: Done) -> None:
        done.saved.set()

    def __iter__(self) -> Iterator[Done]:
        try:
            while True:
                self._start()
                if not self.running and not self.finishing:
                    return
                done = self.results.get()
                host = getattr(done.query, "host", "")
                if done.freed:  # its host and its place are free; it goes on reading
                    self.running -= 1
                    self.busy[host] -= 1
                    self.finishing.add(id(done.query))
                    continue
                if done.page is None:  # the query ended (or failed)
                    if id(done.query) in self.finishing:
                        self.finishing.discard(id(done.query))
                    else:
                        self.running -= 1
                        self.busy[host] -= 1
                yield done
        finally:
            self.stop()
            for _ in self.threads:
                self.tasks.put(None)  # each worker ends once its current query has

    def _start(self) -> None:
        for host in list(self.waiting):
            waiting = self.waiting[host]
            while (waiting and self.busy.get(host, 0) < self.per_host
                   and self.running < self.workers and len(self.finishing) < self.workers):
                self.busy[host] = self.busy.get(host, 0) + 1
                self.running += 1
                if len(self.threads) < self.running + len(self.finishing):
                    thread = threading.Thread(target=self._worker, daemon=True,
                                              name=f"fetch-{len(self.threads)}")
                    self.threads.append(thread)
                    thread.start()
                self.tasks.put(waiting.popleft())
            if not waiting:
                del self.waiting[host]

    def _worker(self) -> None:
        while (task := self.tasks.get()) is not None:
            self._run(*task)

    def _run(self, query, state: dict) -> None:
        freed = []

        def release() -> None:
            if not freed:
                freed.append(True)
                self.results.put(Done(query, freed=True))

        _current.release = release
        try:
            for page in self.work(query, state):
                done = Done(query, page)
                self.results.put(done)
                while not done.saved.wait(ACK_POLL):
                    if self.stopped.is_set():
                        break
                if self.stopped.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - contained by the saving thread
            self.results.put(Done(query, error=exc))
        else:
            self.results.put(Done(query))
        finally:
            _current.release = None
