"""Importing the files people have: account archives (zip, folder, tweets.js), twarc, TAGS."""

import hashlib
import zipfile

import pytest

from conftest import EVENT
from eventarchive.config import Event
from eventarchive.errors import ImportFormatError
from eventarchive.run import import_file

PHOTO = "127369833300946952-AcUdF3yCIAAeo9Z.jpg"


def rows(store, sql, *params):
    return [tuple(r) for r in store.conn.execute(sql, params)]


def zip_folder(folder, target):
    with zipfile.ZipFile(target, "w") as z:
        for path in folder.rglob("*"):
            if path.is_file():
                z.write(path, path.relative_to(folder))
    return target


@pytest.mark.parametrize("layout", ["folder", "zip", "tweets.js"])
def test_account_archive_in_every_form(store, fixtures, tmp_path, layout):
    source = fixtures / "twitter-archive"
    if layout == "zip":
        source = zip_folder(source, tmp_path / "twitter-2022-11-14.zip")
    elif layout == "tweets.js":
        source = source / "data" / "tweets.js"
    media = tmp_path / "media"
    result = import_file(store, "twitter-archive", source, EVENT, media)
    assert result.problems == []
    expected = 6 if layout == "tweets.js" else 7  # tweets-part1.js only comes with the archive
    assert result.new_items == expected
    assert rows(store, "select handle, display_name from authors") == [
        ("lambeth_events", "Lambeth Co-op Day")]
    assert rows(store, "select count(*) from event_items where event = ?", EVENT.slug) == [
        (expected,)]
    # The photo is copied out of the archive and the media row points at the copy.
    (path, sha, mime), = rows(store, "select path, sha256, mime from media")
    assert path == f"twitter/{PHOTO}"
    copied = (media / path).read_bytes()
    assert copied == (fixtures / "twitter-archive/data/tweets_media" / PHOTO).read_bytes()
    assert sha == hashlib.sha256(copied).hexdigest() and mime == "image/jpeg"


@pytest.mark.parametrize("folder", ["twitter-archive-old", "twitter-archive-2019"])
def test_older_archive_layouts(store, fixtures, folder):
    result = import_file(store, "twitter-archive", fixtures / folder, EVENT, None)
    assert result.problems == [] and result.new_items == 2
    # Old archives carry no user on each tweet: the account in account.js is the author.
    assert len(rows(store, "select distinct author_id from items where author_id is not null")) == 1


def test_reimport_adds_nothing_and_changes_nothing(store, fixtures, tmp_path):
    import_file(store, "twitter-archive", fixtures / "twitter-archive", EVENT, tmp_path)
    before = store.counts()
    snapshot = rows(store, "select * from items order by id")
    again = import_file(store, "twitter-archive", fixtures / "twitter-archive", EVENT, tmp_path)
    assert again.new_items == 0
    assert store.counts() == before
    assert rows(store, "select * from items order by id") == snapshot


def test_the_same_tweets_from_four_tools_are_stored_once(store, fixtures, tmp_path):
    import_file(store, "twitter-archive", fixtures / "twitter-archive", EVENT, tmp_path)
    for name in ("twarc1.jsonl", "twarc2.jsonl", "twarc2-flat.jsonl"):
        import_file(store, "twarc", fixtures / name, EVENT, tmp_path)
    import_file(store, "tags-csv", fixtures / "tags.csv", EVENT, tmp_path)
    assert rows(store, "select count(*), count(distinct native_id) from items") == [(10, 10)]
    assert rows(store, "select count(*) from media") == [(1,)]
    # The archive's local copy survives the later imports that only know the photo's URL.
    assert rows(store, "select path from media") == [(f"twitter/{PHOTO}",)]
    # TAGS has no display names: the one from the archive is kept.
    assert rows(store, "select display_name from authors where handle = 'lambeth_events'") == [
        ("Lambeth Co-op Day",)]


def test_truncated_archive_reports_the_line_and_keeps_the_rest(store, fixtures, tmp_path):
    data = (fixtures / "twitter-archive/data/tweets.js").read_bytes()
    cut = tmp_path / "tweets.js"
    cut.write_bytes(data[: int(len(data) * 0.9)])
    result = import_file(store, "twitter-archive", cut, EVENT, None)
    assert result.new_items == 5
    (problem,) = result.problems
    assert problem.where.startswith(f"{cut}:") and "truncated" in problem.reason
    assert rows(store, "select status from fetch_runs") == [("partial",)]


def test_a_corrupt_element_is_reported_by_line(store, fixtures, tmp_path):
    text = (fixtures / "twitter-archive/data/tweets.js").read_text()
    broken = tmp_path / "tweets.js"
    broken.write_text(text.replace('"retweeted" : false,', '"retweeted" : fals,', 1))
    result = import_file(store, "twitter-archive", broken, EVENT, None)
    assert result.new_items == 5
    (problem,) = result.problems
    assert problem.where == f"{broken}:2" and "not valid JSON" in problem.reason


def test_minified_archive_file_is_read_too(store, fixtures, tmp_path):
    import json

    text = (fixtures / "twitter-archive/data/tweets.js").read_text()
    data = json.loads(text.split("=", 1)[1])
    flat = tmp_path / "tweets.js"
    flat.write_text("window.YTD.tweets.part0 = " + json.dumps(data))
    assert import_file(store, "twitter-archive", flat, EVENT, None).new_items == 6


def test_unrecognised_archive_names_what_it_expected(store, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ImportFormatError, match="expected data/tweets.js"):
        import_file(store, "twitter-archive", tmp_path, EVENT, None)
    assert store.count("items") == 0


