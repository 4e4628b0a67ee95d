"""Upload checks and decoding: formats, limits, orientation and colour modes, on images drawn here."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.drawing import bottle_photo, encode
from workers.imaging import UNUSABLE_FILE, ImageRejected, inspect_upload, open_product_image

LIMIT = 40_000_000


def rejected(data: bytes, max_pixels: int = LIMIT) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        inspect_upload(data, max_pixels)
    with pytest.raises(ImageRejected) as again:
        open_product_image(data, max_pixels)
    assert caught.value.code == again.value.code  # the web and the pipeline agree
    assert caught.value.code in UNUSABLE_FILE  # so a recommendation that fails with it answers 400
    return caught.value


@pytest.mark.parametrize(
    ("format", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_it_accepts_jpeg_png_and_webp(format: str, content_type: str) -> None:
    data = encode(bottle_photo((320, 400)), format)
    info = inspect_upload(data, LIMIT)
    assert (info.content_type, info.width, info.height) == (content_type, 320, 400)
    assert open_product_image(data, LIMIT).mode == "RGB"


def test_it_takes_the_first_frame_of_a_multi_frame_jpeg() -> None:
    first, second = bottle_photo((320, 400)), Image.new("RGB", (200, 100), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    image = open_product_image(buffer.getvalue(), LIMIT)
    assert image.size == (320, 400)


def test_it_applies_the_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise when shown
    data = encode(bottle_photo((320, 400)), "JPEG", exif=exif)
    assert open_product_image(data, LIMIT).size == (400, 320)
    info = inspect_upload(data, LIMIT)  # the stored original's size is the size it is shown at
    assert (info.width, info.height) == (400, 320)


def test_it_converts_cmyk_to_rgb() -> None:
    image = open_product_image(encode(bottle_photo((200, 200)).convert("CMYK"), "JPEG"), LIMIT)
    assert image.mode == "RGB"
    pixel = image.getpixel((5, 5))
    assert isinstance(pixel, tuple) and pixel[0] > 200  # the light backdrop stays light


def test_it_keeps_transparency_of_palette_and_la_images() -> None:
    palette = Image.new("P", (100, 100), 0)
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette.paste(1, (20, 20, 80, 80))
    assert open_product_image(encode(palette, "PNG", transparency=0), LIMIT).mode == "RGBA"
    la = Image.new("LA", (100, 100), (128, 0))
    la.paste((50, 255), (10, 10, 90, 90))
    assert open_product_image(encode(la, "PNG"), LIMIT).mode == "RGBA"


def test_it_scales_16_bit_greyscale_instead_of_clipping() -> None:
    ramp = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (100, 1))
    source = Image.fromarray(ramp)
    assert source.mode.startswith("I;16")
    image = open_product_image(encode(source, "PNG"), LIMIT)
    assert image.mode == "RGB"
    values = np.asarray(image)[0, :, 0]
    assert values[0] < 5 and values[-1] > 250 and values[128] == pytest.approx(128, abs=3)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"this is a text file named photo.jpg", "not_an_image"),
        (b"<!doctype html><html><body>hi</body></html>", "not_an_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"/>', "not_an_image"),
    ],
)
def test_it_rejects_what_is_not_a_photo(data: bytes, code: str) -> None:
    assert rejected(data).code == code


def test_it_rejects_a_truncated_file() -> None:
    data = encode(bottle_photo((400, 400)), "JPEG")
    error = rejected(data[: len(data) // 2])
    assert error.code == "corrupt_image" and "truncated" in error.message


def test_it_rejects_other_formats() -> None:
    error = rejected(encode(bottle_photo((100, 100)), "GIF"))
    assert error.code == "unsupported_format" and error.message.startswith("GIF images are not supported")


def test_it_rejects_too_small_and_too_large_images() -> None:
    assert rejected(encode(Image.new("RGB", (40, 300)), "PNG")).code == "too_small"
    error = rejected(encode(Image.new("RGB", (300, 300)), "PNG"), max_pixels=80_000)
    assert error.code == "too_many_pixels" and "0.1 megapixels" in error.message


def test_it_refuses_a_decompression_bomb_before_decoding_it() -> None:
    # A tiny file that declares 20000x20000 pixels: refused from its header alone.
    bomb = encode(Image.new("1", (20000, 20000)), "PNG")
    assert len(bomb) < 100_000
    assert rejected(bomb).code == "too_many_pixels"


@pytest.mark.parametrize("format", ["PNG", "WEBP", "JPEG"])
@pytest.mark.parametrize(
    "exif",
    [
        b"\xbe\xe3\x89\x12\x0e\xba\xee\xa3" + b"\xc2" * 30,
        b"I^1\x16\x1b\xd3\tMro",
        b"MM\x00*\x00\x00\x00\x08\xff\xff" * 3,
    ],
)
def test_it_drops_malformed_exif_instead_of_failing(format: str, exif: bytes) -> None:
    # A 38-byte EXIF block that is no TIFF: before, the web's check and the worker both raised SyntaxError.
    buffer = io.BytesIO()
    bottle_photo((320, 400)).save(buffer, format, exif=exif)
    data = buffer.getvalue()
    info = inspect_upload(data, 10**8)
    assert (info.width, info.height) == (320, 400)
    photo = open_product_image(data, 10**8)
    assert photo.size == (320, 400) and photo.mode == "RGB"


def test_it_ignores_a_broken_colour_profile() -> None:
    buffer = io.BytesIO()
    bottle_photo((320, 400)).save(buffer, "PNG", icc_profile=b"\x00\x00\x01\x00" + b"acsp" * 40)
    photo = open_product_image(buffer.getvalue(), 10**8)
    assert photo.size == (320, 400) and photo.mode == "RGB"


@pytest.mark.parametrize("format", ["PNG", "WEBP", "JPEG"])
def test_the_web_check_of_16_near_limit_uploads_at_once_stays_small(format: str) -> None:
    # A flat 6320x6320 photo compresses to ~100 KB but decodes to 120-160 MB: before, 16 such uploads at
    # once took a web process to 1.4 GB (PNG) and 9 GB (WebP). Measured in a fresh process, as peak RSS.
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = f"""
import io, resource, threading
from PIL import Image
from workers.imaging import inspect_upload
buffer = io.BytesIO()
Image.new("RGB", (6320, 6320), (200, 30, 30)).save(buffer, "{format}")
data = buffer.getvalue()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
threads = [threading.Thread(target=inspect_upload, args=(data, 40_000_000)) for _ in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    grown_mb = int(
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    assert grown_mb < 100


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_it_still_rejects_truncated_pngs_and_webps_without_decoding_them(format: str) -> None:
    data = encode(bottle_photo((400, 400)), format)
    assert rejected(data[: len(data) // 2]).code in ("corrupt_image", "unreadable_image")
