"""A neutral sample product for preset previews: a soft white ceramic bottle, drawn, with an alpha channel."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def sample_product(height: int = 520) -> Image.Image:
    width = int(height * 0.46)
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    cx = width / 2
    body_top, shoulder = int(height * 0.36), int(height * 0.22)
    draw.rounded_rectangle(
        (width * 0.06, body_top, width * 0.94, height * 0.99), radius=int(width * 0.18), fill=255
    )
    draw.polygon(
        [
            (width * 0.06, body_top + int(width * 0.18)),
            (cx - width * 0.16, shoulder),
            (cx + width * 0.16, shoulder),
            (width * 0.94, body_top + int(width * 0.18)),
        ],
        fill=255,
    )
    draw.rounded_rectangle(
        (cx - width * 0.16, height * 0.02, cx + width * 0.16, shoulder + 10), radius=8, fill=255
    )
    mask = mask.filter(ImageFilter.GaussianBlur(1.0))
    # Matte ceramic: lit from the upper left, a soft highlight stripe, a darker right edge.
    x = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    light = 0.78 + 0.2 * np.exp(-(((x + 0.35) / 0.22) ** 2)) - 0.22 * np.clip(x, 0, 1) ** 2 - 0.05 * y
    tone = np.array([0.93, 0.92, 0.9], dtype=np.float32)
    rgb = np.clip(light[..., None] * tone * 255, 0, 255).astype(np.uint8)
    rgb = np.broadcast_to(rgb, (height, width, 3))
    return Image.fromarray(np.dstack([rgb, np.asarray(mask)]), "RGBA")
