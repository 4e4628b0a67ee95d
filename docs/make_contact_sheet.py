"""Render docs/contact-sheet.jpg: each sample photo (../shared/photos) cut out and set in four presets.

Run with the project's virtualenv from the repository root: `.venv/bin/python docs/make_contact_sheet.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

import presets  # noqa: E402
from workers import models  # noqa: E402
from workers.colour import dominant_colours  # noqa: E402
from workers.cutout import cut_out  # noqa: E402
from workers.imaging import open_product_image  # noqa: E402
from workers.provision import provision_u2netp  # noqa: E402
from workers.render.compose import render_creative  # noqa: E402
from workers.render.scenes import blend_with_product  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "photos"
PRESETS = [
    "white_background", "gray_shadowy_room_sunlight_streaming_studio", "mid_century_modern_office",
    "white_marble_countertop",
]  # fmt: skip
TILE = (418, 157)


def main() -> None:
    photos = sorted(PHOTOS.glob("*.jpg"))
    if not photos:
        sys.exit(f"No photos in {PHOTOS}: the sample photos live beside the project.")
    provision_u2netp(ROOT / "models")
    session = models.rembg_session("u2netp", str(ROOT / "models"))
    catalog = presets.load_catalog()
    sheet = Image.new("RGB", (TILE[0] * len(PRESETS), TILE[1] * len(photos)), "white")
    for row, path in enumerate(photos):
        cutout = cut_out(open_product_image(path.read_bytes(), 40_000_000), session).image
        colours = dominant_colours(cutout)
        for column, preset_id in enumerate(PRESETS):
            scene = catalog[preset_id].scene
            palette = blend_with_product(list(scene.palette), colours)
            creative = render_creative(cutout, scene, palette, False, seed=row * 10 + column)
            sheet.paste(
                creative.image.resize(TILE, Image.Resampling.LANCZOS), (column * TILE[0], row * TILE[1])
            )
    target = ROOT / "docs" / "contact-sheet.jpg"
    sheet.save(target, "JPEG", quality=82, optimize=True, progressive=True)
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
