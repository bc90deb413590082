"""A source whose queries run at once: pages saved by the runner's own thread as they come,
each with its state; one failing query contained among the others; a rate limit starts no
further query; an interrupted run resumes to the same archive; and the web stage's politeness
holds across threads."""

from __future__ import annotations

import threading

import pytest

from eventarchive import config
from eventarchive import sources as registry
from eventarchive.fetching import fetch
from eventarchive.fetchpool import release_host
from eventarchive.http import FetchError, RateLimited
from eventarchive.records import Batch, Item
from eventarchive.sources import Page, Query, Setting, Source
from eventarchive.sources.web import _Politeness
from eventarchive.store import Store

EVENT = "fake-event"
WAIT = 10  # seconds a fake query waits for another before giving up (a hang, not a timing)


def fake_source(behaviour: dict, hosts: dict | None = None, concurrency: int = 4,
                per_host: int = 1) -> Source:
    """A concurrent source with one query per key of ``behaviour``: a function
    ``(state) -> iterator of (item id, state)`` or an exception to raise."""
    started: list[str] = []
    lock = threading.Lock()

    def plan(ctx):
        return [Query(key, host=(hosts or {}).get(key, key)) for key in behaviour]

    def fetch_pages(http, query, state):
        with lock:
            started.append(query.key)
        what = behaviour[query.key]
        if isinstance(what, BaseException):
            raise what
        for item, new_state in what(state):
            batch = Batch()
            batch.items.append(Item(f"fake:{item}", "post", "fake", item, text=item))
            yield Page(batch, new_state)

    source = Source(name="fake", plan=plan, fetch=fetch_pages, concurrent=True, settings={
        "concurrency": Setting("int", concurrency), "per_host": Setting("int", per_host)})
    object.__setattr__(source, "started", started)  # read by the tests
    return source


@pytest.fixture
def run_fake(tmp_path, monkeypatch):
    cfg = config.parse({"events": [{"slug": EVENT}]}, tmp_path / "eventarchive.toml")
    store = Store.open(tmp_path / "archive.db")
    real_get = registry.get

    def run(source, progress=None):
        monkeypatch.setattr(registry, "get",
                            lambda name: source if name == "fake" else real_get(name))
        (result,) = fetch(store, cfg, cfg.events, [source], {}, progress=progress)
        return result

    run.store = store
    yield run
    store.close()


def saved_items(store) -> list[str]:
    return [i for (i,) in store.conn.execute("SELECT id FROM items ORDER BY rowid")]


def state(store, key: str) -> dict:
    return store.state("fake", f"{EVENT}:{key}")


def test_pages_are_saved_as_they_come_each_query_in_its_own_order(run_fake):
    fast_saved = threading.Event()

    def slow(state):
        assert fast_saved.wait(WAIT), "the fast query's page was never saved"
        yield "slow-1", {"page": 1}
        yield "slow-2", {"page": 2}

    def fast(state):
        yield "fast-1", {"page": 1}

    def progress(run):
        if "fake:fast-1" in saved_items(run_fake.store):
            fast_saved.set()

    result = run_fake(fake_source({"slow": slow, "fast": fast}), progress)
    assert result.status == "ok" and result.pages == 3 and result.queries == 2
    # The slow query was planned first but finished last; its pages kept their order.
    assert saved_items(run_fake.store) == ["fake:fast-1", "fake:slow-1", "fake:slow-2"]
    assert state(run_fake.store, "slow") == {"page": 2}
    assert state(run_fake.store, "fast") == {"page": 1}


def test_one_failing_query_among_concurrent_ones_is_contained(run_fake):
    def ok(name):
        return lambda state: iter([(name, {"done": True})])

    result = run_fake(fake_source({
        "a": ok("a"), "broken": FetchError("broken.example: HTTP 500 after 6 tries"),
        "b": ok("b"), "bug": KeyError("surprise"), "c": ok("c")}))
    assert result.status == "partial"
    assert result.queries == 5 and result.failed_queries == 2
    assert sorted(saved_items(run_fake.store)) == ["fake:a", "fake:b", "fake:c"]
    assert "fake: broken: broken.example: HTTP 500 after 6 tries" in result.problems
    assert any(p.startswith("fake: bug: unexpected KeyError") for p in result.problems)
    assert state(run_fake.store, "broken") == {}  # tried again next run


