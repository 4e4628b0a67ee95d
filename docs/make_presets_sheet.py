"""Render docs/presets.jpg: every preset of the catalog, rendered by the studio engine with the drawn sample
product (no photos needed), its id under each tile, to look at the whole catalog at once.

Run with the project's virtualenv from the repository root: `.venv/bin/python docs/make_presets_sheet.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

import presets  # noqa: E402
from workers.render.compose import render_creative  # noqa: E402
from workers.render.sample import sample_product  # noqa: E402

COLUMNS = 4
TILE = (418, 157)
CAPTION = 20


def main() -> None:
    catalog = presets.load_catalog()
    product = sample_product()
    rows = -(-len(catalog) // COLUMNS)
    sheet = Image.new("RGB", (TILE[0] * COLUMNS, (TILE[1] + CAPTION) * rows), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=13)
    for index, preset in enumerate(catalog.values()):
        creative = render_creative(product, preset.scene, list(preset.scene.palette), False, seed=index)
        left, top = (index % COLUMNS) * TILE[0], (index // COLUMNS) * (TILE[1] + CAPTION)
        sheet.paste(creative.image.resize(TILE, Image.Resampling.LANCZOS), (left, top))
        draw.text((left + 6, top + TILE[1] + 3), preset.id, fill=(40, 40, 40), font=font)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "presets.jpg"
    sheet.save(target, "JPEG", quality=80, optimize=True, progressive=True)
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
