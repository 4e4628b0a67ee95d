"""The diffusion engine, on a tiny random inpainting pipeline loaded by the production loader (CPU, no hub)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest

import presets
from tests.drawing import drawn_cutout, product_fidelity
from tests.tiny_models import tiny_inpainting_pipeline
from workers.render.diffusion import DiffusionEngine, working_size
from workers.render.engines import SceneJob


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> DiffusionEngine:
    folder = tiny_inpainting_pipeline(tmp_path_factory.mktemp("sd-inpaint"))
    return DiffusionEngine(str(folder), steps=2, guidance=2.0)


def job(preset_id: str, seed: int, wide: bool = False) -> SceneJob:
    scene = presets.load_catalog()[preset_id].scene
    return SceneJob(
        drawn_cutout(), scene, list(scene.palette), not wide, seed, f"red bottle{preset_id}", "blurry"
    )


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"cutout": "empty"}, "The cut-out holds no product"),
        ({"prompt": "  "}, "needs its resolved prompt"),
        ({"seed": -1}, "outside what a torch generator takes"),
    ],
)
def test_it_refuses_a_job_it_cannot_paint_before_any_gpu_work(
    engine: DiffusionEngine, change: dict[str, Any], refused: str
) -> None:
    import dataclasses

    from PIL import Image

    if change.get("cutout") == "empty":
        change = {"cutout": Image.new("RGBA", (64, 64), (0, 0, 0, 0))}
    bad = dataclasses.replace(job("white_background", 1), **change)
    with mock.patch.object(engine, "inpaint") as inpaint, pytest.raises(ValueError, match=refused):
        engine.render([job("white_background", 2), bad])
    assert not inpaint.called  # nothing of the batch reached the pipeline


def test_it_renders_at_the_models_native_pixel_budget_in_the_canvass_aspect() -> None:
    # SD 1.x at 1680x632 painted scenes that repeat and warp; it was trained at 512x512.
    assert working_size((1674, 628), 512) == (832, 312) and working_size((1200, 628), 512) == (704, 368)
    assert working_size((1674, 628), 1024) == (1672, 624)  # SDXL: about 1024x1024 worth of pixels
    for size in ((1674, 628), (1200, 628)):
        for side in (256, 512, 768, 1024):
            width, height = working_size(size, side)
            assert width % 8 == 0 and height % 8 == 0
            assert abs(width * height / side**2 - 1) < 0.05
            assert abs((width / height) / (size[0] / size[1]) - 1) < 0.05


def test_it_inpaints_around_the_product_and_keeps_its_pixels(engine: DiffusionEngine) -> None:
    reported: list[int] = []
    jobs = [job("white_background", 1), job("mid_century_modern_office", 2)]
    creatives = engine.render(jobs, reported.append)
    assert [c.image.size for c in creatives] == [(1200, 628), (1200, 628)]
    for creative in creatives:
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2
    assert reported == sorted(reported) and reported[-1] == 90  # one batched call of two steps
    # Each job has its own seeded generator: two different scenes come back, and a rerun repeats them.
    again = engine.render(jobs)
    assert np.array_equal(np.asarray(creatives[0].image), np.asarray(again[0].image))


def test_it_loads_through_the_same_code_as_production(engine: DiffusionEngine, tmp_path: Path) -> None:
    assert engine.device == "cpu" and engine.pipe.unet.config.in_channels == 9
    assert engine.native_side == 256  # the tiny UNet's sample size 32 x the VAE's 8


def test_it_renders_a_process_batch_through_the_task_code(engine: DiffusionEngine) -> None:
    import io

    from PIL import Image

    from workers.render.job import RenderJob, run_batch

    jobs = [
        RenderJob(
            "white_background", "", True, True, 7, "red bottle, in front of a white background", "blurry"
        ),
        RenderJob(
            "", "on wet black stone with dramatic light", True, False, 8, "red bottle, on wet black stone", ""
        ),
    ]
    reported: list[int] = []
    results = run_batch(jobs, drawn_cutout(), presets.load_catalog(), reported.append, engine)
    assert [Image.open(io.BytesIO(r.png)).size for r in results] == [(1200, 628), (1200, 628)]
    assert [max(Image.open(io.BytesIO(r.thumbnail_jpeg)).size) for r in results] == [600, 600]
    assert reported == sorted(reported)


def test_it_renders_every_output_format_and_keeps_the_products_pixels_in_each(
    engine: DiffusionEngine,
) -> None:
    """A tiny real pipeline: one job in three formats (square and portrait share a working size, one
    call), each its exact size with the product's own pixels; and through the task code, each format's
    file and layout."""
    import dataclasses
    import io

    from PIL import Image

    from workers.render.formats import output_format
    from workers.render.job import RenderJob, run_formats

    names = ("square", "portrait", "banner_300x250")
    shots = [dataclasses.replace(job("white_background", 3), output_format=output_format(n)) for n in names]
    creatives = engine.render(shots)
    assert [c.image.size for c in creatives] == [(1080, 1080), (1080, 1350), (300, 250)]
    for creative in creatives:
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2
    jobs = [
        RenderJob("white_background", "", False, True, 7, "red bottle, white background", "", formats=names)
    ]
    (results,) = run_formats(jobs, drawn_cutout(), presets.load_catalog(), lambda _: None, engine)
    assert [r.output_format for r in results] == list(names)
    assert [Image.open(io.BytesIO(r.png)).size for r in results] == [c.image.size for c in creatives]
    assert all(set(r.layout) == {"productBox", "textZones"} for r in results)


@pytest.fixture(scope="module")
def styled_engine(tmp_path_factory: pytest.TempPathFactory) -> DiffusionEngine:
    from tests.tiny_models import tiny_ip_adapter
    from workers.render.diffusion import IpAdapter

    folder = tiny_inpainting_pipeline(tmp_path_factory.mktemp("sd-inpaint-ip"))
    adapter = tiny_ip_adapter(tmp_path_factory.mktemp("ip-adapter"), folder)
    return DiffusionEngine(
        str(folder),
        steps=2,
        guidance=2.0,
        ip_adapter=IpAdapter(str(adapter), "models", "ip-adapter.safetensors", scale=1.0),
    )


def test_an_ip_adapter_style_image_steers_the_scene_and_spares_the_product(
    styled_engine: DiffusionEngine,
) -> None:
    from dataclasses import replace

    from PIL import Image

    base = job("white_background", 3)
    warm = replace(base, style_image=Image.new("RGB", (256, 256), (230, 120, 40)))
    cool = replace(base, style_image=Image.new("RGB", (256, 256), (40, 90, 220)))
    first, second, again = styled_engine.render([warm, cool]) + styled_engine.render([warm])
    assert not np.array_equal(np.asarray(first.image), np.asarray(second.image)), "the style image is used"
    alone = np.abs(np.asarray(first.image, dtype=int) - np.asarray(again.image, dtype=int)).max()
    assert alone <= 2, "each job its own style, whatever else is in the batch (float noise aside)"
    for creative in (first, second):
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2


def test_use_same_style_makes_the_preset_preview_the_style_image(
    styled_engine: DiffusionEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.render import job as render_job

    seen: list[object] = []
    real = styled_engine.render

    def spy(jobs, progress=lambda _: None):
        seen.extend(j.style_image for j in jobs)
        return real(jobs, progress)

    monkeypatch.setattr(styled_engine, "render", spy)
    jobs = [
        render_job.RenderJob("white_background", "", True, True, 7, "red bottle", ""),
        render_job.RenderJob("white_background", "", True, False, 7, "red bottle", ""),
        render_job.RenderJob("", "on wet black stone", True, True, 8, "red bottle, on wet black stone", ""),
    ]
    previews = Path(__file__).resolve().parent.parent / "presets" / "previews"
    render_job.run_batch(
        jobs, drawn_cutout(), presets.load_catalog(), lambda _: None, styled_engine, previews
    )
    preview, plain, custom = seen
    assert preview is not None and getattr(preview, "size", None) is not None
    assert plain is None and custom is None, "only a preset's style, and only when asked for"


def test_an_sdxl_inpainting_model_loads_through_the_same_loader_and_keeps_the_product(
    tmp_path: Path,
) -> None:
    from tests.tiny_models import tiny_sdxl_inpainting_pipeline

    sdxl = DiffusionEngine(str(tiny_sdxl_inpainting_pipeline(tmp_path)), steps=2, guidance=2.0)
    assert type(sdxl.pipe).__name__ == "StableDiffusionXLInpaintPipeline"  # SD_INPAINT_MODEL decides
    assert sdxl.native_side == 256  # its own size policy: the tiny UNet's sample size 32 x 8
    creatives = sdxl.render([job("white_background", 1), job("mid_century_modern_office", 2, wide=True)])
    assert [c.image.size for c in creatives] == [(1200, 628), (1674, 628)]
    for creative in creatives:
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2


def test_an_sdxl_inpainting_model_takes_an_ip_adapter_too(tmp_path: Path) -> None:
    from dataclasses import replace

    from PIL import Image

    from tests.tiny_models import tiny_ip_adapter, tiny_sdxl_inpainting_pipeline
    from workers.render.diffusion import IpAdapter

    folder = tiny_sdxl_inpainting_pipeline(tmp_path)
    adapter = tiny_ip_adapter(tmp_path / "ip-adapter", folder)
    sdxl = DiffusionEngine(
        str(folder),
        steps=2,
        guidance=2.0,
        ip_adapter=IpAdapter(str(adapter), "models", "ip-adapter.safetensors", scale=1.0),
    )
    base = job("white_background", 3)
    warm = replace(base, style_image=Image.new("RGB", (256, 256), (230, 120, 40)))
    cool = replace(base, style_image=Image.new("RGB", (256, 256), (40, 90, 220)))
    first, second = sdxl.render([warm, cool])
    assert first.image.size == second.image.size == (1200, 628)
    assert not np.array_equal(np.asarray(first.image), np.asarray(second.image)), "the style image is used"
    for creative in (first, second):
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2
