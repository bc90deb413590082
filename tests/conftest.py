"""Shared fixtures: real SQLite files built from the recorded payloads in tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventarchive.config import Event
from eventarchive.run import import_file
from eventarchive.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
EVENT = Event(slug="lambethcoop-2011", name="Lambeth Co-op Day",
              starts_at="2011-10-21T08:00:00+00:00", ends_at="2011-10-21T16:00:00+00:00",
              hashtags=["lambethcoop"])


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store.open(tmp_path / "archive.db")
    yield s
    s.close()


def build_archive(path: Path) -> Path:
    """An archive holding every Twitter fixture, imported the way a user would."""
    store = Store.open(path)
    media = path.parent / "media"
    import_file(store, "twitter-archive", FIXTURES / "twitter-archive", EVENT, media)
    for name in ("twarc1.jsonl", "twarc2.jsonl", "twarc2-flat.jsonl"):
        import_file(store, "twarc", FIXTURES / name, EVENT, media)
    import_file(store, "tags-csv", FIXTURES / "tags.csv", EVENT, media)
    store.close()
    return path


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory) -> Path:
    """A read-only archive shared by the tests that only look at it (Datasette, search)."""
    return build_archive(tmp_path_factory.mktemp("archive") / "archive.db")


def wayback_availability(captures: dict):
    """A Wayback availability API for pytest-httpserver: ``{original: (timestamp, status)}``;
    anything else is answered "not archived", as the real API does."""
    import json

    from werkzeug import Response

    def answer(request):
        found = captures.get(request.args["url"])
        closest = {"available": True, "status": found[1], "timestamp": found[0],
                   "url": f"http://web.archive.org/web/{found[0]}/{request.args['url']}"
                   } if found else None
        return Response(json.dumps({"archived_snapshots": {"closest": closest} if closest
                                    else {}}), content_type="application/json")

    return answer


def plan(module, event, settings=None, env=None, **context):
    """A source's plan for one event, with its settings checked and defaulted the way the
    runner does it."""
    from eventarchive.sources import Context

    source = module.SOURCE
    return source.plan(Context(event, source.validate(settings or {}), {}, env or {}, **context))
