"""X/Twitter: payload ► records. Pure functions, no I/O.

Two payload shapes exist: API v1.1 tweets (account archives, twarc 1, TAGS ``entities_str``) and
API v2 tweets with their ``includes`` (twarc2 pages, flattened twarc2 lines, the live v2 API).
Both end up as the same records. Ids stay strings: tweet ids exceed 2**53.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import orjson

from ..errors import ConfigError
from ..http import FetchError
from ..records import (
    Author,
    Batch,
    Item,
    Link,
    Media,
    Mention,
    Problem,
    Repost,
    Tag,
    media_type,
)
from ..times import utc_iso
from . import Connection, Context, Cursors, Page, Query, Setting, Source, Sweep, remembered

PLATFORM = "twitter"
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def v1_time(value: str | None) -> str | None:
    """``Fri Oct 21 13:05:09 +0000 2011`` ► ``2011-10-21T13:05:09+00:00`` (fast path for UTC)."""
    if not value:
        return None
    parts = value.split()
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        return f"{parts[5]}-{_MONTHS[parts[1]]}-{int(parts[2]):02d}T{parts[3]}+00:00"
    return iso_time(value)


def v2_time(value: str | None) -> str | None:
    """``2011-10-21T13:05:09.000Z`` ► ``2011-10-21T13:05:09+00:00``."""
    if not value:
        return None
    if len(value) == 24 and value.endswith("Z") and value[19] == ".":
        return value[:19] + "+00:00"
    return iso_time(value)


def iso_time(value: str) -> str | None:
    """Any timestamp Twitter tools write, as ISO 8601 UTC; None when it cannot be read."""
    found = utc_iso(value)
    if found:
        return found
    # The API's "Fri Oct 21 14:05:09 +0100 2011", and a spreadsheet's "21/10/2011 13:05:09".
    for fmt in ("%a %b %d %H:%M:%S %z %Y", "%d/%m/%Y %H:%M:%S"):
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return utc_iso(parsed.isoformat())
    return None


def author_id(user_id: str) -> str:
    return f"{PLATFORM}:{user_id}"


def status_url(handle: str | None, tweet_id: str) -> str:
    if handle:
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def v1_author(user: Mapping) -> Author:
    handle = user.get("screen_name")
    return Author(
        id=author_id(str(user.get("id_str") or user["id"])),
        platform=PLATFORM,
        handle=handle,
        display_name=user.get("name"),
        url=f"https://twitter.com/{handle}" if handle else None,
        avatar_url=user.get("profile_image_url_https") or user.get("profile_image_url"),
    )


def _expand(text: str, urls) -> str:
    """Put each t.co link's expanded form back into the text, so it reads and searches well."""
    for url in urls or ():
        short, long = url.get("url"), url.get("expanded_url") or url.get("unwound_url")
        if short and long:
            text = text.replace(short, long)
    if "&" in text:
        text = html.unescape(text)
    return text


