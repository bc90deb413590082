"""Storify: the API's JSON (whole and partial), the 2010–11 .json, a replayed story page and the
2017–18 .html export, all into the same records in story order; plus the file importer."""

from __future__ import annotations

import json

import orjson
import pytest

from eventarchive.errors import ImportFormatError
from eventarchive.http import Http, HttpSettings
from eventarchive.importers import storify as storify_files
from eventarchive.records import Author, Batch, Item, Link, Media, Mention, Problem, Tag
from eventarchive.sources import storify

STORY = "storify:lambeth_events/lambeth-co-op-day"
PAGE_STORY = "storify:cafe_host_jo/tea-table-talk"
EIDS = ["4ea1a0623cee67464592bc12", "4ea1a09c6dcd4ce23d88e2ee", "4ea1a0a032096c2e0eff33d8",
        "4ea1a0e17cf184f4c67ad582", "4ea1a115d321b7e263691bdf", "4ea1a1524f0aa52d656a3d75",
        "4ea1a153ca73ab65568cd125", "4ea1a155ffbaf58f1231628f", "4ea1a18c6e3f5ad7c10972ae"]
ELEMENTS = [f"{STORY}/{eid}" for eid in EIDS]


class PositionedBatch(Batch):
    """Batch with the ``positions`` field the store would need (see the module notes)."""

    __slots__ = ("positions",)

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, int] = {}


def load(fixtures, name: str):
    return json.loads((fixtures / "storify" / name).read_text())


def items(batch: Batch) -> dict[str, Item]:
    return {item.id: item for item in batch.items}


def authors(batch: Batch) -> dict[str, Author]:
    found: dict[str, Author] = {}
    for author in batch.authors:
        found.setdefault(author.id, author)
    return found


def no_raw(item: Item) -> Item:
    item.raw = None
    return item


# -- API v1 JSON --------------------------------------------------------------------------------

def test_api_story_with_every_element_type_in_story_order(fixtures):
    batch = PositionedBatch()
    result = storify.parse_story_json(load(fixtures, "story-api.json"), batch)

    assert (result.story_id, result.form, result.have, result.expected, result.complete) == (
        "lambeth_events/lambeth-co-op-day", "api-v1", 9, 9, True)
    assert result.shortlink == "http://sfy.co/kLcD"
    assert result.positions == [(item_id, n) for n, item_id in enumerate(ELEMENTS)]
    assert batch.positions == dict(result.positions)
    assert batch.problems == []
    found = items(batch)
    story = found[STORY]
    assert json.loads(story.raw)["sid"] == "4ea19bbbd01593a7b3919244"
    assert no_raw(story) == Item(
        id=STORY, kind="story", platform="storify", native_id="lambeth_events/lambeth-co-op-day",
        url="https://storify.com/lambeth_events/lambeth-co-op-day",
        author_id="storify:lambeth_events", published_at="2011-10-21T17:05:44+00:00",
        title="Lambeth Co-op Day",
        text="All of the tweets, notes and pictures from #lambethcoop, 21 October 2011",
        html="All of the tweets, notes and pictures from <b>#lambethcoop</b>, 21 October 2011")
    assert authors(batch)["storify:lambeth_events"] == Author(
        "storify:lambeth_events", "storify", "lambeth_events", "Lambeth Events",
        "https://storify.com/lambeth_events",
        "http://a0.twimg.com/profile_images/1580218877/lambeth_events_normal.png")
    assert [found[i].kind for i in ELEMENTS] == ["story_element"] * 9
    assert {found[i].in_reply_to for i in ELEMENTS} == {STORY}


