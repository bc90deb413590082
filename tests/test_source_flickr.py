"""Flickr: parsing recorded search pages (pure), then fetching from a fake Flickr on 127.0.0.1
through the real runner: paging, 429, 5xx storms, a refused key, a repeating page, incremental
runs and a run killed half-way."""

import copy
import json
import math
from pathlib import Path

import pytest
from werkzeug import Request, Response

from conftest import plan
from eventarchive import config
from eventarchive.errors import ConfigError
from eventarchive.fetching import fetch
from eventarchive.http import Http, HttpSettings
from eventarchive.records import Author, Batch, Item, Link, Media, Problem, Tag
from eventarchive.sources import flickr
from eventarchive.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "flickr"
KEY = "f1c7e0a2b3d4e5f60718293a4b5c6d7e"
ENV = {flickr.KEY_ENV: KEY}


def load(name):
    return json.loads((FIXTURES / name).read_text())


def all_photos():
    return load("search-page-1.json")["photos"]["photo"] + load(
        "search-page-2.json")["photos"]["photo"]


def parsed(*names):
    batch = Batch()
    licenses = flickr.parse_licenses(load("licenses.json"))
    for name in names:
        flickr.parse_search(load(name), batch, licenses)
    return batch


# -- parsing ------------------------------------------------------------------------------------


def test_photo_with_html_description_original_geo_and_licence():
    batch = parsed("search-page-2.json")
    item = next(i for i in batch.items if i.native_id == "6268431207")
    assert item == Item(
        id="flickr:6268431207", kind="photo", platform="flickr", native_id="6268431207",
        url="https://www.flickr.com/photos/68521934@N05/6268431207",
        author_id="flickr:68521934@N05", published_at="2011-10-21T16:40:12+00:00",
        title="World cafe tables",
        text="Tables at the world cafe session, Lambeth Co-op Day.\n\nSam's notes from the day: "
             "samnotes.example.net/2011/10/21/coop-housing/\n#lambethcoop",
        html='Tables at the world cafe session, Lambeth Co-op Day.<br>\n<br>\nSam\'s notes from '
             'the day: <a href="http://samnotes.example.net/2011/10/21/coop-housing/" '
             'rel="noopener noreferrer">samnotes.example.net/2011/10/21/coop-housing/</a><br>\n'
             "<b>#lambethcoop</b>",
        raw=item.raw,
    )
    assert "<script" not in item.html and "alert" not in item.text
    assert json.loads(item.raw)["place_id"] == "gSf1wrBWU7y7ZtNMrQ"  # geo stays in raw
    assert Author("flickr:68521934@N05", "flickr", "lambeth_events", "lambeth_events",
                  "https://www.flickr.com/photos/68521934@N05/",
                  "https://farm7.staticflickr.com/6045/buddyicons/68521934@N05.jpg"
                  ) in batch.authors
    assert Media(
        id="flickr:6268431207", item_id="flickr:6268431207",
        url="https://live.staticflickr.com/6045/6268431207_5be0c8f316_o.jpg", mime="image/jpeg",
        width=4000, height=3000, taken_at="2011-10-21T10:14:33",
        license="Attribution License (https://creativecommons.org/licenses/by/2.0/)",
    ) in batch.media
    assert [t for t in batch.tags if t.item_id == item.id] == [
        Tag(item.id, "lambethcoop"), Tag(item.id, "coproduction"), Tag(item.id, "worldcafe"),
        Tag(item.id, "lambeth")]
    assert Link(item.id, "http://samnotes.example.net/2011/10/21/coop-housing/") in batch.links