def test_twarc_bad_line_is_reported_and_the_rest_imported(store, fixtures):
    result = import_file(store, "twarc", fixtures / "bad.jsonl", EVENT, None)
    (problem,) = result.problems
    assert problem.where == f"{fixtures / 'bad.jsonl'}:2"
    assert result.new_items == 2


def test_twarc_line_of_another_shape_is_reported(store, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"hello": "world"}\n[1, 2]\n')
    result = import_file(store, "twarc", path, EVENT, None)
    assert [p.where for p in result.problems] == [f"{path}:1", f"{path}:2"]
    assert "not a tweet" in result.problems[0].reason


def test_twarc_bad_characters_cost_a_character_not_the_line(store, fixtures, tmp_path):
    # twarc writes what the API sent: a lone surrogate escape (half an emoji) in one tweet, an
    # invalid UTF-8 byte in another. Every tweet of both pages is kept, each line reported.
    first, second = (fixtures / "twarc2.jsonl").read_bytes().splitlines()
    first = first.replace(b"Told you it would be busy!", b"Told you it would be busy! \\ud83d", 1)
    second = second.replace(b"Huge thanks", b"Huge thanks caf\xe9", 1)
    path = tmp_path / "broken.jsonl"
    path.write_bytes(first + b"\n" + second + b"\n")
    result = import_file(store, "twarc", path, EVENT, None)
    assert [p.where for p in result.problems] == [f"{path}:1", f"{path}:2"]
    assert all("1 bad character replaced" in p.reason for p in result.problems)
    clean = import_file(store, "twarc", fixtures / "twarc2.jsonl", EVENT, None)
    assert clean.new_items == 0  # the broken file already held every tweet
    assert rows(store, "select count(*) from items where text like ?",
                "Told you it would be busy! \ufffd%") == [(1,)]
    assert rows(store, "select count(*) from items where text like ?",
                "Huge thanks caf\ufffd%") == [(1,)]


def test_tags_csv_rows_become_tweets(store, fixtures):
    result = import_file(store, "tags-csv", fixtures / "tags.csv", EVENT, None)
    assert result.problems == [] and result.new_items == 4
    assert rows(store, "select published_at, author_id from items where native_id = ?",
                "127322096161366019") == [("2011-10-21T09:55:27+00:00", "twitter:215447302")]


def test_tags_csv_with_spreadsheet_mangled_ids_uses_the_status_url(store, fixtures, tmp_path):
    text = (fixtures / "tags.csv").read_text(encoding="utf-8")
    mangled = tmp_path / "tags.csv"
    mangled.write_text(text.replace("127322096161366019,", "1.27322E+17,", 1), encoding="utf-8")
    import_file(store, "tags-csv", mangled, EVENT, None)
    assert rows(store, "select count(*) from items where native_id = '127322096161366019'") == [
        (1,)]


def test_tags_csv_that_is_not_a_tags_sheet(store, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nA,a@example.org\n")
    with pytest.raises(ImportFormatError, match="missing columns id_str"):
        import_file(store, "tags-csv", path, EVENT, None)


def test_match_keeps_only_the_events_items(store, fixtures):
    from eventarchive.window import Window

    morning = Event(slug="morning", name="Morning", hashtags=["lambethcoop"],
                    starts_at="2011-10-21T08:00:00+00:00", ends_at="2011-10-21T12:00:00+00:00")
    # A collection window of the event's hours alone (collect_before/after_days = 0).
    result = import_file(store, "twitter-archive", fixtures / "twitter-archive", morning, None,
                         match=Window(0, 0))
    assert result.new_items + result.skipped == 7
    assert result.skipped > 0
    for published_at, text in rows(store, "select published_at, text from items"):
        assert "2011-10-21T08" <= published_at <= "2011-10-21T12"
        assert "#lambethcoop" in text.lower()
    assert store.count("media") == 0  # the afternoon photo went with its tweet
    # The default window (30 days either side) keeps the afternoon's tagged posts too.
    wider = import_file(store, "twitter-archive", fixtures / "twitter-archive", morning, None,
                        match=True)
    assert wider.new_items > 0 and wider.skipped < result.skipped


def test_an_import_that_dies_half_way_completes_on_the_next_run(store, tmp_path, monkeypatch):
    """Each batch is saved whole or not at all; running the import again fills in the rest and
    ends with exactly what an uninterrupted import stores."""
    import subprocess
    import sys
    from pathlib import Path

    from eventarchive.store import Store

    generator = Path(__file__).parent.parent / "bench" / "gen_archive.py"
    subprocess.run([sys.executable, generator, "5000", tmp_path / "big"], check=True,
                   capture_output=True)
    archive = tmp_path / "big"
    whole = Store.open(tmp_path / "whole.db")
    import_file(whole, "twitter-archive", archive, EVENT, None)

    saved = []
    real_save = Store.save

    def dying_save(self, rows, *args, **kwargs):
        if len(saved) == 1:
            raise KeyboardInterrupt  # the process is stopped during the second batch
        saved.append(1)
        return real_save(self, rows, *args, **kwargs)

    monkeypatch.setattr(Store, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        import_file(store, "twitter-archive", archive, EVENT, None)
    assert 0 < store.count("items") < 5000
    assert rows(store, "select status from fetch_runs") == [("interrupted",)]
    monkeypatch.setattr(Store, "save", real_save)
    import_file(store, "twitter-archive", archive, EVENT, None)
    for table in ("items", "authors", "media", "links", "hashtags", "mentions", "event_items"):
        columns = "id, text, raw" if table == "items" else "*"
        query = f"select {columns} from {table} order by 1, 2"
        assert rows(store, query) == rows(whole, query), table