def test_api_quote_of_a_tweet_is_also_the_tweet(fixtures):
    batch = Batch()
    storify.parse_story_json(load(fixtures, "story-api.json"), batch)
    found = items(batch)

    tweet = found["twitter:127293601985196033"]
    assert json.loads(tweet.raw)["eid"] == EIDS[1]
    assert no_raw(tweet) == Item(
        id="twitter:127293601985196033", kind="post", platform="twitter",
        native_id="127293601985196033",
        url="https://twitter.com/lambeth_events/status/127293601985196033",
        author_id="twitter:398120457", published_at="2011-10-21T08:02:14+00:00",
        text="Doors are open for #lambethcoop day at the Lambeth Co-op Hall. "
             "Tea & toast in the foyer until 10.")
    # The user id comes from the story's meta.quoted, so the author meets the archive's.
    assert authors(batch)["twitter:398120457"] == Author(
        "twitter:398120457", "twitter", "lambeth_events", "Lambeth Events",
        "https://twitter.com/lambeth_events",
        "http://a0.twimg.com/profile_images/1580218877/lambeth_events_normal.png")
    element = found[ELEMENTS[1]]
    assert element.author_id == "twitter:398120457"
    assert element.text == tweet.text
    assert element.url == "http://twitter.com/lambeth_events/status/127293601985196033"
    assert Link(ELEMENTS[1], tweet.url) in batch.links
    assert Tag("twitter:127293601985196033", "lambethcoop") in batch.tags
    # A t.co link reads as the address it stood for, as the tweet does in every other source.
    assert found["twitter:127388165408403465"].text == (
        "Notes from the morning session on co-op housing are up, typos all mine "
        "http://samnotes.example.net/2011/10/21/coop-housing/ #lambethcoop")


def test_api_images_links_video_and_notes(fixtures):
    batch = Batch()
    storify.parse_story_json(load(fixtures, "story-api.json"), batch)
    found = items(batch)
    media = {m.item_id: m for m in batch.media}

    assert media[ELEMENTS[3]] == Media(
        id="storify:https://pbs.twimg.com/media/AcUdF3yCIAAeo9Z.jpg", item_id=ELEMENTS[3],
        url="https://pbs.twimg.com/media/AcUdF3yCIAAeo9Z.jpg", mime="image/jpeg",
        taken_at="2011-10-21T13:05:09+00:00",
        alt_text="The big room after lunch: standing room only #lambethcoop "
                 "https://twitter.com/lambeth_events/status/127369833300946952/photo/1")
    assert "twitter:127369833300946952" in found  # a photo tweet is a tweet too
    flickr = no_raw(found[ELEMENTS[4]])
    assert flickr == Item(
        id=ELEMENTS[4], kind="story_element", platform="storify",
        native_id=f"lambeth_events/lambeth-co-op-day/{EIDS[4]}",
        url="http://www.flickr.com/photos/notetaker_sam/6268461234/",
        published_at="2011-10-21T11:20:41+00:00",
        text="Bread from the Brixton bakers' co-op stall, gone by noon", in_reply_to=STORY)
    assert media[ELEMENTS[4]].url == (
        "http://farm7.staticflickr.com/6232/6268461234_5d0f1c2b3a_z.jpg")
    assert Link(ELEMENTS[4], "http://www.flickr.com/photos/notetaker_sam/6268461234/") in \
        batch.links

    link = found[ELEMENTS[5]]
    assert (link.title, link.text, link.author_id) == (
        "Co-op housing: notes from the morning session",
        "Who owns the flats, who fixes the boiler, and how 40 tenants run a board meeting. "
        "Typos all mine.", None)
    assert Link(ELEMENTS[5], "http://samnotes.example.net/2011/10/21/coop-housing/") in \
        batch.links
    assert ELEMENTS[5] not in media  # a link's thumbnail is a preview, not a photo
    video = found[ELEMENTS[7]]
    assert (video.title, video.text) == ("Lambeth Co-op Day: the closing circle",
                                         "Two minutes of the closing circle in the main hall.")
    assert Link(ELEMENTS[7], "http://www.youtube.com/watch?v=Xq3vLbM2pQe") in batch.links

    note = no_raw(found[ELEMENTS[8]])
    assert note == Item(
        id=ELEMENTS[8], kind="story_element", platform="storify",
        native_id=f"lambeth_events/lambeth-co-op-day/{EIDS[8]}",
        url=f"http://storify.com/lambeth_events/lambeth-co-op-day#{EIDS[8]}",
        author_id="storify:lambeth_events", published_at="2011-10-21T16:45:00+00:00",
        text="Thanks to everyone who came. The slides are on the council site.",
        html='<p>Thanks to everyone who came. The slides are on <a href="http://lambeth.example'
             '.org/coop-day/slides" rel="noopener noreferrer">the council site</a>.</p>',
        in_reply_to=STORY)
    assert Link(ELEMENTS[8], "http://lambeth.example.org/coop-day/slides") in batch.links


def test_hostile_html_in_a_json_text_element_is_sanitised(fixtures):
    data = load(fixtures, "story-api.json")
    data["content"]["elements"][0]["data"]["text"] = (
        '<p>Hi<script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">go</a></p>')
    batch = Batch()
    storify.parse_story_json(data, batch)
    note = items(batch)[ELEMENTS[0]]
    assert note.text == "Higo"
    assert note.html == '<p>Hi<img src="x"><a rel="noopener noreferrer">go</a></p>'
    assert [link for link in batch.links if link.item_id == ELEMENTS[0]] == []


