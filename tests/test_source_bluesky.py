
"""Bluesky: parsing recorded payloads (pure), and fetching through the real runner from a fake
AppView/PDS on 127.0.0.1 (search, author feeds, sessions, paging, limits, resuming)."""

import copy
import json
import re
from collections import Counter

import pytest
from werkzeug import Response

import eventarchive.fetching
import eventarchive.sources
from conftest import plan
from eventarchive import config
from eventarchive.errors import ConfigError
from eventarchive.http import Http, HttpSettings
from eventarchive.records import Author, Batch, Item, Link, Media, Mention, Repost, Tag
from eventarchive.sources import bluesky
from eventarchive.store import Store
from eventarchive.times import utc_iso

LAMBETH = "did:plc:xs3663u746kl3es7fxgpmxxp"
JO = "did:plc:obfsgjacz2f52mjcdyols2ew"
SAM = "did:plc:ysxtctwujaqv46r6g7sb3rfo"
PRIYA = "did:plc:expxeuxqelpgdgscexbkambg"
S1 = f"at://{LAMBETH}/app.bsky.feed.post/3myes7qzthcgw"  # doors open, link card
S2 = f"at://{JO}/app.bsky.feed.post/3myewgsumy24r"  # two photos, a mention after an emoji
S3 = f"at://{SAM}/app.bsky.feed.post/3myf3c37j2kwb"  # reply to S2, outline tag
S4 = f"at://{PRIYA}/app.bsky.feed.post/3myf7mt6s62bz"  # quotes S1, with a photo
F0 = f"at://{LAMBETH}/app.bsky.feed.post/3myhcffl3m22m"  # the day after, a video
F2 = f"at://{LAMBETH}/app.bsky.feed.post/3myfdbm4dk2o2"  # quotes S3
F3 = f"at://{LAMBETH}/app.bsky.feed.post/3myf44e66nsef"  # reply to S3
F4 = f"at://{LAMBETH}/app.bsky.feed.post/3mxtbzcfi6kpy"  # a week before
REPOST = f"at://{LAMBETH}/app.bsky.feed.repost/3myfikpa5ukkb"
CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"


def load(fixtures, name):
    return json.loads((fixtures / "bluesky" / name).read_text())


def item(batch, uri):
    return next(i for i in batch.items if i.native_id == uri)


def id_(uri):
    return f"bluesky:{uri}"


# -- parsing ----------------------------------------------------------------------------------


def test_times_become_iso_utc_without_fractions():
    assert utc_iso("2026-10-21T09:05:12.345Z") == "2026-10-21T09:05:12+00:00"
    assert utc_iso("2026-10-21T10:05:12.123456789+01:00") == "2026-10-21T09:05:12+00:00"
    assert utc_iso("2026-10-21T09:05:12") == "2026-10-21T09:05:12+00:00"
    assert utc_iso("yesterday") is None and utc_iso(None) is None
    # A post's place in time is the earlier of createdAt and indexedAt (a backdated or
    # future-dated createdAt cannot jump the queue).
    assert bluesky.sort_time({"createdAt": "2031-01-01T00:00:00Z"},
                             "2026-10-21T09:05:12.901Z") == "2026-10-21T09:05:12+00:00"


