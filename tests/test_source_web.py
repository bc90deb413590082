"""Linked pages: unshortened, fetched politely and conditionally, extracted, kept in a WARC."""

import pytest
from werkzeug import Response

from conftest import wayback_availability
from eventarchive import config
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.records import Batch, Item, Link
from eventarchive.search import search
from eventarchive.sources import _web_schedule, web
from eventarchive.store import Store

EVENT = "lambethcoop-2011"


@pytest.fixture
def page(fixtures):
    return (fixtures / "web" / "blog-post.html").read_text()


def make_config(tmp_path, urls, private_ok=True):
    return config.parse({
        "events": [{"slug": EVENT, "urls": urls}],
        "sources": {"web": {"per_host_delay": 0}},
        "fetch": {"allow_private_addresses": private_ok},
    }, tmp_path / "config" / "eventarchive.toml")


def run(store, cfg, private_ok=True):
    def factory(source, options):
        return Http(HttpSettings(backoff=0, retries=0), sleep=lambda s: None,
                    **{**options, "public_only": not private_ok})
    return fetch(store, cfg, cfg.events, ["web"], {}, http_factory=factory)


def html(text, **headers):
    return Response(text, content_type="text/html; charset=utf-8", headers=headers)


def test_parse_page_keeps_the_main_text_and_metadata(page):
    batch = Batch()
    item_id = web.parse_page(page, "https://lambethcoop.example.org/?p=12", batch,
                             provenance={"status": 200})
    (item,) = batch.items
    assert item_id == ("web:https://lambethcoop.example.org/2011/10/28/"
                       "leadership-network-and-co-production/")
    assert item.kind == "article" and item.title == "Leadership Network and co-production"
    assert item.published_at == "2011-10-28T09:15:00+00:00"  # its own 10:15+01:00
    assert "standing room only" in item.text
    assert "Home" not in item.text and "tracker" not in item.text and "alert" not in item.text
    assert batch.authors[0].display_name == "Jo Placeholder"


def test_seed_and_linked_short_url_fetched_once_with_referrers(tmp_path, httpserver, page):
    base = httpserver.url_for("")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/s/abc").respond_with_response(
        Response("", status=301, headers={"Location": base + "post/"}))
    httpserver.expect_request("/post/").respond_with_response(html(page, ETag='"v1"'))
    store = Store.open(tmp_path / "a.db")
    store.ensure_event(EVENT)
    posts = Batch()
    for n in (1, 2):
        posts.items.append(Item(f"twitter:{n}", "post", "twitter", str(n), text="see link"))
        posts.links.append(Link(f"twitter:{n}", base + "s/abc"))
    store.save(posts, EVENT)
    cfg = make_config(tmp_path, [base + "post/"])
    (result,) = run(store, cfg)
    assert result.error is None, result.problems
    articles = store.conn.execute("select id, kind from items where platform = 'web'").fetchall()
    assert articles == [("web:https://lambethcoop.example.org/2011/10/28/"
                         "leadership-network-and-co-production/", "article")]
    links = store.conn.execute("select item_id, resolved_url, status from links").fetchall()
    assert sorted(links) == [("twitter:1", base + "post/", 200), ("twitter:2", base + "post/", 200)]
    warcs = list((tmp_path / "data" / "media" / "warc").glob("*.warc.gz"))
    assert len(warcs) == 1
    from warcio.archiveiterator import ArchiveIterator

    with open(warcs[0], "rb") as f:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.content_stream().read()) for r in ArchiveIterator(f)]
    assert records[0][0] == "warcinfo"
    exchanges = [(kind, uri) for kind, uri, _ in records[1:]]
    # Each response with its request; the short link's redirect hop is kept for replay.
    assert exchanges == [("response", base + "robots.txt"), ("request", base + "robots.txt"),
                         ("response", base + "post/"), ("request", base + "post/"),
                         ("response", base + "s/abc"), ("request", base + "s/abc"),
                         ("response", base + "post/"), ("request", base + "post/")]
    assert b"standing room only" in records[3][2]


def make_due(store):
    """As if the pages' re-check intervals had passed."""
    with store.conn:
        store.conn.execute("update source_state set state = json_set(state, '$.next_try', "
                           "'2000-01-01T00:00:00+00:00') where source = 'web'")


def web_state(store):
    import json

    (value,) = store.conn.execute("select state from source_state where source = 'web'"
                                  ).fetchone()
    return json.loads(value)