def parse_v1(tweet: Mapping, batch: Batch, author: Author | None = None,
             raw: str | None = None) -> str:
    """Append a v1.1 tweet's records to ``batch``; returns the item id that represents it.

    ``author`` stands in when the tweet carries no ``user`` (account archives). A retweet whose
    original is embedded is collapsed onto that original, and recorded in ``reposts``.
    """
    user = tweet.get("user")
    if user:
        author = v1_author(user)
    if author is not None:
        batch.authors.append(author)
    tweet_id = str(tweet.get("id_str") or tweet["id"])
    item_id = f"{PLATFORM}:{tweet_id}"
    published = v1_time(tweet.get("created_at"))

    original = tweet.get("retweeted_status")
    if original:
        original_id = parse_v1(original, batch)
        batch.reposts.append(Repost(item_id, original_id, author.id if author else None, published))
        return original_id

    extended = tweet.get("extended_tweet") or tweet
    entities = extended.get("entities") or {}
    media = (extended.get("extended_entities") or tweet.get("extended_entities") or {}).get(
        "media") or entities.get("media") or ()
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or ""
    # A photo's t.co link is expanded too, as API v2 does: the same tweet reads the same
    # whichever file it came from.
    text = _expand(text, [*(entities.get("urls") or ()), *media[:1]])
    handle = author.handle if author else None
    reply_to = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    batch.items.append(Item(
        id=item_id, kind="post", platform=PLATFORM, native_id=tweet_id,
        url=status_url(handle, tweet_id),
        author_id=author.id if author else None,
        published_at=published, text=text,
        in_reply_to=f"{PLATFORM}:{reply_to}" if reply_to else None,
        raw=raw if raw is not None else orjson.dumps(tweet).decode(),
    ))
    for tag in entities.get("hashtags") or ():
        batch.tags.append(Tag(item_id, tag["text"].lower()))
    for mention in entities.get("user_mentions") or ():
        mentioned = mention.get("id_str") or mention.get("id")
        batch.mentions.append(Mention(item_id, mention["screen_name"],
                                      author_id(str(mentioned)) if mentioned else None))
    for url in entities.get("urls") or ():
        if url.get("expanded_url"):
            batch.links.append(Link(item_id, url["expanded_url"]))
    for m in media:
        info = m.get("original_info") or {}
        url = m.get("media_url_https") or m.get("media_url")
        batch.media.append(Media(
            id=f"{PLATFORM}:{m.get('id_str') or m['id']}", item_id=item_id, url=url,
            mime=media_type(url) if m.get("type") == "photo" else None,
            width=info.get("width"), height=info.get("height"), taken_at=published,
            alt_text=m.get("ext_alt_text"),
        ))
    quoted = tweet.get("quoted_status")
    if quoted:
        quoted_id = parse_v1(quoted, batch)
        quoted_user = (quoted.get("user") or {}).get("screen_name")
        batch.links.append(Link(item_id, status_url(quoted_user, quoted_id.split(":", 1)[1])))
    return item_id


# -- API v2 ---------------------------------------------------------------------------------------


class V2Includes:
    """The ``includes`` of a v2 response, indexed for look-ups by id and media key."""

    def __init__(self, includes: Mapping | None = None):
        includes = includes or {}
        self.users = {u["id"]: u for u in includes.get("users") or ()}
        self.tweets = {t["id"]: t for t in includes.get("tweets") or ()}
        self.media = {m["media_key"]: m for m in includes.get("media") or ()}
        self.ids_by_username = {u["username"].lower(): u["id"] for u in self.users.values()
                                if u.get("username")}


def v2_author(user: Mapping) -> Author:
    handle = user.get("username")
    return Author(
        id=author_id(str(user["id"])), platform=PLATFORM, handle=handle,
        display_name=user.get("name"),
        url=f"https://twitter.com/{handle}" if handle else None,
        avatar_url=user.get("profile_image_url"),
    )


def parse_v2_page(page: Mapping, batch: Batch) -> None:
    """A v2 search/timeline response page (as twarc2 writes them): ``data`` plus ``includes``.
    Tweets the API reports gone (a deleted quoted or replied-to tweet) are marked deleted."""
    includes = V2Includes(page.get("includes"))
    for tweet in page.get("data") or ():
        parse_v2(tweet, batch, includes)
    for error in page.get("errors") or ():
        if deleted_tweet(error):
            batch.marks[f"{PLATFORM}:{error['resource_id']}"] = "deleted"


def deleted_tweet(error) -> bool:
    """An ``errors`` entry saying a tweet does not exist (any more): ``Not Found Error`` on a
    ``tweet`` resource."""
    return (isinstance(error, Mapping) and error.get("resource_type") == "tweet"
            and bool(error.get("resource_id"))
            and str(error.get("type", "")).endswith("/resource-not-found"))