def test_photo_without_original_takes_the_large_size_and_default_avatar():
    batch = parsed("search-page-2.json")
    item = next(i for i in batch.items if i.native_id == "6268955872")
    assert (item.title, item.text, item.html) == (
        "Tea & toast at the welcome desk", "Morning welcome, before the first session.", None)
    assert batch.media[0] == Media(
        id="flickr:6268955872", item_id="flickr:6268955872",
        url="https://live.staticflickr.com/6103/6268955872_2d6e8b40fa_b.jpg", mime="image/jpeg",
        width=1024, height=683, taken_at="2011-10-21T08:47:10", license="All Rights Reserved")
    assert batch.authors[0].avatar_url == "https://www.flickr.com/images/buddyicon.gif"
    escaped = Batch()  # some API answers carry titles HTML-escaped
    flickr.parse_photo({**load("search-page-2.json")["photos"]["photo"][0],
                        "title": "Tea &amp; toast at the welcome desk"}, escaped)
    assert escaped.items[0].title == "Tea & toast at the welcome desk"
    assert [t.tag for t in batch.tags if t.item_id == item.id] == ["lambethcoop", "tea"]


def test_big_ids_stay_text_png_originals_and_bare_links():
    batch = parsed("search-page-1.json")
    big = batch.items[0]
    assert big.id == "flickr:9007199254740993" and int(big.native_id) > 2**53
    assert big.text == "Thanks to everyone who came & wrote on the board.\nSee you next year!"
    assert batch.media[0].url.endswith("/9007199254740993_b3c1f09a2e.jpg")
    assert (batch.media[0].width, batch.media[0].height) == (500, 375)
    assert batch.media[0].license == (
        "Attribution-NonCommercial License (https://creativecommons.org/licenses/by-nc/2.0/)")
    flipchart = batch.media[1]
    assert (flipchart.url, flipchart.mime, flipchart.width, flipchart.height) == (
        "https://live.staticflickr.com/6108/6270512394_a81b7e3d5c_o.png", "image/png", 1600, 1200)
    assert batch.items[1].text is None and batch.items[1].html is None  # empty description
    assert batch.links == [Link("flickr:6269874410",
                                "http://samnotes.example.net/2011/10/21/closing-circle/")]


def test_times_upload_is_utc_taken_is_local_and_as_precise_as_flickr_says():
    assert flickr.upload_time("1319215212") == "2011-10-21T16:40:12+00:00"
    assert flickr.upload_time(None) is None
    photo = {"datetaken": "2011-10-21 10:14:33", "datetakengranularity": 0,
             "datetakenunknown": "0"}
    assert flickr.taken_time(photo) == "2011-10-21T10:14:33"
    assert flickr.taken_time({**photo, "datetakengranularity": "4"}) == "2011-10"
    assert flickr.taken_time({**photo, "datetakengranularity": 8}) == "2011"
    assert flickr.taken_time({**photo, "datetakenunknown": "1"}) is None


def test_licence_names_come_from_the_api_with_the_embedded_table_as_fallback():
    assert flickr.license_label("4") == (
        "Attribution License (https://creativecommons.org/licenses/by/2.0/)")
    assert flickr.license_label("0") == "All Rights Reserved"
    assert flickr.license_label(None) is None
    assert flickr.license_label("17") == "Flickr licence 17"
    live = {"17": ("Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/")}
    assert flickr.license_label(17, live) == (
        "Attribution 4.0 International (https://creativecommons.org/licenses/by/4.0/)")
    assert flickr.parse_licenses(load("licenses.json"))["8"] == (
        "United States Government Work", "http://www.usa.gov/copyright.shtml")


def test_a_photo_of_an_unexpected_shape_is_a_problem_not_a_crash():
    page = load("search-page-2.json")
    del page["photos"]["photo"][0]["owner"]
    batch = Batch()
    flickr.parse_search(page, batch)
    assert [i.id for i in batch.items] == ["flickr:6268431207"]
    assert batch.problems == [Problem("flickr:photo:6268955872",
                                      "unexpected shape (KeyError: 'owner')")]
    assert batch.media[0].license == (  # no live table: the embedded one
        "Attribution License (https://creativecommons.org/licenses/by/2.0/)")


# -- planning -----------------------------------------------------------------------------------