def test_a_capture_of_20_of_57_elements_says_so(fixtures):
    data = load(fixtures, "story-api-partial.json")
    batch = PositionedBatch()
    result = storify.parse_story_json(data, batch)

    assert storify.completeness(data) == (20, 57)
    assert (result.have, result.expected, result.complete) == (20, 57, False)
    assert [position for _, position in result.positions] == list(range(20))
    assert batch.problems == [Problem(
        "https://storify.com/lambeth_events/lambethcoop-as-it-happened",
        "this capture holds 20 of 57 elements; look for another capture: the API with "
        "per_page=57, the story page, /embed or the .html export")]
    assert len([i for i in batch.items if i.kind == "story_element"]) == 20
    assert min(int(i.native_id) for i in batch.items if i.platform == "twitter") > 2**53


def test_a_capture_of_a_later_page_continues_the_positions(fixtures):
    batch = Batch()
    url = ("http://api.storify.com/v1/stories/lambeth_events/lambethcoop-as-it-happened"
           "?page=2&per_page=20")
    result = storify.parse_story_json(load(fixtures, "story-api-partial.json"), batch, url)
    assert [position for _, position in result.positions] == list(range(20, 40))
    assert batch.problems[0].reason.startswith(
        "this capture holds 20 of 57 elements (from element 21);")


def test_the_2010_11_json_with_its_callback(fixtures):
    text = "cb(" + (fixtures / "storify" / "story-v0.json").read_text() + ");"
    batch = Batch()
    result = storify.parse_story_json(storify.load_json(text), batch)
    found = items(batch)

    native = "notetaker_sam/co-op-day-notes"
    assert (result.form, result.expected, result.complete) == ("v0-json", None, True)
    # No element ids in this shape: the position names the element.
    assert result.positions == [(f"storify:{native}/{n}", n) for n in range(3)]
    assert found[f"storify:{native}"].published_at == "2011-10-21T20:00:00+00:00"
    assert no_raw(found["twitter:127322096161366019"]) == Item(
        id="twitter:127322096161366019", kind="post", platform="twitter",
        native_id="127322096161366019",
        url="https://twitter.com/cafe_host_jo/status/127322096161366019",
        author_id="twitter:215447302", published_at="2011-10-21T09:55:27+00:00",
        text="Urn is on, 200 cups and counting. Come and say hi at the tea table #lambethcoop")
    assert batch.media[0].url == "http://farm7.staticflickr.com/6232/6268461234_9e8d7c6b5a_o.jpg"
    assert found[f"storify:{native}/2"].text == "Bread from the Brixton bakers' co-op stall"


