"""A batch of one product's renders, start to finish, without Django: job → scene → engine → PNG + thumbnail."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from presets import Preset, Scene
from workers.colour import dominant_colours
from workers.imaging import encode_png
from workers.render.compose import Creative
from workers.render.engines import Engine, SceneJob
from workers.render.formats import OutputFormat, default_formats, output_formats
from workers.render.layout_meta import layout_of
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
    formats: tuple[str, ...] = ()  # the output formats' names (formats.py); () as DisableSafeMargin says

    def output_formats(self) -> tuple[OutputFormat, ...]:
        """The formats it renders, in its order: the ones it names, else landscape_safe (or landscape)."""
        return output_formats(self.formats) if self.formats else default_formats(self.disable_safe_margin)


@dataclass(frozen=True)
class RenderResult:
    png: bytes
    thumbnail_jpeg: bytes
    size: tuple[int, int]
    timings: dict[str, float]
    output_format: str = ""  # its format's name (formats.py)
    layout: dict[str, Any] = field(default_factory=dict)  # where the product and text go (layout_meta.py)


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
    """What the engine paints for each job, one per output format in the job's order, jobs after one
    another: its scene and palette, prompts and style reference, the same in each of its formats (the
    seed too: one scene family, composed for each format's shape)."""
    scene_jobs: list[SceneJob] = []
    for job in jobs:
        scene, palette = scene_of(job, cutout, catalog)
        style = style_reference(job, styles)
        shoot = SceneJob(
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
        scene_jobs.extend(replace(shoot, output_format=fmt) for fmt in job.output_formats())
    return scene_jobs


def encode(creative: Creative, render_seconds: float, fmt: OutputFormat) -> RenderResult:
    started = time.perf_counter()
    png, thumbnail = encode_png(creative.image), encode_thumbnail(creative.image)
    layout = layout_of(creative, fmt)
    timings = {"render": render_seconds, "encode": time.perf_counter() - started}
    return RenderResult(
        png, thumbnail, creative.image.size, {k: round(v, 4) for k, v in timings.items()}, fmt.name, layout
    )


def run_formats(
    jobs: Sequence[RenderJob],
    cutout: Image.Image,
    catalog: Mapping[str, Preset],
    report: Callable[[int], object],
    engine: Engine,
    preview_dir: Path | None = None,
) -> list[tuple[RenderResult, ...]]:
    """Render jobs of one product with `engine` (the studio one by one, diffusion in batched calls), each
    in all its output formats: one tuple per job, its formats in the job's order. A creative's "render"
    timing is its share of the whole render."""
    started = time.perf_counter()
    styles = preview_dir if engine.capabilities.style_reference else None  # an IP-Adapter is loaded
    prepared = scene_jobs(jobs, cutout, catalog, styles)
    report(10)
    creatives = engine.render(prepared, report)
    render_seconds = (time.perf_counter() - started) / len(prepared)
    results = [encode(c, render_seconds, job.fmt) for c, job in zip(creatives, prepared, strict=True)]
    grouped: list[tuple[RenderResult, ...]] = []
    at = 0
    for job in jobs:
        count = len(job.output_formats())
        grouped.append(tuple(results[at : at + count]))
        at += count
    return grouped


def run_batch(
    jobs: Sequence[RenderJob],
    cutout: Image.Image,
    catalog: Mapping[str, Preset],
    report: Callable[[int], object],
    engine: Engine,
    preview_dir: Path | None = None,
) -> list[RenderResult]:
    """One creative per job, in its first format (landscape_safe, or landscape with DisableSafeMargin,
    where it names none): `run_formats` for callers that store one file per task."""
    firsts = [replace(job, formats=(job.output_formats()[0].name,)) for job in jobs]
    return [first for (first,) in run_formats(firsts, cutout, catalog, report, engine, preview_dir)]
