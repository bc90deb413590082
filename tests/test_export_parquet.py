"""`export --format parquet`: the record as a Parquet file that DuckDB reads, finding with the
query in docs/scaling.md what the canned search finds; hidden items stay out."""

import sqlite3
import sys

import pytest
from click.testing import CliRunner

from conftest import STORY_EVENT, build_story
from eventarchive.cli import cli
from eventarchive.export_parquet import terms_of
from eventarchive.search import search
from eventarchive.store import Store

# The query in docs/scaling.md ("Parquet for DuckDB or Spark").
DUCKDB_COUNT = ("SELECT count(*) FROM read_parquet($path) "
                "WHERE list_has_all(terms, $terms) AND shown_as IS NULL")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def story_with_hidden(tmp_path):
    path = build_story(tmp_path / "story.db")
    Store.open(path).close()  # migrated: hidden_items exists
    conn = sqlite3.connect(path)
    with conn:  # a note whose author opted out: in no export, in no search
        conn.execute("INSERT INTO hidden_items (item_id, reason, since) VALUES "
                     "('notes:n1', 'consent:nobot', '2026-12-03')")
    conn.close()
    return path


def search_count(path, words):
    store = Store.open_readonly(path)
    hits, after = [], ""
    while page := search(store, words, STORY_EVENT.slug, after):
        hits += page
        after = page[-1]["cursor"]
    store.close()
    return len(hits)


def test_duckdb_counts_what_the_search_finds(story_with_hidden, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "items.parquet"
    result = run("--db", story_with_hidden, "export", "--event", STORY_EVENT.slug,
                 "--format", "parquet", "-o", out)
    assert result.exit_code == 0 and "Wrote 15 items" in result.stderr
    table = pq.read_table(out).to_pylist()
    assert "notes:n1" not in [row["id"] for row in table]  # hidden, like every export
    element = next(row for row in table if row["id"] == "storify:e1")
    assert element["shown_as"] == "twitter:5" and element["event"] == STORY_EVENT.slug
    photo = next(row for row in table if row["id"] == "twitter:2")
    assert photo["photo_paths"] == ["photos/doors.jpg"]
    conn = duckdb.connect()
    for words in ("tea", "urn", "Talked", "table", "counting", "urn tea", "Storify"):
        terms = terms_of(words)
        found = conn.execute(DUCKDB_COUNT, {"path": str(out), "terms": terms}).fetchone()[0]
        assert found == search_count(story_with_hidden, words) > 0, words
    assert terms_of("Talked, tables") == ["talk", "tabl"]


def test_parquet_needs_a_file_and_says_how_to_install_pyarrow(story_with_hidden, tmp_path,
                                                              monkeypatch):
    result = run("--db", story_with_hidden, "export", "--event", STORY_EVENT.slug,
                 "--format", "parquet")
    assert result.exit_code == 2 and "-o PATH" in result.stderr
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed
    result = run("--db", story_with_hidden, "export", "--event", STORY_EVENT.slug,
                 "--format", "parquet", "-o", tmp_path / "x.parquet")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --format parquet needs pyarrow: pip install 'eventarchive[parquet]'"]
    assert not (tmp_path / "x.parquet").exists()