def test_not_a_story(fixtures):
    with pytest.raises(ValueError, match="the API said: Story not found"):
        storify.parse_story_json(
            {"error": {"type": "notFound", "message": "Story not found"}, "code": 404}, Batch())
    with pytest.raises(ValueError, match="no Storify story in this page"):
        storify.parse_story_html(
            "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            "https://storify.com/lambeth_events/lambeth-co-op-day", Batch())


# -- HTML ---------------------------------------------------------------------------------------

def page(fixtures, batch: Batch) -> storify.StoryResult:
    html = (fixtures / "storify" / "story-page.html").read_text()
    url = "https://web.archive.org/web/20140302111540/https://storify.com/cafe_host_jo/tea-table-talk"
    return storify.parse_story_html(html, url, batch)


def test_story_page_skips_share_links_and_unwraps_embedly_images(fixtures):
    batch = PositionedBatch()
    result = page(fixtures, batch)
    found = items(batch)

    ids = [f"{PAGE_STORY}/4ea2a9e1c0de5a1f7b00010{n}" for n in range(1, 7)]
    assert (result.form, result.have, result.expected) == ("page", 6, 6)
    assert result.positions == [(item_id, n) for n, item_id in enumerate(ids)]
    assert batch.problems == []
    assert no_raw(found[PAGE_STORY]) == Item(
        id=PAGE_STORY, kind="story", platform="storify", native_id="cafe_host_jo/tea-table-talk",
        url="https://storify.com/cafe_host_jo/tea-table-talk", author_id="storify:cafe_host_jo",
        published_at="2011-10-22T09:12:30+00:00", title="Tea table talk",
        text="What people said over a cup at Lambeth Co-op Day #lambethcoop",
        html='What people said over a cup at Lambeth Co-op Day <a href="https://twitter.com/'
             'search?q=%23lambethcoop" rel="noopener noreferrer">#lambethcoop</a>')
    assert result.shortlink == "http://sfy.co/k9Zq"
    # Only the photos are media: not the avatars of quoted tweets, nor a link's thumbnail.
    assert [(m.item_id, m.url) for m in batch.media] == [
        (ids[3], "http://farm7.staticflickr.com/6040/6268512345_a1b2c3d4e5_z.jpg"),
        (ids[5], "https://pbs.twimg.com/media/AcUdF3yCIAAeo9Z.jpg")]
    photo = no_raw(found[ids[3]])
    assert photo == Item(
        id=ids[3], kind="story_element", platform="storify",
        native_id="cafe_host_jo/tea-table-talk/4ea2a9e1c0de5a1f7b000104",
        url="http://www.flickr.com/photos/cafe_host_jo/6268512345/",
        published_at="2011-10-21T10:58:31+00:00", text="The urn, 11am, still going",
        in_reply_to=PAGE_STORY)
    link = found[ids[4]]
    assert (link.title, link.text) == (
        "Four hundred cups: the tea table at Co-op Day",
        "What we served, who washed up, and why oat milk ran out first.")


def test_story_page_tweets_without_user_ids_use_the_handle(fixtures):
    batch = Batch()
    page(fixtures, batch)
    found = items(batch)

    assert json.loads(found["twitter:127326280935845892"].raw) == {
        "eid": "4ea2a9e1c0de5a1f7b000103", "type": "quote", "source": "twitter",
        "permalink": "https://twitter.com/lambeth_events/status/127326280935845892",
        "form": "page"}
    assert no_raw(found["twitter:127326280935845892"]) == Item(
        id="twitter:127326280935845892", kind="post", platform="twitter",
        native_id="127326280935845892",
        url="https://twitter.com/lambeth_events/status/127326280935845892",
        author_id="twitter:@lambeth_events", published_at="2011-10-21T10:12:05+00:00",
        text="Huge thanks to @cafe_host_jo for keeping the urn going all morning #lambethcoop")
    assert authors(batch)["twitter:@cafe_host_jo"] == Author(
        "twitter:@cafe_host_jo", "twitter", "cafe_host_jo", "Jo at the Tea Table",
        "https://twitter.com/cafe_host_jo",
        "http://a1.twimg.com/profile_images/1402283671/jo_normal.jpg")
    assert Mention("twitter:127326280935845892", "cafe_host_jo") in batch.mentions


def test_hostile_html_in_a_text_element_is_sanitised(fixtures):
    batch = Batch()
    page(fixtures, batch)
    note = items(batch)[f"{PAGE_STORY}/4ea2a9e1c0de5a1f7b000101"]

    assert note.author_id == "storify:cafe_host_jo"
    assert note.text == ("The tea table was where the real conversations happened.\n\n"
                         "Pictures below. Click for more or read the blog.")
    assert "script" not in note.html and "onerror" not in note.html
    assert "javascript" not in note.html and "onclick" not in note.html
    assert note.html == (
        "<p>The tea table was where the real conversations happened.</p><p><img src=\"x\">"
        'Pictures below. <a rel="noopener noreferrer">Click for more</a> or read '
        '<a href="http://cafe.example.org/blog/coop-day" rel="noopener noreferrer">the blog</a>'
        ".</p>")
    links = [link.url for link in batch.links if link.item_id == note.id]
    assert links == ["http://cafe.example.org/blog/coop-day"]


def test_export_html_gives_the_same_story_as_the_api(fixtures):
    html = (fixtures / "storify" / "story-export.html").read_text()
    from_html, from_json = PositionedBatch(), PositionedBatch()
    result = storify.parse_story_html(html, None, from_html)  # the address is in the file
    storify.parse_story_json(load(fixtures, "story-api.json"), from_json)

    assert (result.story_id, result.form, result.have, result.expected) == (
        "lambeth_events/lambeth-co-op-day", "export", 9, 9)
    assert from_html.positions == from_json.positions
    assert set(items(from_html)) == set(items(from_json))
    html_items, json_items = items(from_html), items(from_json)
    for item_id in ELEMENTS + ["twitter:127388165408403465", "twitter:127369833300946952"]:
        assert html_items[item_id].text == json_items[item_id].text, item_id
    # The export's permalinks are protocol-relative.
    assert html_items[ELEMENTS[1]].url == (
        "https://twitter.com/lambeth_events/status/127293601985196033")
    # A browser's saved copy points its tweet photo at a local file: no Media, the text stays.
    assert [m.url for m in from_html.media] == [
        "http://farm7.staticflickr.com/6232/6268461234_5d0f1c2b3a_z.jpg"]
    assert html_items[STORY].published_at == "2011-10-21T17:05:44+00:00"
    assert html_items["twitter:127293601985196033"].author_id == "twitter:@lambeth_events"


def test_a_page_without_the_s_markup_still_reads():
    # No page older than the s-* markup has been seen; this shape is a guess, read leniently.
    html = (
        '<html><head><meta property="og:title" content="Co-op Day">'
        '<link rel="canonical" href="http://storify.com/lambethcoop/co-op-day"></head><body>'
        '<h1 class="title">Co-op Day</h1><ol class="elements">'
        '<li class="element text"><p>The day began at 9am.</p></li>'
        '<li class="element tweet"><blockquote class="tweet" cite="http://twitter.com/'
        'cafe_host_jo/status/127322096161366019"><p>Urn is on #lambethcoop</p>'
        '<time datetime="2011-10-21T09:55:27+00:00">Oct 21</time></blockquote></li>'
        '<li class="element image"><img src="http://a.example.org/urn.jpg">'
        '<p class="caption">The urn</p></li></ol></body></html>')
    batch = Batch()
    result = storify.parse_story_html(html, None, batch)
    found = items(batch)
    assert (result.story_id, result.have, result.expected) == ("lambethcoop/co-op-day", 3, None)
    assert found["storify:lambethcoop/co-op-day"].title == "Co-op Day"
    assert found["storify:lambethcoop/co-op-day"].author_id == "storify:lambethcoop"
    assert found["twitter:127322096161366019"].published_at == "2011-10-21T09:55:27+00:00"
    assert found["storify:lambethcoop/co-op-day/0"].text == "The day began at 9am."
    assert [(m.item_id, m.url) for m in batch.media] == [
        ("storify:lambethcoop/co-op-day/2", "http://a.example.org/urn.jpg")]


def test_completeness_of_html(fixtures):
    html = (fixtures / "storify" / "story-export.html").read_text()
    assert storify.completeness(html) == (9, 9)
    cut = html.split('<li data-eid="4ea1a1524f0aa52d656a3d75"')[0] + "</ol></div></body></html>"
    batch = Batch()
    result = storify.parse_story_html(cut, None, batch)
    assert (result.have, result.expected) == (5, 9)
    assert batch.problems[0].reason.startswith("this capture holds 5 of 9 elements;")


# -- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://storify.com/Lambeth_Events/lambeth-co-op-day",
    "http://storify.com/lambeth_events/lambeth-co-op-day/",
    "https://storify.com/lambeth_events/lambeth-co-op-day/embed",
    "https://storify.com/lambeth_events/lambeth-co-op-day.html",
    "http://storify.com/lambeth_events/lambeth-co-op-day.json?callback=cb",
    "http://storify.com/lambeth_events/lambeth-co-op-day/elements.json",
    "//storify.com/lambeth_events/lambeth-co-op-day#4ea1a0623cee67464592bc12",
    "http://api.storify.com/v1/stories/lambeth_events/lambeth-co-op-day?per_page=20",
    "https://private-api.storify.com/v1/stories/lambeth_events/lambeth-co-op-day",
    "https://web.archive.org/web/20140302111540/https://storify.com/lambeth_events/"
    "lambeth-co-op-day",
    "http://web.archive.org/web/2013id_/http://api.storify.com/v1/stories/lambeth_events/"
    "lambeth-co-op-day",
    "storify.com/lambeth_events/lambeth-co-op-day",
])
def test_story_id_from_url(url):
    assert storify.story_id_from_url(url) == "lambeth_events/lambeth-co-op-day"


