"""Product photos the tests draw themselves (a user's clone has no ../shared/photos)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from scipy import ndimage


def bottle_photo(
    size: tuple[int, int] = (640, 800), colour: tuple[int, int, int] = (200, 40, 50)
) -> Image.Image:
    """A shaded red bottle standing on a light, slightly graded studio backdrop."""
    width, height = size
    y = np.linspace(0, 1, height)[:, None, None]
    backdrop = (235 - 25 * y) * np.ones((height, width, 3))
    photo = Image.fromarray(backdrop.astype(np.uint8), "RGB")
    body = Image.new("L", size, 0)
    draw = ImageDraw.Draw(body)
    cx = width // 2
    draw.rounded_rectangle((cx - 110, int(height * 0.35), cx + 110, int(height * 0.9)), radius=40, fill=255)
    draw.polygon(
        [
            (cx - 110, int(height * 0.38)),
            (cx - 40, int(height * 0.2)),
            (cx + 40, int(height * 0.2)),
            (cx + 110, int(height * 0.38)),
        ],
        fill=255,
    )
    draw.rectangle((cx - 40, int(height * 0.1), cx + 40, int(height * 0.22)), fill=255)
    # Cylinder shading: bright on the left, dark on the right.
    x = np.linspace(-1, 1, width)[None, :, None]
    shade = np.clip(1.05 - 0.45 * (x + 0.3) ** 2, 0.4, 1.1)
    glass = np.clip(np.array(colour)[None, None, :] * shade * np.ones((height, 1, 1)), 0, 255).astype(
        np.uint8
    )
    photo.paste(Image.fromarray(glass, "RGB"), mask=body.filter(ImageFilter.GaussianBlur(1.2)))
    return photo


def encode(image: Image.Image, format: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def drawn_cutout(size: tuple[int, int] = (300, 420)) -> Image.Image:
    """A cut-out product: a shaded red body with soft edges and a transparent surround."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    inside = (np.abs(x - width / 2) < width * 0.35) & (y > height * 0.1) & (y < height * 0.95)
    alpha = ndimage.gaussian_filter(inside.astype(np.float32), 1.5)
    shade = 0.6 + 0.4 * (1 - np.abs(x - width * 0.4) / width)
    rgb = np.stack([200 * shade, 40 * shade + 10, 50 * shade], axis=-1)
    return Image.fromarray(np.dstack([rgb, alpha * 255]).astype(np.uint8), "RGBA")


def product_fidelity(creative_image: Image.Image, product: Image.Image, left: int, top: int) -> float:
    """Mean absolute difference (0-255) between the creative and the placed product, inside its eroded alpha."""
    alpha = np.asarray(product.getchannel("A")) == 255
    core = ndimage.binary_erosion(alpha, iterations=2)
    region = np.asarray(creative_image)[top : top + product.height, left : left + product.width].astype(int)
    return float(np.abs(region[core] - np.asarray(product.convert("RGB")).astype(int)[core]).mean())
