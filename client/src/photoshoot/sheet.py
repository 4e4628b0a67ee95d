"""A contact sheet: every creative of a run on one JPEG, in order, each labelled with what it was asked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLUMNS, CELL_WIDTH, GAP, LABEL = 2, 600, 16, 28


def contact_sheet(creatives: Sequence[tuple[str, bytes]], path: Path, title: str = "") -> Path:
    """Lay `creatives` ((label, image bytes) each, JPEG or PNG) out in a grid and save it as JPEG."""
    if not creatives:
        raise ValueError("no creative to lay out")
    images = []
    for label, content in creatives:
        with Image.open(io.BytesIO(content)) as opened:
            rgb = opened.convert("RGB")
        height = round(rgb.height * CELL_WIDTH / rgb.width)
        images.append((label, rgb.resize((CELL_WIDTH, height), Image.Resampling.LANCZOS)))
    rows = [images[i : i + COLUMNS] for i in range(0, len(images), COLUMNS)]
    heights = [max(image.height for _, image in row) + LABEL for row in rows]
    top = 44 if title else GAP
    sheet = Image.new(
        "RGB", (GAP + COLUMNS * (CELL_WIDTH + GAP), top + sum(heights) + GAP * len(rows)), "white"
    )
    draw = ImageDraw.Draw(sheet)
    font, heading = ImageFont.load_default(size=16), ImageFont.load_default(size=22)
    if title:
        draw.text((GAP, 12), title, fill=(20, 20, 20), font=heading)
    y = top
    for row, height in zip(rows, heights, strict=True):
        for column, (label, image) in enumerate(row):
            x = GAP + column * (CELL_WIDTH + GAP)
            sheet.paste(image, (x, y))
            draw.text((x, y + image.height + 5), label[:70], fill=(60, 60, 60), font=font)
        y += height + GAP
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, "JPEG", quality=88)
    return path
