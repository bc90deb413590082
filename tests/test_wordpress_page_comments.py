"""WordPress: a post's comments read from its page, whatever markup the theme or plugin gives
them (one fixture per family), and a blog whose APIs and feeds all fail but whose page shows
its comments in Epoch's markup."""

import json
from pathlib import Path

from eventarchive.http import Http, HttpSettings
from eventarchive.records import Batch, Item
from eventarchive.sources import wordpress
from eventarchive.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"


def read(name, host, post_number):
    """The page's comments as (id, parent, author, website, time, text, route) rows."""
    batch = Batch()
    post = f"wordpress:{host}/post/{post_number}"
    route = wordpress.parse_comment_list((FIXTURES / name).read_text(), post, host, batch)
    assert not batch.problems
    people = {a.id: a for a in batch.authors}
    rows = [(i.id, i.in_reply_to, people[i.author_id].display_name, people[i.author_id].url,
             i.published_at, i.text, json.loads(i.raw)["route"]) for i in batch.items]
    return route, rows, batch


def test_epoch_comments_with_their_threads():
    host = "bulletin.example.org"
    post, page = f"wordpress:{host}/post/88", f"https://{host}/2015/11/12/co-op-day-four-years-on/"
    route, rows, batch = read("epoch-page.html", host, 88)
    assert route == "page:epoch"
    c = f"wordpress:{host}/comment/"
    assert rows == [
        (c + "301", post, "Jo Adebayo", "https://jo.example.net", "2015-11-12T09:41:00+00:00",
         "The residents\u2019 budget group still meets every month \u2013 that was the day\u2019s "
         "doing.", "page:epoch"),
        (c + "302", c + "301", "Sam Okafor", None, "2015-11-12T10:05:30+00:00",
         "And the minutes are on my blog.", "page:epoch"),
        (c + "303", post, "Ade Bello", None, "2015-11-13T18:20:00+00:00",
         "Will there be a fifth?", "page:epoch"),
    ]
    sam = batch.items[1]
    assert sam == Item(
        id=c + "302", kind="comment", platform="wordpress", native_id=f"{host}/comment/302",
        url=page + "#comment-302", author_id=f"wordpress:{host}/author/sam okafor",
        published_at="2015-11-12T10:05:30+00:00", text="And the minutes are on my blog.",
        html='<p>And the minutes are on <a href="https://notes.example.org/budget-group/" '
             'rel="noopener noreferrer">my blog</a>.</p>', in_reply_to=c + "301", raw=sam.raw)
    assert json.loads(sam.raw) == {
        "source": "comment list", "route": "page:epoch", "page": page, "comment_id": "302",
        "parent": "301", "written": "2015-11-12 10:05:30"}  # offset: the post's, +00:00


def test_disqus_server_side_copy_in_or_out_of_noscript():
    host = "jo.example.net"
    post, c = f"wordpress:{host}/post/57", f"wordpress:{host}/comment/"
    expected = [  # Disqus's copy shows no times; the pingback is left out
        (c + "41", post, "Priya Shah", "https://priya.example.org/", None,
         "Did anyone from the council\u2019s property team come?", "page:disqus-noscript"),
        (c + "42", c + "41", "Jo Adebayo", None, None, "Two of them, for the afternoon.",
         "page:disqus-noscript"),
    ]
    route, rows, _ = read("disqus-page.html", host, 57)
    assert (route, rows) == ("page:disqus-noscript", expected)
    html = (FIXTURES / "disqus-page.html").read_text()
    hidden = html.replace('<div id="dsq-content">', '<noscript><div id="dsq-content">').replace(
        "</ul>\n\t</div>\n</div>", "</ul>\n\t</div></noscript>\n</div>")
    assert "<noscript><div" in hidden
    batch = Batch()
    wordpress.parse_comment_list(hidden, post, host, batch)
    assert [(i.id, i.in_reply_to, i.text) for i in batch.items] == [
        (row[0], row[1], row[5]) for row in expected]


def test_standard_markup_of_the_themes_names_its_route():
    host = "notes.example.org"
    post, c = f"wordpress:{host}/post/311", f"wordpress:{host}/comment/"
    route, rows, _ = read("twentyten-comment-page-1.html", host, 311)  # Twenty Ten
    assert route == "page:standard"
    assert rows == [
        (c + "5", post, "Jo Adebayo", "https://jo.example.net", "2011-10-21T18:12:00+00:00",
         "Good notes. Was the finance officer at your table?", "page:standard"),
        (c + "6", c + "5", "Sam Okafor", "http://notes.example.org",
         "2011-10-21T19:03:00+00:00", "Yes, for the first hour.", "page:standard"),
    ]
    # WordPress.com with Highlander (Jetpack's comment form) keeps core's HTML5 list
    route, rows, _ = read("wpcom-page.html", "example.wordpress.com", 45)
    assert route == "page:standard" and [r[2] for r in rows] == [
        "Jo Adebayo", "Sam Okafor", "Priya Shah"]


