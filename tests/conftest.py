"""Shared fixtures: real SQLite files built from the recorded payloads in tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventarchive.config import Event, Session, to_utc
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

# -- a small event story (tests/test_story.py, test_feed.py, the browser tests) -----------------

STORY_EVENT = Event(
    slug="coop-story", name="Co-op Story Day", starts_at="2011-10-21T09:00:00+01:00",
    ends_at="2011-10-21T17:00:00+01:00", description="A fictional day, for the story tests.",
    sessions=[Session("Welcome", "2011-10-21T09:00:00+01:00", "2011-10-21T09:45:00+01:00",
                      "Foyer"),
              Session("World cafe", "2011-10-21T10:00:00+01:00", "2011-10-21T12:00:00+01:00",
                      "Big room")])

# The curation tables as CONTRACTS.md defines them (m005_curation, another worker's migration):
# created here when the branch does not have them yet.
CURATION_SQL = """
CREATE TABLE IF NOT EXISTS curation (
    event TEXT NOT NULL, item_id TEXT NOT NULL, pinned INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0, after_item_id TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (event, item_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY, event TEXT NOT NULL, after_item_id TEXT, text TEXT NOT NULL,
    created_at TEXT NOT NULL);
"""


def _t(hhmm: str) -> str:
    return f"2011-10-21T{hhmm}:00+00:00"


def build_story(path: Path, curation: bool = True) -> Path:
    """An event with every kind of card: posts (a photo, a reply, a content warning, a
    crosspost and its Bridgy Fed mirror, a deleted one), a Storify element embedding a post, a
    note, a blog post with threaded comments; pinned, hidden and moved items, annotations."""
    import json

    from eventarchive.records import Author, Batch, Item, Link, Media, Tag

    store = Store.open(path)
    e = STORY_EVENT
    store.ensure_event(e.slug, e.name, to_utc(e.starts_at), to_utc(e.ends_at), e.description)
    b = Batch()
    people = {
        "early": Author("twitter:u1", "twitter", "early_bird", "Early Bird"),
        "jo": Author("twitter:u2", "twitter", "cafe_host_jo", "Jo at the Caff"),
        "jo_m": Author("mastodon:jo", "mastodon", "jo@toot.example", "Jo at the Caff"),
        "jo_b": Author("bluesky:jo", "bluesky", "jo.toot.example.ap.brid.gy", "Jo (bridged)"),
        "sam": Author("twitter:u3", "twitter", "sam_coop", "Sam Coop"),
        "blog": Author("wordpress:org", "wordpress", None, "The Organiser"),
        "reader": Author("wordpress:r1", "wordpress", None, "A Reader"),
        "pat": Author("notes:pat", "notes", None, "Pat (table 2)"),
    }
    b.authors.extend(people.values())

    def item(id_, kind, who, hhmm, text, **kw):
        platform, native = id_.split(":", 1)
        url = kw.pop("url", f"https://{platform}.example/{native}")
        b.items.append(Item(id_, kind, platform, native, url, people[who].id if who else None,
                            _t(hhmm), text=text, **kw))

    item("twitter:1", "post", "early", "07:30", "Setting off for #lambethcoop with @sam_coop")
    item("twitter:9", "post", "sam", "12:10", "Moved: a curator put this after the first post")
    item("twitter:2", "post", "jo", "08:10", "Doors are open https://venue.example/map")
    b.media.append(Media("twitter:m2", "twitter:2", "https://pbs.example/doors.jpg",
                         "photos/doors.jpg", "image/jpeg", alt_text="The open doors"))
    b.tags.append(Tag("twitter:1", "lambethcoop"))
    item("mastodon:3", "post", "jo_m", "08:20", "Urn is on, 200 cups and counting",
         title="tea talk", raw=json.dumps({"spoiler_text": "tea talk", "sensitive": True}))
    item("bluesky:3", "post", "jo_b", "08:23", "Urn is on, 200 cups and counting")
    item("twitter:4", "post", "sam", "08:50", "A post its author deleted later",
         raw=json.dumps({"deleted_at": "2012-01-01T00:00:00+00:00"}))
    item("storify:story", "story", None, "09:00", "Everything from the day",
         title="Co-op Story Day on Storify")
    item("twitter:5", "post", "sam", "09:30", "Table 3 says co-production starts with tea")
    item("storify:e1", "story_element", "sam", "09:30",
         "Table 3 says co-production starts with tea", in_reply_to="storify:story",
         url="https://twitter.example/5")
    b.links.append(Link("storify:e1", "https://twitter.example/5"))
    item("twitter:6", "post", "early", "09:40", "Agreed!", in_reply_to="twitter:2")
    item("twitter:7", "post", "early", "09:45", "Hidden by the curator")
    item("notes:n1", "note", "pat", "10:15", "Table 2 notes\n\nWe talked about the urn.\n"
         "Everyone wants more tea.")
    item("twitter:8", "post", "jo", "11:30", "Pinned: thank you all for coming")
    item("wordpress:post", "article", "blog", "12:30", "What a day it was.",
         title="Leadership network and co-production")
    item("wordpress:c1", "comment", "reader", "13:00", "Lovely write-up",
         in_reply_to="wordpress:post")
    item("wordpress:c2", "comment", "blog", "13:05", "Thank you!", in_reply_to="wordpress:c1")
    store.save(b, e.slug, fetched_at="2026-12-01T10:00:00+00:00")
    if curation:
        store.conn.executescript(CURATION_SQL)
        with store.conn:
            store.conn.executemany(
                "INSERT INTO curation (event, item_id, pinned, hidden, after_item_id, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(e.slug, "twitter:8", 1, 0, None, "2026-12-01T10:00:00+00:00"),
                 (e.slug, "twitter:7", 0, 1, None, "2026-12-01T10:00:00+00:00"),
                 (e.slug, "twitter:9", 0, 0, "twitter:1", "2026-12-01T10:00:00+00:00")])
            store.conn.executemany(
                "INSERT INTO annotations (event, after_item_id, text, created_at) "
                "VALUES (?, ?, ?, ?)",
                [(e.slug, None, "The curator's introduction.", "2026-12-01T10:00:00+00:00"),
                 (e.slug, "twitter:2", "The welcome was warm.", "2026-12-01T10:00:00+00:00")])
    store.close()
    return path


@pytest.fixture(scope="session")
def story_path(tmp_path_factory) -> Path:
    return build_story(tmp_path_factory.mktemp("story") / "story.db")