def test_a_rate_limit_starts_no_further_query(run_fake):
    limited = threading.Event()

    def other_host(state):
        assert limited.wait(WAIT)
        yield "other", {"done": True}

    def limit(state):
        limited.set()
        raise RateLimited("api.example: rate limited until 10:00 UTC; progress saved", None)
        yield  # pragma: no cover - a generator

    behaviour = {"limited": limit, "other": other_host,
                 **{f"later-{n}": (lambda state: iter([("x", {})])) for n in range(4)}}
    # The later queries ask the rate-limited host: they wait for its slot, never get one.
    hosts = {"limited": "api.example", "other": "b.example",
             **{f"later-{n}": "api.example" for n in range(4)}}
    source = fake_source(behaviour, hosts, concurrency=2)
    result = run_fake(source)
    assert sorted(source.started) == ["limited", "other"]
    assert saved_items(run_fake.store) == ["fake:other"]  # the running query still saved
    assert result.status == "partial"
    assert "fake: api.example: rate limited until 10:00 UTC; progress saved" in result.problems


def test_an_interrupted_run_resumes_to_the_same_archive(run_fake, tmp_path):
    def pages(key):
        def fetch_pages(state):
            for n in range(state.get("next", 0), 3):
                yield f"{key}-{n}", {"next": n + 1}
        return fetch_pages

    behaviour = {f"q{n}": pages(f"q{n}") for n in range(6)}
    hosts = {f"q{n}": f"h{n % 2}" for n in range(6)}

    def interrupt(run):
        if run.pages == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_fake(fake_source(behaviour, hosts), interrupt)
    saved = saved_items(run_fake.store)
    assert len(saved) == 7
    rows = run_fake.store.conn.execute(
        "SELECT status FROM fetch_runs WHERE source = 'fake'").fetchall()
    assert rows == [("interrupted",)]
    again = fake_source(behaviour, hosts)
    result = run_fake(again)
    assert result.status == "ok"
    everything = sorted(f"fake:q{q}-{n}" for q in range(6) for n in range(3))
    assert sorted(saved_items(run_fake.store)) == everything  # nothing twice, nothing lost
    assert result.pages == 18 - 7  # only what was not saved is fetched again
    assert all(state(run_fake.store, f"q{n}") == {"next": 3} for n in range(6))


class ThreadClock:
    """Virtual time per thread: ``sleep`` moves only the sleeping thread's clock, so threads
    that start together and take turns can be checked without waiting."""

    def __init__(self):
        self.local = threading.local()

    def __call__(self) -> float:
        return getattr(self.local, "now", 0.0)

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.local.now = self() + seconds


def test_threads_never_ask_one_host_twice_within_the_delay():
    clock = ThreadClock()
    polite = _Politeness(delay=1.5, robots=False, clock=clock)
    asked: list[tuple[str, float]] = []
    lock = threading.Lock()

    class FakeHttp:
        sleep = staticmethod(clock.sleep)

    def worker(n: int) -> None:
        for page in range(5):
            url = f"https://{'ab'[(n + page) % 2]}.example/{n}/{page}"
            polite.wait(FakeHttp, url)
            with lock:
                asked.append((url.split("/")[2], clock()))
            clock.sleep(0.25)  # the request itself

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(asked) == 40
    for host in ("a.example", "b.example"):
        times = sorted(t for h, t in asked if h == host)
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 1.5  # every request at least the delay after the one before


def test_a_query_done_asking_its_host_lets_the_next_query_of_that_host_start(run_fake):
    """The web stage releases a page's host before reading it: the next URL of that host is
    asked meanwhile, still one request at a time (per_host = 1)."""
    second_started = threading.Event()

    def first(state):
        release_host()
        if second_started.wait(WAIT):  # the other query of the host ran meanwhile
            yield "first", {"done": True}

    def second(state):
        second_started.set()
        yield "second", {"done": True}

    run_fake(fake_source({"a": first, "b": second}, hosts={"a": "h", "b": "h"}, per_host=1))
    assert sorted(saved_items(run_fake.store)) == ["fake:first", "fake:second"]
