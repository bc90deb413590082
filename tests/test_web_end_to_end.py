"""Issue 4's finish line: given an event's seed URLs (a WordPress post whose text ends with an
sfy.co link, and a Guardian article on the old guardian.co.uk domain), one `fetch` archives the
post with all its comments, the Guardian article's full text and, through the Wayback Machine,
the Storify story with its elements in order; all are searchable and show where they came from.
"""

import asyncio
import json

from werkzeug import Response

from conftest import wayback_availability
from eventarchive import config
from eventarchive.datasette.app import make_datasette
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.store import Store

SITE = "https://lambethcoop.example.org"
POST_PATH = "/2011/10/28/leadership-network-and-co-production/"
STORY = "lambeth_events/lambeth-co-op-day"


def test_one_fetch_brings_the_whole_web_record(tmp_path, httpserver, fixtures):
    base = httpserver.url_for("").rstrip("/")
    wp = fixtures / "wordpress"
    page = (wp / "post-page.html").read_text().replace(SITE + "/wp-json/", base + "/wp-json/")
    post = json.loads((wp / "rest-post-2187.json").read_text().replace(
        "http://sfy.example.org/aLq7", "http://sfy.co/kLcD"))
    guardian_body = (fixtures / "guardian" / "content-world-cafe.json").read_text()
    guardian_id = json.loads(guardian_body)["response"]["content"]["id"]
    api = f"http://api.storify.com/v1/stories/{STORY}"
    captures = {"http://sfy.co/kLcD": ("20111025000000", "301"), api: ("20111024093512", "200")}

    serve = httpserver.expect_request
    serve("/robots.txt").respond_with_data("", status=404)
    serve(POST_PATH).respond_with_data(page, content_type="text/html; charset=UTF-8")
    serve("/wp-json/wp/v2/posts/2187").respond_with_json(post)
    for n in (1, 2):
        serve("/wp-json/wp/v2/comments", query_string={"post": "2187", "per_page": "100",
                                                       "page": str(n)}).respond_with_json(
            json.loads((wp / f"rest-comments-page-{n}.json").read_text()),
            headers={"X-WP-Total": "6", "X-WP-TotalPages": "2"})
    serve(f"/guardian/{guardian_id}").respond_with_data(guardian_body,
                                                        content_type="application/json")
    serve("/wayback/available").respond_with_handler(wayback_availability(captures))
    serve("/cdx/search/cdx").respond_with_json([])
    serve("/web/20111025000000id_/http://sfy.co/kLcD").respond_with_response(Response(
        "", status=302, headers={"Location": f"{base}/web/20111024093512id_/{api}"}))
    serve(f"/web/20111024093512id_/{api}").respond_with_data(
        (fixtures / "storify" / "story-api.json").read_text(), content_type="application/json")

    cfg = config.parse({
        "database": "data/archive.db",
        "events": [{"slug": "coproduction-2011", "name": "Leadership Network: co-production",
                    "starts_at": "2011-10-21T09:00:00+01:00",
                    "urls": [base + POST_PATH, f"http://www.guardian.co.uk/{guardian_id}"]}],
        "sources": {"web": {"per_host_delay": 0},
                    "guardian": {"base_url": base + "/guardian"},
                    "wayback": {"base_url": base, "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    store = Store.open(cfg.database)
    http = Http(HttpSettings(backoff=0, retries=0), sleep=lambda s: None)
    (result,) = fetch(store, cfg, cfg.events, ["web"], {},
                      http_factory=lambda source, options: http)
    assert result.error is None, result.problems

    def count(sql, *args):
        return store.conn.execute(sql, args).fetchone()[0]

    # The post and all six comments, threaded.
    assert count("select count(*) from items "
                 "where platform = 'wordpress' and kind = 'article'") == 1
    assert count("select count(*) from items where kind = 'comment'") == 6
    assert count("select count(*) from items where kind = 'comment' and in_reply_to like "
                 "'wordpress:%/comment/%'") >= 1
    # The Guardian article's full text.
    assert count("select length(text) from items where platform = 'guardian'") > 500
    # The Storify story, through its sfy.co link and the Wayback Machine, in order.
    assert count("select count(*) from items where kind = 'story'") == 1
    positions = [p for (p,) in store.conn.execute(
        "select position from event_items join items on items.id = item_id "
        "where kind = 'story_element' order by position")]
    assert positions == list(range(9))
    # The post's link to the story says where it went and where the copy came from.
    (resolved, archived) = store.conn.execute(
        "select resolved_url, archived_url from links where url = 'http://sfy.co/kLcD'").fetchone()
    assert archived.startswith(base + "/web/20111024093512/") or archived.startswith(
        base + "/web/20111025000000/")
    store.close()

    # All of it searchable in Datasette.
    ds = make_datasette(cfg.database)
    rows = asyncio.run(ds.client.get(
        "/archive/search.json?q=world+cafe&event=coproduction-2011&_shape=array")).json()
    assert {"wordpress", "guardian", "storify"} <= {r["platform"] for r in rows} | {
        r["platform"] for r in asyncio.run(ds.client.get(
            "/archive/search.json?q=lambeth&event=coproduction-2011&_shape=array")).json()}
