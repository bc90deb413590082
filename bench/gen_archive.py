"""Generate a synthetic Twitter account archive with N tweets, for import benchmarks.

`python bench/gen_archive.py N OUTDIR [--seed 1] [--zip]` writes OUTDIR/data/tweets.js
and OUTDIR/data/account.js, or with --zip a single OUTDIR/archive.zip holding both
under data/.  Tweets are streamed one at a time, so memory stays constant even for
N=1,000,000 (~1.7 GB of text).  Output is deterministic for a given N and seed.

The layout mirrors real exports (Jackson's default pretty printer, JS prefix):

    window.YTD.tweets.part0 = [ {
      "tweet" : {
        "entities" : {
          "hashtags" : [ {
            "text" : "lambethcoop",
            "indices" : [ "0", "12" ]
          } ], ...
        }, ...
      }
    }, { ... } ]

Objects open on the current line and put each `"key" : value` on its own line,
two spaces deeper per object level; arrays stay inline (`[ a, b ]`, empty `[ ]`)
and add no indentation, so array elements are separated by `}, {`.  Numbers
(ids, counts, indices, media sizes) are strings; only booleans are bare.  The
text after the prefix is valid JSON (UTF-8, non-ASCII unescaped, no trailing
newline).  Ids start at 1452000000000000000 (> 2**53) and increase, dates span a
year, and full_text draws Zipf-distributed words so search terms look realistic.
"""
import argparse, json, os, random, sys, time, zipfile
from itertools import accumulate
from pathlib import Path

START_ID, START_TS, SPAN = 1452000000000000000, 1634821509, 365 * 86400  # 2021-10-21
CREATED_AT = "%a %b %d %H:%M:%S +0000 %Y"  # "Fri Oct 21 13:05:09 +0000 2011" (Python stays in the C locale)
CORE = ("the to and a of in is for on you it that we at this with be our are have will from all your "
        "just not so but today about more now can get out come join us up new great thanks community "
        "coop lambeth food local event meeting tonight weekend volunteers market garden members vote "
        "open free support help share park brixton library council housing energy workshop climate "
        "family kids music café &amp; celebrate 🎉 ❤️ week news please").split()
SYL = "ba be bi bo da de do ka ke ko la le li lo ma me mi mo na ne no ra re ri ro sa se si ta te to va ve".split()
HASHTAGS = ["lambethcoop", "lambethcoop", "brixton", "communityenergy", "foodbank", "lambeth", "coopweek", "climate"]
SOURCES = [json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>') for u, n in [
    ("http://twitter.com/download/iphone", "Twitter for iPhone"), ("https://mobile.twitter.com", "Twitter Web App"),
    ("http://twitter.com/download/android", "Twitter for Android"), ("https://tweetdeck.twitter.com", "TweetDeck")]]
SIZES = {k: {"w": f'"{w}"', "h": f'"{h}"', "resize": f'"{r}"'} for k, w, h, r in map(str.split, [
    "thumb 150 150 crop", "medium 1200 900 fit", "small 680 510 fit", "large 2048 1536 fit"])}
TCO = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
ACCOUNT = {"account": {k: json.dumps(v) for k, v in [
    ("email", "bench@example.org"), ("createdVia", "web"), ("username", "bench_account"),
    ("accountId", "123456789"), ("createdAt", "2011-10-21T13:05:09.000Z"), ("accountDisplayName", "Bench Account")]}}


def modern(v, ind):
    """Render v (a dict, a list, or an already-rendered JSON scalar str) in the modern layout, as
    a value on a line indented `ind` levels.  Arrays put each element on its own line too."""
    if not v:
        return "[ ]" if type(v) is list else "{ }"
    p = "\n" + "  " * ind; q = p + "  "; ind += 1  # scalars are inlined: far fewer calls
    if type(v) is dict:
        return "{" + q + ("," + q).join([f'"{k}" : {x if type(x) is str else modern(x, ind)}'
                                         for k, x in v.items()]) + p + "}"
    return "[" + q + ("," + q).join([x if type(x) is str else modern(x, ind) for x in v]) + p + "]"


