"""A batch of one product's renders, start to finish, without Django: job → scene → engine → PNG + thumbnail."""

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
from workers.render.compose import Creative
from workers.render.engines import Engine, SceneJob
from workers.render.prompt_scene import without_name
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
    product_name: str = ""  # a custom prompt may start with it: no part of the scene
    relight: bool = False  # the product takes the scene's light (AdCreative's relight)


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
    prompt = without_name(job.custom_prompt, job.product_name)  # as the web resolved it for the task
    preset = catalog.get(job.preset_id) or preset_for_prompt(prompt, catalog)
    scene = scene_from_prompt(preset.scene, prompt) if prompt else preset.scene
    palette = palette_for(preset, prompt or None)
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


def scene_jobs(
    jobs: Sequence[RenderJob], cutout: Image.Image, catalog: Mapping[str, Preset], styles: Path | None
) -> list[SceneJob]:
    """What the engine paints for each job: its scene and palette, prompts, and style reference."""
    scene_jobs = []
    for job in jobs:
        scene, palette = scene_of(job, cutout, catalog)
        style = style_reference(job, styles)
        scene_jobs.append(
            SceneJob(
                cutout,
                scene,
                palette,
                job.disable_safe_margin,
                job.seed,
                job.prompt_text,
                job.negative_prompt,
                style,
                job.relight,
            )
        )
    return scene_jobs


def encode(creative: Creative, render_seconds: float) -> RenderResult:
    started = time.perf_counter()
    png, thumbnail = encode_png(creative.image), encode_thumbnail(creative.image)
    timings = {"render": render_seconds, "encode": time.perf_counter() - started}
    return RenderResult(png, thumbnail, creative.image.size, {k: round(v, 4) for k, v in timings.items()})


def run_batch(
    jobs: Sequence[RenderJob],
    cutout: Image.Image,
    catalog: Mapping[str, Preset],
    report: Callable[[int], object],
    engine: Engine,
    preview_dir: Path | None = None,
) -> list[RenderResult]:
    """Render jobs of one product with `engine` (the studio one by one, diffusion in batched calls)."""
    started = time.perf_counter()
    styles = preview_dir if engine.capabilities.style_reference else None  # an IP-Adapter is loaded
    prepared = scene_jobs(jobs, cutout, catalog, styles)
    report(10)
    creatives = engine.render(prepared, report)
    render_seconds = (time.perf_counter() - started) / len(jobs)
    return [encode(creative, render_seconds) for creative in creatives]
