
"""Mastodon: parsing recorded statuses (pure), planning, and fetches through the real runner
against a fake instance on 127.0.0.1 that pages the way Mastodon does (Link headers)."""

import json
import re

import pytest
from werkzeug import Response

from conftest import plan
from eventarchive import config
from eventarchive.errors import ConfigError
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.records import Author, Batch, Item, Link, Media, Mention, Repost, Tag
from eventarchive.sources import mastodon
from eventarchive.store import Store
from eventarchive.text import html_to_text
from eventarchive.times import utc_iso

TOOT = "https://toot.example.org"
NET = "https://mastodon.example.net"
T2 = f"mastodon:{TOOT}/users/cafe_host_jo/statuses/117478295273515661"
T3 = f"mastodon:{NET}/users/notetaker_sam/statuses/117478394691632378"
T4 = f"mastodon:{NET}/users/notetaker_sam/statuses/117478706511885437"
T5 = f"mastodon:{TOOT}/users/lambeth_events/statuses/117479041204258054"
T6 = f"mastodon:{TOOT}/users/cafe_host_jo/statuses/117479327662143407"
X = f"mastodon:{TOOT}/users/sol_neighbour/statuses/117467460403211386"
JO = f"mastodon:{TOOT}/@cafe_host_jo"
SAM = f"mastodon:{NET}/@notetaker_sam"
EVENTS = f"mastodon:{TOOT}/@lambeth_events"
TOKEN = "tok-SECRET-123"


def load(fixtures, name):
    return json.loads((fixtures / "mastodon" / name).read_text())


def by_id(batch):
    return {item.id: item for item in batch.items}


# -- parsing ------------------------------------------------------------------------------------


def test_a_post_with_a_link_and_a_card_as_a_user_sees_it(fixtures):
    page = load(fixtures, "tag-toot-2.json")
    batch = Batch()
    item_id = mastodon.parse_status(page[2], batch)
    assert item_id == T2
    local_id = page[2]["id"]
    assert int(local_id) > 2**53 and str(int(float(local_id))) != local_id
    assert batch.items == [Item(
        id=T2, kind="post", platform="mastodon", native_id=T2.removeprefix("mastodon:"),
        url=f"{TOOT}/@cafe_host_jo/117478295273515661", author_id=JO,
        published_at="2026-10-21T09:55:27+00:00",
        text="World cafe tables are filling up. Notes will go up at "
             "https://notes.example.org/2026/10/21/world-cafe\n\n#LambethCoop #coproduction",
        html=batch.items[0].html, raw=batch.items[0].raw)]
    assert json.loads(batch.items[0].raw)["id"] == local_id  # the payload keeps local ids
    assert batch.authors == [Author(
        id=JO, platform="mastodon", handle="cafe_host_jo@toot.example.org",
        display_name="Jo (world cafe host)", url=f"{TOOT}/@cafe_host_jo",
        avatar_url="https://files.toot.example.org/accounts/avatars/109/690/277/068/838/797/"
                   "original/7b1f0e9c22aa4d10.jpg")]
    # The link in the text and the preview card are one link; hashtags are not links.
    assert batch.links == [Link(T2, "https://notes.example.org/2026/10/21/world-cafe")]
    assert batch.tags == [Tag(T2, "lambethcoop"), Tag(T2, "coproduction")]
    assert batch.mentions == []


def test_html_is_sanitised_and_text_is_plain():
    content = ('<p>One<br>two &amp; <a href="https://x.example.org/a" onclick="evil()">'
               '<span class="invisible">https://</span><span class="ellipsis">x.example.org'
               '</span><span class="invisible">/a</span></a></p><script>alert(1)</script>'
               "<p>Three</p>")
    batch = Batch()
    mastodon.parse_status({"uri": "https://s.example.org/1", "content": content,
                           "account": {"url": "https://s.example.org/@a", "acct": "a"}}, batch)
    item = batch.items[0]
    assert item.text == "One\ntwo & https://x.example.org/a\n\nThree"
    assert "script" not in item.html and "onclick" not in item.html
    assert '<a href="https://x.example.org/a"' in item.html
    assert batch.links == [Link(item.id, "https://x.example.org/a")]
    assert html_to_text("") == ""