def test_search_result_becomes_a_post_with_its_author_photos_and_mention(fixtures):
    batch = Batch()
    bluesky.parse_search_page(load(fixtures, "search-lambethcoop.json"), batch)
    jo = item(batch, S2)
    text = ("🫖 Tea & toast at the world café table with @lambethevents.bsky.social this "
            "morning #lambethcoop")
    assert jo == Item(
        id=id_(S2), kind="post", platform="bluesky", native_id=S2,
        url="https://bsky.app/profile/cafehostjo.bsky.social/post/3myewgsumy24r",
        author_id=f"bluesky:{JO}", published_at="2026-10-21T10:20:44+00:00", text=text,
        in_reply_to=None, raw=jo.raw)
    assert json.loads(jo.raw)["cid"] == (
        "bafyreie5dxlquba5l4r3ktmqx43kwq42dbna34bfn2qvswcn54wgjpn7zi")
    assert Author(
        id=f"bluesky:{JO}", platform="bluesky", handle="cafehostjo.bsky.social",
        display_name="Jo at the Café", url="https://bsky.app/profile/cafehostjo.bsky.social",
        avatar_url=f"https://cdn.bsky.app/img/avatar/plain/{JO}/"
                   "bafkrei7ufezyxkdwmnhdc2luvd6ajopwb2mlv25emghsifh65jjfbey2bz@jpeg",
    ) in batch.authors
    assert [m for m in batch.media if m.item_id == jo.id] == [
        Media(id="bluesky:bafkreie2k33lydg767gafi754uldb6ezgkqr2ti4uw4j5a5zs7pmq2d6ol",
              item_id=jo.id,
              url=f"{CDN}/{JO}/bafkreie2k33lydg767gafi754uldb6ezgkqr2ti4uw4j5a5zs7pmq2d6ol@jpeg",
              mime="image/jpeg", width=2000, height=1500, taken_at="2026-10-21T10:20:44+00:00",
              alt_text="Six people around a café table covered in sticky notes, mugs of tea in "
                       "front of them."),
        Media(id="bluesky:bafkreip7mv3jjzasft6hx77wwhpnzbqguymcszr7urjxq53dwozksyjpie",
              item_id=jo.id,
              url=f"{CDN}/{JO}/bafkreip7mv3jjzasft6hx77wwhpnzbqguymcszr7urjxq53dwozksyjpie@jpeg",
              mime="image/jpeg", width=1500, height=2000, taken_at="2026-10-21T10:20:44+00:00",
              alt_text=None),  # posted without a description
    ]
    # Facet offsets count UTF-8 bytes: the teapot (4 bytes) and é (2) come before them.
    assert [m for m in batch.mentions if m.item_id == jo.id] == [
        Mention(jo.id, "lambethevents.bsky.social", f"bluesky:{LAMBETH}")]
    assert [t for t in batch.tags if t.item_id == jo.id] == [Tag(jo.id, "lambethcoop")]


def test_shortened_link_text_is_put_back_in_full_and_the_card_is_one_link(fixtures):
    batch = Batch()
    bluesky.parse_post(load(fixtures, "search-lambethcoop.json")["posts"][3], batch)
    doors = item(batch, S1)
    programme = "https://lambethcoop.example.org/2026/programme/?utm_source=bsky"
    assert doors.text == ("Doors are open for #LambethCoop Day! Programme, map and the world "
                          f"café tables: {programme}")
    assert doors.published_at == "2026-10-21T09:05:12+00:00"
    # The link facet and the link card name the same page: one Link.
    assert [link for link in batch.links if link.item_id == doors.id] == [Link(doors.id, programme)]
    assert Tag(doors.id, "lambethcoop") in batch.tags  # "#LambethCoop" in the text


def test_reply_points_at_its_parent_and_outline_tags_count(fixtures):
    batch = Batch()
    bluesky.parse_search_page(load(fixtures, "search-lambethcoop.json"), batch)
    sam = item(batch, S3)
    assert sam.in_reply_to == id_(S2)
    assert sam.url == "https://bsky.app/profile/samnotes.example.net/post/3myf3c37j2kwb"
    assert sam.text == ("My notes from the co-production table are up: "
                        "https://samnotes.example.net/2026/10/21/coproduction-table/ #LambethCoop")
    assert [t.tag for t in batch.tags if t.item_id == sam.id] == ["lambethcoop", "coproduction"]
    assert [link.url for link in batch.links if link.item_id == sam.id] == [
        "https://samnotes.example.net/2026/10/21/coproduction-table/"]