def test_data_comment_id_attributes():
    host = "stockwell.example.org"
    post, c = f"wordpress:{host}/post/640", f"wordpress:{host}/comment/"
    route, rows, _ = read("data-comment-id-page.html", host, 640)
    assert (route, rows) == ("page:data-comment-id", [  # written in BST, the post's +01:00
        (c + "9001", post, "Priya Shah", "https://priya.example.org/",
         "2019-10-21T10:30:00+00:00", "Same questions, different people asking them.",
         "page:data-comment-id"),
        (c + "9002", c + "9001", "Sam Okafor", None, "2019-10-21T11:02:00+00:00",
         "And some of the same people answering.", "page:data-comment-id"),
    ])


def test_generic_comment_blocks_without_ids_get_stable_hashed_ids():
    host = "kennington.example.org"
    post = f"wordpress:{host}/post/19"
    route, rows, batch = read("generic-page.html", host, 19)
    assert route == "page:generic"
    ids = [row[0] for row in rows]
    assert all(i.startswith(f"wordpress:{host}/comment/h") for i in ids)
    assert [row[1:] for row in rows] == [  # no offset anywhere on the page: UTC assumed
        (post, "Jo Adebayo", "https://jo.example.net", "2010-10-21T18:40:00+00:00",
         "Table 2 had the best biscuits.", "page:generic"),
        (ids[0], "Sam Okafor", None, "2010-10-21T19:02:00+00:00",
         "Agreed \u2013 and the best notes.", "page:generic"),
        (post, "Priya Shah", None, "2010-10-22T08:15:00+00:00", "Were the notes typed up?",
         "page:generic"),
    ]
    assert json.loads(batch.items[0].raw)["offset"] == "assumed UTC"
    assert read("generic-page.html", host, 19)[1] == rows  # the same ids on every read


def test_a_page_without_comments_finds_none():
    batch = Batch()
    html = '<div id="comments"><p class="no-comments">Comments are closed.</p></div>'
    assert wordpress.parse_comment_list(html, "wordpress:x/post/1", "x", batch) is None
    assert batch.items == [] and batch.problems == []


def test_apis_and_feeds_all_failing_still_saves_the_epoch_comments(httpserver, tmp_path):
    """REST API 500, WordPress.com API 404, both feeds 404/500: the page's comments are saved,
    with the route that found them, and a blog that shows its comments is not a problem."""
    host = "bulletin.example.org"
    origin, base = f"https://{host}", httpserver.url_for("").rstrip("/")
    html = (FIXTURES / "epoch-page.html").read_text().replace(
        f"{origin}/wp-json/", f"{base}/wp-json/").replace(
        f"{origin}/2015/11/12/co-op-day-four-years-on/feed/",
        f"{base}/2015/11/12/co-op-day-four-years-on/feed/").replace(
        'content="WordPress 4.4"', 'content="WordPress.com"')  # a Business-plan blog
    httpserver.expect_request("/wp-json/wp/v2/posts/88").respond_with_data("oops", status=500)
    httpserver.expect_request(f"/rest/v1.1/sites/{host}/posts/slug:co-op-day-four-years-on") \
        .respond_with_json({"error": "unknown_post"}, status=404)
    feed = "/2015/11/12/co-op-day-four-years-on/feed/"
    httpserver.expect_request(feed + "atom/").respond_with_data("", status=404)
    httpserver.expect_request(feed).respond_with_data("oops", status=500)
    with Http(HttpSettings(backoff=0, retries=1), sleep=lambda s: None) as http:
        batch = wordpress.fetch_post(http, f"{origin}/2015/11/12/co-op-day-four-years-on/",
                                     html, wpcom_base=httpserver.url_for("/"))
    asked = {entry[0].path for entry in httpserver.log}
    assert {"/wp-json/wp/v2/posts/88", feed, feed + "atom/",
            f"/rest/v1.1/sites/{host}/posts/slug:co-op-day-four-years-on"} <= asked
    assert batch.problems == []
    store = Store.open(tmp_path / "archive.db")
    store.save(batch)
    rows = store.conn.execute(
        "SELECT items.id, items.in_reply_to, authors.display_name, items.published_at, "
        "json_extract(items.raw, '$.route') FROM items JOIN authors ON authors.id = "
        "items.author_id WHERE kind = 'comment' ORDER BY items.id").fetchall()
    post_raw = json.loads(store.conn.execute(
        "SELECT raw FROM items WHERE kind = 'article'").fetchone()[0])
    store.close()
    c = f"wordpress:{host}/comment/"
    assert rows == [
        (c + "301", f"wordpress:{host}/post/88", "Jo Adebayo", "2015-11-12T09:41:00+00:00",
         "page:epoch"),
        (c + "302", c + "301", "Sam Okafor", "2015-11-12T10:05:30+00:00", "page:epoch"),
        (c + "303", f"wordpress:{host}/post/88", "Ade Bello", "2015-11-13T18:20:00+00:00",
         "page:epoch"),
    ]
    assert post_raw["comment_routes"] == ["page:epoch"]
