"""One task's render, start to finish, without Django: scene → creative → PNG + thumbnail bytes."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from presets import Preset, Scene
from workers.colour import dominant_colours
from workers.imaging import encode_png
from workers.render.compose import render_creative
from workers.render.diffusion import DiffusionEngine, DiffusionJob
from workers.render.scenes import blend_with_product, palette_for, preset_for_prompt, scene_from_prompt

THUMBNAIL_SIDE = 600


@dataclass(frozen=True)
class RenderJob:
    preset_id: str  # empty for a custom prompt
    custom_prompt: str
    disable_safe_margin: bool
    use_same_style: bool
    seed: int
    prompt_text: str = ""  # the resolved prompt and negative prompt (the diffusion engine reads them)
    negative_prompt: str = ""


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


def scene_of(job: RenderJob, cutout: Image.Image, catalog: Mapping[str, Preset]) -> tuple[Scene, list[str]]:
    """The scene and palette a job draws: its preset's, or the one its custom prompt describes."""
    preset = catalog.get(job.preset_id) or preset_for_prompt(job.custom_prompt, catalog)
    scene = scene_from_prompt(preset.scene, job.custom_prompt) if job.custom_prompt else preset.scene
    palette = palette_for(preset, job.custom_prompt or None)
    if job.use_same_style:
        palette = blend_with_product(palette, dominant_colours(cutout))
    return scene, palette


def style_reference(job: RenderJob, preview_dir: Path | None) -> Image.Image | None:
    """The IP-Adapter's style image: the preset's preview, when the job asks for the preset's style."""
    if preview_dir is None or not job.use_same_style or not job.preset_id:
        return None
    path = preview_dir / f"{job.preset_id}.webp"
    if not path.is_file():
        return None
    with Image.open(path) as preview:
        return preview.convert("RGB")


def run_batch(
    jobs: Sequence[RenderJob],
    cutout: Image.Image,
    catalog: Mapping[str, Preset],
    report: Callable[[int], object],
    engine: DiffusionEngine | None = None,
    preview_dir: Path | None = None,
) -> list[RenderResult]:
    """Render jobs of one product: the studio engine one by one, the diffusion engine in one batch."""
    started = time.perf_counter()
    scenes = [scene_of(job, cutout, catalog) for job in jobs]
    report(10)
    if engine is None:
        creatives = []
        for done, (job, (scene, palette)) in enumerate(zip(jobs, scenes, strict=True)):
            creatives.append(render_creative(cutout, scene, palette, job.disable_safe_margin, job.seed))
            report(10 + 80 * (done + 1) // len(jobs))
    else:
        styles = preview_dir if engine.ip_adapter is not None else None
        creatives = engine.render(
            [
                DiffusionJob(
                    cutout,
                    scene,
                    palette,
                    job.disable_safe_margin,
                    job.seed,
                    job.prompt_text,
                    job.negative_prompt,
                    style_reference(job, styles),
                )
                for job, (scene, palette) in zip(jobs, scenes, strict=True)
            ],
            report,
        )
    rendered = time.perf_counter()
    results = []
    for creative in creatives:
        encode_started = time.perf_counter()
        png, thumbnail = encode_png(creative.image), encode_thumbnail(creative.image)
        timings = {"render": (rendered - started) / len(jobs), "encode": time.perf_counter() - encode_started}
        results.append(
            RenderResult(png, thumbnail, creative.image.size, {k: round(v, 4) for k, v in timings.items()})
        )
    return results