def test_quote_with_a_photo_keeps_the_quoted_post_too(fixtures):
    batch = Batch()
    page = load(fixtures, "search-lambethcoop.json")
    page["posts"] = page["posts"][:1]  # only the quote: S1 comes from inside it
    bluesky.parse_search_page(page, batch)
    assert [i.id for i in batch.items] == [id_(S4), id_(S1)]
    quoted = item(batch, S1)
    assert quoted.author_id == f"bluesky:{LAMBETH}" and quoted.text.endswith("?utm_source=bsky")
    assert json.loads(quoted.raw)["$type"] == "app.bsky.embed.record#viewRecord"
    assert [link.url for link in batch.links if link.item_id == id_(S4)] == [
        "https://bsky.app/profile/lambethevents.bsky.social/post/3myes7qzthcgw"]
    assert [(m.item_id, m.alt_text) for m in batch.media] == [
        (id_(S4), "A hand-drawn map of the town hall: main hall, three workshop rooms and the "
                  "café.")]
    assert {a.id for a in batch.authors} == {f"bluesky:{PRIYA}", f"bluesky:{LAMBETH}"}


def test_author_feed_collapses_a_repost_onto_its_original(fixtures):
    batch = Batch()
    feed = load(fixtures, "author-feed-lambethevents.json")
    item_id = bluesky.parse_feed_item(feed["feed"][1], batch)
    assert item_id == id_(S2)
    assert [i.id for i in batch.items] == [id_(S2)]
    assert batch.items[0].author_id == f"bluesky:{JO}"
    assert batch.reposts == [Repost(f"bluesky:{REPOST}", id_(S2), f"bluesky:{LAMBETH}",
                                    "2026-10-21T15:45:02+00:00")]
    assert f"bluesky:{LAMBETH}" in {a.id for a in batch.authors}  # the reposter
    assert bluesky.feed_item_time(feed["feed"][1]) == "2026-10-21T15:45:02+00:00"


def test_author_feed_quotes_replies_and_video(fixtures):
    batch = Batch()
    bluesky.parse_feed_page(load(fixtures, "author-feed-lambethevents.json"), batch)
    assert [i.id for i in batch.items] == [id_(F0), id_(S2), id_(F2), id_(S3), id_(F3), id_(F4)]
    assert [link.url for link in batch.links if link.item_id == id_(F2)] == [
        "https://bsky.app/profile/samnotes.example.net/post/3myf3c37j2kwb"]
    assert item(batch, F3).in_reply_to == id_(S3)
    assert Mention(id_(F3), "samnotes.example.net", f"bluesky:{SAM}") in batch.mentions
    video = next(m for m in batch.media if m.item_id == id_(F0))
    assert video == Media(
        id="bluesky:bafkreiho4gbacta5eb2jwvjft3xwany5rwbuqjlbzwpfqz4oof5paskuya", item_id=id_(F0),
        url="https://video.bsky.app/watch/did%3Aplc%3Axs3663u746kl3es7fxgpmxxp/"
            "bafkreiho4gbacta5eb2jwvjft3xwany5rwbuqjlbzwpfqz4oof5paskuya/playlist.m3u8",
        mime="application/vnd.apple.mpegurl", width=1920, height=1080,
        taken_at="2026-10-22T09:00:01+00:00",
        alt_text="Two minutes of the day: the main hall, the café tables and the closing circle.")
    # A link shown in full is left as it is.
    assert item(batch, F4).text.endswith("Tickets are free: lambethcoop.example.org/tickets")
    assert batch.problems == []


def test_odd_shapes_become_problems_and_invalid_handles_fall_back_to_the_did(fixtures):
    page = load(fixtures, "search-lambethcoop.json")
    broken = copy.deepcopy(page["posts"][1])
    del broken["author"]
    lost = copy.deepcopy(page["posts"][2])
    lost["author"]["handle"] = "handle.invalid"
    batch = Batch()
    bluesky.parse_search_page({"posts": [broken, lost]}, batch)
    assert [p.where for p in batch.problems] == [id_(S3)]
    assert batch.items[-1].url == f"https://bsky.app/profile/{JO}/post/3myewgsumy24r"
    assert batch.authors[-1].handle is None


# -- planning ---------------------------------------------------------------------------------

ENV = {"EVENTARCHIVE_BLUESKY_HANDLE": "@priyacoop.bsky.social",
       "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop"}