def test_a_reply_on_the_same_page_points_at_its_parent_and_spoiler_is_the_title(fixtures):
    batch = Batch()
    mastodon.parse_page(load(fixtures, "tag-toot-2.json"), batch)
    reply = by_id(batch)[T3]
    assert reply.in_reply_to == T2
    assert reply.title == "Long notes from table 3"
    assert reply.text == ("@cafe_host_jo Table 3 so far:\n1. Repairs take too long\n"
                          "2. Residents want a say in choosing contractors\n\n"
                          "More after lunch #lambethcoop")
    assert reply.author_id == SAM
    # The mention's acct is relative to the instance asked ("cafe_host_jo"): made whole.
    assert batch.mentions == [Mention(T3, "cafe_host_jo@toot.example.org", JO)]
    assert [link for link in batch.links if link.item_id == T3] == []


def test_a_reply_whose_parent_is_elsewhere_resolves_only_with_a_known_uri(fixtures):
    t6 = load(fixtures, "tag-toot-1.json")[1]
    batch = Batch()
    mastodon.parse_status(t6, batch)
    assert batch.items[0].in_reply_to is None  # unknown: left empty, not guessed
    batch = Batch()
    mastodon.parse_status(t6, batch, {t6["in_reply_to_id"]: X.removeprefix("mastodon:")})
    assert batch.items[0].in_reply_to == X


def test_media_keep_the_original_file_size_and_alt_text(fixtures):
    batch = Batch()
    mastodon.parse_page(load(fixtures, "tag-toot-1.json") + load(fixtures, "tag-toot-2.json"),
                        batch)
    slide, portrait, gif = batch.media
    files = "https://files.toot.example.org/media_attachments/files/117/479/041/204"
    assert slide == Media(
        id=f"mastodon:{files}/227/489/original/0df0c5692d6023fe.png", item_id=T5,
        url=f"{files}/227/489/original/0df0c5692d6023fe.png", mime="image/png",
        width=1200, height=900, taken_at="2026-10-21T13:05:09+00:00",
        alt_text="Slide: \u201cWho decides?\u201d over a photo of the panel")
    assert (portrait.mime, portrait.width, portrait.height, portrait.alt_text) == (
        "image/webp", 800, 1067, None)
    # Seen through toot.example.org, a remote post's media is that instance's cached copy;
    # the row is named after (and points to) the original on the poster's server.
    origin = ("https://files.mastodon.example.net/media_attachments/files/117/478/706/511/873/"
              "658/original/2e83d81837fc757a.mp4")
    assert gif == Media(id=f"mastodon:{origin}", item_id=T4, url=origin, mime="video/mp4",
                        width=480, height=270, taken_at="2026-10-21T11:40:02+00:00")


def test_a_boost_is_collapsed_onto_its_original(fixtures):
    statuses = load(fixtures, "account-statuses.json")
    boost = statuses[2]
    batch = Batch()
    assert mastodon.parse_status(boost, batch) == T4
    assert [i.id for i in batch.items] == [T4]
    assert batch.items[0].author_id == SAM
    assert batch.reposts == [Repost(
        f"mastodon:{TOOT}/users/lambeth_events/statuses/117478728007731880/activity", T4,
        EVENTS, "2026-10-21T11:45:30+00:00")]
    assert {a.id for a in batch.authors} == {SAM, EVENTS}