@pytest.mark.parametrize("url", [
    None, "", "https://storify.com/", "https://storify.com/lambeth_events",
    "https://storify.com/faq-eol/x", "http://sfy.co/kLcD", "https://example.org/a/b",
])
def test_not_a_story_url(url):
    assert storify.story_id_from_url(url) is None


def test_unwrap_image():
    assert storify.unwrap_image(
        "//i.embed.ly/1/display/resize?key=k&url=http%3A%2F%2Fa.example.org%2Fp.jpg&width=600"
    ) == "http://a.example.org/p.jpg"
    assert storify.unwrap_image(
        "/web/20140302111540im_/https://i.embed.ly/1/display/resize?url=http%3A%2F%2Fa.example"
        ".org%2Fq.png") == "http://a.example.org/q.png"
    assert storify.unwrap_image("./saved_files/AcUdF3yCIAAeo9Z.jpg_large") is None
    assert storify.capture_candidates("lambeth_events/lambeth-co-op-day")[0] == (
        "http://api.storify.com/v1/stories/lambeth_events/lambeth-co-op-day")


# -- fetching a capture -------------------------------------------------------------------------

def test_fetch_capture_reads_json_and_html(fixtures, httpserver):
    api = "/web/2013id_/http://api.storify.com/v1/stories/lambeth_events/lambethcoop-as-it-happened"
    httpserver.expect_request(api).respond_with_data(
        (fixtures / "storify" / "story-api-partial.json").read_bytes(),
        content_type="application/json")
    httpserver.expect_request("/web/2014id_/https://storify.com/cafe_host_jo/tea-table-talk") \
        .respond_with_data((fixtures / "storify" / "story-page.html").read_bytes(),
                           content_type="text/html; charset=utf-8")
    with Http(HttpSettings(backoff=0), sleep=lambda s: None) as http:
        batch = Batch()
        partial = storify.fetch_capture(http, httpserver.url_for(api), batch)
        story = storify.fetch_capture(
            http, httpserver.url_for("/web/2014id_/https://storify.com/cafe_host_jo/"
                                     "tea-table-talk"), batch)
    assert (partial.story_id, partial.have, partial.expected) == (
        "lambeth_events/lambethcoop-as-it-happened", 20, 57)
    assert (story.story_id, story.have, story.complete) == ("cafe_host_jo/tea-table-talk", 6, True)
    assert len(batch.problems) == 1


