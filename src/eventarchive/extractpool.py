"""Pure CPU work of a fetch (reading a page's text) in a few worker processes, so the fetching
process keeps its one interpreter lock for HTTP and saving.

The runner (``fetching.fetch``) owns one :class:`Workers` per run and closes it at the end; a
source asks for it in ``plan`` (``ctx.workers.start()``) and hands work to it from its fetching
threads with ``run(func, *args)``: ``func`` must be a module-level function of plain arguments
and results (they cross a pipe, pickled).

Why it is safe to leave running (docs/decisions.md, "Reading pages in worker processes"):
- Workers are forked only from the runner's thread while it is the process's only thread
  (before any fetching thread starts), so no lock another thread held is copied half-taken.
  With other threads alive, or without ``fork``, the work runs in the calling thread.
- Each worker asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG)``; that
  signal follows the *thread* that forked, the runner's, which outlives the pool) and checks
  its parent once more after asking, so a ``SIGKILL`` of the fetch leaves no worker holding
  its pipes. Elsewhere (no ``prctl``) nothing is forked and the work runs in process.
- A worker that dies or overruns is not replaced (forking again would copy a threaded
  process): the one call it held fails with :class:`WorkFailed`, the other workers carry on,
  and with none left the work runs in the calling thread.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable

from .errors import EventArchiveError

TIMEOUT = 120.0  # seconds one call may take in a worker before the worker is killed
PR_SET_PDEATHSIG = 1


class WorkFailed(EventArchiveError):
    """One call could not be done: it raised, or its worker died or overran (one line)."""


def default_size() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Workers:
    """Up to ``size`` worker processes, started by :meth:`start`; ``run`` hands one call to an
    idle worker (waiting for one) or, without workers, makes it in the calling thread."""

    def __init__(self, size: int | None = None, timeout: float = TIMEOUT):
        self.size = default_size() if size is None else max(0, size)
        self.timeout = timeout
        self.owner = threading.current_thread()
        self.alive: list[_Worker] = []
        self.idle: list[_Worker] = []
        self.changed = threading.Condition()
        self.closed = False

    def start(self) -> bool:
        """Fork the workers (once), if that is safe here; True when there are workers."""
        with self.changed:
            if self.alive or self.closed or not self._can_fork():
                return bool(self.alive)
            context = multiprocessing.get_context("fork")
            parent = os.getpid()
            for n in range(self.size):
                mine, theirs = context.Pipe()
                # The parent's ends (its own, the other workers'), copied by the fork.
                ends = [mine, *(w.conn for w in self.alive)]
                process = context.Process(target=_serve, args=(theirs, parent, ends),
                                          daemon=True, name=f"eventarchive-read-{n}")
                process.start()
                theirs.close()  # only the worker holds its end: its death is our EOF
                worker = _Worker(process, mine)
                self.alive.append(worker)
                self.idle.append(worker)
            return True

    def _can_fork(self) -> bool:
        return (self.size > 0 and sys.platform == "linux" and _libc() is not None
                and threading.current_thread() is self.owner
                and threading.active_count() == 1)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self.alive]

    def run(self, func: Callable, *args):
        """``func(*args)`` in a worker (or here without one); WorkFailed if it raised, or
        if its worker died or overran."""
        worker = self._take()
        if worker is None:
            try:
                return func(*args)
            except Exception as exc:  # noqa: BLE001 - the same line as from a worker
                raise WorkFailed(_said(exc)) from exc
        try:
            worker.conn.send((func, args))
            if not worker.conn.poll(self.timeout):
                worker.process.kill()
                worker.process.join(1)
                self._lose(worker)
                raise WorkFailed(f"took longer than {self.timeout:g} s; stopped")
            ok, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1)
            self._lose(worker)
            raise WorkFailed(f"its worker process stopped ({_ended(worker.process)})") from None
        self._give(worker)
        if not ok:
            raise WorkFailed(value)
        return value

    def _take(self):
        with self.changed:
            while not self.idle and self.alive:
                self.changed.wait()
            return self.idle.pop() if self.idle else None

    def _give(self, worker) -> None:
        with self.changed:
            self.idle.append(worker)
            self.changed.notify()

    def _lose(self, worker) -> None:
        with self.changed:
            if worker in self.alive:
                self.alive.remove(worker)
            worker.conn.close()
            self.changed.notify_all()  # waiting threads work in process once none is left

    def close(self) -> None:
        """End the workers (idle ones at once; a busy one is killed after a second)."""
        with self.changed:
            self.closed = True
            workers, self.alive, self.idle = self.alive, [], []
            self.changed.notify_all()
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in workers:
            worker.process.join(1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)
            worker.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Worker:
    def __init__(self, process, conn):
        self.process, self.conn = process, conn


def _said(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ended(process) -> str:
    code = process.exitcode
    if code is None:
        return "no answer"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _libc():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc if hasattr(libc, "prctl") else None
    except OSError:
        return None


def _serve(conn, parent: int, ends: list) -> None:
    """A worker: dies with its parent, ignores Ctrl-C (the parent decides), answers calls
    until its pipe ends. It keeps none of the parent's pipe ends, nor its output: with the
    parent gone, nothing holds the pipe open or waits for the worker's output."""
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before we asked to follow it
        os._exit(0)
    from .lock import release_inherited

    release_inherited()  # the archive's lock is the parent's alone
    for end in ends:
        end.close()
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.close(quiet)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        func, args = task
        try:
            answer = (True, func(*args))
        except Exception as exc:  # noqa: BLE001 - said in one line by the parent
            answer = (False, _said(exc))
        conn.send(answer)
