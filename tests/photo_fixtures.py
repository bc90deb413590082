"""Real photos made with Pillow for the photo tests and the benchmark: JPEG with EXIF date,
camera and GPS, PNG, WebP, a near-duplicate (resized and recompressed), and broken ones."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def picture(width: int = 800, height: int = 600, seed: int = 0) -> Image.Image:
    """A picture with structure (so perceptual hashes mean something): gradient and shapes."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x = (seed * 97 + i * 131) % max(1, width - width // 4)
        y = (seed * 53 + i * 71) % max(1, height - height // 4)
        colour = ((seed * 40 + i * 60) % 256, (i * 90) % 256, (seed * 25 + 120) % 256)
        draw.ellipse((x, y, x + width // 4, y + height // 4), fill=colour)
    draw.rectangle((0, 0, width // (3 + seed % 4), height // 5), fill=(20, 20, 20))
    return image


def jpeg(image: Image.Image | None = None, *, taken: str | None = "2011:10:21 10:14:33",
         gps: bool = True, quality: int = 90) -> bytes:
    image = image or picture()
    exif = Image.Exif()
    exif[271] = "Examplecam"
    exif[272] = "Examplecam X100"
    if taken:
        exif.get_ifd(EXIF_IFD)[36867] = taken
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 27.0, 40.68), 3: "W",
                                      4: (0.0, 6.0, 56.16)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def near_duplicate(body: bytes) -> bytes:
    """The same picture as another platform serves it: smaller and recompressed."""
    image = Image.open(io.BytesIO(body))
    smaller = image.resize((image.width * 3 // 5, image.height * 3 // 5))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=60)
    return out.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Sorry, this page is unavailable</h1></body></html>"