# -- importing files ----------------------------------------------------------------------------

def test_import_a_json_file(fixtures):
    size, batches = storify_files.read(fixtures / "storify" / "story-api.json")
    batches = list(batches)
    assert size == (fixtures / "storify" / "story-api.json").stat().st_size
    assert len(batches) == 1 and batches[0].position == size
    assert len(batches[0].items) == 1 + 9 + 4
    assert batches[0].problems == []


def test_import_a_folder_of_stories(fixtures, tmp_path):
    for name in ("story-api.json", "story-export.html", "story-api-partial.json"):
        (tmp_path / name).write_bytes((fixtures / "storify" / name).read_bytes())
    (tmp_path / "story-export_files").mkdir()  # what a browser saves beside a page
    (tmp_path / "story-export_files" / "ping.html").write_text("<html></html>")
    (tmp_path / "notes.json").write_text('{"hello": "world"}')
    size, batches = storify_files.read(tmp_path)
    batches = list(batches)
    assert len(batches) == 4
    assert [p.where.rsplit("/", 1)[-1] for b in batches for p in b.problems] == [
        "notes.json", "lambethcoop-as-it-happened"]
    assert batches[-1].position == size


def test_import_refuses_what_is_not_a_story(fixtures, tmp_path):
    with pytest.raises(ImportFormatError, match="no such file"):
        storify_files.read(tmp_path / "missing.json")
    (tmp_path / "story.txt").write_text("hello")
    with pytest.raises(ImportFormatError, match="not a .json or .html file"):
        storify_files.read(tmp_path / "story.txt")
    (tmp_path / "tweets.json").write_bytes(orjson.dumps([{"id_str": "1"}]))
    _, batches = storify_files.read(tmp_path / "tweets.json")
    with pytest.raises(ImportFormatError, match="not a Storify story"):
        list(batches)


def test_json_and_export_of_one_story_store_once(fixtures, store):
    store.ensure_event("lambethcoop-2011", "Lambeth Co-op Day", None, None, None)
    for name in ("story-api.json", "story-export.html", "story-api.json"):
        for batch in storify_files.read(fixtures / "storify" / name)[1]:
            store.save(batch.rows(), "lambethcoop-2011")
    counts = dict(store.conn.execute(
        "select kind, count(*) from items group by kind").fetchall())
    assert counts == {"story": 1, "story_element": 9, "post": 4}
    assert store.count("event_items") == 14
