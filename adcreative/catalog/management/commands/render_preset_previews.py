"""manage.py render_preset_previews: every preset's scene with a neutral sample product, as WebP previews."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image

import presets

PREVIEW_SIZE = (600, 314)  # the 1200x628 ad at half size


class Command(BaseCommand):
    help = (
        "Render presets/previews/<id>.webp for every preset (served at /assets/ai-product-preset/<id>.webp)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", nargs="*", help="Preset ids to render (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.PRESET_PREVIEW_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        catalog = presets.load_catalog()
        chosen = options["only"] or list(catalog)
        unknown = sorted(set(chosen) - set(catalog))
        if unknown:
            self.stderr.write(f"Unknown preset ids: {', '.join(unknown)}")
            return
        try:  # the render code (numpy, scipy) is the worker's: the web's image has none of it
            from workers.render.compose import render_creative
            from workers.render.sample import sample_product
        except ImportError as exc:
            needs = "Rendering previews needs the worker's packages (requirements/worker.txt)"
            raise CommandError(f"{needs}: {exc}") from exc
        product = sample_product()
        for preset_id in chosen:
            scene = catalog[preset_id].scene
            creative = render_creative(product, scene, list(scene.palette), True, seed=0)
            preview = creative.image.resize(PREVIEW_SIZE, Image.Resampling.LANCZOS)
            preview.save(folder / f"{preset_id}.webp", "WEBP", quality=82, method=5)
        self.stdout.write(f"Rendered {len(chosen)} previews into {folder}.")
