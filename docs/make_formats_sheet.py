"""Render docs/formats.jpg: one sample photo (../shared/photos/teapot_00.jpg) cut out and shot in every named
output format for three presets, each image outlined with its layout (product box red, text zones green,
landscape_safe's crop windows orange), at one height per row (the leaderboard at a tile's width).

Run with the project's virtualenv from the repository root: `.venv/bin/python docs/make_formats_sheet.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

import presets  # noqa: E402
from workers import models  # noqa: E402
from workers.colour import dominant_colours  # noqa: E402
from workers.cutout import cut_out  # noqa: E402
from workers.imaging import open_product_image  # noqa: E402
from workers.provision import provision_u2netp  # noqa: E402
from workers.render.compose import render_format  # noqa: E402
from workers.render.formats import NAMED, output_format  # noqa: E402
from workers.render.layout_meta import layout_of  # noqa: E402
from workers.render.scenes import blend_with_product  # noqa: E402

PHOTO = ROOT.parent / "shared" / "photos" / "teapot_00.jpg"
PRESETS = ["white_marble_countertop", "scandinavian_living_room", "gold_luxury"]
# Tiles are scaled to the row's height, or to MAX_TILE_WIDTH where wider (the leaderboard).
ROW_HEIGHT, MAX_TILE_WIDTH, GAP = 300, 820, 8
OUTLINES = {"productBox": (230, 30, 30), "textZones": (40, 190, 60), "cropWindows": (255, 170, 0)}


def outlined(image: Image.Image, layout: dict[str, Any]) -> Image.Image:
    """The image with its layout's rectangles drawn on, scaled to the row's height (or its widest tile's width)."""
    drawn = image.convert("RGB")
    draw, width = ImageDraw.Draw(drawn), max(2, image.height // 150)
    for key, colour in OUTLINES.items():
        boxes = layout.get(key, [])
        for box in boxes if isinstance(boxes, list) else [boxes]:
            corner = (box["x"] + box["width"] - 1, box["y"] + box["height"] - 1)
            draw.rectangle(((box["x"], box["y"]), corner), outline=colour, width=width)
    scale = min(ROW_HEIGHT / image.height, MAX_TILE_WIDTH / image.width)
    size = (round(image.width * scale), round(image.height * scale))
    return drawn.resize(size, Image.Resampling.LANCZOS)


def row(cutout: Image.Image, preset_id: str, seed: int) -> Image.Image:
    scene = presets.load_catalog()[preset_id].scene
    palette = blend_with_product(list(scene.palette), dominant_colours(cutout))
    tiles = []
    for name in NAMED:
        fmt = output_format(name)
        creative = render_format(cutout, scene, palette, fmt, seed)
        tiles.append(outlined(creative.image, layout_of(creative, fmt)))
    strip = Image.new("RGB", (sum(t.width + GAP for t in tiles), ROW_HEIGHT), (40, 40, 40))
    left = 0
    for tile in tiles:
        strip.paste(tile, (left, 0))
        left += tile.width + GAP
    return strip


def main() -> None:
    if not PHOTO.is_file():
        sys.exit(f"No {PHOTO}: the sample photos live beside the project.")
    provision_u2netp(ROOT / "models")
    session = models.rembg_session("u2netp", str(ROOT / "models"))
    cutout = cut_out(open_product_image(PHOTO.read_bytes(), 40_000_000), session).image
    rows = [row(cutout, preset_id, seed) for seed, preset_id in enumerate(PRESETS)]
    sheet = Image.new("RGB", (max(r.width for r in rows), len(rows) * (ROW_HEIGHT + GAP)), (40, 40, 40))
    for index, strip in enumerate(rows):
        sheet.paste(strip, (0, index * (ROW_HEIGHT + GAP)))
    target = ROOT / "docs" / "formats.jpg"
    sheet.save(target, "JPEG", quality=82, optimize=True, progressive=True)
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