def event_config(tmp_path, base, **event):
    data = {
        "events": [{"slug": "lambethcoop-2026", "name": "Lambeth Co-op Day 2026",
                    "starts_at": "2026-10-21T09:00:00+01:00",
                    "ends_at": "2026-10-21T17:00:00+01:00", "hashtags": ["lambethcoop"],
                    "accounts": {"bluesky": ["lambethevents.bsky.social"]}, **event}],
        "sources": {"bluesky": {"base_url": base, "appview_url": base}},
    }
    return config.parse(data, tmp_path / "eventarchive.toml")


def test_plan_searches_each_hashtag_and_keyword_and_reads_each_account(tmp_path):
    cfg = event_config(tmp_path, "https://pds.example", keywords=["co-production"])
    queries = plan(bluesky, cfg.events[0], cfg.sources["bluesky"], ENV)
    assert [q.key for q in queries] == ['search:#lambethcoop', 'search:"co-production"',
                                        "author:lambethevents.bsky.social"]
    assert queries[0].params["url"] == "https://pds.example/xrpc/app.bsky.feed.searchPosts"
    assert queries[0].params["session"].handle == "priyacoop.bsky.social"
    assert queries[2].params["url"] == "https://pds.example/xrpc/app.bsky.feed.getAuthorFeed"


def test_plan_says_which_login_is_missing_and_needs_none_for_accounts_only(tmp_path):
    cfg = event_config(tmp_path, "https://pds.example")
    with pytest.raises(ConfigError, match="set EVENTARCHIVE_BLUESKY_APP_PASSWORD .*app password"):
        plan(bluesky, cfg.events[0], {}, {"EVENTARCHIVE_BLUESKY_HANDLE": "me.bsky.social"})
    accounts_only = event_config(tmp_path, "https://pds.example", hashtags=[])
    queries = plan(bluesky, accounts_only.events[0], {}, {})
    assert queries[0].params["url"] == (
        "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed")
    with pytest.raises(ConfigError, match="sources.bluesky.appview: unknown key"):
        plan(bluesky, cfg.events[0], {"appview": "https://x.example"}, ENV)


# -- fetching through the runner, from a fake Bluesky on 127.0.0.1 ---------------------------


def shifted(view, rkey, created):
    """A copy of a post at another time, as another post of the same author."""
    view = copy.deepcopy(view)
    did = view["author"]["did"]
    view["uri"] = f"at://{did}/app.bsky.feed.post/{rkey}"
    view["record"]["createdAt"] = created
    view["indexedAt"] = created.replace("Z", "").rstrip("0") + "9Z"
    view.pop("embed", None)
    view["record"].pop("embed", None)
    return view


def reply(status, body=None, **headers):
    return Response(json.dumps(body or {}), status=status, headers=headers,
                    content_type="application/json")


