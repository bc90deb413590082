"""WordPress: a post and every reader comment, by each of the four routes (REST API,
WordPress.com API, comment feed, the page's comment list) on recorded payloads, then
``fetch_post`` against a fake blog on 127.0.0.1 falling back from one route to the next."""

import json
from pathlib import Path

import pytest
from werkzeug import Response

from eventarchive.http import Http, HttpSettings
from eventarchive.records import Author, Batch, Item, Link
from eventarchive.sources import wordpress
from eventarchive.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
SITE = "https://lambethcoop.example.org"
POST_URL = f"{SITE}/2011/10/28/leadership-network-and-co-production/"
HOST = "lambethcoop.example.org"
POST = f"wordpress:{HOST}/post/2187"
JO = f"wordpress:{HOST}/author/jo adebayo"
SAM = f"wordpress:{HOST}/author/sam okafor"
TEAM = f"wordpress:{HOST}/author/lambeth co-op team"
MALLORY = f"wordpress:{HOST}/author/mallory"
PRIYA = f"wordpress:{HOST}/author/priya shah"
ALL = [1041, 1042, 1043, 1044, 1045, 1046]
THREADS = {  # comment ► what it replies to, as the blog shows it
    1041: POST, 1042: POST, 1043: f"wordpress:{HOST}/comment/1042",
    1044: f"wordpress:{HOST}/comment/1043", 1045: POST, 1046: POST,
}
TIMES = {
    1041: "2011-10-28T10:02:11+00:00", 1042: "2011-10-28T11:15:40+00:00",
    1043: "2011-10-28T12:40:05+00:00", 1044: "2011-10-28T13:05:59+00:00",
    1045: "2011-10-29T08:00:00+00:00", 1046: "2011-10-30T14:20:00+00:00",
}
ARTICLE_TEXT = (
    "On Friday 21 October we held our first Leadership Network day on co-production at the "
    "Lambeth Co-op Day (#lambethcoop). Around sixty people from the council, residents\u2019 "
    "groups and local charities spent the day at world caf\u00e9 tables.\n\n"
    "Three things we heard again and again:\n\n"
    "start with what residents already do;\nshare budgets, not just consultation;\n"
    "keep meeting after the day.\n\n"
    "You can view all of the tweets, notes and pictures from the event.")


def text(name):
    return (FIXTURES / name).read_text()


def load(name):
    return json.loads(text(name))


def cid(n, host=HOST):
    return f"wordpress:{host}/comment/{n}"


def comments(batch):
    return {int(i.native_id.rsplit("/", 1)[1]): i for i in batch.items if i.kind == "comment"}


def authors(batch):
    found = {}
    for a in batch.authors:  # later sightings fill gaps, as the store does
        known = found.setdefault(a.id, a)
        for key in ("display_name", "url", "avatar_url"):
            setattr(known, key, getattr(known, key) or getattr(a, key))
    return found


def assert_safe(item):
    for bad in ("<script", "alert(", "onerror", "onclick", "javascript:", "style="):
        assert bad not in item.html
        assert bad not in (item.text or "")


def avatar(digest, size, host="secure"):
    return f"https://{host}.gravatar.com/avatar/{digest}?s={size}&d=identicon&r=g"


# -- finding the ways in ------------------------------------------------------------------------


def test_discover_reads_what_the_post_page_offers():
    assert wordpress.discover(text("post-page.html"), POST_URL) == {
        "url": POST_URL, "host": HOST, "site": HOST,
        "slug": "leadership-network-and-co-production", "post_id": "2187",
        "rest_base": f"{SITE}/wp-json/", "rest_post_url": f"{SITE}/wp-json/wp/v2/posts/2187",
        "feed_url": f"{POST_URL}feed/", "is_wordpress_com": False,
    }


def test_discover_without_pretty_links_or_a_json_link():
    html = ('<html><head><link rel="https://api.w.org/" href="https://b.example.org/?rest_route=/">'
            '<link rel="alternate" type="application/rss+xml" title="B &raquo; Comments Feed" '
            'href="https://b.example.org/?feed=comments-rss2">'
            '<link rel="alternate" type="application/rss+xml" title="B &raquo; Post Comments '
            'Feed" href="https://b.example.org/?feed=rss2&#038;p=77"></head>'
            '<body class="single postid-77"></body></html>')
    found = wordpress.discover(html, "https://www.b.example.org/?p=77")
    assert found["post_id"] == "77"
    assert found["host"] == "b.example.org"
    assert found["rest_post_url"] == "https://b.example.org/?rest_route=/wp/v2/posts/77"
    assert found["feed_url"] == "https://b.example.org/?feed=rss2&p=77"