EVENT = {"slug": "lambethcoop-2011", "name": "Lambeth Co-op Day",
         "starts_at": "2011-10-21T09:00:00+01:00", "ends_at": "2011-10-21T17:00:00+01:00",
         "hashtags": ["LambethCoop"]}


def make_config(tmp_path, base_url=None, **event):
    settings = {"per_page": 2}
    if base_url:
        settings["base_url"] = base_url
    return config.parse({"events": [{**EVENT, **event}], "sources": {"flickr": settings}},
                        tmp_path / "eventarchive.toml")


def test_plan_one_query_for_the_tags_one_per_keyword_and_account(tmp_path):
    cfg = make_config(tmp_path, keywords=["co-production", "world cafe"],
                      accounts={"flickr": ["cafe_host_jo"]})
    queries = plan(flickr, cfg.events[0], cfg.sources["flickr"], ENV)
    assert [q.key for q in queries] == ["tags:lambethcoop", "text:co-production",
                                        "text:world cafe", "user:cafe_host_jo"]
    assert queries[0].params["search"] == {"tags": "lambethcoop", "tag_mode": "any"}
    # 08:00–16:00 UTC, widened by 14 hours: datetaken is local time in an unknown zone.
    assert queries[0].params["window"] == {"min_taken_date": "2011-10-20 18:00:00",
                                           "max_taken_date": "2011-10-22 06:00:00"}
    assert queries[0].params["base"] == "https://api.flickr.com"
    assert all(KEY not in repr(q) for q in queries)


@pytest.mark.parametrize("settings, env, message", [
    ({}, {}, "flickr: EVENTARCHIVE_FLICKR_KEY is not set; get an API key at"),
    ({"per_page": 1000}, ENV,
     "sources.flickr.per_page: 1000 is out of range; expected from 1 to 500"),
    ({"base_uri": "x"}, ENV, "sources.flickr.base_uri: unknown key; expected one of base_url"),
    ({"base_url": "ftp://api.flickr.com"}, ENV,
     "sources.flickr.base_url: expected an http(s) address"),
])
def test_plan_says_what_to_set(tmp_path, settings, env, message):
    event = make_config(tmp_path).events[0]
    with pytest.raises(ConfigError) as info:
        plan(flickr, event, settings, env)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


# -- fetching through the runner from a fake Flickr -------------------------------------------


def reply(payload, status=200):
    return Response(json.dumps(payload), status=status, content_type="application/json")


class FakeFlickr:
    """The REST endpoint: search filtered, sorted and paged as Flickr does; knobs for failures."""

    def __init__(self, photos):
        self.photos = list(photos)
        self.users = {"cafe_host_jo": "54019363@N07"}
        self.requests: list[dict] = []
        self.throttle = 0  # answer this many searches with 429 first
        self.broken_pages: set[int] = set()  # always 503 for these pages
        self.repeat = False  # every page is page 1 (what Flickr does past 4,000 results)
        self.key_refused = False

    def searches(self):
        return [r for r in self.requests if r["method"] == "flickr.photos.search"]

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        assert args["format"] == "json" and args["nojsoncallback"] == "1"
        if args.get("api_key") != KEY or self.key_refused:
            return reply(load("fail-invalid-key.json"))
        method = args["method"]
        if method == "flickr.photos.licenses.getInfo":
            return reply(load("licenses.json"))
        if method == "flickr.people.findByUsername":
            if args["username"] not in self.users:
                return reply(load("fail-user-not-found.json"))
            nsid = self.users[args["username"]]
            return reply({"user": {"id": nsid, "nsid": nsid,
                                   "username": {"_content": args["username"]}}, "stat": "ok"})
        assert method == "flickr.photos.search" and args["sort"] == "date-posted-desc"
        if self.throttle:
            self.throttle -= 1
            return Response("slow down", status=429, headers={"Retry-After": "0"})
        page, per_page = int(args["page"]), int(args["per_page"])
        if page in self.broken_pages:
            return Response("unavailable", status=503)
        found = sorted((p for p in self.photos if matches(p, args)),
                       key=lambda p: int(p["dateupload"]), reverse=True)
        pages = math.ceil(len(found) / per_page)
        start = 0 if self.repeat else (page - 1) * per_page
        if self.repeat:
            pages = 99
        return reply({"photos": {"page": page, "pages": pages, "perpage": per_page,
                                 "total": str(len(found)),
                                 "photo": found[start:start + per_page]}, "stat": "ok"})