def test_the_same_post_through_two_instances_gives_the_same_records(fixtures):
    on_toot, on_net = Batch(), Batch()
    mastodon.parse_page(load(fixtures, "tag-toot-2.json"), on_toot)
    parent = load(fixtures, "status-t2-on-net.json")
    mastodon.parse_page(load(fixtures, "tag-mastodon-net.json"), on_net,
                        {parent["id"]: parent["uri"]})
    toot, net = by_id(on_toot), by_id(on_net)
    assert set(net) == {T3, T4}
    for item_id in net:
        assert json.loads(net[item_id].raw)["id"] != json.loads(toot[item_id].raw)["id"]
        net[item_id].raw = toot[item_id].raw
        assert net[item_id] == toot[item_id]
    assert {m.id for m in on_net.media} <= {m.id for m in on_toot.media}
    assert on_net.mentions == on_toot.mentions
    sam_on_net = next(a for a in on_net.authors if a.id == SAM)
    assert sam_on_net.handle == "notetaker_sam@mastodon.example.net"  # acct was "notetaker_sam"


def test_an_accepted_quote_brings_the_quoted_post_and_a_link(fixtures):
    t6 = load(fixtures, "tag-toot-1.json")[1]
    t2 = load(fixtures, "tag-toot-2.json")[2]
    batch = Batch()
    mastodon.parse_status({**t6, "quote": {"state": "accepted", "quoted_status": t2}}, batch)
    assert set(by_id(batch)) == {T6, T2}
    assert Link(T6, f"{TOOT}/@cafe_host_jo/117478295273515661") in batch.links
    batch = Batch()
    mastodon.parse_status({**t6, "quote": {"state": "revoked", "quoted_status": None}}, batch)
    assert set(by_id(batch)) == {T6}


def test_an_unexpected_shape_is_a_problem_not_a_crash(fixtures):
    batch = Batch()
    mastodon.parse_page([{"id": "1", "content": "<p>no account</p>"},
                         load(fixtures, "tag-toot-3.json")[0]], batch, where="mastodon:tag")
    assert len(batch.items) == 1
    assert [p.where for p in batch.problems] == ["mastodon:tag"]
    assert "KeyError" in batch.problems[0].reason


def test_times_become_iso_utc():
    assert utc_iso("2026-10-21T08:02:14.123Z") == "2026-10-21T08:02:14+00:00"
    assert utc_iso("2026-10-21T09:02:14+01:00") == "2026-10-21T08:02:14+00:00"
    assert utc_iso("yesterday") is None


# -- planning -----------------------------------------------------------------------------------


def event(**kw):
    return config.Event("lambethcoop-2026", "Lambeth Co-op Day", "2026-10-21T08:00:00+00:00",
                        "2026-10-21T16:00:00+00:00", **kw)


def test_plan_asks_each_instance_for_each_hashtag_and_each_account_at_home():
    queries = plan(mastodon,
        event(hashtags=["lambethcoop", "#Co-op Day"], keywords=["co-production"],
              accounts={"mastodon": ["@lambeth_events@Toot.example.org"]}),
        {"instances": ["https://mastodon.social/", "toot.example.org"]}, {})
    assert [q.key for q in queries] == [
        "tag:lambethcoop@https://mastodon.social", "tag:co-op day@https://mastodon.social",
        "tag:lambethcoop@https://toot.example.org", "tag:co-op day@https://toot.example.org",
        "account:lambeth_events@toot.example.org@https://toot.example.org"]
    assert queries[1].params["url"] == (
        "https://mastodon.social/api/v1/timelines/tag/Co-op%20Day")
    assert queries[4].params["acct"] == "lambeth_events@toot.example.org"
    assert not any(q.params["token"] for q in queries)


def test_plan_defaults_and_settings():
    (query,) = plan(mastodon, event(hashtags=["lambethcoop"]), {}, {})
    assert query.params["base"] == "https://mastodon.social"
    queries = plan(mastodon, event(hashtags=["x"], accounts={"mastodon": ["a@b.example"]}),
                            {"instances": ["https://one.example", "https://two.example"],
                             "account_base_url": "http://127.0.0.1:9"},
                            {mastodon.TOKEN_ENV: TOKEN})
    assert [q.params["token"] for q in queries] == [True, False, False]
    assert queries[2].params["base"] == "http://127.0.0.1:9"
    assert TOKEN not in json.dumps([q.params for q in queries])
    assert plan(mastodon, event(keywords=["co-production"]), {}, {}) == []


