"""Consent signals and posts deleted on their platform: what the parse functions see, and
what the store does with it under each [privacy] policy (skip, hide, ignore; keep, hide,
forget), through imports and fetches alike."""

import copy
import json

import pytest

from eventarchive import config
from eventarchive.errors import ConfigError
from eventarchive.records import Batch
from eventarchive.search import search
from eventarchive.sources import bluesky, mastodon, twitter
from eventarchive.store import Store
from eventarchive.suppression import Privacy
from test_source_mastodon import T2, TABLES, load, make_config, rows, toot  # noqa: F401
from test_source_mastodon import run as fetch_mastodon


def a_toot(fixtures):
    return copy.deepcopy(load(fixtures, "tag-toot-2.json")[2])  # T2, by cafe_host_jo


@pytest.mark.parametrize(("change", "mark"), [
    (lambda s: s["account"].update(indexable=False), "consent:indexable"),
    (lambda s: s["account"].update(noindex=True), "consent:noindex"),
    (lambda s: s["account"].update(note='<p>Gardener. <a href="x" class="mention hashtag">'
                                        '#<span>NoBot</span></a></p>'), "consent:bio-nobot"),
    (lambda s: s["tags"].append({"name": "noarchive", "url": "x"}), "consent:post-noarchive"),
])
def test_mastodon_consent_signals_are_marked(fixtures, change, mark):
    status = a_toot(fixtures)
    plain = Batch()
    mastodon.parse_status(status, plain)
    assert plain.marks == {}  # indexable: true, noindex: false, a bio without the tags
    change(status)
    batch = Batch()
    mastodon.parse_status(status, batch)
    assert list(batch.marks.values()) == [mark]
    assert set(batch.marks) <= {T2, batch.authors[0].id}


def test_a_bio_tag_is_a_word_not_a_prefix():
    assert mastodon.parse_status.__module__  # (the parser is the one the runner uses)
    from eventarchive.consent import tagged

    assert tagged("I love #nobotany") is None and tagged("#NoArchive please") == "noarchive"


def bluesky_post(fixtures, labels=()):
    page = json.loads((fixtures / "bluesky" / "search-lambethcoop.json").read_text())
    view = copy.deepcopy(page["posts"][2])
    view["author"]["labels"] = list(labels)
    return view


def test_bluesky_no_unauthenticated_self_label_is_marked(fixtures):
    view = bluesky_post(fixtures, [{"src": "did:plc:x", "val": "!no-unauthenticated",
                                    "uri": "at://did:plc:x/app.bsky.actor.profile/self"}])
    batch = Batch()
    bluesky.parse_post(view, batch)
    assert batch.marks == {f"bluesky:{view['author']['did']}": "consent:no-unauthenticated"}
    plain = Batch()
    bluesky.parse_post(bluesky_post(fixtures), plain)
    assert plain.marks == {}


def saved(tmp_path, batch, privacy):
    store = Store.open(tmp_path / "archive.db")
    store.privacy = privacy
    store.ensure_event("e")
    store.save(batch, "e")
    return store


@pytest.mark.parametrize("mode", ["skip", "hide", "ignore"])
def test_consent_policy_skips_hides_or_ignores(fixtures, tmp_path, mode):
    status = a_toot(fixtures)
    status["account"]["indexable"] = False
    batch = Batch()
    mastodon.parse_status(status, batch)
    store = saved(tmp_path, batch, Privacy(consent=mode))
    items = [i for (i,) in store.conn.execute("select id from items")]
    hidden = store.conn.execute("select item_id, reason from hidden_items").fetchall()
    found = [r["id"] for r in search(store, "cafe")]
    if mode == "skip":
        assert items == [] and store.count("authors") == 0 and store.count("links") == 0
        assert store.left_out == {"the author opted out of search (indexable: false)": 1}
    elif mode == "hide":
        assert items == [T2] and hidden == [(T2, "consent:indexable")] and found == []
        assert store.conn.execute("select count(*) from browse").fetchone() == (0,)
    else:
        assert items == [T2] and hidden == [] and found == [T2]


def test_a_quoted_bluesky_post_not_found_is_marked_deleted(fixtures):
    view = bluesky_post(fixtures)
    gone = "at://did:plc:gone/app.bsky.feed.post/3k"
    view["embed"] = {"$type": "app.bsky.embed.record#view", "record": {
        "$type": "app.bsky.embed.record#viewNotFound", "uri": gone, "notFound": True}}
    batch = Batch()
    bluesky.parse_post(view, batch)
    assert batch.marks == {f"bluesky:{gone}": "deleted"}