def test_discover_knows_a_wordpress_com_blog():
    found = wordpress.discover(text("wpcom-page.html"), "https://example.wordpress.com/x/")
    assert found["is_wordpress_com"] and found["site"] == "example.wordpress.com"
    assert found["slug"] == "notes-from-the-world-cafe" and found["post_id"] == "45"
    custom = '<meta name="generator" content="WordPress.com"><body class="postid-9"></body>'
    assert wordpress.discover(custom, "https://blog.example.org/a/")["is_wordpress_com"]


# -- 1. the REST API ----------------------------------------------------------------------------


def test_rest_post_as_a_reader_sees_it():
    batch = Batch()
    data = load("rest-post-2187.json")
    assert wordpress.parse_rest_post(data, batch) == POST
    item = batch.items[0]
    assert item == Item(
        id=POST, kind="article", platform="wordpress", native_id=f"{HOST}/post/2187",
        url=POST_URL, author_id=TEAM, published_at="2011-10-28T08:30:00+00:00",
        title="Leadership Network and co-production", text=ARTICLE_TEXT, html=item.html,
        raw=item.raw)
    assert json.loads(item.raw) == data
    assert '<a href="http://sfy.example.org/aLq7" rel="noopener noreferrer">' in item.html
    assert batch.authors == [Author(
        id=TEAM, platform="wordpress", display_name="Lambeth Co-op Team",
        url=f"{SITE}/author/lambeth-events/",
        avatar_url=avatar("0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", 96))]
    assert batch.links == [Link(POST, "http://sfy.example.org/aLq7")]


def test_rest_comments_over_two_pages_keep_their_threads():
    batch = Batch()
    for page in ("rest-comments-page-1.json", "rest-comments-page-2.json"):
        wordpress.parse_rest_comments(load(page), POST, HOST, batch)
    found = comments(batch)
    assert sorted(found) == ALL
    assert {n: c.in_reply_to for n, c in found.items()} == THREADS
    assert {n: c.published_at for n, c in found.items()} == TIMES
    first = found[1042]
    assert first == Item(
        id=cid(1042), kind="comment", platform="wordpress", native_id=f"{HOST}/comment/1042",
        url=f"{POST_URL}#comment-1042", author_id=SAM, published_at=TIMES[1042],
        text="My notes from table 3 are here: https://notes.example.org/2011/10/21/table-3",
        html=first.html, in_reply_to=POST, raw=first.raw)
    assert json.loads(first.raw)["author_name"] == "Sam Okafor"
    assert found[1044].text == "Table 5 notes to follow:\n\nbudgets\nbuildings"
    people = authors(batch)
    assert people[JO] == Author(JO, "wordpress", display_name="Jo Adebayo",
                                url="https://jo.example.net",
                                avatar_url=avatar("3f1c2a9e8b7d6c5f4e3d2c1b0a998877", 96))
    assert people[SAM].url is None  # no website given
    assert Link(cid(1042), "https://notes.example.org/2011/10/21/table-3") in batch.links


def test_rest_leaves_out_pingbacks_and_reports_a_broken_comment():
    batch = Batch()
    page = load("rest-comments-page-2.json")
    ping = dict(page[0], id=1050, type="pingback")
    wordpress.parse_rest_comments([ping, {"author_name": "no id"}, *page], POST, HOST, batch)
    assert sorted(comments(batch)) == [1041, 1042, 1043]
    assert len(batch.problems) == 1 and "KeyError" in batch.problems[0].reason


# -- 2. the WordPress.com API -------------------------------------------------------------------


def test_wordpress_com_post_and_nested_replies():
    host = "example.wordpress.com"
    batch = Batch()
    post = wordpress.parse_wpcom_post(load("wpcom-post.json"), batch)
    assert post == f"wordpress:{host}/post/45"
    wordpress.parse_wpcom_comments(load("wpcom-replies.json"), post, host, batch)
    article, *replies = batch.items
    assert (article.kind, article.title, article.published_at, article.author_id) == (
        "article", "Notes from the world caf\u00e9", "2011-10-22T17:05:00+00:00",
        f"wordpress:{host}/author/sam okafor")
    assert article.text.startswith("These are my notes from table 3")
    assert [(c.id, c.in_reply_to, c.published_at) for c in replies] == [
        (cid(12, host), post, "2011-10-22T18:10:22+00:00"),
        (cid(13, host), cid(12, host), "2011-10-22T19:01:00+00:00"),
        (cid(14, host), post, "2011-10-23T07:45:10+00:00"),
    ]
    assert replies[1].text == "Thanks Jo \u2013 shall we compare notes at the next network meeting?"
    people = authors(batch)
    assert people[f"wordpress:{host}/author/jo adebayo"].url == "https://jo.example.net"
    assert people[f"wordpress:{host}/author/sam okafor"].url == "http://notes.example.org"