class FakeBluesky:
    """searchPosts (offset cursors, since/until on sortAt), getAuthorFeed (time cursors) and
    app-password sessions, with hooks to fail chosen calls."""

    def __init__(self, posts, feed, session, page_size=2):
        self.session = session  # a recorded createSession answer, tokens swapped each time
        self.posts = list(posts)
        self.feed = list(feed)
        self.page_size = page_size
        self.requests = []  # (method name, query args, Authorization header)
        self.calls = Counter()
        self.script = {}  # (method name, call number) -> Response
        self.tokens = 0
        self.access = self.refresh = None
        self.stuck_cursor = None

    def __call__(self, request):
        name = request.path.rsplit("/", 1)[-1]
        self.calls[name] += 1
        auth = request.headers.get("Authorization")
        self.requests.append((name, dict(request.args), auth))
        scripted = self.script.get((name, self.calls[name]))
        if scripted is not None:
            return scripted
        if name == "com.atproto.server.createSession":
            body = request.get_json()
            if body != {"identifier": "priyacoop.bsky.social", "password": "abcd-efgh-ijkl-mnop"}:
                return reply(401, {"error": "AuthenticationRequired",
                                   "message": "Invalid identifier or password"})
            return reply(200, self.new_session())
        if name == "com.atproto.server.refreshSession":
            if auth != f"Bearer {self.refresh}" or request.get_data():
                return reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
            return reply(200, self.new_session())
        if name == "app.bsky.feed.searchPosts":
            if auth != f"Bearer {self.access}":
                return reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
            return reply(200, self.search(request.args))
        if name == "app.bsky.feed.getAuthorFeed":
            return reply(200, self.author_feed(request.args))
        return reply(404, {"error": "MethodNotImplemented"})

    def new_session(self):
        self.tokens += 1
        self.access, self.refresh = f"access-{self.tokens}", f"refresh-{self.tokens}"
        return {**self.session, "accessJwt": self.access, "refreshJwt": self.refresh}

    def expire(self):
        self.access = "expired"

    def search(self, args):
        since = utc_iso(args.get("since")) or ""
        until = utc_iso(args.get("until")) or "9999"
        term = args["q"].strip('"').lower()
        hits = sorted((p for p in self.posts if term in p["record"]["text"].lower()
                       and since <= bluesky.post_time(p) < until),
                      key=bluesky.post_time, reverse=True)
        start = int(args.get("cursor") or 0)
        page = {"posts": hits[start:start + self.page_size], "hitsTotal": len(hits)}
        if start + self.page_size < len(hits):
            page["cursor"] = self.stuck_cursor or str(start + self.page_size)
        return page

    def author_feed(self, args):
        items = sorted(self.feed, key=bluesky.feed_item_time, reverse=True)
        cursor = utc_iso(args.get("cursor"))
        if cursor:
            items = [i for i in items if bluesky.feed_item_time(i) < cursor]
        page = {"feed": items[:self.page_size]}
        if len(items) > self.page_size:
            page["cursor"] = bluesky.feed_item_time(page["feed"][-1]).replace("+00:00", ".000Z")
        return page

    def asked(self, name):
        return [(args, auth) for n, args, auth in self.requests if n == name]


@pytest.fixture
def fake(httpserver, fixtures, monkeypatch):
    """Seven posts with the hashtag in the event (two days' worth of photos, notes and
    quotes), one before it, and the organiser's feed."""
    search = load(fixtures, "search-lambethcoop.json")["posts"]
    extra = [shifted(search[2], "3myfbtrlsdc2a", "2026-10-21T13:40:00.000Z"),
             shifted(search[1], "3myfgcmgbc22a", "2026-10-21T15:01:30.000Z"),
             shifted(search[2], "3myfiktbxss2a", "2026-10-21T15:45:10.000Z"),
             shifted(search[3], "3mxtbzaaaaa2a", "2026-10-14T10:00:00.000Z")]  # before
    feed = load(fixtures, "author-feed-lambethevents.json")["feed"]
    older = {"post": shifted(feed[-1]["post"], "3mxpaaaaaaa2a", "2026-10-07T10:00:00.000Z")}
    server = FakeBluesky(search + extra, feed + [older], load(fixtures, "create-session.json"))
    httpserver.expect_request(re.compile(r"^/xrpc/")).respond_with_handler(server)
    server.base = f"http://127.0.0.1:{httpserver.port}"
    return server


IN_SEARCH = {id_(S1), id_(S2), id_(S3), id_(S4)} | {
    f"bluesky:at://{JO}/app.bsky.feed.post/3myfbtrlsdc2a",
    f"bluesky:at://{SAM}/app.bsky.feed.post/3myfgcmgbc22a",
    f"bluesky:at://{JO}/app.bsky.feed.post/3myfiktbxss2a"}
IN_FEED = {id_(S2), id_(F2), id_(S3), id_(F3)}  # F0 is after the event, F4 before it


def fetch(store, cfg, slept=None, env=ENV, **kwargs):
    def http_factory(source, options):
        return Http(HttpSettings(backoff=0, retries=2), **options,
                    sleep=(slept if slept is not None else []).append)

    return eventarchive.fetching.fetch(store, cfg, cfg.events, ["bluesky"], env,
                                  http_factory=http_factory, **kwargs)


def rows(store, sql):
    return store.conn.execute(sql).fetchall()


def snapshot(store):
    return {
        "items": rows(store, "select id, kind, url, author_id, published_at, text, in_reply_to "
                             "from items order by id"),
        "media": rows(store, "select id, item_id, url, alt_text from media order by id"),
        "links": rows(store, "select item_id, url from links order by 1, 2"),
        "hashtags": rows(store, "select item_id, tag from hashtags order by 1, 2"),
        "reposts": rows(store, "select * from reposts order by id"),
        "events": rows(store, "select event, item_id from event_items order by 2"),
    }


