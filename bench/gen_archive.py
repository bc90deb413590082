"""Generate a synthetic Twitter account archive with N tweets, for import benchmarks.

`python bench/gen_archive.py N OUTDIR [--seed 1] [--zip] [--layout modern|2020]` writes
OUTDIR/data/account.js and the tweets file, or with --zip a single OUTDIR/archive.zip holding
both under data/.  Tweets are streamed one at a time, so memory stays constant even for
N=1,000,000 (~2.0 GB of text; 1.7 GB in the 2020 layout).  Output is deterministic for a given
N and seed, and both layouts hold the same tweets.  The layouts mirror real exports:

  modern (default): data/tweets.js, late 2022+
  2020: data/tweet.js, 2020-22 (what twitter-to-sqlite 0.22 reads)
    window.YTD.tweets.part0 = [                  window.YTD.tweet.part0 = [ {
      {                                            "tweet" : {
        "tweet" : {                                  "entities" : {
          "entities" : {                               "hashtags" : [ {
            "hashtags" : [                               "text" : "lambethcoop",
              {                                          "indices" : [ "0", "12" ]
                "text" : "lambethcoop",                } ], ...
                "indices" : [                        }, ...
                  "0",                             }
                  "12"                           }, { ... } ]
                ]
              }
            ], ...
          }, ...
        }
      },
      { ... }
    ]

Each `"key" : value` is on its own line, two spaces deeper per level; modern also gives each array
element its own line and indents arrays like objects, 2020 keeps arrays inline with no indent.
Empty arrays are `[ ]`; numbers (ids, counts, indices, sizes) are strings, only booleans bare.  The
text after ` = ` is valid JSON (UTF-8, non-ASCII unescaped, no trailing newline).  Ids start at
1452000000000000000 (> 2**53) and increase, dates span a year, and full_text draws Zipf-distributed
words so search terms look realistic.
"""

import argparse
import json
import os
import random
import sys
import time
import zipfile
from itertools import accumulate
from pathlib import Path

START_ID, START_TS, SPAN = 1452000000000000000, 1634821509, 365 * 86400  # 2021-10-21
CREATED_AT = (
    "%a %b %d %H:%M:%S +0000 %Y"  # "Fri Oct 21 13:05:09 +0000 2011" (Python stays in the C locale)
)
CORE = (
    "the to and a of in is for on you it that we at this with be our are have will from all your "
    "just not so but today about more now can get out come join us up new great thanks community "
    "coop lambeth food local event meeting tonight weekend volunteers market garden members vote "
    "open free support help share park brixton library council housing energy workshop climate "
    "family kids music café &amp; celebrate 🎉 ❤️ week news please"
).split()
SYL = ("ba be bi bo da de do ka ke ko la le li lo ma me mi mo na ne no ra re ri ro sa se si "
       "ta te to va ve").split()
HASHTAGS = [
    "lambethcoop",
    "lambethcoop",
    "brixton",
    "communityenergy",
    "foodbank",
    "lambeth",
    "coopweek",
    "climate",
]
SOURCES = [
    json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>')
    for u, n in [
        ("http://twitter.com/download/iphone", "Twitter for iPhone"),
        ("https://mobile.twitter.com", "Twitter Web App"),
        ("http://twitter.com/download/android", "Twitter for Android"),
        ("https://tweetdeck.twitter.com", "TweetDeck"),
    ]
]
SIZES = {
    k: {"w": f'"{w}"', "h": f'"{h}"', "resize": f'"{r}"'}
    for k, w, h, r in map(
        str.split,
        ["thumb 150 150 crop", "medium 1200 900 fit", "small 680 510 fit", "large 2048 1536 fit"],
    )
}
TCO = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
ACCOUNT = {
    "account": {
        k: json.dumps(v)
        for k, v in [
            ("email", "bench@example.org"),
            ("createdVia", "web"),
            ("username", "bench_account"),
            ("accountId", "123456789"),
            ("createdAt", "2011-10-21T13:05:09.000Z"),
            ("accountDisplayName", "Bench Account"),
        ]
    }
}


def render(v, ind, modern):
    """Render v (a dict, a list, or an already-rendered JSON scalar str) as Jackson's pretty printer
    does, as a value on a line indented `ind` levels; `modern` puts array elements on their
    own lines."""
    if type(v) is str:
        return v
    if not v:
        return "[ ]" if type(v) is list else "{ }"
    p = "\n" + "  " * ind
    q = p + "  "
    if type(v) is dict:
        return (
            "{"
            + q
            + ("," + q).join(f'"{k}" : {render(x, ind + 1, modern)}' for k, x in v.items())
            + p
            + "}"
        )
    if modern:
        return "[" + q + ("," + q).join(render(x, ind + 1, modern) for x in v) + p + "]"
    return "[ " + ", ".join(render(x, ind, modern) for x in v) + " ]"