# -- 3. the comment feed ------------------------------------------------------------------------


def test_rss_comment_feed_holds_the_newest_comments_without_threads():
    batch = Batch()
    wordpress.parse_comment_feed(text("comments-feed.rss"), POST, HOST, batch)
    found = comments(batch)
    assert sorted(found) == [1042, 1043, 1044, 1045, 1046]  # posts_per_rss cut off 1041
    assert {c.in_reply_to for c in found.values()} == {POST}  # RSS has no threading
    assert {n: c.published_at for n, c in found.items()} == {n: TIMES[n] for n in found}
    priya = found[1046]
    assert (priya.url, priya.author_id, priya.text) == (
        f"{POST_URL}#comment-1046", PRIYA, "Is there a recording of the opening talk?")
    assert json.loads(priya.raw) == {
        "source": "comment feed", "route": "comment-feed", "id": f"{SITE}/?p=2187#comment-1046",
        "link": f"{POST_URL}#comment-1046", "author": "Priya Shah",
        "published": "Sun, 30 Oct 2011 14:20:00 +0000", "in_reply_to": None}
    assert_safe(found[1045])
    assert found[1045].text == "Great post! click here or here"


def test_atom_comment_feed_has_threads_and_websites():
    batch = Batch()
    wordpress.parse_comment_feed(text("comments-feed.atom"), POST, HOST, batch)
    found = comments(batch)
    assert {n: c.in_reply_to for n, c in found.items()} == {n: THREADS[n] for n in found}
    assert authors(batch)[PRIYA].url == "https://priya.example.org/"


def test_a_page_that_is_not_a_feed_is_refused():
    with pytest.raises(ValueError, match="not RSS or Atom"):
        wordpress.parse_comment_feed("<html><body>Not found</body></html>", POST, HOST, Batch())


# -- 4. the page itself -------------------------------------------------------------------------


def test_comment_list_with_nested_replies_and_hostile_html():
    batch = Batch()
    wordpress.parse_comment_list(text("post-page.html"), POST, HOST, batch)
    found = comments(batch)
    assert sorted(found) == ALL  # the pingback is not a reader comment
    assert {n: c.in_reply_to for n, c in found.items()} == THREADS
    assert {n: c.published_at for n, c in found.items()} == TIMES
    jo = found[1041]
    assert jo == Item(
        id=cid(1041), kind="comment", platform="wordpress", native_id=f"{HOST}/comment/1041",
        url=f"{POST_URL}#comment-1041", author_id=JO, published_at=TIMES[1041],
        text="Thanks for writing this up so quickly. The world caf\u00e9 tables were the best "
             "part of the day \u2013 more of that next time please!",
        html="<p>Thanks for writing this up so quickly. The world caf\u00e9 tables were the best "
             "part of the day \u2013 more of that next time please!</p>",
        in_reply_to=POST, raw=jo.raw)
    assert json.loads(jo.raw) == {"source": "comment list", "route": "page:standard",
                                  "page": POST_URL,
                                  "comment_id": "1041", "parent": None,
                                  "written": "2011-10-28T11:02:11+01:00"}
    assert found[1044].text == "Table 5 notes to follow:\n\nbudgets\nbuildings"
    evil = found[1045]
    assert_safe(evil)
    assert (evil.text, evil.html) == (
        "Great post! click here or here",
        '<p>Great post! <img src="https://spam.example.net/x.png"> <a rel="noopener noreferrer">'
        'click here</a> <a href="https://spam.example.net/pills" rel="noopener noreferrer">'
        "or here</a></p>")
    assert [link.url for link in batch.links if link.item_id == cid(1045)] == [
        "https://spam.example.net/pills"]
    people = authors(batch)
    assert people[MALLORY].url is None  # a javascript: "website" is no website
    assert people[JO] == Author(JO, "wordpress", display_name="Jo Adebayo",
                                url="https://jo.example.net",
                                avatar_url=avatar("3f1c2a9e8b7d6c5f4e3d2c1b0a998877", 68))
    assert not batch.problems


