"""The collection window: which events `fetch` runs, and what `import --match` keeps."""

from __future__ import annotations

import pytest

from eventarchive import config
from eventarchive.config import Event
from eventarchive.errors import ConfigError
from eventarchive.fetching import active_events
from eventarchive.matching import Matcher
from eventarchive.records import Author, Batch, Item, Tag
from eventarchive.window import Window

DAY = Event(slug="day", name="Day", starts_at="2026-10-21T08:00:00+00:00",
            ends_at="2026-10-21T16:00:00+00:00", hashtags=["coopday"], keywords=["co-op day"],
            accounts={"twitter": ["organiser"]})


def configured(tmp_path, fetch: str = "") -> config.Config:
    path = tmp_path / "eventarchive.toml"
    path.write_text(
        f"{fetch}\n"
        '[[events]]\nslug = "day"\nstarts_at = "2026-10-21T09:00:00+01:00"\n'
        'ends_at = "2026-10-21T17:00:00+01:00"\n'
        '[[events]]\nslug = "undated"\n')
    return config.load(path)


@pytest.mark.parametrize("now, expected", [
    ("2026-09-20T00:00:00+00:00", ["undated"]),              # 31 days before: not yet
    ("2026-09-22T00:00:00+00:00", ["day", "undated"]),       # "save the date" time
    ("2026-10-21T12:00:00+00:00", ["day", "undated"]),
    ("2026-11-20T15:00:00+00:00", ["day", "undated"]),       # write-ups, within 30 days
    ("2026-11-21T00:00:00+00:00", ["undated"]),              # left alone after
])
def test_fetch_runs_the_events_whose_window_is_open(tmp_path, now, expected):
    cfg = configured(tmp_path)
    assert [e.slug for e in active_events(cfg, None, now)] == expected


def test_the_window_is_configurable_and_an_event_named_always_runs(tmp_path):
    cfg = configured(tmp_path, "[fetch]\ncollect_before_days = 0\ncollect_after_days = 2.5\n")
    assert [e.slug for e in active_events(cfg, None, "2026-10-20T12:00:00+00:00")] == ["undated"]
    assert [e.slug for e in active_events(cfg, None, "2026-10-24T03:00:00+00:00")] == ["day",
                                                                                       "undated"]
    assert [e.slug for e in active_events(cfg, None, "2026-10-24T05:00:00+00:00")] == ["undated"]
    assert [e.slug for e in active_events(cfg, "day", "2030-01-01T00:00:00+00:00")] == ["day"]


@pytest.mark.parametrize("text, message", [
    ("collect_before_days = -1", r"fetch\.collect_before_days: expected days from 0 to 3650, "
                                 r"got -1"),
    ("collect_after_days = 1e9", r"fetch\.collect_after_days: expected days from 0 to 3650"),
    ("collect_after_days = \"30d\"", r"fetch\.collect_after_days: expected a number"),
])
def test_window_settings_out_of_range_name_file_and_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        configured(tmp_path, f"[fetch]\n{text}\n")


def post(native_id: str, when: str, text: str, author: str = "twitter:9", tags=()) -> Batch:
    batch = Batch()
    batch.items.append(Item(f"twitter:{native_id}", "post", "twitter", native_id,
                            author_id=author, published_at=when, text=text))
    batch.tags += [Tag(f"twitter:{native_id}", t) for t in tags]
    batch.authors += [Author("twitter:1", "twitter", "organiser"),
                      Author("twitter:9", "twitter", "someone")]
    return batch


def kept(batch: Batch, window: Window | None = None) -> list[str]:
    Matcher(DAY, window).filter(batch)
    return [i.id for i in batch.items]


def test_match_keeps_save_the_date_and_write_ups_carrying_the_hashtag():
    save_the_date = post("1", "2026-09-30T10:00:00+00:00", "Save the date!", tags=["coopday"])
    write_up = post("2", "2026-11-02T10:00:00+00:00", "Our write-up of the Co-op Day")
    too_late = post("3", "2026-12-01T10:00:00+00:00", "A year on", tags=["CoopDay"])
    assert kept(save_the_date) == ["twitter:1"]
    assert kept(write_up) == ["twitter:2"]
    assert kept(too_late) == []
    assert kept(post("3", "2026-12-01T10:00:00+00:00", "x", tags=["coopday"]),
                Window(after_days=60)) == ["twitter:3"]


def test_match_keeps_an_accounts_other_posts_only_within_the_events_hours():
    during = post("4", "2026-10-21T12:00:00+00:00", "Lunch queue", author="twitter:1")
    before = post("5", "2026-10-20T12:00:00+00:00", "Packing the van", author="twitter:1")
    tagged_before = post("6", "2026-10-20T12:00:00+00:00", "Tomorrow! #coopday",
                         author="twitter:1")
    stranger = post("7", "2026-10-21T12:00:00+00:00", "Lunch queue")
    assert kept(during) == ["twitter:4"]
    assert kept(before) == []
    assert kept(tagged_before) == ["twitter:6"]
    assert kept(stranger) == []