def test_an_unchanged_page_is_not_asked_again_until_due_then_conditionally(
        tmp_path, httpserver, page):
    seen = []

    def handler(request):
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response("", status=304)
        return html(page, ETag='"v1"')

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/post/").respond_with_handler(handler)
    store = Store.open(tmp_path / "a.db")
    cfg = make_config(tmp_path, [httpserver.url_for("/post/")])
    run(store, cfg)
    counts = store.counts()
    asked = len(httpserver.log)
    (second,) = run(store, cfg)  # right after: not due, so nothing at all is asked
    assert len(httpserver.log) == asked  # not even robots.txt
    assert second.status == "ok" and second.summary == "0 new, 1 page not due"
    make_due(store)
    (third,) = run(store, cfg)
    assert third.error is None and third.new_items == 0 and store.counts() == counts
    assert len(seen) == 2 and seen[-1]["If-None-Match"] == '"v1"'  # a 304
    assert web_state(store)["unchanged"] == 1


def test_robots_txt_is_respected(tmp_path, httpserver, page):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    httpserver.expect_request("/post/").respond_with_response(html(page))
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, make_config(tmp_path, [httpserver.url_for("/post/")]))
    assert any("robots.txt" in p for p in result.problems)
    assert store.count("items") == 0


def test_redirect_loops_and_non_html_are_recorded_and_skipped(tmp_path, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/loop").respond_with_response(
        Response("", status=302, headers={"Location": httpserver.url_for("/loop")}))
    httpserver.expect_request("/file.pdf").respond_with_data(b"%PDF-1.4",
                                                             content_type="application/pdf")
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, make_config(tmp_path, [httpserver.url_for("/loop"),
                                                  httpserver.url_for("/file.pdf")]))
    assert result.error is None
    assert any("redirects" in p for p in result.problems)
    assert any("not a web page (application/pdf)" in p for p in result.problems)


def test_links_to_this_machine_are_refused_by_default(tmp_path, httpserver, page):
    httpserver.expect_request("/post/").respond_with_response(html(page))
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, make_config(tmp_path, [httpserver.url_for("/post/")],
                                       private_ok=False), private_ok=False)
    assert any("private or local address" in p for p in result.problems)
    assert len(httpserver.log) == 0


