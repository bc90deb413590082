"""Parsing tweets (pure functions) from recorded payloads: whole records, as users will see them."""

import json

from eventarchive.records import Author, Batch, Item, Link, Media, Mention, Repost, Tag
from eventarchive.sources import twitter


def lines(fixtures, name):
    return [json.loads(line) for line in (fixtures / name).read_text().splitlines() if line]


def test_v1_times_become_iso_utc():
    assert twitter.v1_time("Fri Oct 21 13:05:09 +0000 2011") == "2011-10-21T13:05:09+00:00"
    assert twitter.v1_time("Fri Oct 21 14:05:09 +0100 2011") == "2011-10-21T13:05:09+00:00"
    assert twitter.v2_time("2011-10-21T13:05:09.000Z") == "2011-10-21T13:05:09+00:00"
    assert twitter.v1_time("not a date") is None


def test_v1_tweet_with_big_id_stays_text_and_expands_links(fixtures):
    sam = lines(fixtures, "twarc1.jsonl")[0]
    batch = Batch()
    item_id = twitter.parse_v1(sam, batch)
    assert item_id == "twitter:127388165408403465"
    assert int(item_id.split(":")[1]) > 2**53
    item = batch.items[0]
    assert item.native_id == "127388165408403465"
    assert item.kind == "post" and item.platform == "twitter"
    assert item.url == "https://twitter.com/notetaker_sam/status/127388165408403465"
    assert item.published_at == "2011-10-21T14:18:00+00:00"
    assert "http://samnotes.example.net/2011/10/21/coop-housing/" in item.text
    assert "t.co/" not in item.text
    assert json.loads(item.raw)["id_str"] == "127388165408403465"
    assert batch.authors[0] == Author(
        id="twitter:287745120", platform="twitter", handle="notetaker_sam",
        display_name="Sam Notes", url="https://twitter.com/notetaker_sam",
        avatar_url="https://pbs.twimg.com/profile_images/1322940312/sam-pen_normal.jpg")
    assert batch.links == [Link(item_id, "http://samnotes.example.net/2011/10/21/coop-housing/")]
    assert batch.tags == [Tag(item_id, "lambethcoop")]


def test_v1_retweet_is_collapsed_onto_its_original(fixtures):
    retweet = next(t for t in lines(fixtures, "twarc1.jsonl") if "retweeted_status" in t)
    batch = Batch()
    item_id = twitter.parse_v1(retweet, batch)
    assert item_id == "twitter:127293601985196033"
    assert [i.id for i in batch.items] == ["twitter:127293601985196033"]
    assert batch.items[0].author_id == "twitter:398120457"
    assert batch.reposts == [Repost("twitter:127401302882828300", "twitter:127293601985196033",
                                    "twitter:287745120", "2011-10-21T15:10:12+00:00")]


def test_v1_text_is_unescaped(fixtures):
    batch = Batch()
    twitter.parse_v1(lines(fixtures, "twarc1.jsonl")[1]["retweeted_status"], batch)
    assert "Tea & toast" in batch.items[0].text


def test_v2_page_uses_includes_for_authors_media_and_referenced_tweets(fixtures):
    page = lines(fixtures, "twarc2.jsonl")[0]
    batch = Batch()
    twitter.parse_v2_page(page, batch)
    ids = {i.id for i in batch.items}
    assert "twitter:127399396773056523" in ids  # the quote
    assert "twitter:127369833300946952" in ids  # the quoted photo tweet, from includes.tweets
    photo = next(m for m in batch.media)
    assert photo == Media(
        id="twitter:127369787453055941", item_id="twitter:127369833300946952",
        url="https://pbs.twimg.com/media/AcUdF3yCIAAeo9Z.jpg", mime="image/jpeg",
        width=1024, height=768, taken_at="2011-10-21T13:05:09+00:00")
    quote = next(i for i in batch.items if i.id == "twitter:127399396773056523")
    assert quote.author_id == "twitter:215447302"
    assert Link(quote.id, "https://twitter.com/lambeth_events/status/127369833300946952") in (
        batch.links)


def test_v2_retweet_collapses_onto_original_from_includes(fixtures):
    batch = Batch()
    for page in lines(fixtures, "twarc2.jsonl"):
        twitter.parse_v2_page(page, batch)
    assert Repost("twitter:127388884907646986", "twitter:127388165408403465",
                  "twitter:398120457", "2011-10-21T14:20:51+00:00") in batch.reposts
    assert "twitter:127388884907646986" not in {i.id for i in batch.items}


def test_flattened_v2_gives_the_same_records_as_pages(fixtures):
    flat, paged = Batch(), Batch()
    for tweet in lines(fixtures, "twarc2-flat.jsonl"):
        twitter.parse_v2(tweet, flat)
    twitter.parse_v2_page(lines(fixtures, "twarc2.jsonl")[0], paged)
    by_id = {i.id: i for i in paged.items}
    assert flat.items
    for item in flat.items:
        item.raw = by_id[item.id].raw  # the payloads differ (flatten inlines); the records do not
        assert item == by_id[item.id]
    assert {m.id for m in flat.media} == {m.id for m in paged.media}


def test_mentions_keep_handles(fixtures):
    batch = Batch()
    twitter.parse_v1({"id_str": "1", "full_text": "hi @a_b", "created_at": None,
                      "user": {"id_str": "9", "screen_name": "x"},
                      "entities": {"user_mentions": [{"screen_name": "a_b", "id_str": "7"}]}},
                     batch)
    assert batch.mentions == [Mention("twitter:1", "a_b", "twitter:7")]
    assert batch.items[0] == Item(
        id="twitter:1", kind="post", platform="twitter", native_id="1",
        url="https://twitter.com/x/status/1", author_id="twitter:9", text="hi @a_b",
        raw=batch.items[0].raw)
