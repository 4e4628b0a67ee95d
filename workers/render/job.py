"""One task's render, start to finish, without Django: scene → creative → PNG + thumbnail bytes."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PIL import Image

from presets import Preset
from workers.colour import dominant_colours
from workers.imaging import encode_png
from workers.render.compose import render_creative
from workers.render.scenes import blend_with_product, palette_for, preset_for_prompt, scene_from_prompt

THUMBNAIL_SIDE = 600


@dataclass(frozen=True)
class RenderJob:
    preset_id: str  # empty for a custom prompt
    custom_prompt: str
    disable_safe_margin: bool
    use_same_style: bool
    seed: int


@dataclass(frozen=True)
class RenderResult:
    png: bytes
    thumbnail_jpeg: bytes
    size: tuple[int, int]
    timings: dict[str, float]


def encode_thumbnail(image: Image.Image) -> bytes:
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumbnail.save(buffer, "JPEG", quality=90, progressive=True, optimize=True)
    return buffer.getvalue()


def run_render(
    job: RenderJob, cutout: Image.Image, catalog: Mapping[str, Preset], report: Callable[[int], object]
) -> RenderResult:
    """Render one creative; `report(percent)` hears progress between the steps."""
    started = time.perf_counter()
    preset = catalog.get(job.preset_id) or preset_for_prompt(job.custom_prompt, catalog)
    scene = scene_from_prompt(preset.scene, job.custom_prompt) if job.custom_prompt else preset.scene
    palette = palette_for(preset, job.custom_prompt or None)
    if job.use_same_style:
        palette = blend_with_product(palette, dominant_colours(cutout))
    report(20)
    creative = render_creative(cutout, scene, palette, job.disable_safe_margin, job.seed)
    rendered = time.perf_counter()
    report(85)
    png, thumbnail = encode_png(creative.image), encode_thumbnail(creative.image)
    timings = {"render": rendered - started, "encode": time.perf_counter() - rendered}
    return RenderResult(png, thumbnail, creative.image.size, {k: round(v, 4) for k, v in timings.items()})