HASHTAG = {"text": '"%s"', "indices": ['"%s"', '"%s"']}  # entity objects, %s filled per tweet
MENTION = {
    "name": "%s",
    "screen_name": '"%s"',
    "indices": ['"%s"', '"%s"'],
    "id_str": '"%s"',
    "id": '"%s"',
}
URL = {"url": '"%s"', "expanded_url": '"%s"', "display_url": '"%s"', "indices": ['"%s"', '"%s"']}
MEDIA = {
    "expanded_url": '"https://twitter.com/bench_account/status/%s/photo/1"',
    "indices": ['"%s"', '"%s"'],
    "url": '"%s"',
    "media_url": '"http://pbs.twimg.com/media/%s.jpg"',
    "id_str": '"%s"',
    "id": '"%s"',
    "media_url_https": '"https://pbs.twimg.com/media/%s.jpg"',
    "sizes": SIZES,
    "type": '"photo"',
    "display_url": '"pic.twitter.com/%s"',
}


def tweet_skeleton(reply, media):
    """One tweet element, its per-tweet values as %(name)s placeholders for rendered JSON."""
    ents = {
        "hashtags": "%(hashtags)s",
        "symbols": [],
        "user_mentions": "%(mentions)s",
        "urls": "%(urls)s",
    }
    t = {
        "edit_info": {
            "initial": {
                "editTweetIds": ['"%(tid)s"'],
                "editableUntil": '"%(until)s"',
                "editsRemaining": '"5"',
                "isEditEligible": "%(eligible)s",
            }
        },
        "retweeted": "false",
        "source": "%(source)s",
        "entities": ents,
        "display_text_range": ['"%(start)s"', '"%(end)s"'],
        "favorite_count": '"%(favs)s"',
    }
    if reply:
        t.update(
            in_reply_to_status_id_str='"%(rid)s"',
            in_reply_to_user_id='"%(uid)s"',
            in_reply_to_status_id='"%(rid)s"',
            in_reply_to_screen_name='"%(uname)s"',
            in_reply_to_user_id_str='"%(uid)s"',
        )
    t.update(id_str='"%(tid)s"', truncated="false", retweet_count='"%(rts)s"', id='"%(tid)s"')
    if media:
        ents["media"] = "%(media)s"
        t["possibly_sensitive"] = "false"
    t.update(created_at='"%(created)s"', favorited="false", full_text="%(text)s", lang='"en"')
    if media:
        t["extended_entities"] = {"media": "%(media)s"}
    return {"tweet": t}


class Layout:
    """How one layout writes a file: its names, and the skeletons rendered into % templates."""

    def __init__(
        self, name
    ):  # indent levels of a top-level element, an entities array, its objects
        self.file, self.var, top, arr, obj = {
            "modern": ("tweets.js", "tweets", 1, 4, 5),
            "2020": ("tweet.js", "tweet", 0, 3, 3),
        }[name]
        self.first, self.sep, self.last = ("[\n  ", ",\n  ", "\n]") if top else ("[ ", ", ", " ]")
        self.render = lambda v, ind=top: render(v, ind, name == "modern")
        self.arr = lambda objs: self.render(objs, arr)  # an entities array of rendered objects
        self.hashtag, self.mention, self.url, self.media = (
            self.render(x, obj) for x in (HASHTAG, MENTION, URL, MEDIA)
        )
        self.tweet = {
            (r, m): self.render(tweet_skeleton(r, m)) for r in (False, True) for m in (False, True)
        }

    def js_file(self, name, elements):
        """Yield the text of a window.YTD.<name>.part0 file holding these rendered elements."""
        yield f"window.YTD.{name}.part0 = "
        i = -1
        for i, e in enumerate(elements):
            yield (self.sep if i else self.first) + e
        yield self.last if i >= 0 else "[ ]"  # no elements gives "[ ]"


