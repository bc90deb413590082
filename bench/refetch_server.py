"""A local stand-in for the platforms, generating an event of realistic size for
bench/refetch_bench.py: X search, Mastodon tag and account timelines, Bluesky search (with its
app-password session), Flickr search with its licence list, and the photos' files.

Every answer is cloned from the demo's recorded payloads (data/sample/replay/, whose origins
tests/fixtures/SOURCES.md notes), one post per template, with its own id, time and text, and is
paged and filtered as the real API does it: X by ``next_token`` and ``since_id``, Mastodon by
``max_id``/``since_id`` with Link headers, Bluesky by ``cursor`` and ``since``/``until``, Flickr
by ``page`` and ``min_upload_date``/``max_upload_date``. Links are left out of the posts, so the
web stage fetches only the bench's seed pages. Each answer waits ``latency`` seconds first.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPLAY = Path(__file__).resolve().parent.parent / "data" / "sample" / "replay"
END = datetime(2026, 10, 21, 16, 0, tzinfo=UTC)  # the event's end; posts go back from here
SPAN = timedelta(hours=8)
TAGS = ("lambethcoop", "coproduction")
UPLOAD_STEP = 600  # seconds between two Flickr uploads
ACCOUNT = "109299577651238529"  # the Mastodon account the lookup answers with


def _load(name: str):
    return json.loads((REPLAY / name).read_text(encoding="utf-8"))


def _time(i: int, n: int) -> datetime:
    """The i-th newest post of n, spread over the event's eight hours."""
    return END - timedelta(seconds=1) - SPAN * (i / max(n, 1))