def test_html5_comment_list():
    host = "example.wordpress.com"
    post = f"wordpress:{host}/post/45"
    batch = Batch()
    wordpress.parse_comment_list(text("wpcom-page.html"), post, host, batch)
    assert [(c.id, c.in_reply_to, c.published_at, c.text) for c in batch.items] == [
        (cid(12, host), post, "2011-10-22T18:10:22+00:00",
         "Great notes, Sam. Table 5 said much the same about budgets."),
        (cid(13, host), cid(12, host), "2011-10-22T19:01:00+00:00",
         "Thanks Jo \u2013 shall we compare notes at the next network meeting?"),
        (cid(14, host), post, "2011-10-23T07:45:10+00:00",
         "Could you share the photo of the budget wall?"),
    ]


def test_twenty_ten_list_with_written_dates():
    host = "notes.example.org"
    post = f"wordpress:{host}/post/311"
    batch = Batch()
    wordpress.parse_comment_list(text("twentyten-comment-page-1.html"), post, host, batch)
    five, six = batch.items
    assert (five.id, five.in_reply_to, five.published_at, five.text, five.url) == (
        cid(5, host), post, "2011-10-21T18:12:00+00:00",  # no offset on the page: taken as UTC
        "Good notes. Was the finance officer at your table?",
        "https://notes.example.org/2011/10/21/table-3/comment-page-1/#comment-5")
    assert (six.in_reply_to, six.author_id, six.text) == (
        cid(5, host), f"wordpress:{host}/author/sam okafor", "Yes, for the first hour.")


def test_post_from_its_page():
    batch = Batch()
    assert wordpress.parse_post_page(text("post-page.html"), POST_URL, batch) == POST
    item = batch.items[0]
    assert item == Item(
        id=POST, kind="article", platform="wordpress", native_id=f"{HOST}/post/2187",
        url=POST_URL, author_id=TEAM, published_at="2011-10-28T08:30:00+00:00",
        title="Leadership Network and co-production", text=ARTICLE_TEXT, html=item.html,
        raw=item.raw)
    assert batch.authors[0].url == f"{SITE}/author/lambeth-events/"
    assert batch.links == [Link(POST, "http://sfy.example.org/aLq7")]


def test_a_page_without_a_post_id_is_kept_under_its_canonical_url():
    html = ('<html><head><link rel="canonical" href="https://c.example.org/hello/"></head><body>'
            '<h1 class="entry-title">Hello</h1><div class="entry-content"><p>Hi</p></div>'
            "</body></html>")
    batch = Batch()
    assert wordpress.parse_post_page(html, "https://c.example.org/hello/?utm=x", batch) == \
        "wordpress:https://c.example.org/hello/"


# -- fetch_post against a fake blog -------------------------------------------------------------


@pytest.fixture
def http():
    with Http(HttpSettings(backoff=0, retries=1), sleep=lambda s: None) as client:
        yield client


def served_page(httpserver, name="post-page.html", origin=SITE):
    """The page with its API and feed links pointing at the fake blog; its canonical link
    (and so every id) stays the real blog's."""
    base = httpserver.url_for("").rstrip("/")
    html = text(name)
    for path in ("/wp-json/", "/2011/10/28/leadership-network-and-co-production/feed/",
                 "/2011/10/22/notes-from-the-world-cafe/feed/",
                 "/2011/10/21/table-3/comment-page-"):
        html = html.replace(origin + path, base + path)
    return html


def test_fetch_through_the_rest_api(httpserver, http):
    post = "/wp-json/wp/v2/posts/2187"
    httpserver.expect_request(post, query_string="_embed=author").respond_with_json(
        load("rest-post-2187.json"))
    for page in (1, 2):
        httpserver.expect_request("/wp-json/wp/v2/comments", query_string={
            "post": "2187", "per_page": "100", "page": str(page)}).respond_with_json(
            load(f"rest-comments-page-{page}.json"),
            headers={"X-WP-Total": "6", "X-WP-TotalPages": "2"})
    batch = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    assert not batch.problems
    assert batch.items[0].id == POST and json.loads(batch.items[0].raw)["id"] == 2187
    assert {n: c.in_reply_to for n, c in comments(batch).items()} == THREADS
    assert len(httpserver.log) == 3