@pytest.mark.parametrize("settings, accounts, message", [
    ({"instances": "https://mastodon.social"}, [], "instances: expected a list"),
    ({"instances": ["ftp://x.example"]}, [], "expected a list of http"),
    ({"resolve_replies": "yes"}, [], "expected true or false"),
    ({}, ["lambeth_events"], 'write it as "@name@server"'),
])
def test_plan_says_what_to_fix(settings, accounts, message):
    with pytest.raises(ConfigError, match=message):
        plan(mastodon, event(hashtags=["x"], accounts={"mastodon": accounts}), settings, {})


# -- fetching through the runner, from a fake instance -----------------------------------------


class FakeInstance:
    """One instance's API as Mastodon serves it: newest first, ``max_id``/``since_id``
    bounds, a few posts a page, ``Link`` headers with ``max_id`` (next) and ``min_id`` (prev),
    no Link on an empty page. ``override(request)`` may answer instead (errors, repeats)."""

    def __init__(self, statuses, page_size=3, lookups=None, accounts=None, statuses_of=None):
        self.statuses = statuses
        self.page_size = page_size
        self.lookups = {s["id"]: s for s in lookups or ()}
        self.accounts = accounts or {}
        self.statuses_of = statuses_of or {}
        self.override = None
        self.seen = []

    def __call__(self, request):
        self.seen.append(request)
        if self.override is not None:
            response = self.override(request)
            if response is not None:
                return response
        path = request.path
        if path == "/api/v1/accounts/lookup":
            account = self.accounts.get(request.args.get("acct"))
            return json_response(account) if account else error(404, "Record not found")
        if path.startswith("/api/v1/statuses/"):
            found = self.lookups.get(path.rsplit("/", 1)[1])
            return json_response(found) if found else error(404, "Record not found")
        if path.startswith("/api/v1/timelines/tag/"):
            return self.page(request, self.statuses)
        found = re.fullmatch(r"/api/v1/accounts/(\d+)/statuses", path)
        if found and found.group(1) in self.statuses_of:
            return self.page(request, self.statuses_of[found.group(1)])
        return error(404, "Record not found")

    def page(self, request, statuses):
        max_id, since_id = request.args.get("max_id"), request.args.get("since_id")
        chosen = [s for s in statuses
                  if (not max_id or int(s["id"]) < int(max_id))
                  and (not since_id or int(s["id"]) > int(since_id))][:self.page_size]
        headers = {}
        if chosen:
            url = request.base_url
            headers["Link"] = (f'<{url}?limit=40&max_id={chosen[-1]["id"]}>; rel="next", '
                               f'<{url}?limit=40&min_id={chosen[0]["id"]}>; rel="prev"')
        return json_response(chosen, headers)

    def requests_to(self, path_start):
        return [dict(r.args) for r in self.seen if r.path.startswith(path_start)]


def json_response(data, headers=None):
    return Response(json.dumps(data), content_type="application/json", headers=headers or {})


def error(status, message):
    return Response(json.dumps({"error": message}), status=status,
                    content_type="application/json")


@pytest.fixture
def toot(fixtures, httpserver):
    """toot.example.org's view, served on localhost."""
    timeline = [s for n in (1, 2, 3) for s in load(fixtures, f"tag-toot-{n}.json")]
    lookup = load(fixtures, "account-lookup.json")
    instance = FakeInstance(
        timeline, lookups=[load(fixtures, "status-x.json")],
        accounts={"lambeth_events@toot.example.org": lookup},
        statuses_of={lookup["id"]: load(fixtures, "account-statuses.json")})
    httpserver.expect_request(re.compile("/api/.*")).respond_with_handler(instance)
    return instance