def _z(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Platforms:
    """The answers, as functions of the request; ``n`` posts per query."""

    def __init__(self, n: int):
        self.n = n
        x = _load("x/search-all-page-1.json")
        self.tweet = x["data"][0]
        self.x_users = [u for u in x["includes"]["users"] if u["id"] == self.tweet["author_id"]]
        self.toot = _load("mastodon/tag-lambethcoop-1.json")[0]
        self.lookup = (REPLAY / "mastodon/account-lookup.json").read_bytes()
        self.skeet = _load("bluesky/search-lambethcoop-1.json")["posts"][0]
        self.session = (REPLAY / "bluesky/create-session.json").read_bytes()
        self.licenses = (REPLAY / "flickr/licenses.json").read_bytes()
        self.photo = _load("flickr/search-page-1.json")["photos"]["photo"][0]
        self.jpegs = sorted(p.read_bytes() for p in (REPLAY / "photos").glob("*.jpg"))

    def answer(self, method: str, target: str) -> tuple[int, dict, bytes]:
        parts = urlsplit(target)
        path = parts.path
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if path == "/x/2/tweets/search/all":
            return self.x_search(q)
        if path.startswith("/mastodon/api/v1/timelines/tag/"):
            return self.timeline(path.rsplit("/", 1)[1], q, target)
        if path == "/mastodon/api/v1/accounts/lookup":
            return 200, {}, self.lookup
        if path == f"/mastodon/api/v1/accounts/{ACCOUNT}/statuses":
            return self.timeline("account", q, target)
        if path == "/bluesky/xrpc/com.atproto.server.createSession" and method == "POST":
            return 200, {}, self.session
        if path == "/bluesky/xrpc/app.bsky.feed.searchPosts":
            return self.bluesky(q)
        if path == "/flickr/services/rest/":
            if q.get("method") == "flickr.photos.licenses.getInfo":
                return 200, {}, self.licenses
            return self.flickr(q)
        if path.startswith("/photos/"):
            number = int(path.rsplit("/", 1)[1].split("_")[0]) % len(self.jpegs)
            return 200, {"Content-Type": "image/jpeg"}, self.jpegs[number]
        return 404, {}, b'{"error": "not found"}'

    # X: newest first, since_id, next_token as an offset
    def x_search(self, q: dict) -> tuple[int, dict, bytes]:
        base = int(self.tweet["id"])
        since = int(q.get("since_id") or 0)
        ids = [base - i * 1000 for i in range(self.n) if base - i * 1000 > since]
        start, size = int(q.get("next_token") or 0), int(q.get("max_results") or 100)
        page = []
        for number, tweet_id in enumerate(ids[start:start + size], start):
            tweet = copy.deepcopy(self.tweet)
            text = (f"Post {number} from the co-op day: the world cafe tables are full and the "
                    "tea urn is on. #lambethcoop")
            tweet.update(id=str(tweet_id), conversation_id=str(tweet_id),
                         edit_history_tweet_ids=[str(tweet_id)],
                         created_at=_z(_time(number, self.n)), text=text)
            tweet["entities"] = {"hashtags": [{"start": text.index("#"), "end": len(text),
                                               "tag": "lambethcoop"}]}
            page.append(tweet)
        meta: dict = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + size < len(ids):
            meta["next_token"] = str(start + size)
        body = {"data": page, "includes": {"users": self.x_users}, "meta": meta} if page else {
            "meta": meta}
        return 200, {}, json.dumps(body).encode()

    # Mastodon: max_id / since_id, Link headers
    def timeline(self, name: str, q: dict, target: str) -> tuple[int, dict, bytes]:
        offset = {"account": 0, TAGS[0]: 1, TAGS[1]: 2}.get(name, 3)
        base = int(self.toot["id"]) - offset * 10 ** 9
        limit = int(q.get("limit") or 20)
        since, before = int(q.get("since_id") or 0), int(q.get("max_id") or 1 << 63)
        ids = [base - i * 1000 for i in range(self.n)]
        chosen = [(i, s) for i, s in enumerate(ids) if since < s < before][:limit]
        statuses = []
        for number, status_id in chosen:
            status = copy.deepcopy(self.toot)
            handle = f"person{number % 25}"
            status.update(id=str(status_id), created_at=_z(_time(number, self.n)),
                          uri=f"https://toot.example.org/users/{handle}/statuses/{status_id}",
                          url=f"https://toot.example.org/@{handle}/{status_id}",
                          content=f"<p>Toot {number}: notes from the {name} session, the "
                                  "housing co-ops panel ran over time. <a href=\"https://toot."
                                  "example.org/tags/lambethcoop\" class=\"mention hashtag\" "
                                  "rel=\"tag\">#<span>lambethcoop</span></a></p>")
            status["account"] = {**status["account"], "id": str(1000 + number % 25),
                                 "username": handle, "acct": handle, "note": "",
                                 "url": f"https://toot.example.org/@{handle}", "fields": []}
            statuses.append(status)
        headers = {}
        here = target.split("?")[0]
        here = f"https://toot.example.org{here}?limit={limit}"
        links = []
        if chosen and chosen[-1][0] < self.n - 1 and len(chosen) == limit:
            links.append(f'<{here}&max_id={chosen[-1][1]}>; rel="next"')
        if chosen:
            links.append(f'<{here}&min_id={chosen[0][1]}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        return 200, headers, json.dumps(statuses).encode()

    # Bluesky: since / until (times), cursor as an offset
    def bluesky(self, q: dict) -> tuple[int, dict, bytes]:
        since, until = q.get("since", ""), q.get("until", "9999")
        term = q.get("q", "").lstrip("#")
        matching = [i for i in range(self.n)
                    if since <= _z(_time(i, self.n)).replace(".000", "") < until]
        start, size = int(q.get("cursor") or 0), int(q.get("limit") or 25)
        posts = []
        for number in matching[start:start + size]:
            post = copy.deepcopy(self.skeet)
            did = post["author"]["did"]
            when = _z(_time(number, self.n))
            post.update(uri=f"at://{did}/app.bsky.feed.post/3m{term[:4]}{number:08d}",
                        cid=f"bafyrei{term[:4]}{number:08d}", indexedAt=when)
            text = f"Skeet {number}: the co-op day's tables are full. #{term}"
            start_tag = text.index("#")
            post["record"] = {**post["record"], "createdAt": when, "text": text, "facets": [
                {"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": term}],
                 "index": {"byteStart": start_tag, "byteEnd": len(text.encode())}}]}
            posts.append(post)
        body: dict = {"posts": posts, "hitsTotal": len(matching)}
        if start + size < len(matching):
            body["cursor"] = str(start + size)
        return 200, {}, json.dumps(body).encode()

    # Flickr: min/max_upload_date, page and per_page
    def flickr(self, q: dict) -> tuple[int, dict, bytes]:
        top = int(self.photo["dateupload"])
        low, high = int(q.get("min_upload_date") or 0), int(q.get("max_upload_date") or 1 << 40)
        # Uploaded every ten minutes going back from the newest (the search re-reads the
        # hour before the newest upload it saw, for Flickr's index lag).
        found = [i for i in range(self.n) if low <= top - i * UPLOAD_STEP <= high]
        per_page, page = int(q.get("per_page") or 100), int(q.get("page") or 1)
        photos = []
        for number in found[(page - 1) * per_page:page * per_page]:
            photo = copy.deepcopy(self.photo)
            photo_id = str(int(self.photo["id"]) - number)
            photo.update(id=photo_id, dateupload=str(top - number * UPLOAD_STEP),
                         title=f"Co-op day, photo {number}",
                         description={"_content": f"The co-op day, photo {number}."})
            for size in ("o", "l", "c", "m"):
                if photo.get(f"url_{size}"):
                    photo[f"url_{size}"] = (f"https://live.staticflickr.com/65535/{photo_id}_"
                                            f"{photo['secret']}_{size}.jpg")
            photos.append(photo)
        pages = max(1, -(-len(found) // per_page))
        body = {"photos": {"page": page, "pages": pages, "perpage": per_page,
                           "total": len(found), "photo": photos}, "stat": "ok"}
        return 200, {}, json.dumps(body).encode()


def serve(platforms: Platforms, meter, latency: float) -> ThreadingHTTPServer:
    """The platforms on a free port of 127.0.0.1; ``meter.add(bytes)`` counts each answer."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            time.sleep(latency)
            status, headers, body = platforms.answer(self.command, self.path)
            head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}",
                    f"Content-Type: {headers.pop('Content-Type', 'application/json')}",
                    *(f"{k}: {v}" for k, v in headers.items())]
            data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
            meter.add(len(data))  # before the client has it: counted in the run that asked
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