def old(v, ind):
    """Render v in the 2020 layout: objects as in modern(), arrays inline and adding no indent."""
    if not v:
        return "[ ]" if type(v) is list else "{ }"
    if type(v) is list:
        return "[ " + ", ".join([x if type(x) is str else old(x, ind) for x in v]) + " ]"
    p = "\n" + "  " * ind; q = p + "  "; ind += 1
    return "{" + q + ("," + q).join([f'"{k}" : {x if type(x) is str else old(x, ind)}'
                                     for k, x in v.items()]) + p + "}"


# layout -> (file name, JS variable, renderer, text before the first element, between two, after the last)
LAYOUTS = {"modern": ("tweets.js", "tweets", lambda v: modern(v, 1), "[\n  ", ",\n  ", "\n]"),
           "2020": ("tweet.js", "tweet", lambda v: old(v, 0), "[ ", ", ", " ]")}


def js_file(name, elements, layout):
    """Yield the text of a window.YTD.<name>.part0 file holding the rendered elements, in pieces."""
    render, first, sep, last = LAYOUTS[layout][2:]
    yield f"window.YTD.{name}.part0 = "
    i = -1
    for i, e in enumerate(elements):
        yield (sep if i else first) + render(e)
    yield last if i >= 0 else "[ ]"  # no elements gives "[ ]"


def strs(*vals):
    return [f'"{v}"' for v in vals]


class Gen:
    def __init__(self, seed):
        self.r = r = random.Random(seed)
        extra = sorted({"".join(r.choices(SYL, k=r.randint(2, 4))) for _ in range(8000)} - set(CORE))
        r.shuffle(extra)  # frequency rank must not follow alphabetical order
        self.words = CORE + extra  # common words first, then invented ones down a long tail
        self.cum = list(accumulate(1 / (i + 1) ** 1.05 for i in range(len(self.words))))  # Zipf-ish
        self.users = {f"{w}_{i}": (f"{w}_{i}", json.dumps(f"{w.title()} {r.choice(extra).title()}"),
                                   str(10**8 + r.randrange(10**10))) for i, w in enumerate(r.sample(extra, 300))}
        self.names = list(self.users)
        self.tco = lambda: "https://t.co/" + "".join(r.choices(TCO, k=10))

    def tweet(self, i, n):
        r = self.r  # ids increase ~4096 apart; created_at spreads evenly over SPAN
        tid, ts = str(START_ID + i * 4096 + r.randrange(4096)), START_TS + SPAN * i // n + r.randrange(600)
        text, tags, ments, urls, reply, start, kind = "", [], [], [], {}, 0, r.random()
        if kind < 0.08:  # retweet: "RT @user: ..."
            u = self.users[r.choice(self.names)]; text = f"RT @{u[0]}: "; ments.append((u, 4))
        elif kind < 0.30:  # reply: leading @mentions (outside display_text_range), first is the parent
            for name in r.sample(self.names, 1 + int(r.random() * 2.2)):
                ments.append((self.users[name], len(text) + 1)); text += f"@{name} "
            u, rid, start = ments[0][0], f'"{START_ID + r.randrange(i * 4096 + 1)}"', len(text)
            uid = f'"{u[2]}"'
            reply = {"in_reply_to_status_id_str": rid, "in_reply_to_user_id": uid, "in_reply_to_status_id": rid,
                     "in_reply_to_screen_name": f'"{u[0]}"', "in_reply_to_user_id_str": uid}
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
            link, path = self.tco(), "-".join(r.choices(self.words[len(CORE):], k=4))
            urls.append((link, f"https://example.org/news/{path}", f"example.org/news/{path[:15]}…", len(text) + 1))
            text += " " + link
        end, med = len(text), None
        if r.random() < 0.11:  # photo: trailing t.co link outside display_text_range
            mid, link, key = str(int(tid) - 1 - r.randrange(1000)), self.tco(), "".join(r.choices(TCO, k=15))
            med = [{"expanded_url": f'"https://twitter.com/bench_account/status/{tid}/photo/1"',
                    "indices": strs(end + 1, end + 1 + len(link)), "url": f'"{link}"',
                    "media_url": f'"http://pbs.twimg.com/media/{key}.jpg"', "id_str": f'"{mid}"', "id": f'"{mid}"',
                    "media_url_https": f'"https://pbs.twimg.com/media/{key}.jpg"', "sizes": SIZES,
                    "type": '"photo"', "display_url": f'"pic.twitter.com/{link[13:]}"'}]
            text += " " + link
        ents = {"hashtags": [{"text": f'"{t}"', "indices": strs(a, a + len(t) + 1)} for t, a in tags],
                "symbols": [],
                "user_mentions": [{"name": u[1], "screen_name": f'"{u[0]}"', "indices": strs(a - 1, a + len(u[0])),
                                   "id_str": f'"{u[2]}"', "id": f'"{u[2]}"'} for u, a in ments],
                "urls": [{"url": f'"{l}"', "expanded_url": f'"{e}"', "display_url": f'"{d}"',
                          "indices": strs(a, a + len(l))} for l, e, d, a in urls]}
        t = {"edit_info": {"initial": {
                 "editTweetIds": strs(tid),
                 "editableUntil": time.strftime('"%Y-%m-%dT%H:%M:%S.000Z"', time.gmtime(ts + 3600)),
                 "editsRemaining": '"5"', "isEditEligible": "true" if 10 * i > 9 * n else "false"}},
             "retweeted": "false", "source": SOURCES[i % 7 % 4], "entities": ents,
             "display_text_range": strs(start, end),
             "favorite_count": f'"{0 if kind < 0.08 else int(r.paretovariate(1.3)) - 1}"'}
        t.update(reply)
        t.update(id_str=f'"{tid}"', truncated="false", retweet_count=f'"{int(r.paretovariate(1.6)) - 1}"',
                 id=f'"{tid}"')
        if med:
            ents["media"] = med; t["possibly_sensitive"] = "false"
        t.update(created_at=time.strftime(f'"{CREATED_AT}"', time.gmtime(ts)), favorited="false",
                 full_text=json.dumps(text, ensure_ascii=False), lang='"en"')
        if med:
            t["extended_entities"] = {"media": med}
        return {"tweet": t}