def test_rest_refused_falls_back_to_the_feed_joined_with_the_page(httpserver, http):
    httpserver.expect_request("/wp-json/wp/v2/posts/2187").respond_with_json(
        {"code": "rest_cannot_access", "message": "Only authenticated users can access the "
         "REST API.", "data": {"status": 401}}, status=401)
    feed = "/2011/10/28/leadership-network-and-co-production/feed/"
    httpserver.expect_request(feed + "atom/").respond_with_data("Not found", status=404)
    httpserver.expect_request(feed).respond_with_data(
        text("comments-feed.rss"), content_type="application/rss+xml; charset=UTF-8")
    batch = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    assert batch.problems == []  # the feed worked: a blocked API is not worth reporting
    post, *rest = batch.items
    assert (post.id, post.kind, post.title) == (
        POST, "article", "Leadership Network and co-production")
    found = comments(batch)
    assert sorted(found) == ALL  # 1041 was too old for the feed: the page has it
    assert {n: c.in_reply_to for n, c in found.items()} == THREADS  # threads from the page
    assert json.loads(found[1046].raw)["source"] == "comment feed"
    assert json.loads(found[1041].raw)["source"] == "comment list"
    assert authors(batch)[PRIYA].url == "https://priya.example.org/"  # from the page


def test_no_api_and_no_feed_leaves_the_comment_list(httpserver, http):
    httpserver.expect_request("/wp-json/wp/v2/posts/2187").respond_with_data("", status=404)
    feed = "/2011/10/28/leadership-network-and-co-production/feed/"
    httpserver.expect_request(feed + "atom/").respond_with_data("", status=404)
    httpserver.expect_request(feed).respond_with_response(Response(
        "<html><body>gone</body></html>", status=410, content_type="text/html"))
    batch = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    assert batch.problems == []  # the page's own list had the comments
    assert batch.items[0].id == POST
    found = comments(batch)
    assert sorted(found) == ALL
    assert {n: c.in_reply_to for n, c in found.items()} == THREADS
    assert_safe(found[1045])


def test_same_ids_whichever_way_the_comments_came(httpserver, http):
    rest = Batch()
    for page in ("rest-comments-page-1.json", "rest-comments-page-2.json"):
        wordpress.parse_rest_comments(load(page), POST, HOST, rest)
    httpserver.expect_request("/wp-json/wp/v2/posts/2187").respond_with_data("", status=404)
    httpserver.expect_request(
        "/2011/10/28/leadership-network-and-co-production/feed/").respond_with_data(
        "", status=404)
    listed = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    assert {i.id: (i.author_id, i.in_reply_to, i.published_at) for i in rest.items} == {
        i.id: (i.author_id, i.in_reply_to, i.published_at)
        for i in listed.items if i.kind == "comment"}


def test_wordpress_com_blog_through_its_public_api(httpserver, http):
    httpserver.expect_request("/wp-json/wp/v2/posts/45").respond_with_data("", status=404)
    api = "/rest/v1.1/sites/example.wordpress.com"
    httpserver.expect_request(f"{api}/posts/slug:notes-from-the-world-cafe").respond_with_json(
        load("wpcom-post.json"))
    httpserver.expect_request(f"{api}/posts/45/replies/", query_string={
        "number": "100", "page": "1", "order": "ASC"}).respond_with_json(
        load("wpcom-replies.json"))
    html = served_page(httpserver, "wpcom-page.html", "https://example.wordpress.com")
    batch = wordpress.fetch_post(http, "https://example.wordpress.com/2011/10/22/"
                                 "notes-from-the-world-cafe/", html,
                                 wpcom_base=httpserver.url_for("/"))
    assert batch.problems == []
    host = "example.wordpress.com"
    assert [(i.id, i.in_reply_to) for i in batch.items] == [
        (f"wordpress:{host}/post/45", None),
        (cid(12, host), f"wordpress:{host}/post/45"),
        (cid(13, host), cid(12, host)),
        (cid(14, host), f"wordpress:{host}/post/45"),
    ]


