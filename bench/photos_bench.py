"""Photo benchmarks, each against the plain approach in the same run.

    .venv/bin/python bench/photos_bench.py --photos 100 --downloads 500

(a) Thumbnails of generated 12-megapixel JPEGs (4000×3000): the photo stage's thumbnail
    (JPEG ``draft`` decoding at a reduced scale) against plain ``Image.open`` + ``thumbnail``.
    The JPEGs are generated once into bench/out/photos-12mp/ and reused.
(b) Downloads: N photos spread over 10 local hosts (127.0.0.1 … 127.0.0.10, one server each,
    in a child process as a real site would be;
    --hosts to change; --photos 0 runs only this part)
    that answer after 100 ms, through the photo stage (thread pool, per-host limit) against a
    one-at-a-time loop doing the same work per photo. Also the ideal the limits allow:
    N × 100 ms / min(concurrency, hosts × per_host).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageDraw

from eventarchive import photos
from eventarchive.http import Http, HttpSettings
from eventarchive.sources import media

OUT = Path(__file__).resolve().parent / "out"
LATENCY = 0.1
HOSTS = 10


def twelve_megapixel(count: int) -> list[Path]:
    folder = OUT / "photos-12mp"
    folder.mkdir(parents=True, exist_ok=True)
    base = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    made = []
    for i in range(count):
        path = folder / f"photo-{i:04d}.jpg"
        if not path.exists():
            image = base.copy()
            draw = ImageDraw.Draw(image)
            for j in range(12):
                x, y = (i * 337 + j * 211) % 3400, (i * 173 + j * 127) % 2400
                draw.ellipse((x, y, x + 600, y + 600),
                             fill=((i * 50 + j * 30) % 256, (j * 70) % 256, (i * 20) % 256))
            image.save(path, "JPEG", quality=88)
        made.append(path)
    return made


def bench_thumbnails(paths: list[Path]) -> dict:
    """Three ways to a verified thumbnail: the stage's (one draft decode verifies and feeds the
    thumbnail), a full decode to verify then ``thumbnail`` (the naive careful way), and plain
    ``Image.open`` + ``thumbnail`` (Pillow drafts by itself, but nothing is verified)."""
    bodies = [p.read_bytes() for p in paths]

    def stage():
        for body in bodies:
            _, image = photos.decode(body)
            photos.thumb_bytes(photos.thumbnail(image))

    def full():
        for body in bodies:
            with Image.open(io.BytesIO(body)) as image:
                image.load()
                image.thumbnail((photos.THUMB_SIZE, photos.THUMB_SIZE))
                image.convert("RGB").save(io.BytesIO(), "WEBP", quality=80)

    def plain():
        for body in bodies:
            with Image.open(io.BytesIO(body)) as image:
                image.thumbnail((photos.THUMB_SIZE, photos.THUMB_SIZE))
                image.convert("RGB").save(io.BytesIO(), "WEBP", quality=80)

    times = {"stage": [], "full": [], "plain": []}
    for _ in range(2):  # alternate, so none always runs with a warmer cache
        for name, run in (("stage", stage), ("full", full), ("plain", plain)):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {k: min(v) for k, v in times.items()}


class Slow(BaseHTTPRequestHandler):
    bodies: list[bytes] = []
    latency = LATENCY

    def do_GET(self):  # noqa: N802 - the http.server API
        time.sleep(self.latency)  # the injected latency of a distant server
        body = self.bodies[int(self.path.rsplit("/", 1)[-1].split(".")[0]) % len(self.bodies)]
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve_hosts(hosts: int, conn) -> None:
    """The child process: ``hosts`` local servers; each message from the bench sets their
    latency (None: stop)."""
    Slow.bodies = []
    for i in range(50):
        out = io.BytesIO()
        Image.linear_gradient("L").resize((640, 480)).convert("RGB").rotate(i).save(out, "JPEG")
        Slow.bodies.append(out.getvalue())
    bases = []
    for i in range(1, hosts + 1):
        server = ThreadingHTTPServer((f"127.0.0.{i}", 0), Slow)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        bases.append(f"http://127.0.0.{i}:{server.server_port}")
    conn.send(bases)
    while (latency := conn.recv()) is not None:
        Slow.latency = latency
        conn.send("ok")


def serve_hosts() -> tuple:
    """The hosts, in a child process as a real site would be (their threads would otherwise
    take this process's GIL from the stage): (set latency, stop, their base URLs)."""
    mine, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve_hosts, args=(HOSTS, theirs), daemon=True)
    process.start()
    bases = mine.recv()

    def latency(seconds: float) -> None:
        mine.send(seconds)
        mine.recv()

    def stop() -> None:
        mine.send(None)
        process.join(5)
        process.kill()
    return latency, stop, bases