def test_fetch_pages_through_search_and_the_author_feed(fake, store, tmp_path):
    cfg = event_config(tmp_path, fake.base)
    [run] = fetch(store, cfg)
    assert (run.status, run.error, run.problems) == ("ok", None, [])
    items = {r[0] for r in rows(store, "select id from items")}
    assert items == IN_SEARCH | IN_FEED
    assert rows(store, "select * from reposts") == [
        (f"bluesky:{REPOST}", id_(S2), f"bluesky:{LAMBETH}", "2026-10-21T15:45:02+00:00")]
    assert rows(store, "select count(*) from media") == [(3,)]
    searches = fake.asked("app.bsky.feed.searchPosts")
    assert [args.get("cursor") for args, _ in searches] == [None, "2", "4", "6"]
    assert searches[0] == ({"q": "#lambethcoop", "sort": "latest", "limit": "100",
                            "since": "2026-10-21T08:00:00Z", "until": "2026-10-21T16:00:00Z"},
                           "Bearer access-1")
    feeds = fake.asked("app.bsky.feed.getAuthorFeed")
    # The third page reaches posts from before the event: no fourth request.
    assert [args.get("cursor") for args, _ in feeds] == [
        None, "2026-10-21T15:45:02.000Z", "2026-10-21T12:02:15.000Z"]
    assert {auth for _, auth in feeds} == {None}  # author feeds need no login
    assert feeds[0][0] == {"actor": "lambethevents.bsky.social", "limit": "100"}
    assert fake.calls["com.atproto.server.createSession"] == 1


def test_a_second_run_adds_nothing_and_asks_only_for_newer_posts(fake, store, tmp_path):
    cfg = event_config(tmp_path, fake.base)
    fetch(store, cfg)
    before, asked = snapshot(store), len(fake.requests)
    [run] = fetch(store, cfg)
    assert run.new_items == 0 and snapshot(store) == before
    second = fake.requests[asked:]
    searches = [args for name, args, _ in second if name == "app.bsky.feed.searchPosts"]
    # since = the newest post saved (15:45:10) less ten minutes for indexing lag
    assert [s.get("since") for s in searches] == ["2026-10-21T15:35:10Z"]
    feeds = [args for name, args, _ in second if name == "app.bsky.feed.getAuthorFeed"]
    assert len(feeds) == 2  # stops at the first page older than what it has

    fake.posts.append(shifted(fake.posts[0], "3myfjzzzzzz2a", "2026-10-21T15:58:00.000Z"))
    [run] = fetch(store, cfg)
    assert run.new_items == 1


def test_429_waits_as_asked_then_carries_on(fake, store, tmp_path):
    fake.script[("app.bsky.feed.searchPosts", 2)] = reply(
        429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, **{
            "Retry-After": "7", "RateLimit-Remaining": "0"})
    slept = []
    [run] = fetch(store, event_config(tmp_path, fake.base), slept)
    assert run.status == "ok" and slept == [7.0]
    assert {r[0] for r in rows(store, "select id from items")} == IN_SEARCH | IN_FEED


def test_a_5xx_storm_fails_the_source_in_one_line_and_keeps_what_was_saved(fake, store, tmp_path):
    for call in range(2, 10):
        fake.script[("app.bsky.feed.searchPosts", call)] = reply(503, {"error": "Unavailable"})
    cfg = event_config(tmp_path, fake.base)
    [run] = fetch(store, cfg)
    # The search failed after its first page; the author feed, another query, still ran.
    assert run.status == "partial"
    assert "\n" not in run.message
    assert re.fullmatch(r"bluesky: search:#lambethcoop: 127\.0\.0\.1: HTTP 503 after 3 tries "
                        r".*try again later", run.message)
    assert rows(store, "select count(*) from items where id in (select item_id from "
                "event_items)")[0][0] > 2
    assert rows(store, "select status, errors from fetch_runs") == [("partial", run.message)]
    fake.script.clear()
    [run] = fetch(store, cfg)
    assert run.status == "ok"
    assert {r[0] for r in rows(store, "select id from items")} == IN_SEARCH | IN_FEED


