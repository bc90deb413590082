"""Makes the demo's SAMPLE photos (fictional drawings, not photographs of anyone) and their
routes: `python data/sample/replay/photos/generate.py` rewrites the .jpg files here and the
"/photos/…" routes at the end of ../routes.json. Each picture carries an EXIF date and camera;
the Flickr "World cafe" one carries GPS too (the archive does not keep it by default), and the
X photo is that picture resized and recompressed, as a cross-poster would share it."""

import io
import json
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
PHOTOS = [  # (address the sample payloads give, file, caption, colour, taken)
    ("live.staticflickr.com/65535/55083315740_19c4ffd75c_o.jpg", "tea-urn.jpg", "Tea urn",
     (170, 90, 60), "2026:10:21 09:12:40"),
    ("live.staticflickr.com/65535/55082842134_7105399e2f_o.jpg", "housing-coops.jpg",
     "Housing co-ops, Room 2", (60, 120, 160), "2026:10:21 13:41:05"),
    ("live.staticflickr.com/65535/55082213609_e4b9687911_b.jpg", "flipchart.jpg",
     "Flipchart: who decides?", (235, 235, 225), "2026:10:21 11:20:13"),
    ("live.staticflickr.com/65535/55082170274_1691d69108_b.jpg", "doors-open.jpg", "Doors open",
     (90, 150, 90), "2026:10:21 08:58:02"),
    ("live.staticflickr.com/65535/55082116789_49efddfd10_b.jpg", "world-cafe.jpg",
     "World cafe, table 3", (200, 160, 40), "2026:10:21 10:33:51"),
    ("files.toot.example.org/media_attachments/files/117/479/414/956/060/241/original/"
     "248da739341c8926.jpg", "mastodon-banner.jpg", "Banner at the door", (140, 60, 140),
     "2026:10:21 09:02:30"),
    ("cdn.bsky.app/img/feed_fullsize/plain/did:plc:2jn57flqtcnmxc3sz7ifhgf6/"
     "bafkrei3cp5h73y343zqcdkljw4vlfuhx6p7mohlp5i3nvaqb67sifgyvc4@jpeg", "bluesky-tables.jpg",
     "Tables after lunch", (60, 160, 150), "2026:10:21 13:05:44"),
]
# The 2011 Storify story quotes a tweet's photo: the same bytes as the account archive's copy
# (paths relative to the replay folder).
ARCHIVE_COPIES = [
    ("pbs.twimg.com/media/Ac7IULHCIAAuHsj.jpg",
     "../twitter-archive/data/tweets_media/127318254586114050-Ac7IULHCIAAuHsj.jpg"),
]
NEAR_DUPLICATES = [  # (address, file, copy of which file)
    ("pbs.twimg.com/media/h7PdhTdV6qkwVUa.jpg", "x-world-cafe.jpg", "world-cafe.jpg"),
]


def drawing(caption: str, colour, seed: int) -> Image.Image:
    image = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(image)
    for i in range(7):
        x, y = (seed * 131 + i * 157) % 760, (seed * 71 + i * 97) % 440
        shade = tuple((c + 50 * (i + 1)) % 256 for c in colour)
        draw.rounded_rectangle((x, y, x + 200, y + 200), radius=40, fill=shade)
    draw.rectangle((0, 560, 960, 640), fill=(30, 30, 30))
    draw.text((24, 580), f"SAMPLE: {caption}", fill=(255, 255, 255), font_size=36)
    return image


def save(image: Image.Image, taken: str, gps: bool, quality: int = 70) -> bytes:
    exif = Image.Exif()
    exif[271], exif[272] = "Examplecam", "Examplecam X100"
    exif.get_ifd(0x8769)[36867] = taken
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 29.0, 5.0), 3: "W", 4: (0.0, 7.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def main() -> None:
    routes = [r for r in json.loads((HERE.parent / "routes.json").read_text())
              if not r["path"].startswith("/photos/")]
    made = {}
    for seed, (address, name, caption, colour, taken) in enumerate(PHOTOS):
        image = drawing(caption, colour, seed)
        made[name] = image
        (HERE / name).write_bytes(save(image, taken, gps=name == "world-cafe.jpg"))
        routes.append({"path": f"/photos/{address}", "file": f"photos/{name}",
                       "headers": {"Content-Type": "image/jpeg"}})
    for address, name, original in NEAR_DUPLICATES:
        smaller = made[original].resize((640, 427))
        (HERE / name).write_bytes(save(smaller, "2026:10:21 10:33:51", gps=False, quality=55))
        routes.append({"path": f"/photos/{address}", "file": f"photos/{name}",
                       "headers": {"Content-Type": "image/jpeg"}})
    for address, copy in ARCHIVE_COPIES:
        routes.append({"path": f"/photos/{address}", "file": copy,  # relative to the replay folder
                       "headers": {"Content-Type": "image/jpeg"}})
    (HERE.parent / "routes.json").write_text(json.dumps(routes, indent=1, ensure_ascii=False)
                                            + "\n")


if __name__ == "__main__":
    main()