def bench_downloads(count: int, concurrency: int, per_host: int) -> dict:
    set_latency, stop, bases = serve_hosts()
    rows = [{"id": f"bench:{n}", "url": f"{bases[n % HOSTS]}/{n}.jpg", "path": None,
             "attempts": 0} for n in range(count)]
    now = datetime.now(UTC)
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, Http(HttpSettings(retries=0)) as http:
            start = time.perf_counter()
            for row in rows:
                media.keep_copy(http, row, Path(tmp) / "serial", 30 << 20, False, now)
            results["serial"] = time.perf_counter() - start

            start = time.perf_counter()
            done = list(media.run_limited(
                rows, lambda row: media.keep_copy(http, row, Path(tmp) / "pool", 30 << 20,
                                                  False, now),
                media.host_of, concurrency, per_host))
            results["concurrent"] = time.perf_counter() - start
            failed = [r for r in done if r.status != "stored"]
            if failed:
                sys.exit(f"{len(failed)} downloads failed: {failed[0].error}")

            # The same without latency: what verifying, hashing and thumbnailing cost alone
            # on this machine, the other floor under the photo stage's time.
            set_latency(0.0)
            start = time.perf_counter()
            list(media.run_limited(
                rows, lambda row: media.keep_copy(http, row, Path(tmp) / "cpu", 30 << 20,
                                                  False, now),
                media.host_of, concurrency, per_host))
            results["processing"] = time.perf_counter() - start
    finally:
        stop()
    results["ideal"] = count * LATENCY / min(concurrency, HOSTS * per_host)
    return results


def main() -> None:
    global HOSTS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100, help="12-megapixel JPEGs")
    parser.add_argument("--downloads", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--hosts", type=int, default=HOSTS, help="local hosts (at most 250)")
    args = parser.parse_args()
    HOSTS = args.hosts

    if args.photos:
        thumbnails(args.photos)
    downloads(args)


def thumbnails(count: int) -> None:
    paths = twelve_megapixel(count)
    t = bench_thumbnails(paths)
    print(f"(a) thumbnails of {len(paths)} 12-megapixel JPEGs (best of 2 each)")
    print("| method | total s | ms per photo |\n|---|---:|---:|")
    for name, label in (("full", "full decode (verify), then Image.thumbnail"),
                        ("plain", "Image.open + thumbnail (Pillow drafts; not verified)"),
                        ("stage", "photo stage: one draft decode, verified")):
        print(f"| {label} | {t[name]:.2f} | {1000 * t[name] / len(paths):.0f} |")
    print(f"the photo stage is {t['full'] / t['stage']:.1f}× faster than a full decode, "
          f"{t['plain'] / t['stage']:.2f}× plain Image.open + thumbnail\n")


def downloads(args) -> None:
    d = bench_downloads(args.downloads, args.concurrency, args.per_host)
    print(f"(b) {args.downloads} photos from {HOSTS} hosts answering after "
          f"{LATENCY * 1000:.0f} ms; concurrency {args.concurrency}, per host {args.per_host}")
    print("| downloader | s |\n|---|---:|")
    print(f"| one at a time | {d['serial']:.2f} |")
    print(f"| photo stage | {d['concurrent']:.2f} |")
    print(f"| ideal for these limits (latency only) | {d['ideal']:.2f} |")
    print(f"| photo stage with no latency (processing only) | {d['processing']:.2f} |")
    print(f"photo stage: {d['serial'] / d['concurrent']:.1f}× faster than one at a time; "
          f"the per-host limits' ideal is {d['ideal'] / d['concurrent']:.0%} of its time, "
          f"the larger floor (ideal or processing) "
          f"{max(d['ideal'], d['processing']) / d['concurrent']:.0%}")


if __name__ == "__main__":
    main()