def write_tweets(f, n, seed, layout):
    """Stream the tweets file for n tweets to binary file f; return bytes written."""
    gen, size, buf = Gen(seed), 0, []
    for piece in js_file(LAYOUTS[layout][1], (gen.tweet(i, n) for i in range(n)), layout):
        buf.append(piece)
        if len(buf) >= 1000:  # write in ~1.7 MB chunks
            data = "".join(buf).encode(); f.write(data); size += len(data); buf = []
    data = "".join(buf).encode(); f.write(data)
    return size + len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int); ap.add_argument("outdir"); ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zip", action="store_true", help="write OUTDIR/archive.zip instead of OUTDIR/data/")
    ap.add_argument("--layout", choices=LAYOUTS, default="modern",
                    help="modern: data/tweets.js as written from late 2022 (default); "
                         "2020: data/tweet.js as written 2020-2022 (what twitter-to-sqlite 0.22 reads)")
    a, t0 = ap.parse_args(), time.perf_counter()
    name, account = LAYOUTS[a.layout][0], "".join(js_file("account", [ACCOUNT], a.layout))
    os.makedirs(os.path.join(a.outdir, "" if a.zip else "data"), exist_ok=True)
    if a.zip:  # deflate level 1: compression would otherwise dominate generation time
        path = os.path.join(a.outdir, "archive.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("data/account.js", account)
            with z.open("data/" + name, "w", force_zip64=True) as f:
                size = write_tweets(f, a.n, a.seed, a.layout)
    else:
        Path(a.outdir, "data", "account.js").write_text(account, encoding="utf-8")
        path = os.path.join(a.outdir, "data", name)
        with open(path, "wb") as f:
            size = write_tweets(f, a.n, a.seed, a.layout)
    print(f"{path}: {a.n} tweets, {name} {size} bytes, file {os.path.getsize(path)} bytes, "
          f"{time.perf_counter() - t0:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