def parse_v2(tweet: Mapping, batch: Batch, includes: V2Includes | None = None) -> str:
    """Append a v2 tweet's records; works for page tweets and for flattened (twarc2) tweets."""
    includes = includes or V2Includes()
    tweet_id = str(tweet["id"])
    item_id = f"{PLATFORM}:{tweet_id}"
    user = tweet.get("author") or includes.users.get(tweet.get("author_id"))
    author = v2_author(user) if user else (
        Author(author_id(str(tweet["author_id"])), PLATFORM) if tweet.get("author_id") else None)
    if author is not None:
        batch.authors.append(author)
    published = v2_time(tweet.get("created_at"))

    references = {ref.get("type"): ref for ref in tweet.get("referenced_tweets") or ()}
    retweeted = references.get("retweeted")
    if retweeted:
        original = _referenced(retweeted, includes)
        if original is not None:
            original_id = parse_v2(original, batch, includes)
            batch.reposts.append(
                Repost(item_id, original_id, author.id if author else None, published))
            return original_id

    entities = tweet.get("entities") or {}
    note = tweet.get("note_tweet") or {}
    text = _expand(note.get("text") or tweet.get("text") or "", entities.get("urls"))
    replied = references.get("replied_to")
    batch.items.append(Item(
        id=item_id, kind="post", platform=PLATFORM, native_id=tweet_id,
        url=status_url(author.handle if author else None, tweet_id),
        author_id=author.id if author else None, published_at=published, text=text,
        in_reply_to=f"{PLATFORM}:{replied['id']}" if replied else None,
        raw=orjson.dumps(tweet).decode(),
    ))
    for tag in entities.get("hashtags") or ():
        batch.tags.append(Tag(item_id, tag["tag"].lower()))
    for mention in entities.get("mentions") or ():
        mentioned = mention.get("id") or includes.ids_by_username.get(mention["username"].lower())
        batch.mentions.append(Mention(item_id, mention["username"],
                                      author_id(str(mentioned)) if mentioned else None))
    for url in entities.get("urls") or ():
        target = url.get("unwound_url") or url.get("expanded_url")
        if target and not url.get("media_key"):
            batch.links.append(Link(item_id, target))
    attachments = tweet.get("attachments") or {}
    media = attachments.get("media") or [
        includes.media[key] for key in attachments.get("media_keys") or () if key in includes.media]
    for m in media:
        url = m.get("url") or m.get("preview_image_url")
        # A v2 media_key is "3_<media id>": keep the id, so v1.1 and v2 copies are one row.
        batch.media.append(Media(
            id=f"{PLATFORM}:{m['media_key'].split('_', 1)[-1]}", item_id=item_id, url=url,
            mime=media_type(url) if m.get("type") == "photo" else None,
            width=m.get("width"), height=m.get("height"), taken_at=published,
            alt_text=m.get("alt_text"),
        ))
    quoted = references.get("quoted")
    if quoted:
        original = _referenced(quoted, includes)
        handle = None
        if original is not None:
            parse_v2(original, batch, includes)
            quoted_author = original.get("author") or includes.users.get(original.get("author_id"))
            handle = (quoted_author or {}).get("username")
        batch.links.append(Link(item_id, status_url(handle, str(quoted["id"]))))
    return item_id


def _referenced(ref: Mapping, includes: V2Includes) -> Mapping | None:
    """The referenced tweet itself: embedded (flattened twarc2) or in ``includes.tweets``."""
    if ref.get("text") is not None:
        return ref
    return includes.tweets.get(ref.get("id"))


# -- fetching from the X API v2 -------------------------------------------------------------------

NAME = "twitter"
TOKEN_ENV = "EVENTARCHIVE_X_BEARER_TOKEN"
DEFAULT_BASE_URL = "https://api.x.com"
RECENT_DAYS = 7  # what recent search covers; full-archive search ("all") needs a paid tier
MAX_QUERY = 512
FIELDS = {
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
                  "attachments.media_keys,entities.mentions.username,in_reply_to_user_id",
    "tweet.fields": "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,"
                    "entities,attachments,public_metrics,lang,note_tweet",
    "user.fields": "name,username,profile_image_url",
    "media.fields": "url,preview_image_url,width,height,alt_text,type",
}


def search_query(event) -> str:
    """The event as an X search: its hashtags, keywords and accounts, any of them."""
    terms = [f"#{t}" for t in event.hashtags]
    terms += [f'"{k}"' if " " in k or "-" in k else k for k in event.keywords]
    terms += [f"from:{a.lstrip('@')}" for a in event.accounts.get("twitter", [])]
    return " OR ".join(terms)


def plan(ctx: Context) -> list:
    if not ctx.env.get(TOKEN_ENV):
        raise ConfigError(f"twitter: {TOKEN_ENV} is not set; create a bearer token in the X "
                          "developer portal and export it in the environment")
    event = ctx.event
    base = ctx.settings["base_url"]
    endpoint = ctx.settings["search"]
    queries = []
    text = search_query(event)
    if text:
        if len(text) > MAX_QUERY:
            raise ConfigError(f"twitter: the search for {event.slug} is {len(text)} characters, "
                              f"over X's {MAX_QUERY}; use fewer hashtags, keywords or accounts")
        queries.append(Query(f"search:{endpoint}:{text}", {
            "url": f"{base}/2/tweets/search/{endpoint}", "query": text,
            "start_time": event.starts_at, "end_time": event.ends_at,
            "recent": endpoint == "recent",
        }))
    for account in event.accounts.get("twitter", []):
        handle = account.lstrip("@")
        queries.append(Query(f"timeline:{handle.lower()}", {
            "base": base, "username": handle,
            "start_time": event.starts_at, "end_time": event.ends_at}))
    return queries