def test_a_dead_link_comes_from_the_wayback_capture_nearest_the_event(tmp_path, httpserver, page):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    asked = []

    def available(request):
        asked.append(dict(request.args))
        return Response(
            '{"archived_snapshots": {"closest": {"status": "200", "available": true, '
            f'"url": "http://web.archive.org/web/20111028120000/{base}/gone", '
            '"timestamp": "20111028120000"}}}', content_type="application/json")

    httpserver.expect_request("/wayback/available").respond_with_handler(available)
    httpserver.expect_request(f"/web/20111028120000id_/{base}/gone").respond_with_response(
        html(page))
    cfg = config.parse({
        "events": [{"slug": EVENT, "urls": [base + "/gone"],
                    "starts_at": "2011-10-21T09:00:00+01:00"}],
        "sources": {"web": {"per_host_delay": 0},
                    "wayback": {"base_url": base,
                                "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, cfg)
    assert result.error is None, result.problems
    assert asked[0]["timestamp"].startswith("20111021")  # nearest the event, not today
    import json

    (raw,) = store.conn.execute("select raw from items where platform = 'web'").fetchone()
    assert json.loads(raw)["archived"] == f"{base}/web/20111028120000/{base}/gone"


def test_guardian_links_use_the_content_api(tmp_path, httpserver, fixtures):
    base = httpserver.url_for("").rstrip("/")
    body = (fixtures / "guardian" / "content-world-cafe.json").read_text()
    import json

    content_id = json.loads(body)["response"]["content"]["id"]
    httpserver.expect_request(f"/guardian/{content_id}").respond_with_data(
        body, content_type="application/json")
    url = f"http://www.guardian.co.uk/{content_id}"
    cfg = config.parse({
        "events": [{"slug": EVENT, "urls": [url]}],
        "sources": {"web": {"per_host_delay": 0}, "guardian": {"base_url": base + "/guardian"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, cfg)
    assert result.error is None, result.problems
    (platform, kind, text) = store.conn.execute(
        "select platform, kind, text from items").fetchone()
    assert platform == "guardian" and kind == "article" and len(text) > 200
    assert httpserver.log[0][0].args["api-key"] == "test"


def test_a_storify_short_link_becomes_the_story_in_order_via_the_wayback_machine(
        tmp_path, httpserver, fixtures):
    """sfy.co ► its archived redirect ► the story; the API JSON capture is preferred."""
    base = httpserver.url_for("").rstrip("/")
    story = "lambeth_events/lambeth-co-op-day"
    api = f"http://api.storify.com/v1/stories/{story}"
    captures = {"http://sfy.co/kLcD": ("20111025000000", "301"), api: ("20111024093512", "200")}

    httpserver.expect_request("/wayback/available").respond_with_handler(
        wayback_availability(captures))
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    httpserver.expect_request("/web/20111025000000id_/http://sfy.co/kLcD").respond_with_response(
        Response("", status=302, headers={
            "Location": f"{base}/web/20111024093512id_/https://storify.com/{story}"}))
    httpserver.expect_request(f"/web/20111024093512id_/https://storify.com/{story}"
                              ).respond_with_data((fixtures / "storify" / "story-page.html"
                                                   ).read_text(), content_type="text/html")
    httpserver.expect_request(f"/web/20111024093512id_/{api}").respond_with_data(
        (fixtures / "storify" / "story-api.json").read_text(), content_type="application/json")
    cfg = config.parse({
        "events": [{"slug": EVENT, "urls": ["http://sfy.co/kLcD"],
                    "starts_at": "2011-10-21T09:00:00+01:00"}],
        "sources": {"web": {"per_host_delay": 0},
                    "wayback": {"base_url": base,
                                "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    store = Store.open(tmp_path / "a.db")
    (result,) = run(store, cfg)
    assert result.error is None, result.problems
    kinds = dict(store.conn.execute("select kind, count(*) from items group by kind").fetchall())
    assert kinds["story"] == 1 and kinds["story_element"] == 9
    positions = [p for (p,) in store.conn.execute(
        "select position from event_items join items on items.id = item_id "
        "where kind = 'story_element' order by position")]
    assert positions == list(range(9))


def test_a_page_in_windows_1252_without_a_charset_header_reads_right(tmp_path, httpserver):
    text = ("<html><head><meta charset='windows-1252'><title>Caf\u00e9 notes</title></head>"
            "<body><article><p>" + "The world caf\u00e9 ran for two rounds \u2013 table three "
            "wanted residents on the repairs panel. " * 8 + "</p></article></body></html>")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/cafe").respond_with_data(text.encode("cp1252"),
                                                         content_type="text/html")
    store = Store.open(tmp_path / "a.db")
    run(store, make_config(tmp_path, [httpserver.url_for("/cafe")]))
    (body,) = store.conn.execute("select text from items").fetchone()
    assert "world caf\u00e9 ran for two rounds \u2013 table three" in body


def test_a_dead_link_without_a_copy_is_not_tried_again_on_every_run(tmp_path, httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {}})
    httpserver.expect_request("/cdx/search/cdx").respond_with_json([])
    store = Store.open(tmp_path / "a.db")
    store.ensure_event(EVENT)
    post = Batch()
    post.items.append(Item("twitter:1", "post", "twitter", "1", text="see"))
    post.links += [Link("twitter:1", base + "/gone"),
                   Link("twitter:1", "https://twitter.com/jo/status/127322111860846593")]
    store.save(post, EVENT)
    cfg = config.parse({
        "events": [{"slug": EVENT}],
        "sources": {"web": {"per_host_delay": 0},
                    "wayback": {"base_url": base,
                                "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    (first,) = run(store, cfg)
    assert any("no copy either" in p for p in first.problems)
    asked = len(httpserver.log)
    (second,) = run(store, cfg)
    assert len(httpserver.log) == asked and second.problems == []
    assert not any("twitter.com" in str(request.url) for request, _ in httpserver.log)


def warc_records(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    found = []
    for path in sorted((tmp_path / "data" / "media" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            found += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                       r.content_stream().read()) for r in ArchiveIterator(f)]
    return found


def test_the_warc_holds_the_api_answers_an_article_was_built_from(tmp_path, httpserver, fixtures):
    base = httpserver.url_for("").rstrip("/")
    body = (fixtures / "guardian" / "content-world-cafe.json").read_text()
    import json

    content_id = json.loads(body)["response"]["content"]["id"]
    httpserver.expect_request(f"/guardian/{content_id}").respond_with_data(
        body, content_type="application/json")
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/wayback/available").respond_with_handler(
        wayback_availability({base + "/gone": ("20111028120000", "200")}))
    httpserver.expect_request(f"/web/20111028120000id_/{base}/gone").respond_with_response(
        html("<html><body><article><p>" + "The programme for the day. " * 20 +
             "</p></article></body></html>"))
    cfg = config.parse({
        "events": [{"slug": EVENT, "urls": [f"http://www.guardian.co.uk/{content_id}",
                                            base + "/gone"]}],
        "sources": {"web": {"per_host_delay": 0}, "guardian": {"base_url": base + "/guardian"},
                    "wayback": {"base_url": base,
                                "availability_url": base + "/wayback/available"}},
        "fetch": {"allow_private_addresses": True},
    }, tmp_path / "config" / "eventarchive.toml")
    store = Store.open(tmp_path / "a.db")

    def factory(source, options):
        return Http(HttpSettings(backoff=0, retries=0), sleep=lambda s: None, **options)

    env = {"EVENTARCHIVE_GUARDIAN_KEY": "sekrit-key"}
    (result,) = fetch(store, cfg, cfg.events, ["web"], env, http_factory=factory)
    assert result.problems == []
    records = warc_records(tmp_path)
    assert [kind for kind, _, _ in records].count("warcinfo") == 1
    responses = [uri for kind, uri, _ in records if kind == "response"]
    requests = [uri for kind, uri, _ in records if kind == "request"]
    assert responses == requests  # each response with its request
    assert any(uri.startswith(f"{base}/guardian/{content_id}?") for uri in responses)
    assert any(uri.startswith(f"{base}/wayback/available?") for uri in responses)
    assert f"{base}/web/20111028120000id_/{base}/gone" in responses
    # The key the API was asked with is not in the archive.
    assert not any(b"sekrit-key" in (uri or "").encode() + payload
                   for _, uri, payload in records)


def test_a_seed_without_validators_backs_off_while_the_same_and_resets_on_a_change(
        tmp_path, httpserver, page):
    bodies = [page, page, page.replace("standing room only", "a full hall")]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/post/").respond_with_handler(lambda r: html(bodies.pop(0)))
    store = Store.open(tmp_path / "a.db")
    cfg = make_config(tmp_path, [httpserver.url_for("/post/")])

    def pages_asked():
        return sum(request.path == "/post/" for request, _ in httpserver.log)

    run(store, cfg)
    (second,) = run(store, cfg)  # within the hour: nothing is asked
    assert pages_asked() == 1 and second.problems == []
    first_try = web_state(store)
    assert first_try["unchanged"] == 0
    make_due(store)
    (third,) = run(store, cfg)  # the same bytes: the next check waits longer
    assert pages_asked() == 2 and third.new_items == 0
    again = web_state(store)
    assert again["unchanged"] == 1 and again["next_try"] > first_try["next_try"]
    make_due(store)
    before = store.conn.execute("SELECT id, text, published_at FROM items "
                                "WHERE kind = 'article'").fetchone()
    run(store, cfg)  # changed: read again, and the next check is soon again
    assert pages_asked() == 3
    changed = web_state(store)
    assert changed["unchanged"] == 0 and changed["next_try"] < again["next_try"]
    # The article is what the page says now (a live blog's updates are kept); its date stays.
    after = store.conn.execute("SELECT id, text, published_at FROM items "
                               "WHERE kind = 'article'").fetchone()
    assert after[0] == before[0] and after[2] == before[2]
    assert "a full hall" in after[1] and "standing room only" in before[1]
    assert search(store, "full hall") and not search(store, "standing room")


def test_the_recheck_interval_doubles_and_follows_the_event():
    hour, day = 3600, 86400
    now = 1_000_000_000.0
    early = 1 - _web_schedule.EARLY  # due a little before the interval is over: cron runs drift

    def after(unchanged, live=None):
        return _web_schedule.recheck_after(unchanged, now, live) / early

    assert [after(n) / hour for n in range(4)] == [1, 2, 4, 8]
    assert after(30) == 30 * day  # at most a month
    # While the event runs: every hour; the week after it: at least daily.
    assert after(12, (now - hour, now + hour)) == hour
    assert after(12, (now - 3 * day, now - 2 * day)) == day
    assert after(12, (now - 30 * day, now - 29 * day)) == 30 * day
    # Checked before the event: due again when it starts.
    assert after(12, (now + 2 * day, now + 3 * day)) == 2 * day