def test_a_refused_login_says_which_settings_to_check(fake, store, tmp_path):
    env = {**ENV, "EVENTARCHIVE_BLUESKY_APP_PASSWORD": "wrong-pass-word-1234"}
    [run] = fetch(store, event_config(tmp_path, fake.base), env=env)
    assert run.status == "failed"
    assert run.message == (
        f"bluesky: {fake.base} refused the login for priyacoop.bsky.social "
        "(EVENTARCHIVE_BLUESKY_HANDLE); use an app password, not the account password; "
        "check EVENTARCHIVE_BLUESKY_APP_PASSWORD (expired or revoked?)")
    assert "wrong-pass-word-1234" not in rows(store, "select errors from fetch_runs")[0][0]
    [run] = fetch(store, event_config(tmp_path, fake.base),
                  env={"EVENTARCHIVE_BLUESKY_HANDLE": "priyacoop.bsky.social"})
    assert run.message.startswith("bluesky: searching posts needs a Bluesky login; set "
                                "EVENTARCHIVE_BLUESKY_APP_PASSWORD")


def test_an_expired_access_token_is_refreshed_and_the_page_asked_again(fake, store, tmp_path):
    original = fake.search

    def search_then_expire(args):
        page = original(args)
        fake.expire()  # the next call finds its token expired
        fake.search = original
        return page

    fake.search = search_then_expire
    [run] = fetch(store, event_config(tmp_path, fake.base))
    assert run.status == "ok"
    names = [(name, auth) for name, _, auth in fake.requests if "feed.getAuthor" not in name]
    assert names[:5] == [
        ("com.atproto.server.createSession", None),
        ("app.bsky.feed.searchPosts", "Bearer access-1"),
        ("app.bsky.feed.searchPosts", "Bearer access-1"),  # 400 ExpiredToken
        ("com.atproto.server.refreshSession", "Bearer refresh-1"),
        ("app.bsky.feed.searchPosts", "Bearer access-2"),
    ]
    assert fake.asked("app.bsky.feed.searchPosts")[2][0].get("cursor") == "2"
    assert {r[0] for r in rows(store, "select id from items")} == IN_SEARCH | IN_FEED


def test_a_repeating_cursor_stops_paging(fake, store, tmp_path):
    fake.stuck_cursor = "2"
    [run] = fetch(store, event_config(tmp_path, fake.base))
    assert len(fake.asked("app.bsky.feed.searchPosts")) == 2
    assert run.status == "partial"
    assert run.problems == [
        "bluesky:search:#lambethcoop: the server repeated its paging cursor (2); stopped paging, "
        "try again later"]


def test_a_run_killed_half_way_resumes_to_the_same_archive(fake, store, tmp_path):
    cfg = event_config(tmp_path, fake.base)
    whole = Store.open(tmp_path / "whole.db")
    fetch(whole, cfg)
    expected = snapshot(whole)
    whole.close()

    def kill_after_two_pages(run):
        if run.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(store, cfg, progress=kill_after_two_pages)
    resumed_at = len(fake.requests)
    fetch(store, cfg)
    assert snapshot(store) == expected
    resumed = [args for name, args, _ in fake.requests[resumed_at:]
               if name == "app.bsky.feed.searchPosts"]
    assert resumed[0]["cursor"] == "4"  # page 3, straight after the last saved page


def test_a_refused_refresh_logs_in_again(fake, store, tmp_path):
    original = fake.search

    def search_then_revoke(args):
        page = original(args)
        fake.expire()
        fake.refresh = "revoked"  # the refresh token no longer works either
        fake.search = original
        return page

    fake.search = search_then_revoke
    [run] = fetch(store, event_config(tmp_path, fake.base))
    assert run.status == "ok"
    assert fake.calls["com.atproto.server.refreshSession"] == 1
    assert fake.calls["com.atproto.server.createSession"] == 2
    assert {r[0] for r in rows(store, "select id from items")} == IN_SEARCH | IN_FEED
