"""Product photos the tests draw themselves (a user's clone has no ../shared/photos)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


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
    draw.polygon([(cx - 110, int(height * 0.38)), (cx - 40, int(height * 0.2)), (cx + 40, int(height * 0.2)),
                  (cx + 110, int(height * 0.38))], fill=255)  # fmt: skip
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