class Gen:
    def __init__(self, seed):
        self.r = r = random.Random(seed)
        extra = sorted(
            {"".join(r.choices(SYL, k=r.randint(2, 4))) for _ in range(8000)} - set(CORE)
        )
        r.shuffle(extra)  # frequency rank must not follow alphabetical order
        self.words = CORE + extra  # common words first, then invented ones down a long tail
        self.cum = list(accumulate(1 / (i + 1) ** 1.05 for i in range(len(self.words))))  # Zipf-ish
        self.users = {
            f"{w}_{i}": (
                f"{w}_{i}",
                json.dumps(f"{w.title()} {r.choice(extra).title()}"),
                str(10**8 + r.randrange(10**10)),
            )
            for i, w in enumerate(r.sample(extra, 300))
        }
        self.names = list(self.users)
        self.tco = lambda: "https://t.co/" + "".join(r.choices(TCO, k=10))

    def tweet(self, i, n, L):  # tweet i of n, rendered in layout L
        r = self.r  # ids increase ~4096 apart; created_at spreads evenly over SPAN
        tid, ts = (
            str(START_ID + i * 4096 + r.randrange(4096)),
            START_TS + SPAN * i // n + r.randrange(600),
        )
        text, tags, ments, urls, v, start, kind = "", [], [], [], {}, 0, r.random()
        if kind < 0.08:  # retweet: "RT @user: ..."
            u = self.users[r.choice(self.names)]
            text = f"RT @{u[0]}: "
            ments.append((u, 4))
        elif (
            kind < 0.30
        ):  # reply: leading @mentions (outside display_text_range), first is the parent
            for name in r.sample(self.names, 1 + int(r.random() * 2.2)):
                ments.append((self.users[name], len(text) + 1))
                text += f"@{name} "
            u, start = ments[0][0], len(text)
            v.update(rid=START_ID + r.randrange(i * 4096 + 1), uid=u[2], uname=u[0])
        body = r.choices(self.words, cum_weights=self.cum, k=r.randint(8, 36))
        for _ in range(int(r.random() * 3)):
            body.insert(r.randrange(len(body) + 1), "#" + r.choice(HASHTAGS))
        for _ in range(int(r.random() * 2.4)):
            body.insert(r.randrange(len(body) + 1), "@" + r.choice(self.names))
        for w in body:
            if len(text) + len(w) > 232:
                break  # leave room for a link and a photo: full_text stays <= 280 chars
            elif w[0] == "#":
                tags.append((w[1:], len(text)))
            elif w[0] == "@":
                ments.append((self.users[w[1:]], len(text) + 1))
            text += w + " "
        text = text[:-1]
        if r.random() < 0.55:
            link, path = self.tco(), "-".join(r.choices(self.words[len(CORE) :], k=4))
            urls.append(
                (
                    link,
                    f"https://example.org/news/{path}",
                    f"example.org/news/{path[:15]}…",
                    len(text) + 1,
                )
            )
            text += " " + link
        end, med = len(text), None
        if r.random() < 0.11:  # photo: trailing t.co link outside display_text_range
            mid, link, key = (
                str(int(tid) - 1 - r.randrange(1000)),
                self.tco(),
                "".join(r.choices(TCO, k=15)),
            )
            med = L.arr(
                [L.media % (tid, end + 1, end + 1 + len(link), link, key, mid, mid, key, link[13:])]
            )
            text += " " + link
        v.update(  # the template's values
            tid=tid,
            until=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts + 3600)),
            eligible="true" if 10 * i > 9 * n else "false",
            source=SOURCES[i % 7 % 4],
            start=start,
            end=end,
            hashtags=L.arr([L.hashtag % (t, a, a + len(t) + 1) for t, a in tags]),
            mentions=L.arr(
                [L.mention % (u[1], u[0], a - 1, a + len(u[0]), u[2], u[2]) for u, a in ments]
            ),
            urls=L.arr([L.url % (t, e, d, a, a + len(t)) for t, e, d, a in urls]),
            media=med,
            favs=0 if kind < 0.08 else int(r.paretovariate(1.3)) - 1,
            rts=int(r.paretovariate(1.6)) - 1,
            created=time.strftime(CREATED_AT, time.gmtime(ts)),
            text=json.dumps(text, ensure_ascii=False),
        )
        return L.tweet["rid" in v, med is not None] % v


def write_tweets(f, n, seed, L):
    """Stream the tweets file for n tweets in layout L to binary file f; return bytes written."""
    gen, size, buf = Gen(seed), 0, []
    for piece in L.js_file(L.var, (gen.tweet(i, n, L) for i in range(n))):
        buf.append(piece)
        if len(buf) >= 1000:  # write in ~2 MB chunks
            data = "".join(buf).encode()
            f.write(data)
            size += len(data)
            buf = []
    data = "".join(buf).encode()
    f.write(data)
    return size + len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--zip", action="store_true", help="write OUTDIR/archive.zip instead of OUTDIR/data/"
    )
    ap.add_argument(
        "--layout",
        choices=["modern", "2020"],
        default="modern",
        help="modern: data/tweets.js, late 2022 on; 2020: data/tweet.js (twitter-to-sqlite 0.22)",
    )
    a, t0 = ap.parse_args(), time.perf_counter()
    L = Layout(a.layout)
    account = "".join(L.js_file("account", [L.render(ACCOUNT)]))
    os.makedirs(os.path.join(a.outdir, "" if a.zip else "data"), exist_ok=True)
    if a.zip:  # deflate level 1: compression would otherwise dominate generation time
        path = os.path.join(a.outdir, "archive.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("data/account.js", account)
            with z.open("data/" + L.file, "w", force_zip64=True) as f:
                size = write_tweets(f, a.n, a.seed, L)
    else:
        Path(a.outdir, "data", "account.js").write_text(account, encoding="utf-8")
        path = os.path.join(a.outdir, "data", L.file)
        with open(path, "wb") as f:
            size = write_tweets(f, a.n, a.seed, L)
    print(
        f"{path}: {a.n} tweets, {L.file} {size} bytes, file {os.path.getsize(path)} bytes, "
        f"{time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