def make_config(tmp_path, httpserver, accounts=(), **source):
    table = {"instances": [httpserver.url_for("").rstrip("/")], **source}
    return config.parse({
        "events": [{"slug": "lambethcoop-2026", "name": "Lambeth Co-op Day",
                    "starts_at": "2026-10-21T09:00:00+01:00",
                    "ends_at": "2026-10-21T17:00:00+01:00",
                    "hashtags": ["lambethcoop"], "accounts": {"mastodon": list(accounts)}}],
        "sources": {"mastodon": table},
    }, tmp_path / "config" / "eventarchive.toml")


def run(store, cfg, env=None, **http):
    settings = HttpSettings(backoff=0, **http)

    def no_wait(source, options):
        return Http(settings, sleep=lambda s: None, **options)

    return fetch(store, cfg, cfg.events, ["mastodon"], env or {}, http_factory=no_wait)


def rows(store, table):
    columns = "id, author_id, published_at, in_reply_to, text" if table == "items" else "*"
    return store.conn.execute(f"select {columns} from {table} order by 1, 2").fetchall()


TABLES = ("items", "authors", "media", "links", "hashtags", "mentions", "reposts", "event_items")


def test_fetch_pages_back_to_the_event_then_asks_only_for_newer(store, tmp_path, httpserver,
                                                                toot):
    cfg = make_config(tmp_path, httpserver)
    (first,) = run(store, cfg)
    assert first.error is None and first.problems == [] and first.pages == 3
    ids = [r[0] for r in rows(store, "items")]
    # Only the event's posts: the eve-of post and the thank-you after it ended are left out.
    assert len(ids) == 6 and T2 in ids and T6 in ids
    assert all("117474656256011277" not in i and "117480082636825239" not in i for i in ids)
    timeline = toot.requests_to("/api/v1/timelines/tag/lambethcoop")
    assert [r.get("max_id") for r in timeline] == [None, "117479041204258054",
                                                  "117478295273515661"]
    assert all(r["limit"] == "40" and "since_id" not in r for r in timeline)
    # The parent outside the hashtag was looked up on the same instance, not stored.
    assert toot.requests_to("/api/v1/statuses/") == [{}]
    replies = dict(store.conn.execute(
        "select id, in_reply_to from items where in_reply_to is not null").fetchall())
    assert replies == {T6: X, T3: T2}
    assert store.state("mastodon", "lambethcoop-2026:tag:lambethcoop@" + cfg.sources[
        "mastodon"]["instances"][0]) == {"since": "117480082636825239", "top": None,
                                          "before": None}
    before = {table: rows(store, table) for table in TABLES}

    (second,) = run(store, cfg)
    assert second.error is None and second.new_items == 0
    assert {table: rows(store, table) for table in TABLES} == before
    last = toot.requests_to("/api/v1/timelines/tag/lambethcoop")[-1]
    assert last == {"limit": "40", "since_id": "117480082636825239"}


def test_new_posts_over_several_pages_keep_since_id_on_every_page(store, tmp_path, httpserver,
                                                                 toot):
    everything = toot.statuses
    toot.statuses = everything[5:]  # before the first run only T2, T1 and the eve-of post exist
    cfg = make_config(tmp_path, httpserver)
    (first,) = run(store, cfg)
    assert first.error is None and store.count("items") == 2
    toot.statuses = everything
    start = len(toot.seen)
    (second,) = run(store, cfg)
    assert second.error is None and second.new_items == 4 and second.pages == 3
    asked = [dict(r.args) for r in toot.seen[start:] if "timelines" in r.path]
    # Mastodon's rel="next" link drops since_id; we keep it, or page two would run on past it.
    assert asked == [{"limit": "40", "since_id": "117478295273515661"},
                     {"limit": "40", "since_id": "117478295273515661",
                      "max_id": "117479041204258054"},
                     {"limit": "40", "since_id": "117478295273515661",
                      "max_id": "117478394691610455"}]