def connect(ctx: Context) -> Connection:
    return Connection(headers={"Authorization": f"Bearer {ctx.env[TOKEN_ENV]}"})


def fetch(http, query, state: dict, now: datetime | None = None):
    """Pages of records for one query, newest first, resumable (see ``sources.Sweep``)."""
    params = query.params
    sweep = Sweep(state)
    keep: dict = {}  # the account's id, kept in the state for 30 days: not asked each run
    if "username" in params:
        user_id, keep = remembered(state, "user_id", (now or datetime.now(UTC)).timestamp(),
                                   lambda: _user_id(http, params))
        url = f"{params['base']}/2/users/{user_id}/tweets"
        request = {"max_results": 100}
        token_name = "pagination_token"
        # Only the event's window: an account's whole timeline is not the event.
        if params.get("end_time"):
            request["end_time"] = params["end_time"]
        if params.get("start_time") and not sweep.since:
            request["start_time"] = params["start_time"]
    else:
        url = params["url"]
        request = {"query": params["query"], "max_results": 100}
        token_name = "next_token"
        if params.get("end_time"):
            request["end_time"] = params["end_time"]
        start = params.get("start_time")
        if params.get("recent"):
            # Recent search refuses a start_time older than seven days.
            floor = (now or datetime.now(UTC)) - timedelta(days=RECENT_DAYS) + timedelta(
                minutes=1)
            start = max(start or "", floor.isoformat(timespec="seconds"))
            if params.get("end_time") and params["end_time"] <= start:
                raise FetchError(
                    f"twitter: recent search only covers the last {RECENT_DAYS} days and this "
                    f"event ended {params['end_time'][:10]}; set search = \"all\" under "
                    "[sources.twitter] (needs full-archive access) or import an archive")
        if start and not sweep.since:
            request["start_time"] = start
    request.update(FIELDS)
    if sweep.since:
        request["since_id"] = sweep.since
    if sweep.before:
        request["until_id"] = sweep.before
    cursors = Cursors(f"twitter:{query.key}")
    while True:
        page, _ = http.get_json(url, params=request)
        if not isinstance(page, Mapping):
            raise FetchError(f"twitter: {url} answered with something that is not an X API "
                             "page; check base_url in [sources.twitter]")
        batch = Batch()
        parse_v2_page(page, batch)
        for error in page.get("errors") or ():
            if deleted_tweet(error):
                continue  # marked deleted by parse_v2_page: not a problem of the fetch
            batch.problems.append(Problem(f"twitter:{query.key}", error.get("detail") or
                                          error.get("title") or str(error)))
        ids = [str(t["id"]) for t in page.get("data") or ()]
        token = (page.get("meta") or {}).get("next_token")
        repeated = cursors.repeated(token, batch, "next_token")
        last = not token or not ids or repeated
        yield Page(batch, {**sweep.page_state(ids, last), **keep})
        if last:
            return
        request[token_name] = token


def _user_id(http, params: Mapping) -> str:
    """An account's numeric id. X answers an unknown or suspended name with HTTP 200 and an
    ``errors`` list only."""
    username = params["username"]
    users, _ = http.get_json(f"{params['base']}/2/users/by/username/{username}")
    data = users.get("data") if isinstance(users, Mapping) else None
    if not isinstance(data, Mapping) or not data.get("id"):
        errors = users.get("errors") if isinstance(users, Mapping) else None
        detail = (errors[0].get("detail") or errors[0].get("title")) if errors and isinstance(
            errors[0], Mapping) else "no account in the answer"
        raise FetchError(f"twitter: no X account @{username} ({detail}); check "
                         "accounts.twitter in the event")
    return str(data["id"])


SOURCE = Source(
    name=NAME,
    stage="social",
    settings={
        "base_url": Setting("url", DEFAULT_BASE_URL, "the X API address"),
        "search": Setting("str", "recent", "recent (last 7 days) or all (full archive)",
                          choices=("recent", "all")),
    },
    secrets=(TOKEN_ENV,),
    plan=plan,
    fetch=fetch,
    connect=connect,
)