DELETED_ERROR = {"value": "127369833300946952", "detail": "Could not find tweet with "
                 "referenced_tweets.id: [127369833300946952].", "title": "Not Found Error",
                 "resource_type": "tweet", "parameter": "referenced_tweets.id",
                 "resource_id": "127369833300946952",
                 "type": "https://api.twitter.com/2/problems/resource-not-found"}


def tweet_page(tweet_id, text):
    return {"data": [{"id": tweet_id, "text": text, "author_id": "9",
                      "created_at": "2011-10-21T13:05:09.000Z"}],
            "includes": {"users": [{"id": "9", "username": "quoter", "name": "Q"}]}}


@pytest.mark.parametrize("mode", ["keep", "hide", "forget"])
def test_posts_deleted_on_the_platform_follow_the_policy(tmp_path, mode):
    first = Batch()
    twitter.parse_v2_page(tweet_page("127369833300946952", "Standing room only"), first)
    store = saved(tmp_path, first, Privacy(deleted=mode))
    later = Batch()  # a later page quoting it: the API says it is gone
    twitter.parse_v2_page({**tweet_page("5", "Told you"), "errors": [DELETED_ERROR]}, later)
    assert later.marks == {"twitter:127369833300946952": "deleted"}
    store.save(later, "e")
    row = store.conn.execute("select raw from items where id = 'twitter:127369833300946952'"
                             ).fetchone()
    hidden = store.conn.execute("select reason from hidden_items").fetchall()
    if mode == "forget":
        assert row is None and store.count("items") == 1
        again = Batch()
        twitter.parse_v2_page(tweet_page("127369833300946952", "Standing room only"), again)
        store.save(again, "e")
        assert store.count("items") == 1
        assert store.left_out == {"erased on request": 1}
    else:
        assert json.loads(row[0])["deleted_at"].startswith("20")
        assert hidden == ([("deleted",)] if mode == "hide" else [])
        assert [r["id"] for r in search(store, "standing")] == (
            [] if mode == "hide" else ["twitter:127369833300946952"])


def test_an_erased_toot_is_not_fetched_again(store, tmp_path, httpserver, toot):  # noqa: F811
    from click.testing import CliRunner

    from eventarchive.cli import cli

    cfg = make_config(tmp_path, httpserver)
    fetch_mastodon(store, cfg)
    before = {table: rows(store, table) for table in TABLES}
    result = CliRunner().invoke(cli, ["--db", str(store.path), "forget", "--item", T2, "--yes"])
    assert result.exit_code == 0, result.output
    store.conn.execute("DELETE FROM source_state")  # as if fetching from the start again
    store.conn.commit()
    (run,) = fetch_mastodon(store, cfg)
    assert run.status == "ok" and run.new_items == 0
    assert T2 not in {r[0] for r in rows(store, "items")}
    assert len(rows(store, "items")) == len(before["items"]) - 1
    assert store.conn.execute("select left_out from fetch_runs order by id desc limit 1"
                              ).fetchone() == ('{"erased on request": 1}',)


def test_privacy_config_is_checked(tmp_path):
    path = tmp_path / "config" / "eventarchive.toml"
    assert config.parse({"privacy": {"consent": "hide", "deleted": "forget"}}, path).privacy \
        == Privacy("hide", "forget")
    assert config.parse({}, path).privacy == Privacy("skip", "hide")
    with pytest.raises(ConfigError, match=r"privacy.consent: expected one of 'skip', 'hide', "
                                          r"'ignore', got 'no'"):
        config.parse({"privacy": {"consent": "no"}}, path)
    with pytest.raises(ConfigError, match="privacy.forget: unknown key"):
        config.parse({"privacy": {"forget": "yes"}}, path)


def test_an_archive_from_before_privacy_is_searched_read_only(tmp_path):
    from click.testing import CliRunner

    from eventarchive.cli import cli

    db = tmp_path / "old.db"
    store = Store.open(db)
    store.ensure_event("e")
    batch = Batch()
    twitter.parse_v2_page(tweet_page("7", "Standing room only"), batch)
    store.save(batch, "e")
    store.conn.executescript("DROP VIEW browse; DROP TABLE hidden_items;")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "search", "standing"])
    assert result.exit_code == 0 and "[Standing] room only" in result.stdout