def test_account_statuses_are_looked_up_on_the_home_instance(store, tmp_path, httpserver,
                                                             toot):
    cfg = make_config(tmp_path, httpserver, accounts=["@lambeth_events@toot.example.org"],
                      instances=[], account_base_url=httpserver.url_for("").rstrip("/"))
    (result,) = run(store, cfg)
    assert result.error is None and result.pages == 2
    assert toot.requests_to("/api/v1/accounts/lookup") == [
        {"acct": "lambeth_events@toot.example.org"}]
    assert {r[0] for r in rows(store, "items")} == {
        T5, T4, f"mastodon:{TOOT}/users/lambeth_events/statuses/117477850087454720"}
    assert rows(store, "reposts") == [(
        f"mastodon:{TOOT}/users/lambeth_events/statuses/117478728007731880/activity", T4,
        EVENTS, "2026-10-21T11:45:30+00:00")]
    # The same posts from the hashtag timeline afterwards: no second copy of anything.
    counts = store.counts()
    cfg = make_config(tmp_path, httpserver, accounts=["@lambeth_events@toot.example.org"],
                      account_base_url=httpserver.url_for("").rstrip("/"))
    (both,) = run(store, cfg)
    assert both.error is None
    assert store.count("items") == 6 and store.count("reposts") == counts["reposts"]
    # The account's id is kept in the query's state (for 30 days): not looked up again.
    assert len(toot.requests_to("/api/v1/accounts/lookup")) == 1


def test_an_unknown_account_says_what_to_check(store, tmp_path, httpserver, toot):
    cfg = make_config(tmp_path, httpserver, accounts=["@nobody@toot.example.org"],
                      instances=[], account_base_url=httpserver.url_for("").rstrip("/"))
    (result,) = run(store, cfg)
    assert re.match(r"mastodon: account:\S+: no account @nobody@toot.example.org at ",
                    result.message)
    assert "account_base_url" in result.message and "\n" not in result.message


def test_the_same_posts_through_two_instances_are_stored_once(store, tmp_path, httpserver,
                                                              fixtures, toot):
    net = FakeInstance(load(fixtures, "tag-mastodon-net.json"),
                       lookups=[load(fixtures, "status-t2-on-net.json")])

    def by_host(request):  # localhost is toot.example.org, 127.0.0.1 is mastodon.example.net
        return (toot if request.host.startswith("localhost") else net)(request)

    httpserver.clear()
    httpserver.expect_request(re.compile("/api/.*")).respond_with_handler(by_host)
    toot_url = httpserver.url_for("").rstrip("/")
    net_url = toot_url.replace("localhost", "127.0.0.1")
    cfg = make_config(tmp_path, httpserver, instances=[toot_url, net_url])
    (result,) = run(store, cfg, env={mastodon.TOKEN_ENV: TOKEN})
    assert result.error is None
    assert store.count("items") == 6 and store.count("media") == 4
    assert dict(store.conn.execute("select id, in_reply_to from items where id = ?",
                                   (T3,)).fetchall()) == {T3: T2}
    assert len(net.requests_to("/api/v1/timelines/tag/")) == 2  # a page, then an empty one
    # The token goes to the instance it belongs to (the first), never to another.
    assert {r.headers.get("Authorization") for r in toot.seen} == {f"Bearer {TOKEN}"}
    assert {r.headers.get("Authorization") for r in net.seen} == {None}


def test_429_then_success(store, tmp_path, httpserver, toot):
    calls = []

    def once(request):
        calls.append(request)
        if len(calls) == 1:
            return Response("", status=429, headers={"Retry-After": "3"})
        return None

    toot.override = once
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert result.error is None and store.count("items") == 6
    assert len(calls) > 1 and toot.seen[1].args == toot.seen[0].args  # the same page, again