def matches(photo, args) -> bool:
    tags = set(photo["tags"].split())
    if "tags" in args and not tags & set(args["tags"].split(",")):
        return False
    haystack = f"{photo['title']} {photo['description']['_content']} {photo['tags']}".lower()
    if "text" in args and args["text"].lower() not in haystack:
        return False
    if "user_id" in args and photo["owner"] != args["user_id"]:
        return False
    uploaded = int(photo["dateupload"])
    if "min_upload_date" in args and uploaded < int(args["min_upload_date"]):
        return False
    if "max_upload_date" in args and uploaded > int(args["max_upload_date"]):
        return False
    return (args.get("min_taken_date", "") <= photo["datetaken"]
            <= args.get("max_taken_date", "9999"))


@pytest.fixture
def fake(httpserver, monkeypatch):
    server = FakeFlickr(all_photos())
    httpserver.expect_request("/services/rest/").respond_with_handler(server)
    server.base_url = f"http://127.0.0.1:{httpserver.port}"
    return server


def factory(source, options):
    return Http(HttpSettings(backoff=0), sleep=lambda s: None, **options)


def run(store, cfg, env=ENV):
    [result] = fetch(store, cfg, cfg.events, [flickr.NAME], env, http_factory=factory)
    return result


def rows(store):
    """Everything a user would see, without the fetch time."""
    tables = {"items": "id", "authors": "id", "media": "id", "hashtags": "item_id, tag",
              "links": "item_id, url", "event_items": "item_id"}
    out = {}
    for table, order in tables.items():
        data = [dict(r) for r in store.db.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for row in data:
            row.pop("fetched_at", None)
        out[table] = data
    return out


def test_pages_through_every_result_with_the_event_window(tmp_path, fake):
    cfg = make_config(tmp_path, fake.base_url)
    store = Store.open(tmp_path / "archive.db")
    result = run(store, cfg)
    assert (result.status, result.pages, result.new_items) == ("ok", 3, 5)
    searches = fake.searches()
    assert [s["page"] for s in searches] == ["1", "2", "3"]
    first = searches[0]
    assert {k: first[k] for k in ("tags", "tag_mode", "min_taken_date", "max_taken_date",
                                  "per_page", "extras")} == {
        "tags": "lambethcoop", "tag_mode": "any", "min_taken_date": "2011-10-20 18:00:00",
        "max_taken_date": "2011-10-22 06:00:00", "per_page": "2", "extras": flickr.EXTRAS}
    assert "min_upload_date" not in first
    assert len({s["max_upload_date"] for s in searches}) == 1  # fixed for the whole sweep
    licence_calls = [r for r in fake.requests if r["method"] == "flickr.photos.licenses.getInfo"]
    assert len(licence_calls) == 1
    assert store.db.execute(
        "SELECT license FROM media WHERE id = 'flickr:6268955872'").fetchone()[0] == (
        "All Rights Reserved")
    item = store.db.execute("SELECT kind, platform, published_at FROM items "
                            "WHERE id = 'flickr:9007199254740993'").fetchone()
    assert item == ("photo", "flickr", "2011-10-24T11:02:00+00:00")
    assert store.count("hashtags") == 13 and store.count("authors") == 3
    state = store.state("flickr", "lambethcoop-2011:tags:lambethcoop")
    assert {k: state[k] for k in ("since", "top", "until", "page")} == {
        "since": 1319454120, "top": None, "until": None, "page": None}


def test_the_licence_list_and_account_ids_are_asked_once_across_runs(tmp_path, fake):
    cfg = make_config(tmp_path, fake.base_url, keywords=["co-production"],
                      accounts={"flickr": ["cafe_host_jo"]})
    store = Store.open(tmp_path / "archive.db")

    def asked(method):
        return sum(r["method"] == method for r in fake.requests)

    assert run(store, cfg).status == "ok"
    assert run(store, cfg).status == "ok"
    assert asked("flickr.photos.licenses.getInfo") == 1  # kept in the state for 30 days
    assert asked("flickr.people.findByUsername") == 1
    assert len({s["user_id"] for s in fake.searches() if "user_id" in s}) == 1
    # A month later both are asked again (the licence list once for all the queries).
    with store.conn:
        store.conn.execute("update source_state set state = json_set(state, "
                           "'$.licenses_at', 0, '$.user_id_at', 0) where source = 'flickr'")
    assert run(store, cfg).status == "ok"
    assert asked("flickr.photos.licenses.getInfo") == 2
    assert asked("flickr.people.findByUsername") == 2


def test_a_429_is_waited_out(tmp_path, fake):
    fake.throttle = 2
    store = Store.open(tmp_path / "archive.db")
    result = run(store, make_config(tmp_path, fake.base_url))
    assert (result.status, result.new_items) == ("ok", 5)
    assert len(fake.searches()) == 5  # two 429s, then three pages


def test_a_5xx_storm_fails_the_source_in_one_line_and_keeps_what_was_saved(tmp_path, fake):
    fake.broken_pages = {2}
    store = Store.open(tmp_path / "archive.db")
    result = run(store, make_config(tmp_path, fake.base_url))
    assert result.status == "failed"
    assert result.message == ("flickr: tags:lambethcoop: 127.0.0.1: HTTP 503 after 6 tries (the "
                              "service is struggling); progress saved, try again later")
    assert store.count("items") == 2  # page 1 stays
    status, errors = store.db.execute("SELECT status, errors FROM fetch_runs").fetchone()
    assert status == "failed" and errors == result.message


def test_a_refused_key_says_which_variable_to_check_and_never_shows_the_key(tmp_path, fake):
    fake.key_refused = True
    store = Store.open(tmp_path / "archive.db")
    result = run(store, make_config(tmp_path, fake.base_url))
    assert result.message == ("flickr: Flickr refused the API key (Invalid API Key (Key has "
                            "invalid format)); check EVENTARCHIVE_FLICKR_KEY (expired or revoked?)")
    assert KEY not in store.db.execute("SELECT errors FROM fetch_runs").fetchone()[0]
    assert store.count("items") == 0


def test_an_http_403_also_names_the_variable_and_hides_the_key(tmp_path, httpserver, monkeypatch):
    httpserver.expect_request("/services/rest/").respond_with_data("no", status=403)
    store = Store.open(tmp_path / "archive.db")
    cfg = make_config(tmp_path, f"http://127.0.0.1:{httpserver.port}")
    result = run(store, cfg)
    assert result.message == ("flickr: 127.0.0.1: HTTP 403, credentials refused; "
                            "check EVENTARCHIVE_FLICKR_KEY (expired or revoked?)")
    assert KEY not in result.message


def test_a_repeating_page_stops_the_sweep_with_a_problem(tmp_path, fake):
    fake.repeat = True
    store = Store.open(tmp_path / "archive.db")
    result = run(store, make_config(tmp_path, fake.base_url))
    assert len(fake.searches()) == 2
    assert result.status == "partial" and result.new_items == 2
    assert result.problems == [
        "flickr:tags:lambethcoop: Flickr sent the same photos for page 2 as for page 1 (it "
        "lists at most 4,000 photos per search); stopped paging"]


def test_a_second_run_asks_only_for_newer_uploads_and_adds_nothing(tmp_path, fake):
    store = Store.open(tmp_path / "archive.db")
    cfg = make_config(tmp_path, fake.base_url)
    run(store, cfg)
    before = rows(store)
    fake.requests.clear()
    second = run(store, cfg)
    assert second.new_items == 0 and rows(store) == before
    [search] = fake.searches()  # the newest photo only: one page
    assert search["min_upload_date"] == str(1319454120 - flickr.INDEX_LAG)

    late = copy.deepcopy(fake.photos[3])  # uploaded days later, taken on the day
    late.update(id="6301122334", dateupload="1319531400", datetaken="2011-10-21 15:10:00")
    fake.photos.append(late)
    third = run(store, cfg)
    assert third.new_items == 1
    assert store.state("flickr", "lambethcoop-2011:tags:lambethcoop")["since"] == 1319531400


def test_a_run_killed_on_page_3_resumes_there_and_ends_with_the_same_rows(tmp_path, fake):
    whole = Store.open(tmp_path / "whole.db")
    cfg = make_config(tmp_path, fake.base_url)
    run(whole, cfg)

    fake.requests.clear()
    fake.broken_pages = {3}
    killed = Store.open(tmp_path / "killed.db")
    assert run(killed, cfg).status == "failed"
    until = fake.searches()[0]["max_upload_date"]
    fake.broken_pages = set()
    fake.requests.clear()
    assert run(killed, cfg).status == "ok"
    [resumed] = fake.searches()
    assert (resumed["page"], resumed["max_upload_date"]) == ("3", until)
    assert rows(killed) == rows(whole)
    assert killed.state("flickr", "lambethcoop-2011:tags:lambethcoop") == whole.state(
        "flickr", "lambethcoop-2011:tags:lambethcoop")


def test_accounts_by_username_or_nsid_and_an_unknown_account_is_a_problem(tmp_path, fake):
    cfg = make_config(tmp_path, fake.base_url, hashtags=[],
                      accounts={"flickr": ["cafe_host_jo", "nobody_here", "68521934@N05"]})
    store = Store.open(tmp_path / "archive.db")
    result = run(store, cfg)
    lookups = [r["username"] for r in fake.requests
               if r["method"] == "flickr.people.findByUsername"]
    assert lookups == ["cafe_host_jo", "nobody_here"]  # an NSID needs no look-up
    assert [s["user_id"] for s in fake.searches()] == ["54019363@N07", "68521934@N05"]
    assert result.status == "partial" and result.new_items == 3
    assert result.problems == ["flickr:user:nobody_here: no Flickr account named "
                               "'nobody_here'; check accounts.flickr"]


def test_keywords_are_searched_as_text_one_query_each(tmp_path, fake):
    cfg = make_config(tmp_path, fake.base_url, hashtags=[],
                      keywords=["co-production", "closing circle"])
    store = Store.open(tmp_path / "archive.db")
    result = run(store, cfg)
    assert [s["text"] for s in fake.searches()] == ["co-production", "closing circle"]
    assert "tags" not in fake.searches()[0]
    items = [r[0] for r in store.db.execute("SELECT id FROM items ORDER BY id")]
    assert items == ["flickr:6269874410", "flickr:6270512394"] and result.status == "ok"


def test_a_failing_licence_call_falls_back_to_the_embedded_table(tmp_path, httpserver, fake):
    httpserver.clear_all_handlers()
    original = fake.__call__

    def no_licences(request):
        if request.args.get("method") == "flickr.photos.licenses.getInfo":
            return reply({"stat": "fail", "code": 105, "message": "Service currently unavailable"})
        return original(request)

    httpserver.expect_request("/services/rest/").respond_with_handler(no_licences)
    store = Store.open(tmp_path / "archive.db")
    assert run(store, make_config(tmp_path, fake.base_url)).status == "ok"
    assert store.db.execute(
        "SELECT license FROM media WHERE id = 'flickr:6268431207'").fetchone()[0] == (
        "Attribution License (https://creativecommons.org/licenses/by/2.0/)")