def test_comment_list_follows_older_comment_pages(httpserver, http):
    origin = "https://notes.example.org"
    httpserver.expect_request("/2011/10/21/table-3/feed/").respond_with_data("", status=404)
    base = httpserver.url_for("").rstrip("/")
    page_1 = text("twentyten-comment-page-1.html").replace(
        f"{origin}/2011/10/21/table-3/comment-page-", f"{base}/2011/10/21/table-3/comment-page-")
    httpserver.expect_request("/2011/10/21/table-3/comment-page-1/").respond_with_data(
        page_1, content_type="text/html")
    page = served_page(httpserver, "twentyten-page.html", origin).replace(
        f"{origin}/2011/10/21/table-3/feed/", f"{base}/2011/10/21/table-3/feed/")
    httpserver.expect_request("/2011/10/21/table-3/comment-page-2/").respond_with_data(
        page, content_type="text/html")
    batch = wordpress.fetch_post(http, f"{origin}/2011/10/21/table-3/", page)
    host = "notes.example.org"
    post = f"wordpress:{host}/post/311"
    assert batch.problems == []
    assert [(i.id, i.in_reply_to) for i in batch.items] == [
        (post, None), (cid(7, host), post), (cid(8, host), cid(7, host)),
        (cid(5, host), post), (cid(6, host), cid(5, host))]
    assert batch.items[0].author_id == f"wordpress:{host}/author/sam okafor"
    assert batch.items[0].published_at is None  # Twenty Ten shows the post's date only


def serve_rest(httpserver, comments_status=200):
    httpserver.expect_request("/wp-json/wp/v2/posts/2187").respond_with_json(
        load("rest-post-2187.json"))
    if comments_status != 200:
        httpserver.expect_request("/wp-json/wp/v2/comments").respond_with_json(
            {"code": "rest_forbidden", "message": "Sorry, you are not allowed to do that.",
             "data": {"status": comments_status}}, status=comments_status)
        return
    for page in (1, 2):
        httpserver.expect_request("/wp-json/wp/v2/comments", query_string={
            "post": "2187", "per_page": "100", "page": str(page)}).respond_with_json(
            load(f"rest-comments-page-{page}.json"), headers={"X-WP-TotalPages": "2"})


def test_rest_post_kept_when_only_its_comments_are_refused(httpserver, http):
    serve_rest(httpserver, comments_status=403)
    httpserver.expect_request(
        "/2011/10/28/leadership-network-and-co-production/feed/atom/").respond_with_data(
        text("comments-feed.atom"), content_type="application/atom+xml")
    batch = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    assert batch.problems == []
    assert json.loads(batch.items[0].raw)["id"] == 2187  # the post as the API gave it
    found = comments(batch)
    assert sorted(found) == ALL
    assert {n: c.in_reply_to for n, c in found.items()} == THREADS
    assert json.loads(found[1044].raw)["source"] == "comment feed"


def test_rest_without_pretty_permalinks(httpserver, http):
    base = httpserver.url_for("/")
    html = (f'<link rel="canonical" href="https://b.example.org/?p=2187">'
            f'<link rel="https://api.w.org/" href="{base}?rest_route=/">'
            '<body class="single postid-2187"></body>')
    httpserver.expect_request("/", query_string={
        "rest_route": "/wp/v2/posts/2187", "_embed": "author"}).respond_with_json(
        load("rest-post-2187.json"))
    httpserver.expect_request("/", query_string={
        "rest_route": "/wp/v2/comments", "post": "2187", "per_page": "100", "page": "1",
    }).respond_with_json(load("rest-comments-page-2.json"), headers={"X-WP-TotalPages": "1"})
    batch = wordpress.fetch_post(http, "https://b.example.org/?p=2187", html)
    assert not batch.problems
    assert [i.id for i in batch.items] == [POST, cid(1043), cid(1042), cid(1041)]


def test_saved_twice_by_two_routes_nothing_doubles(httpserver, http, tmp_path):
    serve_rest(httpserver)
    by_api = wordpress.fetch_post(http, POST_URL, served_page(httpserver))
    by_page = Batch()
    wordpress.parse_post_page(text("post-page.html"), POST_URL, by_page)
    wordpress.parse_comment_list(text("post-page.html"), POST, HOST, by_page)
    store = Store.open(tmp_path / "archive.db")
    store.save(by_api)
    store.save(by_page)
    assert (store.count("items"), store.count("authors")) == (7, 5)
    rows = store.conn.execute(
        "SELECT items.id, authors.display_name, authors.url, items.in_reply_to, items.text "
        "FROM items JOIN authors ON authors.id = items.author_id "
        "WHERE items.kind = 'comment' ORDER BY items.published_at").fetchall()
    assert rows[0] == (cid(1041), "Jo Adebayo", "https://jo.example.net", POST,
                       "Thanks for writing this up so quickly. The world caf\u00e9 tables were "
                       "the best part of the day \u2013 more of that next time please!")
    assert [(r[0], r[3]) for r in rows] == [(cid(n), THREADS[n]) for n in ALL]
    store.close()