def test_a_5xx_storm_fails_with_one_line_and_keeps_what_was_saved(store, tmp_path, httpserver,
                                                                  toot):
    toot.override = lambda r: Response("", status=503) if r.args.get("max_id") else None
    (result,) = run(store, make_config(tmp_path, httpserver), retries=2)
    assert re.fullmatch(r"mastodon: tag:lambethcoop@\S+: localhost: HTTP 503 after 3 tries \(the "
                        r"service is struggling\); progress saved, try again later",
                        result.message)
    assert store.count("items") == 2  # page one: T6 and T5
    assert store.conn.execute("select status from fetch_runs").fetchone() == ("failed",)


def test_a_refused_token_names_the_variable_to_check(store, tmp_path, httpserver, toot):
    toot.override = lambda r: error(401, "The access token is invalid")
    (result,) = run(store, make_config(tmp_path, httpserver), env={mastodon.TOKEN_ENV: TOKEN})
    assert re.match(r"mastodon: tag:\S+: localhost refused the token in "
                    r"EVENTARCHIVE_MASTODON_TOKEN \(HTTP 401\)", result.message)
    assert TOKEN not in result.message and "\n" not in result.message
    assert toot.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_an_instance_that_wants_a_token_says_how_to_give_one(store, tmp_path, httpserver, toot):
    toot.override = lambda r: error(401, "This API requires an authenticated user")
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert "asks for an access token" in result.message
    assert "EVENTARCHIVE_MASTODON_TOKEN" in result.message and "token_instance" in result.message
    assert "Authorization" not in toot.seen[0].headers


def test_a_hashtag_the_instance_never_saw_is_no_posts(store, tmp_path, httpserver, toot):
    toot.override = lambda r: error(404, "Record not found")
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert result.error is None and result.pages == 1 and store.count("items") == 0


def test_a_repeating_cursor_stops_instead_of_looping(store, tmp_path, httpserver, fixtures,
                                                     toot):
    page = load(fixtures, "tag-toot-1.json")

    def same_page(request):
        link = f'<{request.base_url}?max_id={page[-1]["id"]}>; rel="next"'
        return json_response(page, {"Link": link})

    toot.override = same_page
    (result,) = run(store, make_config(tmp_path, httpserver))
    assert result.error is None and result.pages == 2
    assert len(toot.requests_to("/api/v1/timelines/tag/")) == 2
    assert any("repeated its paging max_id" in p for p in result.problems)


def test_a_run_killed_mid_sweep_resumes_to_the_same_rows(store, tmp_path, httpserver, toot):
    cfg = make_config(tmp_path, httpserver)
    page_three = "117478295273515661"
    toot.override = lambda r: (Response("", status=500) if r.args.get("max_id") == page_three
                               else None)
    (broken,) = run(store, cfg, retries=0)
    assert "HTTP 500" in broken.message and store.count("items") == 5
    toot.override = None
    (resumed,) = run(store, cfg)
    assert resumed.error is None
    assert toot.requests_to("/api/v1/timelines/tag/")[-1] == {"limit": "40",
                                                              "max_id": page_three}
    whole = Store.open(tmp_path / "whole.db")
    run(whole, cfg)
    for table in TABLES:
        assert rows(store, table) == rows(whole, table), table
    key = "lambethcoop-2026:tag:lambethcoop@" + cfg.sources["mastodon"]["instances"][0]
    assert store.state("mastodon", key) == whole.state("mastodon", key)
    whole.close()


def test_a_closed_generator_leaves_state_for_what_was_yielded(httpserver, toot, tmp_path):
    cfg = make_config(tmp_path, httpserver)
    (query,) = plan(mastodon, cfg.events[0], cfg.sources["mastodon"], {})
    with Http(HttpSettings(backoff=0), sleep=lambda s: None) as http:
        pages = mastodon.fetch(http, query, {})
        first = next(pages)
        pages.close()
    assert first.state == {"since": None, "top": "117480082636825239",
                           "before": "117479041204258054"}
    assert len(toot.requests_to("/api/v1/timelines/tag/")) == 1
